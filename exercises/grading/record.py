"""The grades of record: checks run outside the learner's kernel, written to the gradebook.

For one submission (assignment, student) and each of its notebooks:

1. every autograded test cell of the submission is set to 0 and "needs manual
   grade" first, so that no score of an earlier run survives a run that fails
   half-way;
2. the learner's solution cells are read from the submitted notebook (the
   cells whose ``grade_id`` the gradebook knows as solution cells; nothing
   else the learner wrote runs), after the notebook's own code cells from the
   *source* notebook;
3. :mod:`.audit` reads them; a finding withholds the points of the function it
   concerns and flags the submission for manual review with the reason;
4. each remaining graded function runs in an isolated process
   (:mod:`.sandbox`) on the cases of its checks; the plain-data outcomes are
   judged here with the check's ``expected`` (``course_lib``) and ``compare``;
5. the result is written through nbgrader's ``Gradebook`` API: ``auto_score``
   (all or nothing per test cell, ``max_score`` from the gradebook),
   ``needs_manual_grade`` and an ``auto_comment`` on the solution cells that
   says what was wrong and why the submission is flagged. The autograded
   notebook, when there is one, gets the verdict as an output of each test
   cell, for the feedback.

Run as ``python -m grading.record ASSIGNMENT [STUDENT ...]`` from the course
root (all submitted students when none are named), or call :func:`main`.
"""

import argparse
import contextlib
import importlib
import io
import os
import sys
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from .audit import answer_key_objects, audit_cells
from .confine import isolation_mode, refusal_message
from .sandbox import Limits, run_function
from .spec import Outcome

__all__ = ["CellVerdict", "NotebookRecord", "grade_submission", "main"]

#: Marks the comment lines that the export and the summary read as flags.
FLAG = "Flagged for manual review:"
#: Beginning of the verdict output added to test cells of the autograded notebook.
VERDICT = "Grade of record"
MAX_NOTEBOOK_BYTES = 20 * 2**20
MAX_MESSAGES = 4


@dataclass
class CellVerdict:
    """The grade of record of one autograded test cell."""

    grade_id: str
    function: str | None
    score: float
    max_score: float
    messages: list = field(default_factory=list)
    flags: list = field(default_factory=list)


@dataclass
class NotebookRecord:
    """What :func:`grade_submission` wrote for one notebook."""

    notebook: str
    cells: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    isolation: dict = field(default_factory=dict)

    @property
    def score(self):
        return sum(c.score for c in self.cells)

    @property
    def max_score(self):
        return sum(c.max_score for c in self.cells)


@contextlib.contextmanager
def _quiet():
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def _package():
    return __package__ or "grading"


def load_checks(assignment):
    """The ``CHECKS`` of ``checks/<assignment>.py`` (empty if there is no such module)."""
    name = f"{_package()}.checks.{assignment}"
    try:
        with _quiet():
            module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return []
        raise
    return list(module.CHECKS)


