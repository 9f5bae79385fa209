"""The course directory and an in-process nbgrader API for the instructor scripts.

Importing nbgrader takes seconds; the scripts in this folder import it once and
call :class:`nbgrader.apps.NbGraderAPI` for every assignment and submission,
instead of starting one ``nbgrader`` command each time.
"""

import os
import sys
from pathlib import Path

__all__ = ["COURSE", "assignments", "load_api", "submissions"]

COURSE = Path(__file__).resolve().parents[1]


def assignments(course=COURSE):
    """Names of the assignments: the folders of ``source/``, sorted."""
    return sorted(p.name for p in (Path(course) / "source").iterdir() if p.is_dir())


def submissions(course=COURSE, assignment=None):
    """``(student, assignment)`` pairs found under ``submitted/<student>/<assignment>/``."""
    root = Path(course) / "submitted"
    if not root.is_dir():
        return []
    known = set(assignments(course))
    pairs = []
    for student in sorted(p for p in root.iterdir() if p.is_dir()):
        for folder in sorted(p for p in student.iterdir() if p.is_dir()):
            if folder.name in known and (assignment is None or folder.name == assignment):
                pairs.append((student.name, folder.name))
    return pairs


def load_api(course=COURSE):
    """An :class:`~nbgrader.apps.NbGraderAPI` configured by ``<course>/nbgrader_config.py``.

    The folder holding the running Python goes first on ``PATH``: nbgrader
    calls the ``alembic`` command when it creates or upgrades a gradebook.
    """
    course = Path(course).resolve()
    bindir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bindir:
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config, log_level="WARN")


def check(result, what):
    """Exit with nbgrader's log and traceback if an API call failed."""
    if not result.get("success"):
        sys.stderr.write(result.get("log", "") + result.get("error", "") + "\n")
        raise SystemExit(f"{what} failed")
    return result
