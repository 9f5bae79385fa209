"""Tests of course_lib.metrics against scikit-learn, SciPy and brute-force counts."""

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from course_lib.metrics import (
    ConfusionCounts,
    auc,
    bayes_optimal_threshold,
    best_threshold,
    confusion_counts,
    confusion_matrix,
    multiclass_confusion_matrix,
    precision_recall_curve,
    precision_recall_f1,
    reliability_table,
    roc_auc_score,
    roc_curve,
    threshold_sweep,
)

SCORE_KINDS = ("ties", "distinct", "integer", "constant")


def make_data(kind, n, seed):
    """Labels with both classes and informative scores of the given kind."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    rng.shuffle(y)
    noise = rng.random(n)
    if kind == "ties":
        scores = np.round(0.3 * y + 0.7 * noise, 1)
    elif kind == "distinct":
        scores = y + rng.normal(size=n)
        assert np.unique(scores).size == n
    elif kind == "integer":
        scores = y + rng.integers(-3, 3, n)
    else:
        scores = np.full(n, 0.3)
    return y, scores


DATA_CASES = [
    pytest.param(kind, n, seed, id=f"{kind}-n{n}-seed{seed}")
    for kind in SCORE_KINDS
    for n in (2, 9, 300)
    for seed in (0, 1)
]


def brute_force_auc(y, scores):
    """P(s_pos > s_neg) + P(s_pos = s_neg) / 2 over all pairs, as an exact fraction."""
    pos, neg = scores[y == 1], scores[y == 0]
    wins = sum(int(p > q) for p in pos for q in neg)
    ties = sum(int(p == q) for p in pos for q in neg)
    return Fraction(2 * wins + ties, 2 * pos.size * neg.size)


# --------------------------------------------------------------------------- counts


def test_confusion_matrix_worked_example():
    y_true = [0, 0, 0, 1, 1, 1, 1]
    y_pred = [0, 1, 1, 0, 1, 1, 1]
    assert_array_equal(confusion_matrix(y_true, y_pred), [[1, 2], [1, 3]])
    counts = confusion_counts(y_true, y_pred)
    assert counts == ConfusionCounts(tp=3, fp=2, fn=1, tn=1)
    assert all(type(c) is int for c in counts)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [1, 2, 5, 100])
def test_confusion_matrix_matches_sklearn(n, seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, n)
    y_pred = rng.integers(0, 2, n)
    expected = skm.confusion_matrix(y_true, y_pred, labels=[0, 1])
    result = confusion_matrix(y_true, y_pred)
    assert result.shape == (2, 2)
    assert result.dtype == np.int64
    assert_array_equal(result, expected)
    tp, fp, fn, tn = confusion_counts(y_true, y_pred)
    assert [[tn, fp], [fn, tp]] == expected.tolist()


@pytest.mark.parametrize(
    ("y_true", "y_pred"),
    [
        ([0, 0, 0], [0, 0, 0]),  # nothing positive at all: every ratio is 0/0
        ([1, 1, 0], [0, 0, 0]),  # no predicted positive: precision is 0/0
        ([0, 0, 0], [1, 0, 1]),  # no actual positive: recall is 0/0
        ([1, 1, 1], [1, 1, 1]),
        ([1, 0], [0, 1]),
    ],
)
def test_precision_recall_f1_zero_division_matches_sklearn(y_true, y_pred):
    p, r, f, _ = skm.precision_recall_fscore_support(
        y_true, y_pred, average="binary", zero_division=0
    )
    assert precision_recall_f1(y_true, y_pred) == pytest.approx((p, r, f), abs=1e-15)


@pytest.mark.parametrize("seed", range(10))
def test_precision_recall_f1_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    y_true = rng.integers(0, 2, n)
    y_pred = (rng.random(n) < rng.random()).astype(int)
    precision, recall, f1 = precision_recall_f1(y_true, y_pred)
    p, r, f, _ = skm.precision_recall_fscore_support(
        y_true, y_pred, average="binary", zero_division=0
    )
    assert (precision, recall, f1) == pytest.approx((p, r, f), abs=1e-15)
    assert f1 == pytest.approx(skm.f1_score(y_true, y_pred, zero_division=0), abs=1e-15)


# --------------------------------------------------------------------------- ROC


def test_roc_curve_worked_example_with_a_tie():
    # At t = 0.9 one positive is predicted; at t = 0.5 a positive and a negative
    # tied at 0.5 enter together (a diagonal step); at t = 0.2 everything.
    fpr, tpr, thresholds = roc_curve([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])
    assert_array_equal(thresholds, [np.inf, 0.9, 0.5, 0.2])
    assert_array_equal(fpr, [0.0, 0.0, 0.5, 1.0])
    assert_array_equal(tpr, [0.0, 0.5, 1.0, 1.0])
    # Pairs (pos, neg): 0.9>0.5, 0.9>0.2, 0.5=0.5, 0.5>0.2 -> (3 + 1/2) / 4.
    assert roc_auc_score([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]) == 0.875


@pytest.mark.parametrize(("kind", "n", "seed"), DATA_CASES)
def test_roc_curve_matches_sklearn_without_dropping_points(kind, n, seed):
    y, scores = make_data(kind, n, seed)
    fpr, tpr, thresholds = roc_curve(y, scores)
    sk_fpr, sk_tpr, sk_thresholds = skm.roc_curve(y, scores, drop_intermediate=False)
    assert_array_equal(thresholds, sk_thresholds)
    assert thresholds.dtype == np.float64
    assert_allclose(fpr, sk_fpr, rtol=0, atol=1e-15)
    assert_allclose(tpr, sk_tpr, rtol=0, atol=1e-15)
    assert thresholds.size == np.unique(scores).size + 1


@pytest.mark.parametrize(("kind", "n", "seed"), DATA_CASES)
def test_roc_auc_score_matches_sklearn_and_mann_whitney(kind, n, seed):
    y, scores = make_data(kind, n, seed)
    result = roc_auc_score(y, scores)
    assert abs(result - skm.roc_auc_score(y, scores)) <= 1e-12
    assert abs(result - float(brute_force_auc(y, scores))) <= 1e-12
    u = stats.mannwhitneyu(scores[y == 1], scores[y == 0], method="asymptotic").statistic
    assert abs(result - u / (np.sum(y == 1) * np.sum(y == 0))) <= 1e-12


def test_roc_auc_of_constant_scores_is_one_half():
    assert roc_auc_score([0, 1, 1, 0, 1], [2.0] * 5) == 0.5


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([0.0, 1.0], [0.0, 1.0]),
        ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0]),
        ([1.0, 0.5, 0.5, 0.0], [1.0, 1.0, 0.2, 0.0]),  # decreasing x
        ([3.0, 3.0, 3.0], [1.0, 2.0, 3.0]),  # zero width
        ([-2.0, 0.0, 5.0, 5.5], [1.0, -3.0, 2.0, 7.0]),
    ],
)
def test_auc_matches_sklearn(x, y):
    assert auc(x, y) == pytest.approx(skm.auc(x, y), abs=1e-14)
    assert auc(x[::-1], y[::-1]) == pytest.approx(auc(x, y), abs=1e-14)


def test_auc_of_unit_triangle_and_square():
    assert auc([0, 1], [0, 1]) == 0.5
    assert auc([0, 0, 1], [0, 1, 1]) == 1.0


# --------------------------------------------------------------------------- precision-recall


def test_precision_recall_curve_worked_example():
    # The example of scikit-learn's documentation.
    precision, recall, thresholds = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    assert_allclose(precision, [0.5, 2 / 3, 0.5, 1.0, 1.0], rtol=0, atol=1e-15)
    assert_array_equal(recall, [1.0, 1.0, 0.5, 0.5, 0.0])
    assert_array_equal(thresholds, [0.1, 0.35, 0.4, 0.8])


@pytest.mark.parametrize(("kind", "n", "seed"), DATA_CASES)
def test_precision_recall_curve_matches_sklearn(kind, n, seed):
    y, scores = make_data(kind, n, seed)
    result = precision_recall_curve(y, scores)
    expected = skm.precision_recall_curve(y, scores, drop_intermediate=False)
    for got, want in zip(result, expected, strict=True):
        assert got.shape == want.shape
        assert_allclose(got, want, rtol=0, atol=1e-15)


def test_precision_recall_curve_with_only_positives_matches_sklearn():
    y, scores = [1, 1, 1], [0.2, 0.9, 0.2]
    for got, want in zip(
        precision_recall_curve(y, scores), skm.precision_recall_curve(y, scores), strict=True
    ):
        assert_allclose(got, want, rtol=0, atol=1e-15)


# --------------------------------------------------------------------------- hypothesis


@st.composite
def labels_and_scores(draw, float_scores=False):
    """Both classes, 2 to 30 samples; scores on a grid of quarters (ties likely)."""
    n = draw(st.integers(2, 30))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    negative = draw(st.integers(0, n - 1))
    positive = draw(st.integers(0, n - 2))
    positive += positive >= negative  # a different index, so both classes are present
    y[negative], y[positive] = 0, 1
    if float_scores:
        element = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
    else:
        element = st.integers(-12, 12).map(lambda k: k / 4)
    scores = np.array(draw(st.lists(element, min_size=n, max_size=n)), dtype=np.float64)
    return y, scores


@settings(deadline=None)
@given(labels_and_scores(float_scores=True))
def test_auc_in_unit_interval_and_reverses_under_negation(data):
    y, scores = data
    value = roc_auc_score(y, scores)
    assert 0.0 <= value <= 1.0
    assert roc_auc_score(y, -scores) == pytest.approx(1.0 - value, abs=1e-12)


@settings(deadline=None)
@given(labels_and_scores())
def test_auc_invariant_under_strictly_increasing_transform(data):
    y, scores = data
    value = roc_auc_score(y, scores)
    assert roc_auc_score(y, scores**3 + scores) == pytest.approx(value, abs=1e-12)
    assert roc_auc_score(y, np.exp(scores)) == pytest.approx(value, abs=1e-12)
    assert roc_auc_score(y, 5 * scores - 7) == pytest.approx(value, abs=1e-12)


@settings(deadline=None)
@given(labels_and_scores())
def test_auc_equals_pairwise_probability(data):
    y, scores = data
    assert roc_auc_score(y, scores) == pytest.approx(float(brute_force_auc(y, scores)), abs=1e-12)


@settings(deadline=None)
@given(labels_and_scores(float_scores=True))
def test_roc_rates_monotone_from_zero_to_one(data):
    y, scores = data
    fpr, tpr, thresholds = roc_curve(y, scores)
    for rate in (fpr, tpr):
        assert rate[0] == 0.0
        assert rate[-1] == 1.0
        assert np.all(np.diff(rate) >= 0)
    assert np.all(np.diff(thresholds) < 0)
    sk = skm.roc_curve(y, scores, drop_intermediate=False)
    for got, want in zip((fpr, tpr, thresholds), sk, strict=True):
        assert_allclose(got, want, rtol=0, atol=1e-15)


# --------------------------------------------------------------------------- threshold sweep


def sweep_by_loop(y, probs, thresholds):
    """One threshold at a time, straight from the definitions."""
    rows = []
    for t in thresholds:
        pred = (probs >= t).astype(int)
        tp = int(np.sum((y == 1) & (pred == 1)))
        fp = int(np.sum((y == 0) & (pred == 1)))
        fn = int(np.sum((y == 1) & (pred == 0)))
        tn = int(np.sum((y == 0) & (pred == 0)))
        p, r, f, _ = skm.precision_recall_fscore_support(y, pred, average="binary", zero_division=0)
        rows.append((t, p, r, f, skm.accuracy_score(y, pred), tp, fp, fn, tn))
    return rows


SWEEP_KEYS = ["threshold", "precision", "recall", "f1", "accuracy", "tp", "fp", "fn", "tn"]


@pytest.mark.parametrize(("kind", "n", "seed"), DATA_CASES)
def test_threshold_sweep_matches_a_loop_over_thresholds(kind, n, seed):
    y, probs = make_data(kind, n, seed)
    probs = np.clip(probs, 0, 1)
    # Below, at and above the observed values, unsorted, repeated, infinite.
    thresholds = np.r_[np.unique(probs)[::-1], 0.25, -1.0, 1.5, 0.3, 0.3, np.inf, -np.inf]
    sweep = threshold_sweep(y, probs, thresholds)
    assert list(sweep) == SWEEP_KEYS
    expected = sweep_by_loop(y, probs, thresholds)
    for j, key in enumerate(SWEEP_KEYS):
        assert sweep[key].shape == thresholds.shape
        assert_allclose(sweep[key], [row[j] for row in expected], rtol=0, atol=1e-15)
    for key in ("tp", "fp", "fn", "tn"):
        assert sweep[key].dtype.kind == "i"


def test_threshold_sweep_becomes_a_dataframe():
    y = [0, 1, 1, 0, 1]
    probs = [0.1, 0.8, 0.6, 0.6, 0.3]
    frame = pd.DataFrame(threshold_sweep(y, probs, [0.5, 0.7]))
    assert list(frame.columns) == SWEEP_KEYS
    # t = 0.5: predicted positive are 0.8, 0.6 (y=1) and 0.6 (y=0).
    assert frame.loc[0, ["tp", "fp", "fn", "tn"]].tolist() == [2, 1, 1, 1]
    assert frame.loc[1, ["tp", "fp", "fn", "tn"]].tolist() == [1, 0, 2, 2]
    assert frame.loc[0, "precision"] == pytest.approx(2 / 3)
    assert frame.loc[1, "accuracy"] == pytest.approx(3 / 5)


def test_threshold_sweep_accepts_a_scalar_threshold():
    sweep = threshold_sweep([0, 1], [0.2, 0.7], 0.5)
    assert sweep["tp"].tolist() == [1]
    assert sweep["tn"].tolist() == [1]


# --------------------------------------------------------------------------- best threshold


def best_by_brute_force(y, probs, metric, costs=None):
    """Exact search over the distinct probabilities, ties to the largest threshold."""
    best_t, best_key = None, None
    n_pos, n_neg = int(np.sum(y == 1)), int(np.sum(y == 0))
    for t in sorted(set(probs.tolist())):  # ascending: a later tie replaces an earlier one
        pred = probs >= t
        tp = int(np.sum(pred & (y == 1)))
        fp = int(np.sum(pred & (y == 0)))
        fn, tn = n_pos - tp, n_neg - fp
        if metric == "f1":
            key = Fraction(2 * tp, 2 * tp + fp + fn) if 2 * tp + fp + fn else Fraction(0)
        elif metric == "youden":
            key = Fraction(tp, n_pos) - Fraction(fp, n_neg)
        else:
            (c_tn, c_fp), (c_fn, c_tp) = costs
            key = -(c_tn * tn + c_fp * fp + c_fn * fn + c_tp * tp)
        if best_key is None or key >= best_key:
            best_t, best_key = t, key
    value = -best_key if metric == "cost" else best_key
    return best_t, float(value)


@pytest.mark.parametrize(("kind", "n", "seed"), DATA_CASES)
@pytest.mark.parametrize("metric", ["f1", "youden"])
def test_best_threshold_matches_brute_force(kind, n, seed, metric):
    y, probs = make_data(kind, n, seed)
    threshold, value = best_threshold(y, probs, metric=metric)
    want_t, want_value = best_by_brute_force(y, probs, metric)
    assert threshold == want_t
    assert value == pytest.approx(want_value, abs=1e-12)


@pytest.mark.parametrize(("kind", "n", "seed"), DATA_CASES)
@pytest.mark.parametrize(
    "cost_matrix",
    [
        {"fp": 1, "fn": 5},
        {"fp": 3, "fn": 1},
        [[0, 2], [7, 0]],
        [[-1, 4], [6, -2]],
        [[0, 0], [0, 0]],
    ],
    ids=["dict-fn-dear", "dict-fp-dear", "array", "array-rewards", "all-zero"],
)
def test_best_threshold_cost_matches_brute_force(kind, n, seed, cost_matrix):
    y, probs = make_data(kind, n, seed)
    costs = (
        [[0, cost_matrix["fp"]], [cost_matrix["fn"], 0]]
        if isinstance(cost_matrix, dict)
        else cost_matrix
    )
    threshold, value = best_threshold(y, probs, metric="cost", cost_matrix=cost_matrix)
    want_t, want_value = best_by_brute_force(y, probs, "cost", costs)
    assert threshold == want_t
    assert value == want_value


@settings(deadline=None)
@given(labels_and_scores(), st.sampled_from(["f1", "youden"]))
def test_best_threshold_matches_brute_force_property(data, metric):
    y, scores = data
    threshold, value = best_threshold(y, scores, metric=metric)
    want_t, want_value = best_by_brute_force(y, scores, metric)
    assert threshold == want_t
    assert value == pytest.approx(want_value, abs=1e-12)


def test_best_threshold_f1_tie_goes_to_largest_threshold():
    # t = 0.2 and t = 0.6 both give F1 = 2/3 (TP=1,FP=0,FN=1 and TP=2,FP=2,FN=0).
    y = [1, 0, 0, 1]
    probs = [0.2, 0.3, 0.4, 0.6]
    assert best_threshold(y, probs, metric="f1") == (0.6, pytest.approx(2 / 3))


def test_best_threshold_youden_tie_is_exact():
    # n+ = n- = 3. t = 0.75: J = 2/3 - 0; t = 0.5: J = 1 - 1/3, which in floating
    # point comes out one unit in the last place away from 2/3.
    y = [0, 1, 1, 1, 0, 0]
    probs = [0.5, 1.0, 0.5, 0.75, 0.0, 0.0]
    assert 1 - 1 / 3 != 2 / 3
    assert best_threshold(y, probs, metric="youden") == (0.75, pytest.approx(2 / 3))


def test_best_threshold_cost_tie_survives_rounding():
    # With c_fp = 0.1 and c_fn = 0.2 the totals at t = 0.2, 0.4, 0.8 are all
    # 0.7 exactly (FP, FN = 7, 0; 5, 1; 3, 2), but not in floating point.
    y = [0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    probs = [0.4, 0.4, 0.8, 0.2, 0.0, 0.0, 0.8, 0.2, 0.2, 0.8, 0.4]
    costs = {"fp": 0.1, "fn": 0.2}
    assert len({0.1 * 7, 0.1 * 5 + 0.2, 0.1 * 3 + 0.2 * 2}) > 1
    assert best_threshold(y, probs, metric="cost", cost_matrix=costs) == (
        0.8,
        pytest.approx(0.7, abs=1e-12),
    )


@pytest.mark.parametrize(
    ("cost_matrix", "expected"),
    [
        ({"fp": 1, "fn": 4}, 0.2),
        ({"fp": 3, "fn": 1}, 0.75),
        ([[0, 1], [4, 0]], 0.2),
        ([[1, 3], [5, 1]], 1 / 3),  # (3 - 1) / ((3 - 1) + (5 - 1))
    ],
)
def test_bayes_optimal_threshold_formula(cost_matrix, expected):
    assert bayes_optimal_threshold(cost_matrix) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize(
    "cost_matrix", [{"fp": 1, "fn": 4}, {"fp": 3, "fn": 1}, [[0.5, 2.0], [1.5, 0.0]]]
)
def test_cost_optimal_threshold_is_near_bayes_threshold_for_calibrated_probabilities(
    cost_matrix,
):
    # p ~ U(0, 1) and y ~ Bernoulli(p): the probabilities are calibrated by construction.
    rng = np.random.default_rng(12345)
    probs = rng.random(50_000)
    y = (rng.random(probs.size) < probs).astype(int)
    threshold, _ = best_threshold(y, probs, metric="cost", cost_matrix=cost_matrix)
    assert abs(threshold - bayes_optimal_threshold(cost_matrix)) < 0.03


# --------------------------------------------------------------------------- bad input

Y = [0, 1, 1, 0]
S = [0.1, 0.9, 0.4, 0.3]
SCORE_FUNCTIONS = [roc_curve, roc_auc_score, precision_recall_curve, best_threshold]


@pytest.mark.parametrize("func", SCORE_FUNCTIONS + [lambda y, s: threshold_sweep(y, s, 0.5)])
@pytest.mark.parametrize(
    ("y_true", "scores", "message"),
    [
        (Y, [0.1, np.nan, 0.4, 0.3], "contains NaN"),
        (Y, [0.1, np.inf, 0.4, 0.3], "contains NaN or infinity"),
        ([0.0, np.nan, 1.0, 0.0], S, "y_true contains NaN"),
        (Y, S[:3], "Inconsistent numbers of samples: y_true has 4, y_.* has 3"),
        ([0, 2, 1, 0], S, r"y_true must contain only 0 and 1; found \[2.0\]"),
        ([-1, 1, 1, -1], S, r"y_true must contain only 0 and 1; found \[-1.0\]"),
        ([[0, 1], [1, 0]], S, r"y_true must be 1-D, got an array of shape \(2, 2\)"),
        (Y, [[0.1, 0.9], [0.4, 0.3]], r"must be 1-D, got an array of shape \(2, 2\)"),
        ([], [], "empty"),
        (Y, ["a", "b", "c", "d"], "must be numeric"),
    ],
)
def test_bad_scores_input(func, y_true, scores, message):
    with pytest.raises(ValueError, match=message):
        func(y_true, scores)


@pytest.mark.parametrize("func", [confusion_matrix, confusion_counts, precision_recall_f1])
@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        (Y, [0, 1, 0.5, 1], r"y_pred must contain only 0 and 1; found \[0.5\]"),
        ([0, 3, 1, 0], Y, r"y_true must contain only 0 and 1; found \[3.0\]"),
        (Y, [0, 1, 1], "Inconsistent numbers of samples: y_true has 4, y_pred has 3"),
        (Y, [0, np.nan, 1, 1], "y_pred contains NaN"),
        (Y, [[0, 1, 1, 0]], r"y_pred must be 1-D"),
        ([], [], "empty"),
    ],
)
def test_bad_label_input(func, y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        func(y_true, y_pred)


@pytest.mark.parametrize("func", [roc_curve, roc_auc_score])
@pytest.mark.parametrize(("labels", "present"), [([1, 1, 1], "1"), ([0, 0, 0], "0")])
def test_roc_needs_both_classes(func, labels, present):
    with pytest.raises(ValueError, match=f"y_true contains only class {present}"):
        func(labels, [0.1, 0.5, 0.7])


def test_precision_recall_curve_needs_a_positive():
    with pytest.raises(ValueError, match="no positive sample; recall is undefined"):
        precision_recall_curve([0, 0, 0], [0.1, 0.5, 0.7])


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([0, 1, 0.5], [0, 1, 1], "x must be monotonic"),
        ([0.5], [1.0], "at least 2 points"),
        ([0, 1, 2], [0, 1], "Inconsistent numbers of samples: x has 3, y has 2"),
        ([0, np.nan], [0, 1], "x contains NaN"),
        ([0, 1], [0, np.inf], "y contains NaN or infinity"),
        ([[0, 1], [1, 2]], [0, 1], "x must be 1-D"),
    ],
)
def test_auc_bad_input(x, y, message):
    with pytest.raises(ValueError, match=message):
        auc(x, y)


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        ([0.5, np.nan], "thresholds contains NaN"),
        ([[0.5], [0.6]], r"thresholds must be 1-D, got an array of shape \(2, 1\)"),
        (["low"], "thresholds must be a number or a 1-D array of numbers"),
    ],
)
def test_threshold_sweep_bad_thresholds(thresholds, message):
    with pytest.raises(ValueError, match=message):
        threshold_sweep(Y, S, thresholds)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"metric": "accuracy"}, "metric must be one of"),
        ({"metric": "cost"}, "cost_matrix is required with metric='cost'"),
        ({"metric": "f1", "cost_matrix": {"fp": 1, "fn": 1}}, "only allowed with it"),
        ({"metric": "cost", "cost_matrix": {"fp": 1}}, "exactly the keys 'fp' and 'fn'"),
        ({"metric": "cost", "cost_matrix": {"fp": 1, "fn": np.nan}}, r"cost_matrix\['fn'\]"),
        ({"metric": "cost", "cost_matrix": [1, 2, 3, 4]}, "cost_matrix must be 2-D"),
        ({"metric": "cost", "cost_matrix": np.ones((3, 3))}, r"shape \(2, 2\), got \(3, 3\)"),
    ],
)
def test_best_threshold_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        best_threshold(Y, S, **kwargs)


def test_best_threshold_youden_needs_both_classes():
    with pytest.raises(ValueError, match="metric='youden' needs both classes"):
        best_threshold([1, 1, 1], [0.2, 0.4, 0.9], metric="youden")


@pytest.mark.parametrize(
    "cost_matrix",
    [{"fp": -1, "fn": 2}, [[2, 1], [3, 0]], [[0, 0], [0, 0]], {"fp": 1, "fn": np.inf}],
)
def test_bayes_optimal_threshold_bad_costs(cost_matrix):
    with pytest.raises(ValueError, match="cost_matrix"):
        bayes_optimal_threshold(cost_matrix)


# --------------------------------------------------------------------------- cost column


def cost_by_loop(y, probs, threshold, costs):
    """Sum over the samples of the cost of each one's (true class, decision) cell."""
    costs = np.asarray(costs, dtype=float)
    return sum(costs[int(label), int(p >= threshold)] for label, p in zip(y, probs, strict=True))


