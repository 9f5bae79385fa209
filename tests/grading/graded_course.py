"""A temporary copy of the course, submissions made as a learner would, the grading pipeline.

``GradedCourse`` copies ``exercises/`` into a temporary folder, releases
``ps1_sigmoid_bce`` there, writes each submission under
``submitted/<student>/ps1_sigmoid_bce/`` (as ``nbgrader collect`` leaves it),
runs ``nbgrader autograde`` (which computes the grade of record inside it) on
all of them at once and then ``python -m grading.record`` (the grade of record
recomputed on its own, which must agree), and reads the gradebook back through
nbgrader's ``Gradebook`` API. The repository is
never written to.
"""

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
EXERCISES = REPO / "exercises"
BIN = Path(sys.executable).parent
PS1 = "ps1_sigmoid_bce"
COURSE_ID = "logreg"
#: Points of the autograded test cells of ps1 (the written answer is graded by hand).
PS1_POINTS = {"sigmoid_tests": 3.0, "binary_cross_entropy_tests": 2.0, "predict_proba_tests": 2.0}
FUNCTION_OF = {
    "sigmoid_tests": "sigmoid",
    "binary_cross_entropy_tests": "binary_cross_entropy",
    "predict_proba_tests": "predict_proba",
}
#: Per-function limits of the isolated runs in these tests (honest functions need < 1 s).
RECORD_CPU_SECONDS, RECORD_WALL_SECONDS = 4, 20
RECORD_LIMITS = ["--cpu-seconds", str(RECORD_CPU_SECONDS),
                 "--wall-seconds", str(RECORD_WALL_SECONDS)]
KERNEL_CELL_TIMEOUT = 8
#: The line of ``exercises/nbgrader_config.py`` that turns the integrity settings on.
INTEGRITY_LINE = 'load_subconfig("nbgrader_config_integrity.py")'


@dataclass
class Submission:
    """One learner's hand-in and what the grade of record must say about it.

    ``solutions`` replaces solution cells by ``grade_id`` (the others keep the
    reference solution); ``edit(nb, course)`` changes the notebook further;
    ``files`` are handed in beside the notebook; ``expected`` gives the score
    of record of each test cell (missing ones: full points); ``flags`` are
    substrings that must appear among the review reasons, ``None`` for none.
    """

    student: str
    solutions: dict = field(default_factory=dict)
    edit: object = None
    files: dict = field(default_factory=dict)
    expected: dict = field(default_factory=dict)
    flags: tuple | None = None
    raw: str | None = None

    def scores(self):
        return {gid: self.expected.get(gid, pts) for gid, pts in PS1_POINTS.items()}


def reference_solutions(source_path):
    """The source notebook's solution cells without the solution markers."""
    nb = nbformat.read(str(source_path), as_version=4)
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            out[meta["grade_id"]] = re.sub(r"[ \t]*### (BEGIN|END) SOLUTION\n?", "", cell.source)
    return out


def _environment(course):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NBGRADER", "JUPYTER"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["NBGRADER_EXCHANGE"] = str(course.parent / "exchange")
    env["JUPYTER_RUNTIME_DIR"] = str(course.parent / "runtime")
    env["PYTHONWARNINGS"] = "ignore"
    # The grader's temporary folders go here, where a test can see what is left
    # (a short path: the kernel's Unix sockets live below it).
    tmp = tempfile.mkdtemp(prefix="gt-", dir="/tmp")
    atexit.register(shutil.rmtree, tmp, True)
    env["TMPDIR"] = tmp
    return env


#: A generated copy's release folder and gradebook, kept for the next copies of this process.
_GENERATED = None


def _keep_generated(course):
    global _GENERATED
    keep = Path(tempfile.mkdtemp(prefix="generated-ps1-"))
    atexit.register(shutil.rmtree, keep, True)
    shutil.copytree(course / "release", keep / "release")
    shutil.copy2(course / "gradebook.db", keep / "gradebook.db")
    _GENERATED = keep


