"""Checks of ps1_sigmoid_bce: ``sigmoid``, ``binary_cross_entropy``, ``predict_proba``."""

import numpy as np

from course_lib.activations import sigmoid as reference_sigmoid
from course_lib.losses import binary_cross_entropy as reference_binary_cross_entropy

from ..spec import Case, FunctionCheck
from ._common import Array, call_reference, comparison

__all__ = ["CHECKS", "REFERENCES", "random_shape"]

ASSIGNMENT = "ps1_sigmoid_bce"


def reference_predict_proba(X, w, b):
    r"""Reference :math:`\sigma(Xw + b)`."""
    return reference_sigmoid(np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + b)


REFERENCES = {
    "sigmoid": reference_sigmoid,
    "binary_cross_entropy": reference_binary_cross_entropy,
    "predict_proba": reference_predict_proba,
}


def random_shape(rng, max_ndim=3, max_size=7):
    """A shape of 1 to ``max_ndim`` axes, each of 1 to ``max_size`` entries.

    Examples
    --------
    >>> shape = random_shape(np.random.default_rng(0))
    >>> 1 <= len(shape) <= 3 and all(1 <= n <= 7 for n in shape)
    True
    """
    return tuple(int(n) for n in rng.integers(1, max_size + 1, int(rng.integers(1, max_ndim + 1))))


# --- sigmoid ---------------------------------------------------------------


def _sigmoid_cases(rng):
    tails = np.array(
        [-1e308, -1000.0, -745.0, -740.0, -720.0, -700.0, -500.0, -100.0, -40.0, -30.0,
         30.0, 40.0, 100.0, 500.0, 720.0, 1000.0, 1e308]
    )
    return [
        Case((0.0,), label="visible: sigmoid(0.0), a scalar"),
        Case((np.array([-1.0, 0.0, 1.0]),), label="visible: a small 1-D array"),
        Case((np.array([-1000.0, 1000.0]),), label="visible: logits of size 1000"),
        Case((-40.0,), label="visible: the tail at -40"),
        Case((np.zeros((2, 3)),), label="visible: a 2-D array"),
        Case((3,), label="a Python int"),
        Case((-800.0,), label="a large negative scalar"),
        Case((np.float64(25.5),), label="a NumPy scalar"),
        Case((rng.normal(0, 5, 50),), label="random logits"),
        Case((rng.normal(0, 30, (4, 6)),), label="a 2-D array of wide logits"),
        Case((rng.normal(0, 3, (2, 3, 4)),), label="a 3-D array"),
        Case((tails,), label="both tails, down to subnormal results"),
        Case((-rng.uniform(30, 700, 40),), label="random logits in the negative tail"),
        Case((rng.normal(0, 4, 20).astype(np.float32),), label="a float32 array"),
        Case((np.arange(-5, 6),), label="an integer array"),
        Case((np.empty(0),), label="an empty array"),
        Case((rng.normal(0, 20, random_shape(rng)),), label="random logits of a random shape"),
        Case((-rng.uniform(709.8, 745.0, random_shape(rng)),),
             label="the far negative tail, where the naive formula overflows"),
    ]


SIGMOID = FunctionCheck(
    grade_id="sigmoid_tests",
    function="sigmoid",
    cases=_sigmoid_cases,
    expected=call_reference(reference_sigmoid),
    # The property, not only the absence of a warning: full relative precision
    # down to the smallest normal number; below it, results are subnormal and
    # keep only absolute precision, so an absolute 1e-322 (twenty units of the
    # last place there) accepts them. The naive formula returns 0 in the far
    # negative tail (its exp overflows) and fails there even when the warning is
    # silenced with np.errstate(all="ignore").
    compare=comparison("sigmoid", Array(rtol=1e-6, atol=1e-322), ("z",), no_warnings=True),
    answer_keys=("course_lib.activations.sigmoid", "scipy.special.expit"),
)


# --- binary_cross_entropy --------------------------------------------------


