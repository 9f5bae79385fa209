"""nbgrader preprocessors for an autograde run that a learner's cells cannot game.

``StripHiddenTests`` (sanitize step, after ``OverwriteCells``) removes the
hidden-test regions from the restored test cells before the kernel runs, so
the hidden tests never enter the learner's kernel: no cell can read, rewrite
or print them, and no traceback or output of theirs reaches the feedback. The
hidden tests' points are decided outside the kernel by :mod:`.record`.

``BoundedExecute`` is nbgrader's ``Execute`` with a cap on how much output a
cell may send back, so an output flood cannot exhaust the grader's memory.
"""

import atexit
import contextlib
import json
import os
import time

from jupyter_core.utils import run_sync
from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, SaveAutoGrades
from traitlets import Bool, Float, Integer, List, Unicode
from traitlets.config import Configurable
from traitlets.utils.importstring import import_item

__all__ = [
    "BeginGradeOfRecord",
    "BoundedExecute",
    "GradeOfRecordSettings",
    "SaveGradeOfRecord",
    "StripHiddenTests",
    "cut_hidden_tests",
    "discard_started_kernels",
]


def cut_hidden_tests(source, placeholder, begin="BEGIN HIDDEN TESTS", end="END HIDDEN TESTS"):
    r"""``(source without its hidden-test regions, whether there was one)``.

    The one place the hidden-test cut is written: used before the kernel runs
    (:class:`StripHiddenTests`) and on the feedback (:mod:`.feedback_filter`).
    Each region, markers included, becomes ``placeholder``; a region that is
    never closed runs to the end of the cell, so nothing after an unmatched
    ``BEGIN`` survives.

    Examples
    --------
    >>> cut_hidden_tests("a\n### BEGIN HIDDEN TESTS\nsecret\n### END HIDDEN TESTS\nb", "# cut")
    ('a\n# cut\nb', True)
    >>> cut_hidden_tests("a\n### BEGIN HIDDEN TESTS\nsecret", "# cut")
    ('a\n# cut', True)
    """
    lines, hidden, inside = [], False, False
    for line in source.split("\n"):
        if begin in line:
            inside = hidden = True
            lines.append(placeholder)
        elif end in line:
            inside = False
        elif not inside:
            lines.append(line)
    return "\n".join(lines), hidden


class StripHiddenTests(NbGraderPreprocessor):
    """Remove hidden-test regions from grade cells; leave every other cell alone."""

    placeholder = Unicode(
        "# The hidden tests of this cell run outside the notebook; "
        "their result is shown below after grading.",
        help="Put in place of the hidden tests.",
    ).tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and utils.is_grade(cell):
            cell.source, _ = cut_hidden_tests(cell.source, self.placeholder)
        return cell, resources


class BoundedExecute(Execute):
    """``Execute`` with a cap on each cell's output and on the whole notebook's time.

    A cell gets at most ``timeout`` seconds and the notebook ``max_run_seconds``
    in all; cells that would start after that are not run (their output says
    so), so one submission cannot hold up everyone graded after it. The
    kernel's run is the learner's feedback only: the points come from the grade
    of record, which is computed whatever the kernel did.
    """

    max_output_chars = Integer(
        200_000, help="Output characters kept per cell; the rest is dropped."
    ).tag(config=True)
    max_run_seconds = Float(
        180.0, help="Wall-clock time of the whole notebook's run, in seconds."
    ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._deadline = time.monotonic() + self.max_run_seconds
        if km is None and resources is not None:
            km = _take_started_kernel(resources)
        if km is None:
            return super().preprocess(nb, resources)
        try:  # the kernel started by BeginGradeOfRecord: nbclient does not own it, stop it here
            return super().preprocess(nb, resources, km)
        finally:
            self.km = km
            self._cleanup_kernel()

    def preprocess_cell(self, cell, resources, cell_index):
        self._output_chars = 0
        self._truncated = False
        left = getattr(self, "_deadline", float("inf")) - time.monotonic()
        if cell.cell_type == "code" and left <= 0:
            cell.outputs = [new_output(
                "stream", name="stderr",
                text=f"Not run: the notebook's time limit ({self.max_run_seconds:g} s) "
                     "was reached.\n")]
            return cell, resources
        saved = self.timeout
        if cell.cell_type == "code" and self.timeout is not None:
            self.timeout = max(1, int(min(self.timeout, left + 1)))
        try:
            return super().preprocess_cell(cell, resources, cell_index)
        finally:
            self.timeout = saved

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(str(content.get("text", ""))) + sum(
            len(str(v)) for v in content.get("data", {}).values()
        ) + sum(len(str(line)) for line in content.get("traceback", []))
        self._output_chars = getattr(self, "_output_chars", 0) + size
        if self._output_chars > self.max_output_chars:
            if not getattr(self, "_truncated", False):
                self._truncated = True
                note = new_output(
                    "stream", name="stderr",
                    text=f"... output beyond {self.max_output_chars} characters dropped ...\n",
                )
                outs.append(note)
            return None
        return super().output(outs, msg, display_id, cell_index)


# ---------------------------------------------------------------------------
# the grade of record inside every autograde (make autograde, plain
# `nbgrader autograde`, the formgrader's Autograde button)
# ---------------------------------------------------------------------------

_PENDING = {}
_POOL = None
#: The confined kernel started early for the notebook being autograded (one at a time).
_STARTED_KERNELS = {}
#: ``(assignment, student) -> seconds`` the grade of record took (its own time, concurrent
#: with the kernel), for the timing lines of ``make autograde`` and ``make bench-grading``.
RECORD_SECONDS = {}


def _pool():
    global _POOL
    if _POOL is None:
        from concurrent.futures import ThreadPoolExecutor

        _POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="grade-of-record")
    return _POOL


