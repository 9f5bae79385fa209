"""A batch of submissions sent to the grading lanes, and their outcomes written back.

The coordinating process of ``make autograde`` (``tools/autograde.py``) hands
the batch to :func:`grade_batch`. For each submission, in order, with at most
``IN_FLIGHT_PER_LANE`` per lane in flight (the coordinator's memory stays flat
however many are queued): its points are zeroed and it is marked *not graded*
(one commit), then its files go to a lane (``tools/lane.py``). When the lane
returns, the autograded files are put in place and the grades, comments and
ledger row are written in one commit (:func:`grading.gradebook.write_outcome`).
Every database step is tried again while the database does not answer
(``tools/database.py``).
"""

import sys
import uuid

from grading import gradebook, record
from grading.intake import submission_digest

from . import lane
from .database import retrying
from .package import assignment_package, place_folder, read_files
from .progress import Progress

__all__ = ["IN_FLIGHT_PER_LANE", "grade_batch", "open_gradebook", "refuse"]

#: Submissions in flight per lane: enough to keep every lane busy, few enough to keep
#: the coordinator's memory flat however many submissions are queued.
IN_FLIGHT_PER_LANE = 2


def open_gradebook(api):
    """The course's gradebook (a new connection)."""
    from nbgrader.api import Gradebook

    return Gradebook(api.coursedir.db_url, api.coursedir.course_id)


def _begin(api, course, assignment, student):
    """Zero the submission and mark it *not graded* (one commit): ``(digest, extension)``."""
    with open_gradebook(api) as gb:
        digest = record.begin(gb, course, assignment, student)
        extension = gb.find_submission(assignment, student).extension
    return digest, (extension.total_seconds() if extension else None)


def refuse(api, course, assignment, student):
    """Record a submission holding links or special files as *not graded*; the cause."""
    with open_gradebook(api) as gb:
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
    with open_gradebook(api) as gb:
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