@pytest.mark.parametrize(("kind", "n", "seed"), DATA_CASES)
@pytest.mark.parametrize(
    "cost_matrix",
    [{"fp": 1, "fn": 4}, [[0, 10], [200, 160]], [[-1, 4], [6, -2]]],
    ids=["dict", "array", "array-rewards"],
)
def test_threshold_sweep_cost_matches_a_loop_over_samples(kind, n, seed, cost_matrix):
    y, probs = make_data(kind, n, seed)
    costs = (
        [[0, cost_matrix["fp"]], [cost_matrix["fn"], 0]]
        if isinstance(cost_matrix, dict)
        else cost_matrix
    )
    thresholds = np.r_[np.unique(probs), 0.25, -1.0, np.inf]
    sweep = threshold_sweep(y, probs, thresholds, cost_matrix=cost_matrix)
    assert list(sweep) == SWEEP_KEYS + ["cost"]
    assert sweep["cost"].dtype == np.float64
    expected = [cost_by_loop(y, probs, t, costs) for t in thresholds]
    assert_allclose(sweep["cost"], expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("kind", "n", "seed"), DATA_CASES)
def test_best_threshold_cost_is_the_minimum_of_the_sweep_cost(kind, n, seed):
    y, probs = make_data(kind, n, seed)
    costs = [[0.5, 3.0], [7.0, 0.0]]
    threshold, value = best_threshold(y, probs, metric="cost", cost_matrix=costs)
    candidates = np.unique(probs)
    sweep = threshold_sweep(y, probs, candidates, cost_matrix=costs)
    assert value == sweep["cost"].min()
    assert threshold_sweep(y, probs, threshold, cost_matrix=costs)["cost"][0] == value