def _grade_ids(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta.get("grade_id")


def _read_notebook(path):
    if os.path.getsize(path) > MAX_NOTEBOOK_BYTES:
        raise ValueError("the notebook is larger than allowed")
    with _quiet():
        return nbformat.read(str(path), as_version=4)


def _program(source_nb, submitted_nb, solution_ids):
    """(setup, solution cells): the notebook's own code cells and the learner's solutions.

    Setup cells come from the source notebook (trusted), solution cells from the
    submission, each solution cell once, by ``grade_id``.
    """
    submitted = {}
    for cell in submitted_nb.cells:
        gid = _grade_ids(cell)
        if cell.get("cell_type") == "code" and gid in solution_ids and gid not in submitted:
            submitted[gid] = str(cell.get("source", ""))
    setup, solutions = [], []
    for index, cell in enumerate(source_nb.cells):
        if cell.cell_type != "code":
            continue
        gid = _grade_ids(cell)
        meta = cell.metadata.get("nbgrader", {})
        if gid in solution_ids:
            solutions.append((gid, submitted.get(gid, "")))
        elif not meta.get("grade") and not meta.get("solution"):
            setup.append((gid or f"setup-{index}", cell.source))
    return setup, solutions


def _defining_cell(function, solution_cells, default):
    """The solution cell of the *source* notebook that defines ``function``."""
    import ast

    for gid, source in solution_cells:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        if any(isinstance(n, ast.FunctionDef) and n.name == function for n in tree.body):
            return gid
    return default


def _judge(check, outcomes):
    """Messages for the failed cases of one check (empty: all passed)."""
    messages = []
    cases = check.cases()
    for case, item in zip(cases, outcomes, strict=True):
        outcome = Outcome(value=item["value"], args_after=item["args_after"],
                          error=item["error"], warnings=item["warnings"])
        try:
            with _quiet():
                expected = check.expected(case)
                problem = check.compare(outcome, expected, case)
        except Exception as exc:  # noqa: BLE001 - an unjudgeable answer is a wrong one
            problem = f"the returned value could not be judged ({type(exc).__name__})"
        if problem:
            label = case.label or "a case"
            messages.append(f"{label}: {problem}")
    return messages, len(cases)


def _run_checks(function, checks, setup, solutions, course_root, limits, assignment):
    """Run one function's checks in isolation; ``(verdicts, flags, isolation)``."""
    result = run_function(
        solutions, function, {c.grade_id: c.cases() for c in checks},
        hide=[course_root], limits=limits, setup=setup,
        references=f"grading.checks.{assignment}",
    )
    verdicts, flags = {}, []
    if result.status != "ok":
        reason = f"{function}: the isolated run {result.detail}"
        flags.append(reason)
        for check in checks:
            verdicts[check.grade_id] = (False, [reason])
        return verdicts, flags, result.isolation
    report = result.report
    if report.get("references_error"):
        flags.append(f"{function}: references could not be loaded "
                     f"({report['references_error']})")
    cell_errors = [f"cell {c['cell']} raised {c['error']}" for c in report["cells"] if c["error"]]
    for check in checks:
        messages, n_cases = _judge(check, report["results"][check.grade_id])
        if messages:
            head = f"{len(messages)} of {n_cases} test cases failed for {function}"
            shown = messages[:MAX_MESSAGES]
            if len(messages) > MAX_MESSAGES:
                shown.append(f"... and {len(messages) - MAX_MESSAGES} more")
            if not report["function_found"]:
                shown = [f"{function} is not defined by the solution cells", *cell_errors[:2]]
            verdicts[check.grade_id] = (False, [head, *shown])
        else:
            verdicts[check.grade_id] = (True, [f"{function}: all {n_cases} test cases passed"])
    return verdicts, flags, result.isolation


def _autograded_test_cells(gb_notebook):
    """Grade cells decided by code (autograded tests), by name."""
    solution_names = {c.name for c in gb_notebook.solution_cells}
    return {c.name: c for c in gb_notebook.grade_cells
            if c.cell_type == "code" and c.name not in solution_names}


def _reset(gb, notebook, assignment, student, test_cells, solution_names):
    for name in test_cells:
        grade = gb.find_grade(name, notebook, assignment, student)
        grade.auto_score = 0.0
        grade.needs_manual_grade = True
    for name in solution_names:
        comment = gb.find_comment(name, notebook, assignment, student)
        comment.auto_comment = f"{FLAG} grading did not finish."
    gb.db.commit()


def grade_notebook(gb, course_root, assignment, student, gb_notebook, limits=None):
    """Compute and write the grades of record of one submitted notebook."""
    limits = limits or Limits()
    notebook = gb_notebook.name
    record = NotebookRecord(notebook)
    test_cells = _autograded_test_cells(gb_notebook)
    solution_names = [c.name for c in gb_notebook.solution_cells]
    _reset(gb, notebook, assignment, student, test_cells, solution_names)

    root = Path(course_root)
    submitted = root / "submitted" / student / assignment / f"{notebook}.ipynb"
    source = root / "source" / assignment / f"{notebook}.ipynb"
    checks = [c for c in load_checks(assignment) if c.grade_id in test_cells]
    by_function = defaultdict(list)
    for check in checks:
        by_function[check.function].append(check)

    verdicts = {}  # grade_id -> (passed, messages)
    function_flags = defaultdict(list)  # function -> reasons
    general_flags = []  # reasons that concern every test cell
    homes = {}  # function -> solution cell whose comment carries its verdict
    if not submitted.is_file():
        for name in test_cells:
            verdicts[name] = (False, ["no notebook was submitted"])
    else:
        try:
            submitted_nb = _read_notebook(submitted)
            source_nb = _read_notebook(source)
        except Exception as exc:  # noqa: BLE001 - any unreadable notebook is flagged
            general_flags.append(f"the submitted notebook cannot be read ({type(exc).__name__})")
            submitted_nb = None
        if submitted_nb is not None:
            setup, solutions = _program(source_nb, submitted_nb, set(solution_names))
            source_solutions = _program(source_nb, source_nb, set(solution_names))[1]
            keys = {}
            for function, fchecks in by_function.items():
                names = tuple(n for c in fchecks for n in c.answer_keys)
                keys[function] = answer_key_objects(function, names)
            findings = audit_cells(solutions, keys, setup)
            for function, fchecks in by_function.items():
                homes[function] = _defining_cell(
                    function, source_solutions, solution_names[0] if solution_names else None)
                hits = [f for f in findings if f.functions is None or function in f.functions]
                if hits:
                    function_flags[function] += [
                        f"{function}: points withheld, {f.describe()}" for f in hits]
                    for check in fchecks:
                        verdicts[check.grade_id] = (False, ["points withheld for review"])
                    continue
                fverdicts, flags, isolation = _run_checks(
                    function, fchecks, setup, solutions, course_root, limits, assignment)
                record.isolation = isolation or record.isolation
                verdicts.update(fverdicts)
                function_flags[function] += flags
        for name in test_cells:
            if name not in verdicts:
                general_flags.append(f"test cell {name} has no trusted check")
                verdicts[name] = (False, [f"test cell {name} has no trusted check"])

    check_of = {c.grade_id: c for c in checks}
    comments = defaultdict(list)
    first = solution_names[0] if solution_names else None
    for flag in general_flags:
        comments[first].append(f"{FLAG} {flag}")
    for name, cell in test_cells.items():
        passed, messages = verdicts[name]
        function = check_of[name].function if name in check_of else None
        flags = general_flags + function_flags.get(function, [])
        max_score = float(cell.max_score or 0.0)
        verdict = CellVerdict(name, function, max_score if passed and not flags else 0.0,
                              max_score, messages=list(messages), flags=list(flags))
        record.cells.append(verdict)
        grade = gb.find_grade(name, notebook, assignment, student)
        grade.auto_score = verdict.score
        grade.needs_manual_grade = bool(flags) or grade.manual_score is not None
        home = homes.get(function, first)
        comments[home] += [f"{FLAG} {f}" for f in function_flags.get(function, [])
                           if f"{FLAG} {f}" not in comments[home]]
        if not passed and not flags:
            comments[home].append(f"{name}: {messages[0]}")
    record.flags = general_flags + [f for fl in function_flags.values() for f in fl]
    for name in solution_names:
        comment = gb.find_comment(name, notebook, assignment, student)
        comment.auto_comment = "\n".join(comments.get(name, [])) or None
    gb.db.commit()
    _annotate_autograded(root, assignment, student, notebook, record)
    return record


def _annotate_autograded(root, assignment, student, notebook, record):
    """Append each test cell's verdict to the autograded notebook (shown in the feedback)."""
    path = root / "autograded" / student / assignment / f"{notebook}.ipynb"
    if not path.is_file():
        return
    try:
        nb = _read_notebook(path)
    except Exception:  # noqa: BLE001 - a broken autograded notebook gets no verdicts
        return
    by_id = {c.grade_id: c for c in record.cells}
    for cell in nb.cells:
        verdict = by_id.get(_grade_ids(cell))
        if verdict is None or cell.cell_type != "code":
            continue
        cell.outputs = [o for o in cell.get("outputs", [])
                        if not str(o.get("text", "")).startswith(VERDICT)]
        lines = [f"{VERDICT}: {verdict.score:g} / {verdict.max_score:g}", *verdict.messages]
        lines += [f"{FLAG} {f}" for f in verdict.flags]
        cell.outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                                   text="\n".join(lines) + "\n"))
    mode = path.stat().st_mode
    os.chmod(path, 0o644)
    with _quiet():
        nbformat.write(nb, str(path))
    os.chmod(path, mode & 0o777)


