"""Autograde every submission under ``submitted/<student>/<assignment>/`` (``make autograde``).

In one Python process (nbgrader is imported once, its API called per submission):

1. the grader's temporary folders left by a killed run are removed, and one
   isolated process is started as a check: if it cannot start (the
   environment is broken), the run stops with one line naming the cause and
   changes nothing;
2. for each submission that is not *graded* with its current files (see
   ``grading/gradebook.py``; ``--force`` regrades all): ``nbgrader autograde``
   through the API. Its configuration makes the grade of record part of it
   (``nbgrader_plugins.preprocessors``): the points are zeroed, the learner's
   functions are judged in an isolated process while the kernel runs the
   notebook for the feedback, and the verdicts are written. A submission whose
   grading could not run is *not graded*, with the cause, and is tried again
   by the next run;
3. a table of every student's scores, read back from the gradebook.

Usage::

    cd exercises && python -m tools.autograde [--assignment NAME] [--student ID ...] [--force]
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

from grading import gradebook, record, scratch
from grading.intake import irregular_entries, submission_digest
from grading.sandbox import GradingUnavailable, Limits, Session
from nbgrader_plugins.preprocessors import discard_started_kernels

from .course import COURSE, assignments, check, load_api, submissions


def preflight(course):
    """Start one isolated process with nothing in it; the cause if that fails, else ``None``."""
    try:
        with Session([], {}, hide=[course], limits=Limits(wall_seconds=30)):
            return None
    except GradingUnavailable as exc:
        return str(exc)


def ensure_generated(api, course, names):
    """Generate the assignments the gradebook does not know yet (a fresh clone)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        missing = []
        for name in names:
            try:
                gb.find_assignment(name)
            except MissingEntry:
                missing.append(name)
    for name in missing:
        print(f"generating {name} (not in the gradebook yet)")
        check(api.generate_assignment(name, force=True, create=True), f"generate {name}")


def score_table(api, names):
    """``{student: {assignment: (auto score, auto max, needs manual grade)}}``."""
    from nbgrader.api import Gradebook, MissingEntry

    table = {}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for name in names:
            try:
                assignment = gb.find_assignment(name)
            except MissingEntry:
                continue
            for submission in assignment.submissions:
                auto, auto_max, manual = 0.0, 0.0, False
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.cell.cell_type == "code":
                            auto += grade.score
                            auto_max += grade.max_score
                        elif grade.needs_manual_grade:
                            manual = True
                table.setdefault(submission.student.id, {})[name] = (auto, auto_max, manual)
    return table