@pytest.mark.parametrize(
    ("cost_matrix", "message"),
    [
        ({"fp": 1}, "exactly the keys 'fp' and 'fn'"),
        ([[0, 1], [2, np.nan]], "cost_matrix contains NaN"),
        (np.ones(3), "cost_matrix must be 2-D"),
    ],
)
def test_threshold_sweep_bad_cost_matrix(cost_matrix, message):
    with pytest.raises(ValueError, match=message):
        threshold_sweep(Y, S, 0.5, cost_matrix=cost_matrix)


# --------------------------------------------------------------------------- multi-class confusion


def test_multiclass_confusion_matrix_worked_example():
    y_true = ["cat", "dog", "cat", "bird", "dog", "cat"]
    y_pred = ["cat", "cat", "cat", "bird", "dog", "bird"]
    # classes sorted: bird, cat, dog; rows true, columns predicted
    expected = [[1, 0, 0],  # the bird: right
                [1, 2, 0],  # three cats: two right, one taken for a bird
                [0, 1, 1]]  # two dogs: one right, one taken for a cat
    result = multiclass_confusion_matrix(y_true, y_pred)
    assert_array_equal(result, expected)
    assert result.dtype == np.int64
    reordered = multiclass_confusion_matrix(y_true, y_pred, labels=["dog", "bird"])
    assert_array_equal(reordered, [[1, 0], [0, 1]])


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("n_classes", [2, 3, 10])
def test_multiclass_confusion_matrix_matches_sklearn(n_classes, seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 200))
    y_true = rng.integers(0, n_classes, n) * 3 - 5  # labels need not be 0..K-1
    y_pred = np.where(rng.random(n) < 0.6, y_true, rng.integers(0, n_classes, n) * 3 - 5)
    assert_array_equal(
        multiclass_confusion_matrix(y_true, y_pred), skm.confusion_matrix(y_true, y_pred)
    )
    present = np.unique(y_true)
    # labels in any order, one missing (its samples left out), one never seen
    labels = np.r_[rng.permutation(present)[: max(1, present.size - 1)], 1000]
    assert_array_equal(
        multiclass_confusion_matrix(y_true, y_pred, labels=labels),
        skm.confusion_matrix(y_true, y_pred, labels=labels),
    )