class GradedCourse:
    """A released copy of the course in ``root`` (see the module docstring)."""

    def __init__(self, root):
        self.root = Path(root)
        self.course = self.root / "course"
        shutil.copytree(
            EXERCISES, self.course,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "gradebook.db", "release",
                                          "submitted", "autograded", "feedback", ".exchange"),
        )
        self.source = self.course / "source" / PS1 / f"{PS1}.ipynb"
        config = self.course / "nbgrader_config.py"
        text = config.read_text()
        if INTEGRITY_LINE not in text:  # see test_course_config_loads_the_integrity_settings
            text += f"\n{INTEGRITY_LINE}\n"
        config.write_text(text + f"\nc.Execute.timeout = {KERNEL_CELL_TIMEOUT}\n"
                          f"c.GradeOfRecordSettings.cpu_seconds = {RECORD_CPU_SECONDS}\n"
                          f"c.GradeOfRecordSettings.wall_seconds = {RECORD_WALL_SECONDS}\n")
        self.env = _environment(self.course)
        self.log = []
        self._generate_assignment()
        self.release = self.course / "release" / PS1 / f"{PS1}.ipynb"
        self.solutions = reference_solutions(self.source)
        self.source_cells_before = self.source_cells()

    def _generate_assignment(self):
        """``nbgrader generate_assignment ps1``: run once per process, then copied.

        Every copy starts from the same files and configuration, so the release
        folder and the SQLite gradebook that the first copy generated are the
        ones each later copy would generate. A course whose gradebook is a
        database server (``db_url``) runs the command itself.
        """
        if getattr(self, "db_url", None):
            self.nbgrader("generate_assignment", PS1)
            return
        if _GENERATED is None or not _GENERATED.is_dir():
            self.nbgrader("generate_assignment", PS1)
            _keep_generated(self.course)
            return
        shutil.copytree(_GENERATED / "release", self.course / "release")
        shutil.copy2(_GENERATED / "gradebook.db", self.course / "gradebook.db")

    def nbgrader(self, *args, check=True):
        done = subprocess.run([str(BIN / "nbgrader"), *args], cwd=self.course, env=self.env,
                              capture_output=True, text=True, timeout=600)
        self.log.append(done.stdout + done.stderr)
        if check and done.returncode != 0:
            raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done

    def submit(self, sub):
        folder = self.course / "submitted" / sub.student / PS1
        folder.mkdir(parents=True)
        if sub.raw is not None:
            (folder / f"{PS1}.ipynb").write_text(sub.raw)
        else:
            nb = nbformat.read(str(self.release), as_version=4)
            for cell in nb.cells:
                gid = cell.metadata.get("nbgrader", {}).get("grade_id")
                if gid in self.solutions:
                    cell.source = sub.solutions.get(gid, self.solutions[gid])
            if sub.edit is not None:
                sub.edit(nb, self)
            nbformat.write(nb, str(folder / f"{PS1}.ipynb"))
        for name, text in sub.files.items():
            (folder / name).write_text(text)

    def grade(self, submissions):
        """Hand in, autograde every submission (one nbgrader run), then the grades of record."""
        for sub in submissions:
            self.submit(sub)
        self.nbgrader("autograde", PS1, check=False)
        done = subprocess.run(
            [sys.executable, "-m", "grading.record", PS1, *RECORD_LIMITS],
            cwd=self.course, env=self.env, capture_output=True, text=True, timeout=900,
        )
        self.summary = done.stdout
        self.log.append(done.stdout + done.stderr)
        assert done.returncode == 0, done.stderr[-3000:]

    def autograde(self, *args, python=None, check=True):
        """``python -m tools.autograde`` on this course, as ``make autograde`` runs it."""
        done = subprocess.run([str(python or sys.executable), "-m", "tools.autograde",
                               "--course", str(self.course), *args],
                              cwd=self.course, env=self.env, capture_output=True, text=True,
                              timeout=1800)
        self.log.append(done.stdout + done.stderr)
        if check and done.returncode != 0:
            raise AssertionError(f"autograde failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done

    def leftovers(self):
        """The grader's temporary folders left in this course's temporary folder."""
        return sorted(p.name for p in Path(self.env["TMPDIR"]).glob("grading-*"))

    def gradebook(self):
        from nbgrader.api import Gradebook

        return Gradebook("sqlite:///" + str(self.course / "gradebook.db"), COURSE_ID)

    def grades(self, student):
        """``grade_id -> (auto_score, needs_manual_grade)`` of a submission."""
        with self.gradebook() as gb:
            nb = gb.find_submission_notebook(PS1, PS1, student)
            return {g.name: (g.auto_score, g.needs_manual_grade) for g in nb.grades}

    def flags(self, student):
        from nbgrader_plugins.export import submission_flags

        with self.gradebook() as gb:
            return submission_flags(gb, PS1, student)

    def status(self, student):
        """``(status, cause)`` of the grade of record of a submission."""
        from grading.gradebook import ledger

        with self.gradebook() as gb:
            entry = ledger(gb).get((PS1, student))
        return (entry["status"], entry["cause"]) if entry else (None, None)

    def source_cells(self):
        with self.gradebook() as gb:
            nb = gb.find_notebook(PS1, PS1)
            return sorted((c.name, c.checksum, c.locked, c.source) for c in nb.source_cells), \
                sorted((c.name, c.max_score) for c in nb.grade_cells)

    def feedback_html(self, student):
        self.nbgrader("generate_feedback", PS1, "--student", student, "--force")
        return (self.course / "feedback" / student / PS1 / f"{PS1}.html").read_text()


def unreadable_environment(root):
    """A virtual environment whose packages the sandbox user cannot read (as root).

    Its Python runs for the grader, but no isolated process started from it can
    import anything: the grader's environment is broken for grading.
    """
    base = Path(os.path.realpath(sys.executable))
    venv = root / "venv"
    (venv / "bin").mkdir(parents=True)
    site = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / \
        "site-packages"
    site.mkdir(parents=True)
    os.symlink(base, venv / "bin" / "python")
    (venv / "pyvenv.cfg").write_text(f"home = {base.parent}\ninclude-system-site-packages = "
                                     f"false\nversion = {sys.version.split()[0]}\n")
    real = next(p for p in sys.path if p.endswith("site-packages"))
    (site / "real.pth").write_text(f"import site; site.addsitedir({real!r})\n")
    os.chmod(venv / "lib", 0o700)
    return venv / "bin" / "python"


def still_running(process):
    """Whether a ``psutil.Process`` is running (not ended, not a zombie)."""
    import psutil

    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
