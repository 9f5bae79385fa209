"""The demo accounts of the course's local JupyterHub: one setting, read by every other file.

``INSTRUCTOR`` is in the hub group ``formgrade-logreg`` (Formgrader),
``LEARNERS`` in ``nbgrader-logreg`` (Assignments). ``OUTSIDER`` may log in to
the hub but is in no course group: nbgrader's JupyterHub integration refuses
them this course. ``LEARNERS_GROUP`` is also a system group of the learners:
the exchange's inbound folder denies it access to submissions (hub/launch.py,
``make_inbound``), so a learner cannot open another learner's submission.

Examples
--------
>>> COURSE_ID, INSTRUCTOR, LEARNERS, OUTSIDER
('logreg', 'instructor', ('alice', 'bob', 'carol'), 'dave')
>>> sorted(GROUPS)
['formgrade-logreg', 'nbgrader-logreg']
>>> GROUPS[LEARNERS_GROUP]["users"]
['alice', 'bob', 'carol']
"""

COURSE_ID = "logreg"
INSTRUCTOR = "instructor"
LEARNERS = ("alice", "bob", "carol")
OUTSIDER = "dave"
ALL_USERS = (INSTRUCTOR, *LEARNERS, OUTSIDER)
# The GECOS field of the system users ``make hub`` creates; ``make hub-clean``
# removes only the users that carry it.
MARK = "logreg course hub demo account"
LEARNERS_GROUP = f"nbgrader-{COURSE_ID}"
GROUPS = {
    f"formgrade-{COURSE_ID}": {"users": [INSTRUCTOR]},
    LEARNERS_GROUP: {"users": list(LEARNERS)},
}