def test_multiclass_confusion_matrix_of_a_single_class_is_one_count_without_warning():
    # scikit-learn warns here that the shape may surprise; the library does not warn
    # (warnings are errors in this test run), the 1x1 count is the correct answer.
    assert_array_equal(multiclass_confusion_matrix([4, 4, 4], [4, 4, 4]), [[3]])
    assert_array_equal(multiclass_confusion_matrix([4, 4], [4, 4], labels=[4, 7]), [[2, 0], [0, 0]])


@pytest.mark.parametrize("seed", range(4))
def test_multiclass_confusion_matrix_of_strings_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    names = np.array(["setosa", "versicolor", "virginica"])
    y_true = names[rng.integers(0, 3, 50)]
    y_pred = names[rng.integers(0, 3, 50)]
    assert_array_equal(
        multiclass_confusion_matrix(y_true, y_pred), skm.confusion_matrix(y_true, y_pred)
    )
    as_lists = multiclass_confusion_matrix(list(y_true), list(y_pred), labels=names[::-1])
    assert_array_equal(as_lists, skm.confusion_matrix(y_true, y_pred, labels=names[::-1]))


@pytest.mark.parametrize("seed", range(4))
def test_multiclass_confusion_matrix_of_two_classes_is_the_binary_one(seed):
    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.integers(0, 2, 40), rng.integers(0, 2, 40)
    assert_array_equal(
        multiclass_confusion_matrix(y_true, y_pred, labels=[0, 1]),
        confusion_matrix(y_true, y_pred),
    )