def print_table(table, names, seconds):
    """One row per student, one column per assignment: autograded points."""
    width = max([7] + [len(s) for s in table])
    header = f"{'student':{width}s}  " + "  ".join(f"{n[:16]:>16s}" for n in names)
    print(header)
    print("-" * len(header))
    for student in sorted(table):
        cells = []
        for name in names:
            if name in table[student]:
                auto, auto_max, manual = table[student][name]
                cells.append(f"{auto:g}/{auto_max:g}{' +w' if manual else '   '}")
            else:
                cells.append("-")
        print(f"{student:{width}s}  " + "  ".join(f"{c:>16s}" for c in cells))
    print("(autograded points; +w: a written answer awaits manual grading)")
    if seconds:
        values = sorted(seconds.values())
        print(
            f"nbgrader autograde: {len(values)} submission(s), "
            f"{sum(values) / len(values):.2f} s each on average (max {values[-1]:.2f} s)"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", help="only this assignment")
    parser.add_argument("--student", nargs="+", help="only these students")
    parser.add_argument("--force", action="store_true", help="regrade unchanged submissions too")
    parser.add_argument("--course", default=str(COURSE), help="course folder")
    args = parser.parse_args(argv)
    course = Path(args.course).resolve()
    names = assignments(course)
    if args.assignment and args.assignment not in names:
        raise SystemExit(f"unknown assignment {args.assignment!r}; known: {', '.join(names)}")

    warnings.filterwarnings("ignore", module="sqlalchemy")
    warnings.filterwarnings("ignore", message=".*not in Session.*")
    scratch.remove_stale()
    cause = preflight(course)
    if cause:
        print(f"make autograde: cannot grade on this machine: {cause}", file=sys.stderr)
        return 2
    api = load_api(course)
    pairs = [(s, a) for s, a in submissions(course, args.assignment)
             if not args.student or s in args.student]
    ensure_generated(api, course, sorted({a for _, a in pairs}))
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        done = gradebook.ledger(gb)
    seconds, failed = {}, []
    for student, assignment in pairs:
        key = f"{student}/{assignment}"
        folder = course / "submitted" / student / assignment
        irregular = irregular_entries(folder)
        digest = None if irregular else submission_digest(folder)
        entry = done.get((assignment, student))
        if (not args.force and entry and entry["status"] == gradebook.GRADED
                and entry["digest"] == digest):
            print(f"unchanged, skipped: {key}")
            continue
        if irregular:  # refused before nbgrader copies anything of it
            with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
                cause = "refused: not regular files"
                try:
                    record.begin(gb, course, assignment, student)
                except record.RefusedSubmission as exc:
                    cause = str(exc)
            failed.append(key)
            print(f"NOT GRADED: {key}: {cause}", file=sys.stderr)
            continue
        started = time.perf_counter()
        result = api.autograde(assignment, student, force=True, create=True)
        seconds[key] = time.perf_counter() - started
        discard_started_kernels()  # a kernel started early for a run that failed before it
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
            entry = gradebook.ledger(gb).get((assignment, student))
            if not result.get("success") and (not entry or entry["status"] == gradebook.GRADED):
                # nbgrader failed before the grade of record began: never keep an old grade
                cause = f"nbgrader's autograde failed: {_last_line(result)}"
                gradebook.mark_not_graded(gb, assignment, student, cause)
                entry = gradebook.ledger(gb).get((assignment, student))
        if not result.get("success") or not entry or entry["status"] != gradebook.GRADED:
            failed.append(key)
            cause = entry["cause"] if entry else "nbgrader failed"
            print(f"NOT GRADED: {key}: {cause}", file=sys.stderr)
            continue
        from nbgrader_plugins.preprocessors import RECORD_SECONDS

        own = RECORD_SECONDS.get((assignment, student), float("nan"))
        print(f"autograded {key} in {seconds[key]:.2f} s "
              f"(grade of record {own:.2f} s, concurrent with the kernel)")
        print("    " + _summary(api, assignment, student, entry))
    shown = [args.assignment] if args.assignment else names
    print_table(score_table(api, shown), shown, seconds)
    if not pairs:
        print("no submissions under exercises/submitted/<student>/<assignment>/")
    return 1 if failed else 0


def _last_line(result):
    """The last line of nbgrader's error (or log), for a one-line cause."""
    text = (result.get("error") or result.get("log") or "no message").strip().splitlines()
    return text[-1][:300] if text else "no message"


def _summary(api, assignment, student, entry):
    """``<assignment> <student>: 7 / 7 (grade of record)`` and the flags."""
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        nb = gb.find_submission(assignment, student)
        auto = sum(g.auto_score or 0.0 for n in nb.notebooks for g in n.grades
                   if g.cell.cell_type == "code")
        top = sum(g.max_score for n in nb.notebooks for g in n.grades
                  if g.cell.cell_type == "code")
    line = f"{assignment} {student}: {auto:g} / {top:g} (grade of record)"
    reasons = [f"{f['function']}: {f['reason']}" if f.get("function") else f["reason"]
               for f in entry["flags"]]
    return line + (f"  FLAGGED: {'; '.join(reasons)}" if reasons else "")


if __name__ == "__main__":
    sys.exit(main())
