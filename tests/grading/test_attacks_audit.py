"""Adversarial catalogue, part 3: what the audit decides, through the whole pipeline.

Answer keys under other names and file access under other names cost the function that
relies on them, flagged; an honest learner's habits (``%timeit`` left in a cell, a local
variable named ``In``) cost nothing.
"""

import pytest
from graded_course import PS1, PS1_POINTS, GradedCourse, Submission

HONEST_HABITS = {
    "sigmoid": "def sigmoid(z):\n"
               "    In = np.asarray(z, dtype=float)\n"
               "    e = np.exp(-np.abs(In))\n"
               "    return np.where(In >= 0, 1 / (1 + e), e / (1 + e))[()]\n\n"
               "%timeit sigmoid(np.linspace(-5, 5, 11))\n",
    "predict_proba": "%%time\n"
                     "def predict_proba(X, w, b):\n"
                     "    return sigmoid(np.asarray(X, dtype=float) @ w + b)\n",
}
SCIPY_SIGMOID = {
    "sigmoid": "import scipy.stats as ss\n\n"
               "def sigmoid(z):\n    return ss.logistic.cdf(z)[()]\n",
}
LOG_SIGMOID_PREDICT = {
    "predict_proba": "from course_lib import activations as act\n\n"
                     "def predict_proba(X, w, b):\n"
                     "    return np.exp(act.log_sigmoid(np.asarray(X, dtype=float) @ w + b))\n",
}
RENAMED_OPEN = {
    "predict_proba": "def predict_proba(X, w, b):\n"
                     "    reader = open\n"
                     "    for path in ('../input.json', '/etc/passwd'):\n"
                     "        try:\n"
                     "            raise ValueError(reader(path).read()[:400])\n"
                     "        except OSError:\n"
                     "            pass\n"
                     "    return sigmoid(np.asarray(X, dtype=float) @ w + b)\n",
}

SUBMISSIONS = [
    Submission("honest_habits", HONEST_HABITS),
    Submission("scipy_sigmoid", SCIPY_SIGMOID, expected={"sigmoid_tests": 0.0},
               flags=("library",)),
    Submission("log_sigmoid_predict", LOG_SIGMOID_PREDICT,
               expected={"predict_proba_tests": 0.0}, flags=("library",)),
    Submission("renamed_open", RENAMED_OPEN, expected={"predict_proba_tests": 0.0},
               flags=("file-access",)),
]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = GradedCourse(tmp_path_factory.mktemp("audit-attacks"))
    course.grade(SUBMISSIONS)
    return course


@pytest.mark.nbgrader
@pytest.mark.parametrize("sub", SUBMISSIONS, ids=lambda s: s.student)
def test_only_the_function_concerned_loses_its_points(graded, sub):
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
        withheld = {gid for gid, score in sub.expected.items() if score == 0.0}
        for gid in PS1_POINTS:
            assert grades[gid][1] == (gid in withheld), (gid, grades[gid])
    line = next(x for x in graded.summary.splitlines() if x.startswith(f"{PS1} {sub.student}:"))
    assert ("FLAGGED" in line) == (sub.flags is not None)