@settings(deadline=None)
@given(
    st.integers(1, 40).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 5), min_size=n, max_size=n),
            st.lists(st.integers(0, 5), min_size=n, max_size=n),
        )
    )
)
def test_multiclass_confusion_matrix_sums(labels):
    y_true, y_pred = (np.array(v) for v in labels)
    cm = multiclass_confusion_matrix(y_true, y_pred)
    classes = np.unique(np.r_[y_true, y_pred])
    assert cm.sum() == y_true.size
    assert np.trace(cm) == np.sum(y_true == y_pred)
    assert_array_equal(cm.sum(axis=1), [np.sum(y_true == c) for c in classes])
    assert_array_equal(cm.sum(axis=0), [np.sum(y_pred == c) for c in classes])


@pytest.mark.parametrize(
    ("y_true", "y_pred", "labels", "message"),
    [
        ([0, 1, 2], [0, 1], None, "Inconsistent numbers of samples: y_true has 3, y_pred has 2"),
        ([], [], None, "empty"),
        ([[0, 1], [1, 2]], [0, 1], None, r"y_true must be 1-D"),
        ([0.0, np.nan], [0, 1], None, "y_true contains NaN"),
        ([0, 1], ["a", "b"], None, "y_true holds numbers but y_pred holds strings"),
        (np.array(["a", 1], dtype=object), ["a", "b"], None, "numbers or strings, not a mix"),
        ([0, None], [0, 1], None, "numbers or strings, not a mix or None"),
        ([0, 1], [0, 1], [], "at least one class"),
        ([0, 1], [0, 1], [1, 0, 1], "must not repeat"),
        ([0, 1], [0, 1], [5, 6], "none of the classes of y_true"),
        ([0, 1], [0, 1], ["0", "1"], "labels holds strings but y_true holds numbers"),
        ([0, 1], [0, 1], [[0, 1]], "labels must be 1-D"),
    ],
)
def test_multiclass_confusion_matrix_bad_input(y_true, y_pred, labels, message):
    with pytest.raises(ValueError, match=message):
        multiclass_confusion_matrix(y_true, y_pred, labels=labels)


