"""The demo accounts of the course's local JupyterHub: one setting, read by every other file.

``INSTRUCTOR`` is in the hub group ``formgrade-logreg`` (Formgrader),
``LEARNERS`` in ``nbgrader-logreg`` (Assignments). ``OUTSIDER`` may log in to
the hub but is in no course group: nbgrader's JupyterHub integration refuses
them this course.

Examples
--------
>>> COURSE_ID, INSTRUCTOR, LEARNERS, OUTSIDER
('logreg', 'instructor', ('alice', 'bob', 'carol'), 'dave')
>>> sorted(GROUPS)
['formgrade-logreg', 'nbgrader-logreg']
"""

COURSE_ID = "logreg"
INSTRUCTOR = "instructor"
LEARNERS = ("alice", "bob", "carol")
OUTSIDER = "dave"
ALL_USERS = (INSTRUCTOR, *LEARNERS, OUTSIDER)
# The GECOS field of the system users ``make hub`` creates; ``make hub-clean``
# removes only the users that carry it.
MARK = "logreg course hub demo account"
GROUPS = {
    f"formgrade-{COURSE_ID}": {"users": [INSTRUCTOR]},
    f"nbgrader-{COURSE_ID}": {"users": list(LEARNERS)},
}