def course_settings(course_root):
    """``(course_id, db_url)`` from the course's ``nbgrader_config.py``."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_root)).load_config()
    course = config.get("CourseDirectory", {})
    course_id = course.get("course_id") or "default_course"
    db_url = course.get("db_url") or "sqlite:///" + os.path.join(course_root, "gradebook.db")
    return course_id, db_url


def grade_submission(course_root, assignment, student, db_url=None, course_id=None,
                     limits=None):
    """Write the grades of record of one submission; returns a list of :class:`NotebookRecord`."""
    limits = limits or Limits()
    course_root = str(Path(course_root).resolve())
    if db_url is None or course_id is None:
        configured_id, configured_url = course_settings(course_root)
        course_id, db_url = course_id or configured_id, db_url or configured_url
    records = []
    with Gradebook(db_url, course_id) as gb:
        gb_assignment = gb.find_assignment(assignment)
        gb.update_or_create_student(student)
        try:
            gb.find_submission(assignment, student)
        except MissingEntry:
            gb.add_submission(assignment, student)
        for gb_notebook in gb_assignment.notebooks:
            records.append(grade_notebook(gb, course_root, assignment, student, gb_notebook,
                                          limits))
    return records


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
    return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir())


def main(argv=None, *, course_root=None, db_url=None):
    """Grade of record for ASSIGNMENT and the given STUDENTs (all who submitted if none).

    Returns 0, or 1 if a submission could not be graded at all.
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
                        help="address space of one function's isolated run")
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
            records = grade_submission(args.course, args.assignment, student, args.db_url,
                                       limits=limits)
        except Exception as exc:  # noqa: BLE001 - report and go on with the next learner
            print(f"{args.assignment} {student}: NOT GRADED ({type(exc).__name__}: {exc})",
                  file=sys.stderr)
            status = 1
            continue
        print(summary_line(args.assignment, student, records))
        print("    " + isolation_line(records))
    return status


if __name__ == "__main__":
    sys.exit(main())