# --------------------------------------------------------------------------- reliability


RELIABILITY_KEYS = [
    "bin_lower", "bin_upper", "count", "mean_predicted", "observed_frequency", "standard_error"
]


def test_reliability_table_worked_example():
    # The example of scikit-learn's calibration_curve, three bins of width 1/3:
    # [0, 1/3] holds 0.1, 0.2, 0.3; (1/3, 2/3] holds 0.4, 0.65; (2/3, 1] the rest.
    y = [0, 0, 0, 0, 1, 1, 1, 1, 1]
    p = [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0]
    table = reliability_table(y, p, n_bins=3)
    assert list(table) == RELIABILITY_KEYS
    assert_array_equal(table["count"], [3, 2, 4])
    assert table["count"].dtype == np.int64
    assert_allclose(table["bin_lower"], [0, 1 / 3, 2 / 3], rtol=0, atol=1e-15)
    assert_allclose(table["bin_upper"], [1 / 3, 2 / 3, 1], rtol=0, atol=1e-15)
    assert_allclose(table["mean_predicted"], [0.2, 0.525, 0.85], rtol=0, atol=1e-15)
    assert_allclose(table["observed_frequency"], [0.0, 0.5, 1.0], rtol=0, atol=1e-15)
    assert_allclose(
        table["standard_error"],
        [np.sqrt(0.2 * 0.8 / 3), np.sqrt(0.525 * 0.475 / 2), np.sqrt(0.85 * 0.15 / 4)],
        rtol=1e-14,
    )