def _bce_cases(rng):
    y = rng.integers(0, 2, 30)
    return [
        Case((np.array([1, 0]), np.array([0.5, 0.5])), label="visible: p = 0.5 everywhere"),
        Case((np.array([1, 0, 1]), np.array([0.9, 0.2, 0.6])), label="visible: three samples"),
        Case((np.array([1, 1]), np.array([0.0, 0.5])), label="visible: p = 0 for a label 1"),
        Case((np.array([1, 0]), np.array([0.0, 1.0])), label="certain and wrong"),
        Case((y, rng.uniform(0.01, 0.99, 30)), label="random labels and probabilities"),
        Case((y.astype(float), rng.uniform(0, 1, 30)), label="float labels"),
        Case((np.array([1, 1, 0, 0]), np.array([1.0, 0.0, 0.0, 1.0])),
             label="probabilities exactly 0 and 1"),
        Case((np.array([0, 1, 1]), np.array([1e-20, 1 - 1e-17, 0.3])),
             label="probabilities beyond the clipping bounds"),
        Case((np.ones(5, dtype=np.int64), np.full(5, 0.999)), label="all labels 1"),
        Case((np.zeros(4, dtype=np.int32), rng.uniform(0.2, 0.8, 4)), label="int32 labels, all 0"),
        Case((np.array([1]), np.array([0.25])), label="a single sample"),
        Case((rng.integers(0, 2, 1000), rng.uniform(0, 1, 1000)), label="a thousand samples"),
        _random_size_bce(rng),
    ]


def _random_size_bce(rng):
    n = int(rng.integers(2, 200))
    return Case((rng.integers(0, 2, n), rng.uniform(0, 1, n)), label="a random number of samples")


BINARY_CROSS_ENTROPY = FunctionCheck(
    grade_id="binary_cross_entropy_tests",
    function="binary_cross_entropy",
    cases=_bce_cases,
    expected=call_reference(reference_binary_cross_entropy),
    compare=comparison(
        "binary_cross_entropy", Array(rtol=1e-6, atol=1e-12), ("y_true", "y_prob")
    ),
    answer_keys=("course_lib.losses.binary_cross_entropy", "sklearn.metrics.log_loss"),
)


# --- predict_proba ---------------------------------------------------------


def _predict_proba_cases(rng):
    X = rng.normal(size=(25, 3))
    w = np.array([1.5, -2.0, 0.5])
    return [
        Case((np.array([[1.0, 2.0], [0.0, 0.0], [-1.0, 1.0]]), np.array([0.5, -0.25]), 0.0),
             label="visible: three samples, b = 0"),
        Case((np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([0.0, 0.0]), 1.0),
             label="visible: w = 0, b = 1"),
        Case((X, w, -0.3), label="random samples"),
        Case((X, w, 2), label="an integer intercept"),
        Case((X[:1], w, 0.7), label="a single sample"),
        Case((X[:, :1], np.array([3.0]), -1.0), label="one feature"),
        Case((rng.integers(-3, 4, (10, 3)), np.array([1.0, 0.5, -1.0]), 0.25),
             label="integer features"),
        Case((rng.normal(size=(12, 4)), rng.normal(0, 2, 4), np.float64(-1.5)),
             label="four features and a NumPy intercept"),
        _random_size_predict(rng),
    ]


def _random_size_predict(rng):
    n, d = int(rng.integers(1, 60)), int(rng.integers(1, 8))
    return Case((rng.normal(0, 3, (n, d)), rng.normal(0, 2, d), float(rng.normal())),
                label="a random number of samples and features")


PREDICT_PROBA = FunctionCheck(
    grade_id="predict_proba_tests",
    function="predict_proba",
    cases=_predict_proba_cases,
    expected=call_reference(reference_predict_proba),
    compare=comparison("predict_proba", Array(rtol=1e-6, atol=1e-15), ("X", "w", "b")),
)


CHECKS = [SIGMOID, BINARY_CROSS_ENTROPY, PREDICT_PROBA]
