"""The check catalogue, judged in this process: references, mistakes, alternatives.

The same ``judge`` (``grading/checks/_runner.py``) runs in the notebooks' hidden
tests; these tests call it directly on the functions of the source notebooks,
with one function replaced at a time.
"""

import re

import numpy as np
import pytest
from grading.checks._common import Array, Exact, Parts, comparison
from grading.checks._runner import HiddenTestFailure, judge, run_hidden_tests
from grading.spec import Case, Code, FunctionCheck, Outcome
from notebook_tools import (
    ASSIGNMENTS,
    checks,
    graded_functions,
    namespace,
    nbgrader_meta,
    read_source,
    with_solution,
)
from variants import ALTERNATIVES, MISTAKES

MISTAKE_CASES = [
    (a, f, name) for a in ASSIGNMENTS for f in MISTAKES[a] for name in MISTAKES[a][f]
]


def _judge_all(assignment, ns):
    """``{function: failure messages}`` of every check of an assignment."""
    checks_, references = checks(assignment)
    out = {}
    for check in checks_:
        failures, _ = judge(check, ns[check.function], references)
        out.setdefault(check.function, []).extend(msg for _, msg in failures)
    return out


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_catalogue_matches_the_notebook(assignment):
    nb = read_source(assignment)
    test_cells = {nbgrader_meta(c)["grade_id"] for c in nb.cells
                  if c.cell_type == "code" and nbgrader_meta(c).get("grade")}
    checks_, references = checks(assignment)
    assert {c.grade_id for c in checks_} == test_cells
    assert [c.function for c in checks_] == graded_functions(assignment)
    assert set(references) == set(graded_functions(assignment))
    for check in checks_:
        assert isinstance(check, FunctionCheck)
        first = check.cases(np.random.default_rng(7))
        second = check.cases(np.random.default_rng(7))
        assert len(first) >= 5
        assert any(case.label.startswith("visible:") for case in first)
        assert len({case.label for case in first}) == len(first)  # labels name the case
        for a, b in zip(first, second, strict=True):  # the same generator, the same cases
            for x, y in zip(a.args, b.args, strict=True):
                if isinstance(x, np.ndarray):
                    np.testing.assert_array_equal(x, y)
        # the hidden test cell calls this very check
        cell = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == check.grade_id)
        assert f'run_hidden_tests("{assignment}", "{check.grade_id}", {check.function})' in (
            cell.source)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_solutions_pass_every_check(assignment):
    failures = _judge_all(assignment, namespace(read_source(assignment)))
    assert failures == {f: [] for f in failures}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_alternative_correct_solutions_pass(assignment):
    nb = read_source(assignment)
    for function, source in ALTERNATIVES[assignment].items():
        nb = with_solution(nb, function, source)
    failures = _judge_all(assignment, namespace(nb))
    assert failures == {f: [] for f in failures}


@pytest.mark.parametrize(("assignment", "function", "mistake"), MISTAKE_CASES)
def test_a_mistake_fails_its_function_and_no_other(assignment, function, mistake):
    nb = with_solution(read_source(assignment), function, MISTAKES[assignment][function][mistake])
    failures = _judge_all(assignment, namespace(nb))
    assert failures.pop(function), f"{mistake!r} passed the checks of {function}"
    assert failures == {f: [] for f in failures}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_function_has_three_mistakes(assignment):
    for function in graded_functions(assignment):
        assert len(MISTAKES[assignment][function]) >= 3


def test_hidden_test_failure_names_the_cases_not_their_source():
    tanh = MISTAKES["ps1_sigmoid_bce"]["sigmoid"]["tanh form (loses the tails)"]
    ns = namespace(with_solution(read_source("ps1_sigmoid_bce"), "sigmoid", tanh))
    with pytest.raises(HiddenTestFailure) as info:
        run_hidden_tests("ps1_sigmoid_bce", "sigmoid_tests", ns["sigmoid"])
    message = str(info.value)
    # 18 cases; the tanh form loses both tails (visible -40, -800, the tails, the far tail)
    assert re.match(r"[4-6] of 18 hidden test cases failed for sigmoid", message), message
    assert "visible: the tail at -40" in message and "relative error" in message
    assert "np.array" not in message and "Case(" not in message


def test_passing_hidden_tests_print_a_summary(capsys):
    ns = namespace(read_source("ps1_sigmoid_bce"))
    run_hidden_tests("ps1_sigmoid_bce", "predict_proba_tests", ns["predict_proba"])
    assert capsys.readouterr().out == "predict_proba: all 9 hidden test cases passed.\n"


def test_a_learner_function_that_warns_or_prints_writes_nothing_to_stderr(capfd):
    source = """
        def sigmoid(z):
            import sys
            print("debug", z, file=sys.stderr)
            return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))
    """
    ns = namespace(with_solution(read_source("ps1_sigmoid_bce"), "sigmoid", source))
    with pytest.raises(HiddenTestFailure, match="RuntimeWarning: overflow"):
        run_hidden_tests("ps1_sigmoid_bce", "sigmoid_tests", ns["sigmoid"])
    captured = capfd.readouterr()
    assert captured.err == "" and "debug" not in captured.out


