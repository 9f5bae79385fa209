"""Analytic gradients and Hessians against central differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import (
    bce_gradient,
    bce_hessian,
    binary_cross_entropy_with_logits,
    cross_entropy_with_logits,
    gradient_check,
    numerical_gradient,
    softmax_gradient,
)


def _binary_problem(seed, n=60, d=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = (rng.uniform(size=n) < 0.4).astype(float)
    return X, y, rng.normal(size=d), float(rng.normal())


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_bce_gradient_matches_central_differences(seed):
    X, y, w, b = _binary_problem(seed)

    def loss(theta):
        return binary_cross_entropy_with_logits(y, X @ theta[:-1] + theta[-1])

    def grad(theta):
        dw, db = bce_gradient(X, y, theta[:-1], theta[-1])
        return np.append(dw, db)

    assert gradient_check(loss, grad, np.append(w, b)) < 1e-7


def test_bce_gradient_closed_form():
    X, y, w, b = _binary_problem(0)
    p = 1 / (1 + np.exp(-(X @ w + b)))
    dw, db = bce_gradient(X, y, w, b)
    np.testing.assert_allclose(dw, X.T @ (p - y) / len(y), rtol=1e-12)
    assert db == pytest.approx(np.mean(p - y), rel=1e-12)


def test_bce_hessian_matches_differences_of_the_gradient():
    X, y, w, b = _binary_problem(3)
    theta = np.append(w, b)
    H = bce_hessian(X, w, b)
    for j in range(theta.size):
        col = numerical_gradient(
            lambda t, j=j: np.append(*bce_gradient(X, y, t[:-1], t[-1]))[j], theta
        )
        np.testing.assert_allclose(H[j], col, rtol=1e-5, atol=1e-8)
    assert np.all(np.linalg.eigvalsh(H) >= -1e-12)  # convexity


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 5))
def test_softmax_gradient_matches_central_differences(seed, k):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 3))
    y = rng.integers(0, k, size=40)
    W, b = rng.normal(size=(3, k)), rng.normal(size=k)

    def loss(theta):
        return cross_entropy_with_logits(y, X @ theta[:-k].reshape(3, k) + theta[-k:])

    def grad(theta):
        dW, db = softmax_gradient(X, y, theta[:-k].reshape(3, k), theta[-k:])
        return np.append(dW.ravel(), db)

    assert gradient_check(loss, grad, np.append(W.ravel(), b)) < 1e-7


def test_numerical_gradient_of_a_known_function_leaves_input_alone():
    x = np.array([0.3, -1.2, 2.0])
    before = x.copy()
    g = numerical_gradient(lambda v: float(np.sum(np.sin(v)) + v @ v), x)
    np.testing.assert_allclose(g, np.cos(before) + 2 * before, rtol=1e-8)
    np.testing.assert_array_equal(x, before)


def test_gradient_check_flags_a_wrong_gradient():
    X, y, w, b = _binary_problem(5)

    def loss(v):
        return binary_cross_entropy_with_logits(y, X @ v + b)

    def wrong(v):  # forgot the 1/n
        return bce_gradient(X, y, v, b)[0] * len(y)

    assert gradient_check(loss, wrong, w) > 0.5


def test_gradients_refuse_bad_shapes():
    X, y, w, b = _binary_problem(0)
    with pytest.raises(ValueError, match="features"):
        bce_gradient(X, y, w[:-1], b)
    with pytest.raises(ValueError, match="Inconsistent"):
        bce_gradient(X, y[:-1], w, b)
    with pytest.raises(ValueError, match="NaN"):
        bce_gradient(np.where(X > 2, np.nan, X), y, w, b)
    with pytest.raises(ValueError, match="n_features, n_classes"):
        softmax_gradient(X, np.zeros(len(y), int), np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="positive"):
        numerical_gradient(np.sum, w, eps=0)
    with pytest.raises(ValueError, match="shape"):
        gradient_check(np.sum, lambda v: v[:-1], w)
