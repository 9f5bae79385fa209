"""Autograde every submission under ``submitted/<student>/<assignment>/`` (``make autograde``).

The submissions are graded in parallel lanes (``tools/cluster.py``): by
default one local worker process per core (``--lanes``, ``LANES=``), or the
workers of a Dask cluster on other machines (``--scheduler``,
``GRADING_SCHEDULER=tcp://host:8786``). This process is the only one that
talks to the gradebook:

1. the grader's temporary folders left by a killed run are removed, and one
   isolated process is started as a check (local lanes): if it cannot start
   (the environment is broken), the run stops with one line naming the cause
   and changes nothing;
2. for each submission that is not *graded* with its current files (see
   ``grading/gradebook.py``; ``--force`` regrades all), in order and with at
   most two per lane in flight: its points are zeroed and it is marked *not
   graded* (one commit), then its files are handed to a lane
   (``tools/lane.py``), which runs nbgrader's autograde with the grade of
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
import uuid
import warnings
from pathlib import Path

from grading import gradebook, record, scratch
from grading.intake import irregular_entries, submission_digest
from grading.sandbox import GradingUnavailable, Limits, Session

from . import lane
from .cluster import lanes_client
from .course import COURSE, assignments, check, load_api, submissions
from .database import DatabaseUnavailable, retrying
from .package import assignment_package, place_folder, read_files
from .progress import Progress

#: Seconds the run waits for the gradebook's database to answer again before it stops.
DB_WAIT_SECONDS = 120.0
#: Submissions in flight per lane: enough to keep every lane busy, few enough to keep
#: the coordinator's memory flat however many submissions are queued.
IN_FLIGHT_PER_LANE = 2


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


def _gradebook(api):
    from nbgrader.api import Gradebook

    return Gradebook(api.coursedir.db_url, api.coursedir.course_id)


def _begin(api, course, assignment, student):
    """Zero the submission and mark it *not graded* (one commit): ``(digest, extension)``."""
    with _gradebook(api) as gb:
        digest = record.begin(gb, course, assignment, student)
        extension = gb.find_submission(assignment, student).extension
    return digest, (extension.total_seconds() if extension else None)


def _refuse(api, course, assignment, student):
    """Record a submission holding links or special files as *not graded*; the cause."""
    with _gradebook(api) as gb:
        try:
            record.begin(gb, course, assignment, student)
        except record.RefusedSubmission as exc:
            return str(exc)
    return "refused: not regular files"


def _write(api, course, assignment, student, digest, outcome):
    """Put the lane's outcome in the course: files first, then one commit; the ledger row."""
    if outcome["status"] == gradebook.GRADED and outcome.get("digest") != digest:
        outcome = {"status": gradebook.NOT_GRADED,
                   "cause": "the submitted files changed while they were graded"}
    with _gradebook(api) as gb:
        if outcome["status"] == gradebook.GRADED:
            place_folder(course / "autograded" / student / assignment, outcome["files"])
            gradebook.write_outcome(gb, assignment, student, outcome, digest)
        else:
            gradebook.mark_not_graded(gb, assignment, student, outcome["cause"])
        return gradebook.ledger(gb).get((assignment, student))


class Batch:
    """The submissions to grade, sent to the lanes a few at a time (see the module docstring)."""

    def __init__(self, api, course, client, todo, wait):
        self.api, self.course, self.client, self.wait = api, course, client, wait
        self.queue = iter(todo)
        self.packages, self.pending = {}, {}
        lanes = sum(client.nthreads().values()) or 1
        self.window = IN_FLIGHT_PER_LANE * lanes

    def _package(self, assignment):
        if assignment not in self.packages:
            data = retrying(self.wait, assignment_package, self.course, self.api.coursedir.db_url,
                            self.api.coursedir.course_id, assignment)
            # sent with every task (not scattered once): a task whose lane died can always
            # be run again elsewhere, whichever workers are gone
            self.packages[assignment] = data
        return self.packages[assignment]

    def fill(self, completed):
        """Send submissions until the window is full or the queue is empty."""
        while len(self.pending) < self.window:
            try:
                student, assignment = next(self.queue)
            except StopIteration:
                return
            folder = self.course / "submitted" / student / assignment
            files = read_files(folder)
            digest, extension = retrying(self.wait, _begin, self.api, self.course, assignment,
                                         student)
            if digest != submission_digest(folder):
                files = read_files(folder)  # changed meanwhile: the lane's digest decides
            job = {"student": student, "files": files, "extension": extension}
            future = self.client.submit(lane.grade, self._package(assignment), job, pure=False,
                                        key=f"grade-{assignment}-{student}-{uuid.uuid4().hex}")
            self.pending[future.key] = (student, assignment, digest)
            completed.add(future)

    def outcome(self, future):
        """``(student, assignment, digest, outcome)`` of a finished task."""
        student, assignment, digest = self.pending.pop(future.key)
        try:
            outcome = future.result()
        except Exception as exc:  # noqa: BLE001 - a lane that kept dying, a lost scheduler
            outcome = {"status": gradebook.NOT_GRADED, "seconds": float("nan"),
                       "cause": f"the grading lane failed: {type(exc).__name__}: {exc}"}
        future.release()
        return student, assignment, digest, outcome


def grade_batch(api, course, client, todo, wait):
    """Grade ``todo`` (``(student, assignment)`` pairs) on ``client``'s lanes.

    Returns ``(seconds, failed)``: nbgrader's time per graded submission and the
    submissions left *not graded*.
    """
    from distributed import as_completed

    batch, progress = Batch(api, course, client, todo, wait), Progress(len(todo))
    seconds, failed = {}, []
    completed = as_completed()
    batch.fill(completed)
    for future in completed:
        student, assignment, digest, outcome = batch.outcome(future)
        key = f"{student}/{assignment}"
        entry = retrying(wait, _write, api, course, assignment, student, digest, outcome)
        progress.done()
        if not entry or entry["status"] != gradebook.GRADED:
            failed.append(key)
            cause = entry["cause"] if entry else outcome.get("cause", "not graded")
            print(f"NOT GRADED: {key}: {cause}", file=sys.stderr)
        else:
            seconds[key] = outcome["seconds"]
            print(f"autograded {key} in {outcome['seconds']:.2f} s "
                  f"(grade of record {outcome['record_seconds']:.2f} s, concurrent with the "
                  f"kernel) on {outcome['lane']}")
            print("    " + retrying(wait, _summary, api, assignment, student, entry))
        print(progress.line(), flush=True)
        batch.fill(completed)
    return seconds, failed


def _todo(api, course, pairs, force, wait):
    """The pairs to grade (not *graded* with their current files), and the refused ones."""
    def read_ledger():
        with _gradebook(api) as gb:
            return gradebook.ledger(gb)

    done = retrying(wait, read_ledger)
    todo, failed = [], []
    for student, assignment in pairs:
        key = f"{student}/{assignment}"
        folder = course / "submitted" / student / assignment
        if irregular_entries(folder):  # refused before anything of it is copied
            cause = retrying(wait, _refuse, api, course, assignment, student)
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
    cause = None if args.scheduler else preflight(course)
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