def _key(resources):
    meta = resources["nbgrader"]
    return meta["assignment"], meta["student"], meta["notebook"]


class GradeOfRecordSettings(Configurable):
    """Where the course is and the limits of the isolated process (one setting each)."""

    course_root = Unicode(help="The course folder (the one with source/ and submitted/).").tag(
        config=True)
    hide = List(Unicode(), help="Further paths the isolated process must not see (a grading "
                                "lane's course folder, beside its scratch copy).").tag(config=True)
    cpu_seconds = Integer(20, help="CPU time of one request of the isolated process.").tag(
        config=True)
    wall_seconds = Float(60.0, help="Wall-clock time of one request.").tag(config=True)
    memory_bytes = Integer(2 * 2**30, help="Address space of the isolated process.").tag(
        config=True)
    start_seconds = Float(60.0, help="Time the isolated Python may take to start; "
                                     "beyond it the submission is not graded.").tag(config=True)

    def limits(self):
        from grading.sandbox import Limits

        return Limits(cpu_seconds=self.cpu_seconds, wall_seconds=self.wall_seconds,
                      memory_bytes=self.memory_bytes, start_seconds=self.start_seconds)


def discard_started_kernels():
    """Stop the kernels started early whose notebook never reached the kernel's run.

    Called before each start, at the end of ``tools.autograde``'s submissions and
    at exit, so a sanitize step that fails leaves no kernel and no folder behind.
    """
    while _STARTED_KERNELS:
        _, km = _STARTED_KERNELS.popitem()
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - best effort; the folder goes with cleanup below
            pass
        with contextlib.suppress(Exception):
            run_sync(km.cleanup_resources)()


def _configured(config, name):
    """The value of ``name`` configured for the kernel's run, most specific section first."""
    for section in ("BoundedExecute", "Execute", "ExecutePreprocessor", "NotebookClient"):
        if section in config and name in config[section]:
            return config[section][name]
    return None


def _take_started_kernel(resources):
    try:
        return _STARTED_KERNELS.pop(_key(resources), None)
    except KeyError:  # resources of a run that is not an autograde
        return None


