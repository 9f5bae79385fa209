"""Adversarial catalogue, part 2: attacks on what the graded functions hand back and on the run.

The answer key, results whose comparisons always succeed, code built at run
time, crashes, infinite loops, floods, a broken notebook. Each submission ends
with no undeserved points and the expected flag; the crash of one function
costs that function only, and the other learners of the run are graded.
"""

import subprocess
import sys

import pytest
from graded_course import PS1, PS1_POINTS, GradedCourse, Submission

WRONG_SIGMOID = "def sigmoid(z):\n    return 0.5 + 0 * np.asarray(z, dtype=float)\n"
ZERO = {gid: 0.0 for gid in PS1_POINTS}

ANSWER_KEY = {
    # sigmoid answered by the library under an alias: withheld.
    "sigmoid": "from course_lib.activations import sigmoid as expit\n\n"
               "def sigmoid(z):\n    return expit(z)\n",
    # course_lib's sigmoid inside predict_proba: graded functions may not rely on course_lib.
    "predict_proba": "import course_lib\n\n"
                     "def predict_proba(X, w, b):\n"
                     "    return course_lib.sigmoid(np.asarray(X, dtype=float) @ w + b)\n",
}

ALWAYS_EQUAL = {
    "sigmoid": (
        "class Yes(np.ndarray):\n"
        "    def __eq__(self, other):\n        return np.ones(np.shape(other), bool)\n"
        "    def __array_ufunc__(self, *args, **kwargs):\n        return True\n\n"
        "def sigmoid(z):\n    return np.zeros(np.shape(z)).view(Yes)\n"
    ),
    "binary_cross_entropy": (
        "class Anything:\n"
        "    __array_priority__ = 1e9\n"
        "    def __eq__(self, other):\n        return True\n"
        "    __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __eq__\n"
        "    def __array_ufunc__(self, *args, **kwargs):\n        return True\n\n"
        "def binary_cross_entropy(y_true, y_prob):\n    return Anything()\n"
    ),
    "predict_proba": (
        "class Close(float):\n"
        "    def __eq__(self, other):\n        return True\n"
        "    def __sub__(self, other):\n        return 0.0\n"
        "    __rsub__ = __sub__\n\n"
        "def predict_proba(X, w, b):\n    return [Close(0.0)] * len(X)\n"
    ),
}

SEGFAULT_BCE = (
    "def binary_cross_entropy(y_true, y_prob):\n"
    "    far = np.lib.stride_tricks.as_strided(np.zeros(1), shape=(10**9,), strides=(10**7,))\n"
    "    return float(far.sum())\n"
)
OS_EXIT_SIGMOID = "import os\n\ndef sigmoid(z):\n    os._exit(0)\n"
LOOP_PREDICT = "def predict_proba(X, w, b):\n    while True:\n        pass\n"
MEMORY_SIGMOID = "def sigmoid(z):\n    big = np.ones(10**11)\n    return big[:0]\n"
FLOOD_BCE = (
    "def binary_cross_entropy(y_true, y_prob):\n"
    "    while True:\n        print('spam ' * 20000)\n"
)
HUGE_RESULT = "def predict_proba(X, w, b):\n    return np.zeros(30_000_000)\n"
EXEC_SIGMOID = (
    "exec('def sigmoid(z):\\n    z = np.asarray(z, dtype=float)\\n'\n"
    "     '    return np.exp(-np.logaddexp(0, -z))[()]')\n"
)
DUNDER_IMPORT = "sigmoid = __import__('course' + '_lib').sigmoid\n"