def reliability_data(kind, n, seed):
    """Probabilities of several kinds, with labels drawn from them."""
    rng = np.random.default_rng(seed)
    if kind == "uniform":
        p = rng.random(n)
    elif kind == "skewed":
        p = rng.beta(0.5, 4.0, n)
    elif kind == "on-edges":  # many values exactly on bin edges, 0 and 1 included
        p = rng.integers(0, 11, n) / 10
    else:  # "few-values": quantile edges repeat
        p = rng.choice([0.05, 0.3, 0.3, 0.3, 0.9], n)
    y = (rng.random(n) < p).astype(int)
    return y, p


RELIABILITY_CASES = [
    pytest.param(kind, n, seed, id=f"{kind}-n{n}-seed{seed}")
    for kind in ("uniform", "skewed", "on-edges", "few-values")
    for n in (1, 7, 500)
    for seed in (0, 1)
]


@pytest.mark.parametrize(("kind", "n", "seed"), RELIABILITY_CASES)
@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [1, 5, 10])
def test_reliability_table_matches_sklearn_calibration_curve(kind, n, seed, strategy, n_bins):
    y, p = reliability_data(kind, n, seed)
    table = reliability_table(y, p, n_bins=n_bins, strategy=strategy)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    assert_allclose(table["observed_frequency"], prob_true, rtol=0, atol=1e-14)
    assert_allclose(table["mean_predicted"], prob_pred, rtol=0, atol=1e-14)
    assert table["count"].sum() == n
    assert np.all(table["count"] > 0)


