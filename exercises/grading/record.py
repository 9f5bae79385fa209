"""The grade of record of submissions on disk: read, judge (:mod:`.engine`), write.

For one submission (assignment, student):

1. :func:`.gradebook.begin` sets every autograded test cell to 0 and "needs
   manual grade" and the submission *not graded*, so a run that stops half-way
   leaves no points;
2. the submission folder must hold regular files only (:mod:`.intake`); the
   learner's solution cells are read from the submitted notebook (the cells
   whose ``grade_id`` the gradebook knows as solution cells), after the
   notebook's own code cells from the *source* notebook;
3. :func:`.engine.grade_submission` judges them with cases drawn from the
   course's secret (:mod:`.secret`);
4. :func:`.gradebook.write` writes the verdicts and marks the submission
   *graded*, in one commit; the autograded notebook gets each test cell's
   verdict as an output, for the feedback.

When the isolated process cannot start (:class:`.engine.GradingUnavailable`)
the submission stays *not graded*, with the cause, never 0 points of record.

Run as ``python -m grading.record ASSIGNMENT [STUDENT ...]`` from the course
root (all submitted students when none are named), or call :func:`main`.
"""

import argparse
import ast
import contextlib
import io
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from . import gradebook
from .confine import isolation_mode, refusal_message
from .engine import Flag, GradingUnavailable, grade_submission
from .intake import irregular_entries, submission_digest
from .sandbox import Limits
from .secret import case_rng, read_or_create, secret_path

__all__ = [
    "Judged", "NotebookRecord", "RefusedSubmission", "annotate", "begin", "course_settings",
    "grade_on_disk", "judge_on_disk", "main", "write_record",
]

MAX_NOTEBOOK_BYTES = 20 * 2**20
VERDICT = gradebook.VERDICT


@dataclass
class NotebookRecord:
    """What :func:`grade_on_disk` wrote for one notebook."""

    notebook: str
    scores: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    isolation: dict = field(default_factory=dict)
    verdicts: list = field(default_factory=list)

    @property
    def score(self):
        return sum(s for _, s, _ in self.scores)

    @property
    def max_score(self):
        return sum(m for _, _, m in self.scores)


@contextlib.contextmanager
def _quiet():
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def _grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def read_notebook(path):
    """A notebook that is a regular file of at most ``MAX_NOTEBOOK_BYTES``."""
    if os.path.islink(path) or not os.path.isfile(path):
        raise ValueError("the notebook is not a regular file")
    if os.path.getsize(path) > MAX_NOTEBOOK_BYTES:
        raise ValueError("the notebook is larger than allowed")
    with _quiet():
        return nbformat.read(str(path), as_version=4)


def program(source_nb, submitted_nb, solution_ids):
    """(setup, solution cells): the notebook's own code cells and the learner's solutions.

    Setup cells come from the source notebook (trusted), solution cells from the
    submission, each solution cell once, by ``grade_id``.
    """
    submitted = {}
    for cell in submitted_nb.cells:
        gid = _grade_id(cell)
        if cell.get("cell_type") == "code" and gid in solution_ids and gid not in submitted:
            submitted[gid] = str(cell.get("source", ""))
    setup, solutions = [], []
    for index, cell in enumerate(source_nb.cells):
        if cell.cell_type != "code":
            continue
        gid = _grade_id(cell)
        meta = cell.metadata.get("nbgrader", {})
        if gid in solution_ids:
            solutions.append((gid, submitted.get(gid, "")))
        elif not meta.get("grade") and not meta.get("solution"):
            setup.append((gid or f"setup-{index}", cell.source))
    return setup, solutions


def _homes(solution_cells):
    """``function -> solution cell`` of the source notebook that defines it."""
    homes = {}
    for gid, source in solution_cells:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                homes.setdefault(node.name, gid)
    return homes


