"""JupyterHub configuration of the course's local hub (``make hub``; see hub/launch.py).

Loopback only; PAM password login of the demo system accounts
(``hub/accounts.py``); each account's server runs as that account
(``LocalProcessSpawner``), with nbgrader's Formgrader for the instructor and
Assignments for the learners; course membership from the hub groups
``formgrade-logreg`` and ``nbgrader-logreg`` (nbgrader's ``JupyterHubAuthPlugin``).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from accounts import ALL_USERS, COURSE_ID, GROUPS, INSTRUCTOR  # noqa: E402
from launch import PROXY, VENV_BIN, ports, state_dir  # noqa: E402

STATE = state_dir()
HUB_PORT, HUB_API_PORT, PROXY_API_PORT = ports()

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

c.JupyterHub.bind_url = f"http://127.0.0.1:{HUB_PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = HUB_API_PORT
c.ConfigurableHTTPProxy.command = [str(PROXY)]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PROXY_API_PORT}"
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = "sqlite:///" + str(STATE / "hub" / "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = str(STATE / "hub" / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "hub" / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# Login: the system accounts' passwords through PAM; only the demo accounts.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = set(ALL_USERS)

# Course membership: nbgrader reads the user's groups through the hub's API with
# the server's token, which therefore inherits its owner's permissions (own groups).
c.JupyterHub.load_groups = GROUPS
c.JupyterHub.load_roles = [
    {"name": "server", "scopes": ["inherit"]},
    {"name": f"instructor-{COURSE_ID}", "groups": [f"formgrade-{COURSE_ID}"],
     "scopes": ["list:users", "read:users", "read:groups", "list:groups", "groups"]},
]

# Each account's server runs as that account, from the course's environment.
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.args = ["--ServerApp.terminals_enabled=False"]


def role_config(spawner):
    """The instructor starts in the course folder; learners in their home."""
    name = spawner.user.name
    role = "instructor" if name == INSTRUCTOR else "learner"
    spawner.environment.update({
        "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
        "JUPYTER_CONFIG_PATH": str(STATE / "jupyter" / role),
        "LANG": "C.UTF-8",
    })
    spawner.notebook_dir = str(STATE / "course") if role == "instructor" else "~"


c.Spawner.pre_spawn_hook = role_config
