"""nbgrader configuration of the course (the course root is this file's folder).

Read by every ``nbgrader`` command run from ``exercises/`` and by the scripts in
``exercises/tools/``. The gradebook is ``gradebook.db`` (SQLite) here, unless
the environment variable ``NBGRADER_DB_URL`` gives a database URL, e.g.
``postgresql+psycopg://grader:secret@dbhost/logreg`` for a shared deployment.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# nbgrader (its command line, the formgrader) loads this file from any working
# folder: the course's two packages, ``grading`` (the engine) and
# ``nbgrader_plugins`` (the glue named below), are imported from here. This is
# the only place the course edits the import path.
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from nbgrader_plugins.feedback_filter import HideHiddenTests  # noqa: E402

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

c.CourseDirectory.root = HERE
c.CourseDirectory.course_id = "logreg"
c.CourseDirectory.db_url = os.environ.get(
    "NBGRADER_DB_URL", "sqlite:///" + os.path.join(HERE, "gradebook.db")
)
# Files a learner may hand in besides the notebook are never graded; keep them small.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# The local exchange (``make release`` / ``make collect``): a folder beside the course.
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", os.path.join(HERE, ".exchange"))
c.Exchange.timezone = "UTC"

# The hidden tests import the check catalogue ``grading.checks`` from this folder;
# the kernel inherits this environment. ``ignore_cwd`` keeps a file handed in
# beside the notebook (say ``numpy.py``) from shadowing a real module.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [HERE] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
)
c.Execute.extra_arguments = [
    "--HistoryManager.hist_file=:memory:",
    "--InteractiveShellApp.ignore_cwd=True",
]
c.Execute.timeout = 60
# The kernel is thrown away after the run: stop it at once instead of waiting for it.
c.Execute.shutdown_kernel = "immediate"

# Cells deleted by a learner come back, so their points are still decided.
c.OverwriteCells.add_missing_cells = True

# Feedback pages typeset their maths offline (MathJax inlined, not from a CDN).
from nbgrader_plugins.offline_mathjax import enable as enable_offline_mathjax  # noqa: E402

enable_offline_mathjax(c)

# Feedback shows which tests failed and why, never the hidden tests or tracebacks.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    HideHiddenTests,
]

# Submissions downloaded from a learning-management system (``make zip-collect``).
c.ZipCollectApp.collector_plugin = "nbgrader_plugins.lms_collector.LmsFileNameCollector"

# Grading integrity (grading/README.md): hidden tests kept out of the learner's
# kernel, a confined kernel, the grade of record computed outside it, `make grades`
# with review flags. Loaded last, so its settings win.
load_subconfig("nbgrader_config_integrity.py")  # noqa: F821 - provided by traitlets