def course_settings(course_root):
    """``(course_id, db_url)`` from the course's ``nbgrader_config.py``."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_root)).load_config()
    course = config.get("CourseDirectory", {})
    course_id = course.get("course_id") or "default_course"
    db_url = course.get("db_url") or "sqlite:///" + os.path.join(course_root, "gradebook.db")
    return course_id, db_url


def grade_on_disk(course_root, assignment, student, db_url=None, course_id=None, limits=None):
    """Write the grade of record of ``submitted/<student>/<assignment>/``.

    Returns a list of :class:`NotebookRecord`. Raises
    :class:`~.engine.GradingUnavailable` or :class:`RefusedSubmission` (after
    recording *not graded* with the cause) when the submission cannot be graded.
    """
    root = Path(course_root).resolve()
    if db_url is None or course_id is None:
        configured_id, configured_url = course_settings(root)
        course_id, db_url = course_id or configured_id, db_url or configured_url
    with Gradebook(db_url, course_id) as gb:
        digest = begin(gb, root, assignment, student)
        secret = read_or_create(secret_path(root, db_url))
        records = []
        for gb_notebook in gb.find_assignment(assignment).notebooks:
            try:
                judged = judge_on_disk(root, assignment, student, gb_notebook.name,
                                       {c.name for c in gb_notebook.solution_cells},
                                       secret, limits)
            except GradingUnavailable as exc:
                gradebook.mark_not_graded(gb, assignment, student, str(exc))
                raise
            records.append(write_record(gb, root, assignment, student, judged, digest))
    return records


class RefusedSubmission(ValueError):
    """The submission folder holds something that is not a regular file."""


def begin(gb, root, assignment, student):
    """Zero the submission's points, mark it *not graded*, check its files; its digest.

    Raises :class:`RefusedSubmission` (recorded as *not graded*) when the folder
    holds a symbolic link or another special file.
    """
    folder = Path(root) / "submitted" / student / assignment
    gradebook.begin(gb, assignment, student)
    irregular = irregular_entries(folder)
    if irregular:
        names = ", ".join(os.path.relpath(p, root) for p in irregular[:3])
        cause = (f"refused: {names} is not a regular file (symbolic links and special "
                 "files are not accepted; hand in the notebook itself)")
        gradebook.mark_not_graded(gb, assignment, student, cause)
        raise RefusedSubmission(cause)
    return submission_digest(folder)


@dataclass
class Judged:
    """The verdicts of one notebook, before they are written."""

    notebook: str
    verdicts: list
    general: list
    homes: dict
    isolation: dict
    seconds: float = 0.0


def judge_on_disk(root, assignment, student, notebook, solution_ids, secret, limits=None,
                  hide=()):
    """Judge one submitted notebook (no gradebook): a :class:`Judged`.

    The isolated process sees neither ``root`` nor the paths in ``hide``.

    Raises :class:`~.engine.GradingUnavailable` when the isolated process cannot start.
    """
    started = time.perf_counter()
    try:
        judged = _judge_on_disk(Path(root), assignment, student, notebook, solution_ids, secret,
                                limits, hide)
    finally:
        elapsed = time.perf_counter() - started
    judged.seconds = elapsed
    return judged


def _judge_on_disk(root, assignment, student, notebook, solution_ids, secret, limits, hide):
    submitted = root / "submitted" / student / assignment / f"{notebook}.ipynb"
    source = root / "source" / assignment / f"{notebook}.ipynb"
    judged = Judged(notebook, [], [], {}, {})
    if not os.path.lexists(submitted):
        judged.general.append(Flag(None, "no notebook was submitted"))
        return judged
    try:
        submitted_nb = read_notebook(submitted)
    except Exception as exc:  # noqa: BLE001 - any unreadable notebook is flagged
        judged.general.append(Flag(None, f"the submitted notebook cannot be read "
                                         f"({type(exc).__name__})"))
        return judged
    source_nb = read_notebook(source)
    setup, solutions = program(source_nb, submitted_nb, solution_ids)
    judged.homes = _homes(program(source_nb, source_nb, solution_ids)[1])
    result = grade_submission(setup, solutions, assignment, case_rng(secret, assignment, student),
                              hide=[root, *hide], limits=limits or Limits())
    judged.verdicts, judged.isolation = result.verdicts, result.isolation
    return judged


def write_record(gb, root, assignment, student, judged, digest):
    """Write a :class:`Judged` notebook to the gradebook (the submission becomes *graded*)."""
    record = NotebookRecord(judged.notebook, isolation=judged.isolation,
                            verdicts=judged.verdicts)
    record.scores = gradebook.write(gb, assignment, student, judged.notebook, judged.verdicts,
                                    judged.homes, digest, judged.general)
    flags = [str(f) for f in judged.general] + [str(f) for v in judged.verdicts for f in v.flags]
    record.flags = list(dict.fromkeys(flags))
    _annotate_autograded(Path(root), assignment, student, judged.notebook, record)
    return record


def annotate(nb, record):
    """Append each test cell's verdict to a notebook (the autograded one, for the feedback)."""
    by_id = {v.grade_id: v for v in record.verdicts}
    scores = {gid: (s, m) for gid, s, m in record.scores}
    for cell in nb.cells:
        gid = _grade_id(cell)
        if gid not in scores or cell.cell_type != "code":
            continue
        cell.outputs = [o for o in cell.get("outputs", [])
                        if not str(o.get("text", "")).startswith(VERDICT)]
        score, max_score = scores[gid]
        verdict = by_id.get(gid)
        lines = [f"{VERDICT}: {score:g} / {max_score:g}"]
        if verdict is not None:
            lines += verdict.messages
            lines += [f"Flagged for manual review: {f}" for f in verdict.flags]
        else:
            lines += [f"Flagged for manual review: {f}" for f in record.flags]
        cell.outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                                   text="\n".join(lines) + "\n"))
    return nb


