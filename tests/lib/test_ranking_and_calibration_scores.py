"""Tests of course_lib.metrics.average_precision_score and brier_score against scikit-learn."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn import metrics as skm

from course_lib.metrics import (
    average_precision_score,
    brier_score,
    precision_recall_curve,
)

# --- average precision ------------------------------------------------------------------


@st.composite
def labels_and_tied_scores(draw):
    """0/1 labels with at least one positive, and scores drawn from few values (many ties)."""
    n = draw(st.integers(1, 60))
    y = draw(arrays(np.int64, n, elements=st.integers(0, 1)))
    y[draw(st.integers(0, n - 1))] = 1
    levels = draw(st.integers(1, 6))
    scores = draw(arrays(np.float64, n, elements=st.integers(0, levels).map(lambda k: k / 7)))
    return y, scores


@settings(max_examples=300, deadline=None)
@given(labels_and_tied_scores())
def test_average_precision_equals_sklearn_with_ties(data):
    y, scores = data
    expected = skm.average_precision_score(y, scores)
    assert abs(average_precision_score(y, scores) - expected) <= 1e-12


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 400), st.floats(0.01, 0.5))
def test_average_precision_equals_sklearn_on_continuous_scores(seed, n, share):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < share).astype(int)
    y[0] = 1
    scores = rng.normal(size=n) + 1.5 * y
    expected = skm.average_precision_score(y, scores)
    assert abs(average_precision_score(y, scores) - expected) <= 1e-12


def test_average_precision_by_hand_without_and_with_ties():
    # Ranking 1, 0, 1, 0: the positives are met at ranks 1 and 3, precisions 1 and 2/3.
    y = [1, 0, 1, 0]
    assert average_precision_score(y, [0.9, 0.8, 0.7, 0.1]) == pytest.approx((1 + 2 / 3) / 2)
    # The two middle samples tied: one step to recall 1 at the block's precision 2/3,
    # not the 1 that the better tie-breaking order would give.
    tied = average_precision_score(y, [0.9, 0.5, 0.5, 0.1])
    assert tied == pytest.approx((1 + 2 / 3) / 2)
    # All scores tied: a single step at precision = share of positives.
    assert average_precision_score(y, [0.3, 0.3, 0.3, 0.3]) == pytest.approx(0.5)


def test_average_precision_is_a_mean_of_precisions_at_the_positives():
    # Without ties: the mean over the positives of the precision at their own score.
    rng = np.random.default_rng(3)
    y = (rng.random(200) < 0.1).astype(int)
    y[:2] = 1
    scores = rng.random(200) + 0.3 * y
    order = np.argsort(-scores)
    hits = np.cumsum(y[order])
    precision_at_positive = (hits / np.arange(1, 201))[y[order] == 1]
    assert average_precision_score(y, scores) == pytest.approx(precision_at_positive.mean(),
                                                               rel=1e-12)


def test_average_precision_of_random_scores_is_near_the_share_of_positives():
    rng = np.random.default_rng(0)
    y = (rng.random(20_000) < 0.05).astype(int)
    ap = average_precision_score(y, rng.random(20_000))
    assert abs(ap - y.mean()) < 0.01
    assert average_precision_score(y, y + 0.0) == 1.0  # a perfect ranking


def test_average_precision_depends_only_on_the_order_of_the_scores():
    rng = np.random.default_rng(1)
    y = (rng.random(300) < 0.2).astype(int)
    scores = rng.normal(size=300) + y
    assert average_precision_score(y, scores) == average_precision_score(y, np.exp(scores))


def test_average_precision_is_the_area_under_the_steps_of_the_curve():
    rng = np.random.default_rng(2)
    y = (rng.random(100) < 0.3).astype(int)
    scores = np.round(rng.random(100) + 0.5 * y, 1)  # ties
    precision, recall, _ = precision_recall_curve(y, scores)
    steps = sum((recall[k] - recall[k + 1]) * precision[k] for k in range(len(recall) - 1))
    assert average_precision_score(y, scores) == pytest.approx(steps, rel=1e-12)


@pytest.mark.parametrize(
    "y_true, y_score, match",
    [
        ([0, 0, 0], [0.1, 0.2, 0.3], "no positive"),
        ([0, 1, 2], [0.1, 0.2, 0.3], "only 0 and 1"),
        ([0, 1], [0.1, 0.2, 0.3], "Inconsistent numbers of samples"),
        ([], [], "empty"),
        ([0, 1], [0.1, np.nan], "NaN"),
        ([[0, 1]], [[0.1, 0.2]], "1-D"),
    ],
)
def test_average_precision_refuses_bad_input(y_true, y_score, match):
    with pytest.raises(ValueError, match=match):
        average_precision_score(y_true, y_score)


# --- Brier score ------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 80).flatmap(lambda n: st.tuples(
    arrays(np.int64, n, elements=st.integers(0, 1)),
    arrays(np.float64, n, elements=st.floats(0, 1)),
)))
def test_brier_score_equals_sklearn(data):
    y, p = data
    if np.unique(y).size < 2:  # scikit-learn then needs to be told which label is positive
        expected = skm.brier_score_loss(y, p, labels=[0, 1])
    else:
        expected = skm.brier_score_loss(y, p)
    assert brier_score(y, p) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_brier_score_splits_into_calibration_and_refinement():
    # Samples grouped by their (shared) predicted value: BS = calibration + refinement.
    rng = np.random.default_rng(4)
    p = rng.choice([0.1, 0.4, 0.7, 0.95], size=500)
    y = (rng.random(500) < np.clip(p + 0.1, 0, 1)).astype(int)
    calibration = refinement = 0.0
    for value in np.unique(p):
        group = y[p == value]
        calibration += group.size * (value - group.mean()) ** 2
        refinement += group.size * group.mean() * (1 - group.mean())
    assert brier_score(y, p) == pytest.approx((calibration + refinement) / y.size, rel=1e-12)


def test_brier_score_extremes():
    y = np.array([0, 1, 1, 0, 1])
    assert brier_score(y, y.astype(float)) == 0.0
    assert brier_score(y, 1.0 - y) == 1.0
    share = y.mean()
    assert brier_score(y, np.full(5, share)) == pytest.approx(share * (1 - share), rel=1e-15)


def test_brier_score_is_proper_its_expectation_is_smallest_at_the_true_probability():
    # E[(q - Y)^2] for Y ~ Bernoulli(p) is p(1-q)^2 + (1-p)q^2, minimised at q = p.
    p = 0.3
    candidates = np.linspace(0, 1, 101)
    expected = [p * brier_score([1], [q]) + (1 - p) * brier_score([0], [q]) for q in candidates]
    assert candidates[int(np.argmin(expected))] == pytest.approx(p)


@pytest.mark.parametrize(
    "y_true, y_prob, match",
    [
        ([0, 1], [0.1, 1.2], r"y_prob must lie in \[0, 1\]"),
        ([0, 1], [-0.1, 0.5], r"y_prob must lie in \[0, 1\]"),
        ([0, 3], [0.1, 0.5], "only 0 and 1"),
        ([0, 1, 1], [0.1, 0.5], "Inconsistent numbers of samples"),
        ([], [], "empty"),
        ([0, 1], [0.1, np.inf], "infinity"),
    ],
)
def test_brier_score_refuses_bad_input(y_true, y_prob, match):
    with pytest.raises(ValueError, match=match):
        brier_score(y_true, y_prob)
