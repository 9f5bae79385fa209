"""Holes of the judging itself, closed in the engine (no nbgrader here).

Each submission is judged by :func:`grading.engine.grade_submission` exactly
as the grade of record does: audit, one isolated process, two rounds, cases
drawn from a secret. Every hole has variants, and an honest submission of the
same shape keeps its points.
"""

import secrets

import nbformat
import numpy as np
import pytest
from graded_course import EXERCISES, PS1, PS1_POINTS, reference_solutions
from grading.checks._runner import INSTRUCTOR_SEED
from grading.engine import grade_submission, load_checks
from grading.record import program
from grading.sandbox import Limits, run_function
from grading.secret import case_rng
from grading.spec import Case

SOURCE = EXERCISES / "source" / PS1 / f"{PS1}.ipynb"
LIMITS = Limits(cpu_seconds=10, wall_seconds=60)


def judge(**replaced):
    """``{grade_id: passed}`` and the verdicts of ps1 with some solution cells replaced."""
    nb = nbformat.read(str(SOURCE), as_version=4)
    ids = set(reference_solutions(SOURCE))
    setup, cells = program(nb, nb, ids)
    cells = [(gid, replaced.get(gid, source)) for gid, source in cells]
    rng = case_rng(secrets.token_hex(32), PS1, "learner")
    result = grade_submission(setup, cells, PS1, rng, hide=[EXERCISES], limits=LIMITS)
    return {v.grade_id: v.passed for v in result.verdicts}, result


def points(passed):
    return sum(PS1_POINTS[gid] for gid, ok in passed.items() if ok)


# --- 1. functions that work only while another is a reference ----------------

STABLE = ("    z = np.asarray(z, dtype=float)\n    e = np.exp(-np.abs(z))\n"
          "    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))[()]\n")
SIGMOID_VIA_PREDICT = ("def sigmoid(z):\n    z = np.asarray(z, dtype=float)\n"
                       "    return predict_proba(z[..., None], np.ones(1), 0.0)[()]\n")
PREDICT_VIA_SIGMOID = ("def predict_proba(X, w, b):\n"
                       "    return sigmoid(np.asarray(X, dtype=float) @ np.asarray(w) + b)\n")

RECURSION = {
    "mutual": {"sigmoid": SIGMOID_VIA_PREDICT, "predict_proba": PREDICT_VIA_SIGMOID},
    "through a helper": {
        "sigmoid": "def _squash(z):\n"
                   "    return predict_proba(np.asarray(z, dtype=float)[..., None],"
                   " np.ones(1), 0.0)[()]\n\ndef sigmoid(z):\n    return _squash(z)\n",
        "predict_proba": PREDICT_VIA_SIGMOID,
    },
    "by keyword, through a lambda": {
        "sigmoid": "squash = lambda z: predict_proba(X=np.asarray(z, dtype=float)[..., None],"
                   " w=np.ones(1), b=0.0)[()]\n\ndef sigmoid(z):\n    return squash(z)\n",
        "predict_proba": "def predict_proba(X, w, b):\n"
                         "    return sigmoid(z=np.asarray(X, dtype=float) @ np.asarray(w) + b)\n",
    },
}


@pytest.mark.parametrize("shape", list(RECURSION))
def test_a_function_that_works_only_with_a_reference_standing_in_earns_nothing(shape):
    passed, result = judge(**RECURSION[shape])
    assert passed == {"sigmoid_tests": False, "binary_cross_entropy_tests": True,
                      "predict_proba_tests": False}, [v.messages for v in result.verdicts]
    assert any("with your own" in m for v in result.verdicts for m in v.messages)


HONEST_CALLS = {
    "predict_proba calls the learner's sigmoid": {
        "sigmoid": "def sigmoid(z):\n" + STABLE, "predict_proba": PREDICT_VIA_SIGMOID},
    "sigmoid delegates to a predict_proba that stands alone": {
        "sigmoid": SIGMOID_VIA_PREDICT,
        "predict_proba": "def predict_proba(X, w, b):\n"
                         "    z = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + b\n"
                         "    return np.exp(-np.logaddexp(0.0, -z))\n"},
}


@pytest.mark.parametrize("shape", list(HONEST_CALLS))
def test_honest_functions_that_call_each_other_keep_full_marks(shape):
    passed, result = judge(**HONEST_CALLS[shape])
    assert points(passed) == sum(PS1_POINTS.values()), [v.messages for v in result.verdicts]


def test_one_mistake_still_costs_one_function_only():
    wrong = "def sigmoid(z):\n    return 0.5 + 0 * np.asarray(z, dtype=float)\n"
    passed, _ = judge(sigmoid=wrong, predict_proba=PREDICT_VIA_SIGMOID)
    assert passed == {"sigmoid_tests": False, "binary_cross_entropy_tests": True,
                      "predict_proba_tests": True}


# --- 2. a table of answers prepared from the public repository --------------