def _annotate_autograded(root, assignment, student, notebook, record):
    """:func:`annotate` the autograded notebook on disk, if there is one."""
    path = root / "autograded" / student / assignment / f"{notebook}.ipynb"
    if not path.is_file() or path.is_symlink():
        return
    try:
        nb = read_notebook(path)
    except Exception:  # noqa: BLE001 - a broken autograded notebook gets no verdicts
        return
    annotate(nb, record)
    mode = path.stat().st_mode
    os.chmod(path, 0o644)
    with _quiet():
        nbformat.write(nb, str(path))
    os.chmod(path, mode & 0o777)


def summary_line(assignment, student, records):
    """One line of the autograde summary."""
    score = sum(r.score for r in records)
    max_score = sum(r.max_score for r in records)
    flags = [f for r in records for f in r.flags]
    line = f"{assignment} {student}: {score:g} / {max_score:g} (grade of record)"
    if flags:
        line += f"  FLAGGED: {'; '.join(flags)}"
    return line


def isolation_line(records):
    """Which isolation measures were in force, and which were missing."""
    for r in records:
        if r.isolation:
            missing = r.isolation.get("missing") or []
            text = "isolation: " + ", ".join(r.isolation.get("measures", []))
            return text + (f"; MISSING: {', '.join(missing)}" if missing else "")
    return "isolation: no function was run"


def _submitted_students(course_root, assignment):
    base = Path(course_root) / "submitted"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir()
                  or (p / assignment).is_symlink())


def main(argv=None, *, course_root=None, db_url=None):
    """Grade of record for ASSIGNMENT and the given STUDENTs (all who submitted if none).

    Returns 0, or 1 if a submission could not be graded.
    """
    parser = argparse.ArgumentParser(prog="python -m grading.record", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment")
    parser.add_argument("students", nargs="*")
    parser.add_argument("--course", default=course_root or os.getcwd(),
                        help="course root (default: the current folder)")
    parser.add_argument("--db-url", default=db_url,
                        help="gradebook URL (default: the course's nbgrader_config.py)")
    parser.add_argument("--cpu-seconds", type=int, default=Limits.cpu_seconds,
                        help="CPU time of one function's isolated run")
    parser.add_argument("--wall-seconds", type=float, default=Limits.wall_seconds,
                        help="wall-clock time of one function's isolated run")
    parser.add_argument("--memory-bytes", type=int, default=Limits.memory_bytes,
                        help="address space of the isolated process")
    args = parser.parse_args(argv)
    limits = Limits(cpu_seconds=args.cpu_seconds, wall_seconds=args.wall_seconds,
                    memory_bytes=args.memory_bytes)
    if isolation_mode() == "refused":  # no isolation: learner code must not run
        print(f"{args.assignment}: NOT GRADED ({refusal_message()})", file=sys.stderr)
        return 1
    students = args.students or _submitted_students(args.course, args.assignment)
    status = 0
    for student in students:
        try:
            records = grade_on_disk(args.course, args.assignment, student, args.db_url,
                                    limits=limits)
        except Exception as exc:  # noqa: BLE001 - report and go on with the next learner
            print(f"{args.assignment} {student}: NOT GRADED ({exc})", file=sys.stderr)
            status = 1
            continue
        print(summary_line(args.assignment, student, records))
        print("    " + isolation_line(records))
    return status


if __name__ == "__main__":
    sys.exit(main())
