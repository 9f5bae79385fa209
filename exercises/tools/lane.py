"""Grade one submission in a grading lane, without the course's gradebook (``make autograde``).

A lane is a worker process of a Dask cluster (local, or on other machines);
:func:`grade` is its one task. In a scratch course folder of its own (removed
afterwards) it writes the assignment's definitions (a scratch SQLite gradebook,
:mod:`.package`), the source files and the submitted files it was handed, and
runs nbgrader's autograde there exactly as ``make autograde`` configures it:
the grade of record zeroes, judges in an isolated process and writes its
verdicts, into the scratch gradebook. It returns plain data only: the grades,
comments, late penalties, ledger row and the autograded files. The
coordinating process writes them to the course (``tools/autograde.py``); a
lane that dies writes nothing.

The learner's code sees neither the scratch folder nor, on the coordinator's
machine, the course folder.
"""

import copy
import json
import os
import shutil
import socket
import subprocess
import time
import warnings
from datetime import timedelta
from pathlib import Path

from grading import gradebook, scratch

from .course import COURSE

__all__ = ["grade", "preflight"]

# A lane starts its processes (the kernel, the isolated judge) from a worker that runs
# other threads; with vfork, a start failed now and then with "[Errno 14] Bad address"
# (1 in 200 submissions under Dask). Python's documented switch makes it fork.
subprocess._USE_VFORK = False

_CONFIGS = {}


def _config(course):
    """The course's nbgrader configuration (the coordinator's copy when this machine has it)."""
    folder = Path(course) if (Path(course) / "nbgrader_config.py").is_file() else COURSE
    if folder not in _CONFIGS:  # loading it runs the file: once per process
        from traitlets.config.loader import PyFileConfigLoader

        _CONFIGS[folder] = PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()
    return folder, copy.deepcopy(_CONFIGS[folder])


def _write_files(folder, files):
    for name, (data, mode) in files.items():
        path = Path(folder) / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            raise ValueError(f"refused file name {name!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.chmod(path, mode | 0o600)


def _prepare(root, package, job):
    """The scratch course: gradebook, secret, source and submitted files."""
    from nbgrader.api import Gradebook

    assignment, student = package["assignment"], job["student"]
    (root / "gradebook.db").write_bytes(package["gradebook"])
    fd = os.open(root / "grading-secret.txt", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(package["secret"] + "\n")
    _write_files(root / "source" / assignment, package["source"])
    _write_files(root / "submitted" / student / assignment, job["files"])
    if job.get("extension"):
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}", package["course_id"]) as gb:
            gb.update_or_create_student(student)
            gb.update_or_create_submission(assignment, student,
                                           extension=timedelta(seconds=job["extension"]))


def _api(root, package):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    folder, config = _config(package["course"])
    hidden = [str(root), str(folder)]
    if Path(package["course"]).exists():
        hidden.append(package["course"])
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = package["course_id"]
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    config.GradeOfRecordSettings.course_root = str(root)
    config.GradeOfRecordSettings.hide = hidden
    config.ConfinedKernelManager.hide = list(config.ConfinedKernelManager.get("hide", [])) + hidden
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config,
                       log_level="WARN")


def _read_back(root, package, student):
    """Grades, comments, penalties, timestamp and ledger row of the scratch gradebook."""
    from nbgrader.api import Gradebook

    assignment = package["assignment"]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", package["course_id"]) as gb:
        entry = gradebook.ledger(gb).get((assignment, student))
        if not entry or entry["status"] != gradebook.GRADED:
            return {"status": gradebook.NOT_GRADED,
                    "cause": entry["cause"] if entry else "the grade of record did not run"}
        submission = gb.find_submission(assignment, student)
        out = {"status": gradebook.GRADED, "grades": [], "comments": [], "penalties": [],
               "flags": json.dumps(entry["flags"]), "digest": entry["digest"],
               "timestamp": submission.timestamp.isoformat() if submission.timestamp else None}
        for nb in submission.notebooks:
            out["grades"] += [[nb.name, g.name, g.auto_score, bool(g.needs_manual_grade)]
                              for g in nb.grades]
            out["comments"] += [[nb.name, c.name, c.auto_comment] for c in nb.comments]
            out["penalties"].append([nb.name, nb.late_submission_penalty])
    return out


def preflight(hide=()):
    """Start one isolated process with nothing in it here; the cause if that fails, else ``None``.

    ``make autograde`` runs it before grading anything: on its own machine, and on
    every worker of a Dask cluster, so that a broken environment stops the run with
    one line instead of leaving every submission *not graded*.
    """
    from grading.sandbox import GradingUnavailable, Limits, Session

    try:
        with Session([], {}, hide=list(hide), limits=Limits(wall_seconds=30)):
            return None
    except GradingUnavailable as exc:
        return str(exc)


def grade(package, job):
    """Grade ``job`` (``student``, ``files``, ``extension``) of ``package``'s assignment.

    Returns a dict: ``status`` (``graded`` or ``not graded``), ``cause``, and
    for a graded submission the grades, comments, penalties, timestamp, flags
    and digest (see :func:`grading.gradebook.write_outcome`) and ``files``,
    the autograded folder (``{relative path: (bytes, mode)}``); always
    ``seconds`` (nbgrader's autograde), ``record_seconds`` and ``lane``.
    """
    from nbgrader_plugins.preprocessors import RECORD_SECONDS, discard_started_kernels

    from .package import read_files

    scratch.remove_stale()  # the folders and kernels of a lane killed on this machine
    assignment, student = package["assignment"], job["student"]
    lane = f"{socket.gethostname()}:{os.getpid()}"
    root = Path(scratch.temporary_dir("lane-"))
    saved = os.environ.get("GRADING_SECRET_FILE")
    os.environ["GRADING_SECRET_FILE"] = str(root / "grading-secret.txt")
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _prepare(root, package, job)
            result = _api(root, package).autograde(assignment, student, force=True,
                                                   create=True)
            discard_started_kernels()
            out = _read_back(root, package, student)
        if not result.get("success") and out["status"] == gradebook.GRADED:
            out = {"status": gradebook.NOT_GRADED,
                   "cause": f"nbgrader's autograde failed: {_last_line(result)}"}
        if out["status"] == gradebook.GRADED:
            out["files"] = read_files(root / "autograded" / student / assignment)
    except Exception as exc:  # noqa: BLE001 - any failure is a cause, never points
        out = {"status": gradebook.NOT_GRADED,
               "cause": f"the grading lane failed: {type(exc).__name__}: {exc}"}
    finally:
        if saved is None:
            os.environ.pop("GRADING_SECRET_FILE", None)
        else:
            os.environ["GRADING_SECRET_FILE"] = saved
        shutil.rmtree(root, ignore_errors=True)
    out["seconds"] = time.perf_counter() - started
    out["record_seconds"] = RECORD_SECONDS.pop((assignment, student), float("nan"))
    out["lane"] = lane
    return out


def _last_line(result):
    """The last line of nbgrader's error (or log), for a one-line cause."""
    text = (result.get("error") or result.get("log") or "no message").strip().splitlines()
    return text[-1][:300] if text else "no message"