SUBMISSIONS = [
    Submission("honest_b"),
    Submission("course_lib_answer", ANSWER_KEY,
               expected={"sigmoid_tests": 0.0, "predict_proba_tests": 0.0},
               flags=("answer-key", "library")),
    Submission("always_equal", ALWAYS_EQUAL, expected=ZERO),
    Submission("os_exit", {"sigmoid": OS_EXIT_SIGMOID}, expected={"sigmoid_tests": 0.0},
               flags=("os._exit",)),
    Submission("segfault", {"binary_cross_entropy": SEGFAULT_BCE},
               expected={"binary_cross_entropy_tests": 0.0}, flags=("segmentation fault",)),
    Submission("infinite_loop", {"predict_proba": LOOP_PREDICT},
               expected={"predict_proba_tests": 0.0}, flags=("CPU time",)),
    Submission("memory_bomb", {"sigmoid": MEMORY_SIGMOID}, expected={"sigmoid_tests": 0.0}),
    Submission("output_flood", {"binary_cross_entropy": FLOOD_BCE},
               expected={"binary_cross_entropy_tests": 0.0}, flags=("CPU time",)),
    Submission("huge_result", {"predict_proba": HUGE_RESULT},
               expected={"predict_proba_tests": 0.0}),
    Submission("exec_obfuscated", {"sigmoid": EXEC_SIGMOID}, expected=ZERO, flags=("exec",)),
    Submission("dunder_import", {"sigmoid": DUNDER_IMPORT}, expected=ZERO,
               flags=("__import__",)),
    Submission("corrupt_notebook", raw='{"cells": [', expected=ZERO,
               flags=("cannot be read",)),
]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = GradedCourse(tmp_path_factory.mktemp("result-attacks"))
    course.grade(SUBMISSIONS)
    return course


@pytest.mark.nbgrader
@pytest.mark.parametrize("sub", SUBMISSIONS, ids=lambda s: s.student)
def test_no_undeserved_points_and_the_expected_flag(graded, sub):
    grades = graded.grades(sub.student)
    for gid, score in sub.scores().items():
        assert grades[gid][0] == score, (gid, grades[gid], graded.summary)
    flags = graded.flags(sub.student)
    if sub.flags is None:
        assert flags == [], flags
        assert not any(grades[gid][1] for gid in PS1_POINTS)
    else:
        for needle in sub.flags:
            assert any(needle in f for f in flags), (needle, flags)
        line = next(x for x in graded.summary.splitlines() if x.startswith(f"{PS1} {sub.student}:"))
        assert "FLAGGED" in line


@pytest.mark.nbgrader
def test_export_shows_scores_and_flags(graded):
    import csv

    target = graded.root / "grades.csv"
    graded.nbgrader("export", "--to", str(target))
    with target.open(newline="") as fh:
        rows = {r["student_id"]: r for r in csv.DictReader(fh)}
    assert set(rows) == {s.student for s in SUBMISSIONS}
    for sub in SUBMISSIONS:
        row = rows[sub.student]
        assert float(row["raw_score"]) == sum(sub.scores().values())
        assert float(row["max_score"]) == 10.0
        assert (row["flagged"] == "yes") == (sub.flags is not None)
        for needle in sub.flags or ():
            assert needle in row["flag_reasons"]


@pytest.mark.nbgrader
def test_floods_stay_small(graded):
    """The flooding kernel is capped or dies; the grader keeps nothing large."""
    notebook = graded.course / "autograded" / "output_flood" / PS1 / f"{PS1}.ipynb"
    assert not notebook.exists() or notebook.stat().st_size < 2_000_000
    assert graded.grades("output_flood")["sigmoid_tests"] == (3.0, False)


def _record(graded, student):
    done = subprocess.run([sys.executable, "-m", "grading.record", PS1, student],
                          cwd=graded.course, env=graded.env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.mark.nbgrader
def test_a_failed_rerun_keeps_no_earlier_score(graded):
    """Re-grading a submission that now cannot be read leaves 0 and a flag, not the old score."""
    notebook = graded.course / "submitted" / "honest_b" / PS1 / f"{PS1}.ipynb"
    good = notebook.read_text()
    assert graded.grades("honest_b")["sigmoid_tests"] == (3.0, False)
    try:
        notebook.write_text('{"cells": [')
        _record(graded, "honest_b")
        grades = graded.grades("honest_b")
        assert all(grades[gid] == (0.0, True) for gid in PS1_POINTS)
        assert any("cannot be read" in f for f in graded.flags("honest_b"))
    finally:
        notebook.write_text(good)
        _record(graded, "honest_b")
    assert graded.grades("honest_b")["sigmoid_tests"] == (3.0, False)
    assert graded.flags("honest_b") == []