@pytest.mark.parametrize(("kind", "n", "seed"), RELIABILITY_CASES)
def test_reliability_table_uniform_bins_by_brute_force(kind, n, seed):
    y, p = reliability_data(kind, n, seed)
    edges = np.linspace(0, 1, 11)
    rows = []
    for lower, upper in zip(edges[:-1], edges[1:], strict=True):
        inside = (p > lower) & (p <= upper) if lower > 0 else (p >= lower) & (p <= upper)
        if inside.any():
            mean = p[inside].mean()
            se = np.sqrt(mean * (1 - mean) / inside.sum())
            rows.append((lower, upper, inside.sum(), mean, y[inside].mean(), se))
    table = reliability_table(y, p)
    for j, key in enumerate(RELIABILITY_KEYS):
        assert_allclose(table[key], [row[j] for row in rows], rtol=1e-12, atol=1e-15, err_msg=key)


def test_reliability_table_quantile_bins_hold_equal_counts():
    p = np.random.default_rng(3).random(1000)
    table = reliability_table(np.zeros(1000), p, n_bins=8, strategy="quantile")
    assert_array_equal(table["count"], [125] * 8)
    assert_allclose(table["bin_lower"][1:], table["bin_upper"][:-1])


def test_reliability_table_of_calibrated_probabilities_is_within_the_standard_errors():
    # y ~ Bernoulli(p): calibrated by construction, so every bin's gap is a few
    # standard errors at most (with 10 bins, 4 standard errors fail with p < 1e-3).
    rng = np.random.default_rng(2024)
    p = rng.random(20_000)
    y = (rng.random(p.size) < p).astype(int)
    table = reliability_table(y, p)
    gap = np.abs(table["observed_frequency"] - table["mean_predicted"])
    assert np.all(gap < 4 * table["standard_error"])
    # and a miscalibrated version of the same probabilities is caught
    squashed = reliability_table(y, 0.5 + 0.5 * (p - 0.5))
    gap = np.abs(squashed["observed_frequency"] - squashed["mean_predicted"])
    assert np.sum(gap > 4 * squashed["standard_error"]) >= 6


def test_reliability_table_leaves_out_empty_bins():
    table = reliability_table([0, 1, 0, 1], [0.05, 0.08, 0.92, 0.95])
    assert_array_equal(table["count"], [2, 2])
    assert_allclose(table["bin_lower"], [0.0, 0.9])
    assert_allclose(table["observed_frequency"], [0.5, 0.5])


@pytest.mark.parametrize(
    ("y_true", "y_prob", "kwargs", "message"),
    [
        (Y, [0.1, 1.2, 0.4, 0.3], {}, r"y_prob must lie in \[0, 1\]"),
        (Y, [0.1, -0.1, 0.4, 0.3], {}, r"y_prob must lie in \[0, 1\]"),
        (Y, [0.1, np.nan, 0.4, 0.3], {}, "y_prob contains NaN"),
        ([0, 2, 1, 0], S, {}, "y_true must contain only 0 and 1"),
        (Y, S[:3], {}, "Inconsistent numbers of samples"),
        ([], [], {}, "empty"),
        (Y, S, {"n_bins": 0}, "n_bins must be an integer >= 1"),
        (Y, S, {"n_bins": 2.5}, "n_bins must be an integer >= 1"),
        (Y, S, {"n_bins": True}, "n_bins must be an integer >= 1"),
        (Y, S, {"strategy": "kmeans"}, "strategy must be one of"),
    ],
)
def test_reliability_table_bad_input(y_true, y_prob, kwargs, message):
    with pytest.raises(ValueError, match=message):
        reliability_table(y_true, y_prob, **kwargs)
