"""Autograde every submission under ``submitted/<student>/<assignment>/`` (``make autograde``).

The submissions are graded in parallel lanes (``tools/cluster.py``): by
default one local worker process per core (``--lanes``, ``LANES=``), or the
workers of a Dask cluster on other machines (``--scheduler``,
``GRADING_SCHEDULER=tcp://host:8786``). This process is the only one that
talks to the gradebook:

1. the grader's temporary folders left by a killed run are removed, and one
   isolated process is started as a check (here, or on every worker of a Dask
   cluster): if it cannot start (the environment is broken), the run stops
   with one line naming the cause (and the worker) and changes nothing;
2. for each submission that is not *graded* with its current files (see
   ``grading/gradebook.py``; ``--force`` regrades all), in order and with at
   most two per lane in flight: its points are zeroed and it is marked *not
   graded* (one commit), then its files are handed to a lane
   (``tools/batch.py``, ``tools/lane.py``), which runs nbgrader's autograde with the grade of
   record against a scratch gradebook of its own and returns plain data;
3. when a lane returns, the autograded files are put in place and the grades,
   comments and ledger row are written in one commit
   (:func:`grading.gradebook.write_outcome`). A lane that dies writes
   nothing; its submission is run again on another lane. A submission whose
   grading could not run is *not graded*, with the cause, and is tried again
   by the next run; a killed run leaves the submissions it had started *not
   graded* with 0 points, and the next run grades them;
4. the database is waited for (``--db-wait`` seconds) when it does not
   answer, or the run stops with one line; a progress line follows every
   submission, and the run ends with a table of every student's scores.

Usage::

    cd exercises && python -m tools.autograde [--assignment NAME] [--student ID ...] [--force]
                                            [--lanes N] [--scheduler tcp://host:8786]
"""

import argparse
import os
import sys
import warnings
from pathlib import Path

from grading import gradebook, scratch
from grading.intake import irregular_entries, submission_digest

from .batch import grade_batch, open_gradebook, refuse
from .cluster import lanes_client
from .course import COURSE, assignments, check, load_api, submissions
from .database import DatabaseUnavailable, retrying
from .lane import preflight

#: Seconds the run waits for the gradebook's database to answer again before it stops.
DB_WAIT_SECONDS = 120.0


def workers_preflight(client):
    """The same check on every worker of a Dask cluster: the first failure, else ``None``."""
    causes = client.run(preflight)  # {worker address: cause or None}
    broken = sorted((address, cause) for address, cause in causes.items() if cause)
    if not broken:
        return None
    address, cause = broken[0]
    others = f" (and {len(broken) - 1} other worker(s))" if len(broken) > 1 else ""
    return f"worker {address}{others}: {cause}"


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


def _todo(api, course, pairs, force, wait):
    """The pairs to grade (not *graded* with their current files), and the refused ones."""
    def read_ledger():
        with open_gradebook(api) as gb:
            return gradebook.ledger(gb)

    done = retrying(wait, read_ledger)
    todo, failed = [], []
    for student, assignment in pairs:
        key = f"{student}/{assignment}"
        folder = course / "submitted" / student / assignment
        if irregular_entries(folder):  # refused before anything of it is copied
            cause = retrying(wait, refuse, api, course, assignment, student)
            failed.append(key)
            print(f"NOT GRADED: {key}: {cause}", file=sys.stderr)
            continue
        entry = done.get((assignment, student))
        if (not force and entry and entry["status"] == gradebook.GRADED
                and entry["digest"] == submission_digest(folder)):
            print(f"unchanged, skipped: {key}")
            continue
        todo.append((student, assignment))
    return todo, failed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", help="only this assignment")
    parser.add_argument("--student", nargs="+", help="only these students")
    parser.add_argument("--force", action="store_true", help="regrade unchanged submissions too")
    parser.add_argument("--course", default=str(COURSE), help="course folder")
    parser.add_argument("--lanes", type=int, default=None,
                        help="local grading lanes (default: one per core)")
    parser.add_argument("--scheduler", default=os.environ.get("GRADING_SCHEDULER") or None,
                        help="a Dask scheduler's address (default: $GRADING_SCHEDULER); "
                             "its workers grade instead of local lanes")
    parser.add_argument("--db-wait", type=float, default=DB_WAIT_SECONDS,
                        help="seconds to wait for the gradebook's database to answer again")
    args = parser.parse_args(argv)
    course = Path(args.course).resolve()
    names = assignments(course)
    if args.assignment and args.assignment not in names:
        raise SystemExit(f"unknown assignment {args.assignment!r}; known: {', '.join(names)}")

    warnings.filterwarnings("ignore", module="sqlalchemy")
    warnings.filterwarnings("ignore", message=".*not in Session.*")
    scratch.remove_stale()
    cause = None if args.scheduler else preflight(hide=[course])
    if cause:
        print(f"make autograde: cannot grade on this machine: {cause}", file=sys.stderr)
        return 2
    api = load_api(course)
    pairs = [(s, a) for s, a in submissions(course, args.assignment)
             if not args.student or s in args.student]
    try:
        retrying(args.db_wait, ensure_generated, api, course, sorted({a for _, a in pairs}))
        todo, failed = _todo(api, course, pairs, args.force, args.db_wait)
        seconds = {}
        if todo:
            with lanes_client(args.lanes, args.scheduler) as (client, where):
                cause = workers_preflight(client) if args.scheduler else None
                if cause:
                    print(f"make autograde: cannot grade on {cause}", file=sys.stderr)
                    return 2
                print(f"grading {len(todo)} submission(s) on {where}", flush=True)
                seconds, more = grade_batch(api, course, client, todo, args.db_wait)
            scratch.remove_stale()  # the folders of the local lanes, ended with their cluster
            failed += more
        shown = [args.assignment] if args.assignment else names
        table = retrying(args.db_wait, score_table, api, shown)
    except DatabaseUnavailable as exc:
        print(f"make autograde: stopped: {exc}; the submissions in progress stay not graded "
              "(0 points) and the next run grades them", file=sys.stderr)
        return 3
    print_table(table, shown, seconds)
    if not pairs:
        print("no submissions under exercises/submitted/<student>/<assignment>/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
