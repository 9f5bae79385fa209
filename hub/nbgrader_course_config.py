"""nbgrader settings of the course folder on the hub (``<state>/course/``).

Written by ``hub/launch.py setup`` with the paths filled in. It loads the
course's own settings (``exercises/nbgrader_config.py``: grading integrity,
feedback filter, limits) and moves the course's data to this folder, readable
by the instructor only.
"""

import os

COURSE = os.path.dirname(os.path.abspath(__file__))
EXERCISES = "@EXERCISES@"

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
# With ``path``, so that its own load_subconfig("nbgrader_config_integrity.py") finds
# that file beside it (a subconfig that is not found is skipped without a word).
load_subconfig("nbgrader_config.py", path=EXERCISES)  # noqa: F821

c.CourseDirectory.root = COURSE
c.CourseDirectory.db_url = os.environ.get(
    "NBGRADER_DB_URL", "sqlite:///" + os.path.join(COURSE, "gradebook.db"))
c.Exchange.root = "@EXCHANGE@"
c.GradeOfRecordSettings.course_root = COURSE
# The confined kernel sees neither this folder nor the repository's exercises.
c.ConfinedKernelManager.hide = [COURSE, EXERCISES]
# A submission after the assignment's due date (set in the formgrader) gets 0 points.
c.LateSubmissionPlugin.penalty_method = "zero"
# Feedback pages render their maths offline: MathJax inlined instead of loaded from a CDN.
from nbgrader_plugins.offline_mathjax import enable  # noqa: E402 - exercises/ is on sys.path now

enable(c)