def test_harmless_warnings_of_a_correct_function_cost_nothing():
    source = """
        def binary_cross_entropy(y_true, y_prob):
            y = np.asarray(y_true, dtype=float)
            p = np.clip(y_prob, 1e-15, 1 - 1e-15)
            np.float64(1e308) * 10  # an overflow warning that changes nothing
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    """
    ns = namespace(with_solution(read_source("ps1_sigmoid_bce"), "binary_cross_entropy", source))
    run_hidden_tests("ps1_sigmoid_bce", "binary_cross_entropy_tests", ns["binary_cross_entropy"])


def test_comparison_reports_errors_mutation_shape_and_values():
    compare = comparison("f", Array(rtol=1e-6), ("x",))
    case = Case((np.array([1.0, 2.0]),))
    assert compare(Outcome(error="ValueError: bad"), 0, case) == "f raised ValueError: bad"
    assert "modified its argument `x`" in compare(
        Outcome(value=np.zeros(2), args_after=(np.array([1.0, 3.0]),)), np.zeros(2), case)
    after = (np.array([1.0, 2.0]),)
    assert "shape (2,), got (2, 1)" in compare(Outcome(np.zeros((2, 1)), after), np.zeros(2), case)
    assert "should be a scalar" in compare(Outcome(np.zeros(1), after), 0.0, case)
    assert "is None" in compare(Outcome(None, after), 0.0, case)
    assert "NaN or infinity" in compare(Outcome(np.array([np.nan, 1]), after), np.ones(2), case)
    assert compare(Outcome(np.array([1.0, 1 + 1e-7]), after), np.ones(2), case) is None
    assert "relative error" in compare(Outcome(np.array([1.0, 1 + 1e-5]), after), np.ones(2), case)
    assert compare(Outcome(np.array([np.inf]), after), np.array([np.inf]), case) is None


def test_normwise_and_exact_comparisons():
    normwise = Array(rtol=1e-6, mode="normwise")
    # a tiny entry may be off by 1e-6 of the largest one
    assert normwise.judge(np.array([100.0, 5e-5]), np.array([100.0, 1e-12]), "v") is None
    assert normwise.judge(np.array([100.0, 5e-4]), np.array([100.0, 1e-12]), "v")
    assert Exact().judge((1, 2), np.array([1, 2]), "v") is None
    assert "expected 2" in Exact().judge(np.array([1, 3]), np.array([1, 2]), "v")
    parts = Parts(a=Exact(), b=Array(rtol=1e-6))
    assert "tuple (a, b)" in parts.judge(np.zeros(2), (0, 0), "v")
    assert parts.judge([0, 1.0], (0, 1.0), "v") is None


def test_warnings_are_judged_only_when_the_runner_reports_them():
    compare = comparison("sigmoid", Array(rtol=1e-6), ("z",), no_warnings=True)
    case = Case((0.0,))
    quiet = Outcome(value=0.5, args_after=(0.0,))
    noisy = Outcome(value=0.5, args_after=(0.0,), warnings=("RuntimeWarning: overflow",))
    assert compare(quiet, 0.5, case) is None
    assert compare(noisy, 0.5, case) == "sigmoid emitted RuntimeWarning: overflow"


def test_code_arguments_are_built_from_numpy_only():
    from grading.checks._common import materialize

    f = materialize(Code("lambda w: float(np.sum(w ** 2))"))
    assert f(np.array([1.0, 2.0])) == 5.0


def _readme_table():
    """``{assignment: (functions, auto points, written points)}`` from exercises/README.md."""
    from notebook_tools import COURSE

    rows = {}
    for line in (COURSE / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `(ps\d\w+)` \| (.+?) \| (\d+) \+ (\d+) \|", line)
        if match:
            functions = re.findall(r"`(\w+)`", match.group(2))
            rows[match.group(1)] = (functions, float(match.group(3)), float(match.group(4)))
    return rows


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_notebook_is_the_one_truth_the_readme_and_catalogue_agree(assignment):
    """Functions and points live in the source notebook; every other place must agree."""
    nb = read_source(assignment)
    auto = sum(float(nbgrader_meta(c)["points"]) for c in nb.cells
               if nbgrader_meta(c).get("grade") and c.cell_type == "code")
    written = sum(float(nbgrader_meta(c)["points"]) for c in nb.cells
                  if nbgrader_meta(c).get("grade") and c.cell_type == "markdown")
    checks_, references = checks(assignment)
    assert _readme_table()[assignment] == (graded_functions(assignment), auto, written)
    assert [c.function for c in checks_] == graded_functions(assignment)
    assert {c.grade_id for c in checks_} == {
        nbgrader_meta(c)["grade_id"] for c in nb.cells
        if nbgrader_meta(c).get("grade") and c.cell_type == "code"}
    assert set(references) == set(graded_functions(assignment))