def _start_kernel_early(parent, resources, kernelspec, folder):
    """Start the confined kernel now, while nbgrader sanitizes the notebook.

    It is the kernel :class:`BoundedExecute` would start (same manager class,
    arguments, kernelspec from the gradebook, files of the autograded folder), a
    fraction of a second earlier: its start-up overlaps nbgrader's own steps. If
    it cannot start, :class:`BoundedExecute` starts one itself, as it always did.
    """
    from .kernel import ConfinedKernelManager

    discard_started_kernels()
    execute = BoundedExecute(parent=parent)
    # nbgrader's Execute passes kernel_manager_class as an argument, so the configured
    # class applies only once nbclient re-reads the configuration: read it here
    manager = _configured(parent.config, "kernel_manager_class")
    if isinstance(manager, str):
        manager = import_item(manager)
    name = (kernelspec or {}).get("name") or execute.kernel_name
    if not (isinstance(manager, type) and issubclass(manager, ConfinedKernelManager) and name):
        return  # only a confined kernel is started early
    # nbgrader has copied the submission's other files here; with none, it makes the
    # folder only when it writes the notebook, but the kernel is started from it
    os.makedirs(folder, exist_ok=True)
    km = manager(kernel_name=name, parent=parent)
    try:
        with utils.setenv(NBGRADER_EXECUTION="autograde"):
            run_sync(km.start_kernel)(extra_arguments=list(execute.extra_arguments), cwd=folder)
    except Exception as exc:  # noqa: BLE001 - the usual start in BoundedExecute reports it
        parent.log.info("kernel not started early (%s); it starts with the run", exc)
        with contextlib.suppress(Exception):
            run_sync(km.cleanup_resources)()
        return
    _STARTED_KERNELS[_key(resources)] = km


atexit.register(discard_started_kernels)


class BeginGradeOfRecord(NbGraderPreprocessor):
    """First sanitize step: zero the points, mark the submission *not graded*, start judging.

    The judging (:func:`.record.judge_on_disk`, an isolated process) runs in a
    thread while nbgrader's kernel runs the notebook for the feedback;
    :class:`SaveGradeOfRecord` waits for it and writes the verdicts. The
    confined kernel is started here too (:func:`_start_kernel_early`).
    """

    start_kernel_early = Bool(
        True, help="Start the confined kernel while nbgrader sanitizes the notebook."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        from grading import record, secret
        from nbgrader.api import Gradebook

        settings = GradeOfRecordSettings(parent=self)
        root = settings.course_root or os.getcwd()
        assignment, student, notebook = _key(resources)
        db_url = resources["nbgrader"]["db_url"]
        with Gradebook(db_url, resources["nbgrader"].get("course_id", "default_course")) as gb:
            digest = record.begin(gb, root, assignment, student)
            stored = gb.find_notebook(notebook, assignment)
            solution_ids = {c.name for c in stored.solution_cells}
            kernelspec = json.loads(stored.kernelspec) if stored.kernelspec else None
        key = secret.read_or_create(secret.secret_path(root, db_url))
        future = _pool().submit(record.judge_on_disk, root, assignment, student, notebook,
                                solution_ids, key, settings.limits(), hide=settings.hide)
        _PENDING[_key(resources)] = (future, digest, root)
        if self.start_kernel_early:
            course = CourseDirectory(parent=self)
            folder = course.format_path(course.autograded_directory, student, assignment)
            _start_kernel_early(self, resources, kernelspec, folder)
        return nb, resources


class SaveGradeOfRecord(SaveAutoGrades):
    """nbgrader's ``SaveAutoGrades`` without the kernel's scores; then the grade of record.

    The written answers are saved as nbgrader does (waiting for manual
    grading); the autograded test cells keep the 0 and "needs manual grade"
    of :class:`BeginGradeOfRecord` until the grade of record is written here.
    If it cannot be computed, the submission stays *not graded* and this step
    fails, so nbgrader reports the failure.
    """

    def preprocess(self, nb, resources):
        nb, resources = super().preprocess(nb, resources)
        from grading import gradebook, record
        from nbgrader.api import Gradebook

        pending = _PENDING.pop(_key(resources), None)
        if pending is None:
            raise RuntimeError("the grade of record was not started (BeginGradeOfRecord missing)")
        future, digest, root = pending
        assignment, student, _ = _key(resources)
        meta = resources["nbgrader"]
        with Gradebook(meta["db_url"], meta.get("course_id", "default_course")) as gb:
            try:
                judged = future.result()
            except Exception as exc:
                gradebook.mark_not_graded(gb, assignment, student, str(exc) or type(exc).__name__)
                raise
            written = record.write_record(gb, root, assignment, student, judged, digest)
        RECORD_SECONDS[(assignment, student)] = judged.seconds
        record.annotate(nb, written)  # nbgrader writes this notebook after the last step
        resources.setdefault("grade_of_record", []).append(written)
        return nb, resources

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
            return cell, resources  # the kernel's score never counts
        return super().preprocess_cell(cell, resources, cell_index)
