"""nbgrader settings of every account's server on the course hub (learners and instructor).

Written by ``hub/launch.py setup`` into ``<state>/jupyter/<role>/`` (on the
servers' ``JUPYTER_CONFIG_PATH``), with the exchange's path filled in.
"""

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

# The shared exchange; nbgrader knows a learner by their hub (= system) user name.
c.Exchange.root = "@EXCHANGE@"
c.Exchange.timezone = "UTC"
# Course membership from the hub's groups: nbgrader-<course> (learners) and
# formgrade-<course> (instructors). A learner sees only the courses of their groups,
# and fetch/submit refuse any other.
c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"
# A submission without the assignment's notebook (renamed, deleted) is refused with
# the list of what was expected, instead of being handed in without it.
c.ExchangeSubmit.strict = True