def _table_sigmoid(key_source):
    """A sigmoid that looks its answers up in a table built from the published cases."""
    from course_lib.activations import sigmoid

    check = next(c for c in load_checks(PS1) if c.function == "sigmoid")
    table = {}
    for case in check.cases(np.random.default_rng(INSTRUCTOR_SEED)):
        z = np.asarray(case.args[0], dtype=float)
        key = eval(key_source, {"np": np, "z": z})  # noqa: S307
        table[key] = np.asarray(sigmoid(z)).tolist()
    return (
        f"_TABLE = {table!r}\n\n"
        "def sigmoid(z):\n"
        "    z = np.asarray(z, dtype=float)\n"
        f"    key = {key_source}\n"
        "    return np.asarray(_TABLE.get(key, np.full(z.shape, 0.5).tolist()))[()]\n"
    )


@pytest.mark.parametrize("key_source", [
    "z.tobytes()",
    "(z.shape, round(float(z.sum()), 6))",
], ids=["the raw bytes", "shape and rounded sum"])
def test_a_lookup_table_of_published_cases_earns_nothing(key_source):
    passed, result = judge(sigmoid=_table_sigmoid(key_source))
    assert passed["sigmoid_tests"] is False, result.verdicts[0].messages
    assert passed["binary_cross_entropy_tests"] and passed["predict_proba_tests"]


def test_cases_differ_between_learners_and_secrets_but_keep_their_kinds():
    check = next(c for c in load_checks(PS1) if c.function == "sigmoid")
    a = check.cases(case_rng("a" * 64, PS1, "alice"))
    b = check.cases(case_rng("a" * 64, PS1, "bob"))
    c = check.cases(case_rng("b" * 64, PS1, "alice"))
    assert [x.label for x in a] == [x.label for x in b] == [x.label for x in c]
    random = [i for i, x in enumerate(a) if x.label.startswith("random")]
    assert random
    for other in (b, c):
        assert any(np.shape(a[i].args[0]) != np.shape(other[i].args[0])
                   or not np.array_equal(a[i].args[0], other[i].args[0]) for i in random)
    visible = [i for i, x in enumerate(a) if x.label.startswith("visible:")]
    for i in visible:  # the notebook's visible tests stay what the learner sees
        np.testing.assert_array_equal(a[i].args[0], b[i].args[0])


# --- 4. the sigmoid's tails, not only the absence of a warning --------------

SILENCED = {
    "naive under errstate": "def sigmoid(z):\n    with np.errstate(all='ignore'):\n"
                            "        return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n",
    "naive, errors set to ignore globally": "np.seterr(all='ignore')\n\ndef sigmoid(z):\n"
                                            "    np.seterr(all='ignore')\n"
                                            "    return 1 / (1 + np.exp(-np.asarray(z, "
                                            "dtype=float)))\n",
    "warnings filtered": "import warnings\n\ndef sigmoid(z):\n"
                         "    with warnings.catch_warnings():\n"
                         "        warnings.simplefilter('ignore')\n"
                         "        with np.errstate(all='ignore'):\n"
                         "            return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n",
}


@pytest.mark.parametrize("name", list(SILENCED))
def test_a_naive_sigmoid_with_its_warnings_silenced_fails(name):
    passed, result = judge(sigmoid=SILENCED[name])
    assert passed["sigmoid_tests"] is False
    assert any("far negative tail" in m for m in result.verdicts[0].messages)


def test_stable_sigmoids_written_differently_pass_the_tails():
    passed, _ = judge(sigmoid="def sigmoid(z):\n    return np.exp(-np.logaddexp(0.0, "
                              "-np.asarray(z, dtype=float)))[()]\n")
    assert passed["sigmoid_tests"] is True


# --- 9. what the isolated process receives, and what its errors carry -------


def test_the_box_holds_only_this_assignments_catalogue_and_errors_are_capped():
    probe = ("import os\n"
             "def probe(x):\n"
             "    here = os.path.dirname(os.path.dirname(os.getcwd()))\n"
             "    found = sorted(os.listdir(os.path.join(here, 'lib', 'grading', 'checks')))\n"
             "    if x > 0:\n"
             "        raise ValueError('secret ' * 1000)\n"
             "    return float(len(found)), float('ps2_gradient_descent.py' in found)\n")
    result = run_function([("probe", probe)], "probe", {"g": [Case((0.0,)), Case((1.0,))]},
                          hide=[EXERCISES], limits=LIMITS, setup=[("s", "import numpy as np")],
                          references=f"grading.checks.{PS1}")
    assert result.status == "ok", (result.detail, result.stderr)
    count, other = result.report["results"]["g"][0]["value"]
    assert (count, other) == (3.0, 0.0)  # __init__.py, _common.py, ps1_sigmoid_bce.py
    error = result.report["results"]["g"][1]["error"]
    assert error.startswith("ValueError: secret") and len(error) <= 200
