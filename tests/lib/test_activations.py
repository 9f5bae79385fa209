"""Activations against SciPy, with properties checked by hypothesis."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import special

from course_lib import log_sigmoid, log_softmax, sigmoid, softmax

finite = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False)
logit_rows = arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=finite)

# Every finite float64 magnitude, tails and subnormals included.
Z_GRID = np.concatenate(
    [-np.logspace(-300, 308, 2000), [0.0, -0.0, 5e-324], np.logspace(-300, 308, 2000)]
)


def test_sigmoid_matches_scipy_expit_to_rounding():
    expected = special.expit(Z_GRID)
    got = sigmoid(Z_GRID)
    nonzero = expected > 0
    rel = np.abs(got[nonzero] - expected[nonzero]) / expected[nonzero]
    assert rel.max() <= 4 * np.finfo(float).eps
    assert np.array_equal(got == 0, expected == 0)


def test_log_sigmoid_matches_scipy_log_expit_to_rounding():
    expected = special.log_expit(Z_GRID)
    got = log_sigmoid(Z_GRID)
    nonzero = expected != 0
    rel = np.abs(got[nonzero] - expected[nonzero]) / np.abs(expected[nonzero])
    assert rel.max() <= 4 * np.finfo(float).eps
    assert np.all(np.isfinite(got))


def test_sigmoid_tails_keep_relative_precision():
    # sigma(-700) = e^-700 / (1 + e^-700), exactly e^-700 to double precision.
    assert sigmoid(-700.0) == pytest.approx(np.exp(-700.0), rel=1e-15)
    assert log_sigmoid(-1000.0) == pytest.approx(-1000.0, rel=1e-15)
    assert log_sigmoid(40.0) == pytest.approx(-np.exp(-40.0), rel=1e-14)


def test_no_warning_on_extreme_inputs():
    # pytest turns warnings into errors, so computing is the test; check values too.
    z = np.array([-1e308, -1000.0, 1000.0, 1e308, -np.inf, np.inf])
    np.testing.assert_array_equal(sigmoid(z), [0, 0, 1, 1, 0, 1])
    assert np.all(np.isfinite(log_sigmoid(z[:4])))
    big = np.array([[1e308, -1e308, 0.0]])
    np.testing.assert_array_equal(softmax(big), [[1.0, 0.0, 0.0]])
    assert log_softmax(big)[0, 0] == 0.0


@pytest.mark.parametrize("func", [sigmoid, log_sigmoid])
def test_scalar_in_scalar_out(func):
    out = func(0.5)
    assert np.ndim(out) == 0 and isinstance(out, float)
    assert func(2).dtype == np.float64  # integers are promoted


def test_sigmoid_keeps_float32():
    z = np.linspace(-20, 20, 11, dtype=np.float32)
    assert sigmoid(z).dtype == np.float32
    np.testing.assert_allclose(sigmoid(z), special.expit(z), rtol=1e-6)


def test_sigmoid_known_values():
    assert sigmoid(0.0) == 0.5
    assert sigmoid(np.log(3.0)) == pytest.approx(0.75, rel=1e-15)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_and_log_softmax_match_scipy(axis):
    rng = np.random.default_rng(0)
    Z = rng.normal(scale=50, size=(7, 5))
    np.testing.assert_allclose(softmax(Z, axis=axis), special.softmax(Z, axis=axis), rtol=1e-13)
    np.testing.assert_allclose(
        log_softmax(Z, axis=axis), special.log_softmax(Z, axis=axis), rtol=1e-13
    )


@given(finite)
def test_sigmoid_symmetry(z):
    assert sigmoid(-z) == pytest.approx(1 - sigmoid(z), abs=1e-15)


@given(finite, finite)
def test_sigmoid_monotone(a, b):
    lo, hi = min(a, b), max(a, b)
    assert sigmoid(lo) <= sigmoid(hi)
    assert log_sigmoid(lo) <= log_sigmoid(hi)


@given(st.floats(min_value=-30, max_value=30))
def test_sigmoid_derivative_identity(z):
    # Central differences lose digits to cancellation where sigma is near 1, hence abs=1e-10.
    h = 1e-5
    numeric = (sigmoid(z + h) - sigmoid(z - h)) / (2 * h)
    assert numeric == pytest.approx(sigmoid(z) * (1 - sigmoid(z)), rel=1e-6, abs=1e-10)


@given(logit_rows.filter(lambda Z: np.ptp(Z) < 1e300), st.floats(-1e6, 1e6))
def test_softmax_shift_invariance(Z, c):
    Z = np.clip(Z, -1e6, 1e6)
    np.testing.assert_allclose(softmax(Z + c), softmax(Z), atol=1e-9)


@given(logit_rows)
def test_softmax_rows_are_distributions(Z):
    P = softmax(Z)
    assert np.all(P >= 0)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(log_softmax(Z) <= 0)


@given(
    arrays(np.float64, st.integers(1, 8), elements=st.floats(-500, 500)),
    arrays(np.float64, st.integers(1, 8), elements=st.floats(-500, 500)),
)
def test_two_class_softmax_is_sigmoid_of_logit_difference(z0, z1):
    n = min(z0.size, z1.size)
    Z = np.column_stack([z0[:n], z1[:n]])
    expected = sigmoid(Z[:, 1] - Z[:, 0])
    np.testing.assert_allclose(softmax(Z)[:, 1], expected, rtol=1e-12, atol=1e-300)
