"""A course copy graded by ``tools.autograde`` as a separate process that a test can hit.

:class:`ScaleCourse` is ``tests/grading``'s ``GradedCourse`` (a released copy
of ``ps1_sigmoid_bce`` with short limits) with a chosen database and a shared
grading secret; :meth:`ScaleCourse.start` runs ``make autograde``'s script and
collects its output lines while the test acts on the running processes.
"""

import csv
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import psutil
from graded_course import BIN, PS1, GradedCourse, Submission
from test_attacks_results import LOOP_PREDICT, MEMORY_SIGMOID

WRONG_SIGMOID = "def sigmoid(z):\n    return 0.0 * z\n"
#: Honest, mistaken and attacking submissions; the hanging one first, so it is graded
#: while the others go through the other lanes.
BATCH = [
    Submission("a_loop", {"predict_proba": LOOP_PREDICT}),
    Submission("b_memory", {"sigmoid": MEMORY_SIGMOID}),
    Submission("c_honest"),
    Submission("d_mistaken", {"sigmoid": WRONG_SIGMOID}),
    Submission("e_honest"),
]
STUDENTS = [s.student for s in BATCH]


@dataclass
class Run:
    """A finished ``tools.autograde`` run: its exit status and output lines."""

    returncode: int
    lines: list = field(default_factory=list)

    @property
    def output(self):
        return "".join(self.lines)

    def graded(self, student):
        """How many times this run reported ``student``'s submission autograded."""
        return sum(line.startswith(f"autograded {student}/{PS1} ") for line in self.lines)


class Running:
    """A ``tools.autograde`` process being run; its output lines gathered in a thread."""

    def __init__(self, argv, cwd, env):
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.lines = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def wait_for(self, text, timeout=600):
        """Wait until a line contains ``text``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return
            if self.proc.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.1)
        raise AssertionError(f"no line with {text!r}:\n{''.join(self.lines)}")

    def finish(self, timeout=900):
        self.proc.wait(timeout=timeout)
        self._reader.join(timeout=30)
        self.proc.stdout.close()
        return Run(self.proc.returncode, list(self.lines))


def grading_process(pids, timeout=300):
    """The first of ``pids`` that is grading (a confined process below it); wait for one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid in pids():
            try:
                below = psutil.Process(pid).children(recursive=True)
                if any("confine.py" in " ".join(p.cmdline()) for p in below):
                    return pid
            except psutil.Error:
                continue
        time.sleep(0.1)
    raise AssertionError("no lane started grading")


class ScaleCourse(GradedCourse):
    """``GradedCourse`` on database ``db_url`` (SQLite by default) with a given secret."""

    def __init__(self, root, secret_file, db_url=None):
        self._extra = {"GRADING_SECRET_FILE": str(secret_file)}
        if db_url:
            self._extra["NBGRADER_DB_URL"] = db_url
        self.db_url = db_url
        super().__init__(root)

    def nbgrader(self, *args, check=True):
        self.env.update(self._extra)
        return super().nbgrader(*args, check=check)

    def gradebook(self):
        from nbgrader.api import Gradebook

        if self.db_url:
            return Gradebook(self.db_url, "logreg")
        return super().gradebook()

    def submit_batch(self):
        for sub in BATCH:
            self.submit(sub)

    def start(self, *args, env=None):
        """Start ``python -m tools.autograde`` on this course; a :class:`Running`."""
        argv = [sys.executable, "-m", "tools.autograde", "--course", str(self.course), *args]
        return Running(argv, self.course, {**self.env, **(env or {})})

    def run(self, *args, env=None):
        """Run ``python -m tools.autograde`` on this course to the end; a :class:`Run`."""
        run = self.start(*args, env=env).finish()
        self.log.append(run.output)
        return run

    def grades_csv(self):
        """The rows of ``grades.csv`` written by ``make grades``'s script."""
        done = subprocess.run([sys.executable, "-m", "tools.workflow", "grades",
                               "--course", str(self.course)], cwd=self.course, env=self.env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        with open(self.course / "grades.csv", newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    def dask_cluster(self, workers=2, python=None):
        """A Dask scheduler and ``workers`` worker processes, each started on its own
        (with the ``dask`` command of this environment, or by ``python``)."""
        return DaskCluster(self, workers, python)


class DaskCluster:
    """``dask scheduler`` and ``dask worker`` processes, as on separate machines."""

    def __init__(self, course, workers, python=None):
        env = {**course.env, "PYTHONPATH": str(course.course)}
        file = course.root / "scheduler.json"
        self.procs = [subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", str(file)],
            cwd=course.course, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        deadline = time.monotonic() + 120
        while not file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        worker = [str(python), "-m", "distributed.cli.dask_worker"] if python else \
            [str(BIN / "dask"), "worker"]
        self.workers = [subprocess.Popen(
            [*worker, "--scheduler-file", str(file), "--nthreads", "1",
             "--no-nanny", "--memory-limit", "0", "--no-dashboard", "--name", f"lane{k}"],
            cwd=course.course, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for k in range(workers)]
        self.procs += self.workers
        from distributed import Client

        with Client(scheduler_file=str(file), timeout="120s") as client:
            client.wait_for_workers(workers, timeout=180)
            self.address = client.scheduler.address

    def kill(self, pid):
        """SIGKILL the worker process ``pid`` (and reap it, as its machine would)."""
        proc = next(p for p in self.workers if p.pid == pid)
        proc.kill()
        proc.wait(timeout=60)

    def close(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, 9)
