"""Losses against scikit-learn's log_loss, and their refusals of bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import log_loss

from course_lib import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_with_logits,
    one_hot,
    sigmoid,
    softmax,
)


@pytest.mark.parametrize("seed", range(5))
def test_bce_equals_sklearn_log_loss(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=200)
    p = rng.uniform(0.001, 0.999, size=200)
    assert binary_cross_entropy(y, p) == pytest.approx(log_loss(y, p), rel=1e-12)


def test_bce_is_finite_on_exact_zero_and_one():
    y = np.array([1, 0, 1, 0])
    p = np.array([0.0, 1.0, 1.0, 0.0])
    # Two confident wrong answers cost about -log(1e-15) each (1 - 1e-15 rounds in float64,
    # hence rel=1e-4); the two right ones cost about 1e-15.
    expected = 2 * -np.log(1e-15) / 4
    assert binary_cross_entropy(y, p) == pytest.approx(expected, rel=1e-4)
    assert binary_cross_entropy(y, p, eps=1e-7) == pytest.approx(2 * -np.log(1e-7) / 4, rel=1e-6)


def test_bce_sign_mistake_would_be_caught():
    # The source-tutorial bug -mean(y log p - (1-y) log(1-p)) differs from the true loss.
    y = np.array([0.0, 1.0])
    p = np.array([0.2, 0.7])
    wrong = -np.mean(y * np.log(p) - (1 - y) * np.log(1 - p))
    assert binary_cross_entropy(y, p) != pytest.approx(wrong)
    assert binary_cross_entropy(y, p) == pytest.approx(log_loss(y, p))


@given(st.lists(st.tuples(st.integers(0, 1), st.floats(-700, 700)), min_size=1, max_size=30))
def test_bce_with_logits_matches_probability_form(pairs):
    y = np.array([a for a, _ in pairs], dtype=float)
    z = np.array([b for _, b in pairs])
    exact = binary_cross_entropy_with_logits(y, z)
    assert np.isfinite(exact) and exact >= 0
    p = sigmoid(z)
    inside = (p > 1e-12) & (p < 1 - 1e-12)
    if inside.all():
        # Rounding p to a double moves log(p) or log(1 - p) by up to eps / min(p, 1 - p).
        rounding = np.finfo(float).eps * np.mean(1 / np.minimum(p, 1 - p))
        assert exact == pytest.approx(binary_cross_entropy(y, p), rel=1e-9, abs=4 * rounding)


def test_bce_with_logits_exact_in_the_tail():
    # A confident wrong answer: loss = log(1 + e^800) = 800 to double precision.
    assert binary_cross_entropy_with_logits([0.0], [800.0]) == pytest.approx(800.0, rel=1e-15)


@pytest.mark.parametrize("seed", range(3))
def test_cross_entropy_labels_and_one_hot_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, size=50)
    P = softmax(rng.normal(size=(50, 4)))
    expected = log_loss(y, P, labels=[0, 1, 2, 3])
    assert cross_entropy(y, P) == pytest.approx(expected, rel=1e-12)
    assert cross_entropy(one_hot(y, 4), P) == pytest.approx(expected, rel=1e-12)
    assert cross_entropy_with_logits(y, np.log(P)) == pytest.approx(expected, rel=1e-10)


def test_two_class_cross_entropy_is_bce():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=40)
    p = rng.uniform(0.01, 0.99, size=40)
    P = np.column_stack([1 - p, p])
    assert cross_entropy(y, P) == pytest.approx(binary_cross_entropy(y, p), rel=1e-12)


def test_one_hot():
    np.testing.assert_array_equal(one_hot([2, 0, 1], 4), np.eye(4)[[2, 0, 1]])
    with pytest.raises(ValueError, match="n_classes"):
        one_hot([0, 5], 3)
    with pytest.raises(ValueError, match="integer"):
        one_hot([0.5, 1])


@pytest.mark.parametrize(
    ("y", "p", "match"),
    [
        ([0, 1, 2], [0.1, 0.2, 0.3], "only 0 and 1"),
        ([0, 1], [0.1, 1.2], r"\[0, 1\]"),
        ([0, 1], [0.1, np.nan], "NaN or infinity"),
        ([0, 1, 1], [0.1, 0.2], "Inconsistent numbers of samples"),
        ([[0, 1]], [[0.1, 0.2]], "1-D"),
        (["a", "b"], [0.1, 0.2], "numeric"),
    ],
)
def test_bce_refuses_bad_input(y, p, match):
    with pytest.raises(ValueError, match=match):
        binary_cross_entropy(y, p)


def test_cross_entropy_refuses_bad_input():
    P = np.full((3, 2), 0.5)
    with pytest.raises(ValueError, match="one-hot"):
        cross_entropy(np.array([[1, 1], [0, 1], [1, 0]]), P)
    with pytest.raises(ValueError, match="columns"):
        cross_entropy(np.eye(3), P)
    with pytest.raises(ValueError, match="Inconsistent"):
        cross_entropy([0, 1], P)
