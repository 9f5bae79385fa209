"""Checks of ps4_softmax: ``softmax``, ``one_hot``, ``cross_entropy``, ``softmax_gradient``,
``fit_softmax``."""

import warnings

import numpy as np

from course_lib.activations import softmax
from course_lib.gradients import softmax_gradient as reference_softmax_gradient
from course_lib.losses import cross_entropy as reference_cross_entropy
from course_lib.losses import one_hot as reference_one_hot

from ..spec import Case, FunctionCheck
from ._common import Array, Exact, Parts, call_reference, comparison

__all__ = ["CHECKS", "REFERENCES"]

ASSIGNMENT = "ps4_softmax"


def reference_softmax(Z):
    """Row-wise softmax."""
    return softmax(Z, axis=1)


def reference_fit_softmax(X, y, learning_rate=0.5, n_iters=500):
    """Full-batch gradient descent from zeros, by ``course_lib``'s solver; W is (d, K)."""
    # Imported here: the isolated process loads this module for its stand-ins and
    # needs scikit-learn only when a learner's function calls this one.
    from course_lib.softmax_regression import SoftmaxRegression

    model = SoftmaxRegression(
        solver="gd", C=np.inf, learning_rate=learning_rate, max_iter=n_iters, tol=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(np.asarray(X, dtype=float), np.asarray(y))
    return model.coef_.T.copy(), model.intercept_.copy(), model.loss_history_.copy()


REFERENCES = {
    "softmax": reference_softmax,
    "one_hot": reference_one_hot,
    "cross_entropy": reference_cross_entropy,
    "softmax_gradient": reference_softmax_gradient,
    "fit_softmax": reference_fit_softmax,
}


def toy_problem(n, d, k, seed, spread=1.5):
    """``k`` overlapping Gaussian blobs with labels 0..k-1, every class present."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    centres = rng.normal(0, spread, (k, d))
    X = centres[y] + rng.normal(size=(n, d))
    order = rng.permutation(n)
    return X[order], y[order]


# --- softmax ---------------------------------------------------------------


def _softmax_cases(rng):
    return [
        Case((np.array([[0.0, 0.0], [1.0, 2.0]]),), label="visible: two rows"),
        Case((np.array([[1000.0, 0.0, -1000.0]]),), label="visible: huge logits"),
        Case((np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]) + np.array([[0.0], [100.0]]),),
             label="visible: rows shifted by a constant"),
        Case((rng.normal(0, 5, (20, 4)),), label="random logits"),
        Case((np.array([[1e5, 1e5 + 1.0, 1e5 - 3.0], [-1e5, 0.0, -2e5]]),),
             label="huge logits, rows far apart"),
        Case((np.array([[800.0, 799.0], [-800.0, -801.0], [0.5, -0.5]]),),
             label="logits past exp's overflow"),
        Case((rng.normal(size=(5, 1)),), label="a single class"),
        Case((rng.normal(size=(1, 6)),), label="a single row"),
        Case((rng.integers(-5, 6, (4, 3)),), label="integer logits"),
        Case((rng.normal(0, 3, (6, 3)).astype(np.float32),), label="float32 logits"),
    ]


SOFTMAX = FunctionCheck(
    grade_id="softmax_tests",
    function="softmax",
    cases=_softmax_cases,
    expected=call_reference(reference_softmax),
    compare=comparison("softmax", Array(rtol=1e-6, atol=1e-300), ("Z",)),
    answer_keys=("course_lib.activations.softmax", "scipy.special.softmax"),
)


# --- one_hot ---------------------------------------------------------------


def _one_hot_cases(rng):
    return [
        Case((np.array([0, 2, 1]), 3), label="visible: three labels"),
        Case((np.array([1, 1]), 4), label="visible: more classes than labels seen"),
        Case((rng.integers(0, 5, 30), 5), label="random labels"),
        Case((np.array([0, 1, 2], dtype=np.int32), 3), label="int32 labels"),
        Case((np.array([3]), 4), label="a single label, the last class"),
        Case((np.zeros(6, dtype=np.int64), 2), label="one class only"),
        Case((np.array([0, 1, 0, 1]), 2), label="two classes"),
    ]


ONE_HOT = FunctionCheck(
    grade_id="one_hot_tests",
    function="one_hot",
    cases=_one_hot_cases,
    expected=call_reference(reference_one_hot),
    compare=comparison("one_hot", Exact(), ("y", "n_classes")),
)


# --- cross_entropy ---------------------------------------------------------


def _cross_entropy_cases(rng):
    y = rng.integers(0, 4, 25)
    P = rng.dirichlet(np.ones(4), 25)
    return [
        Case((np.array([[1, 0], [0, 1]]), np.array([[0.5, 0.5], [0.2, 0.8]])),
             label="visible: two samples"),
        Case((np.array([[0, 1, 0]]), np.array([[0.5, 0.0, 0.5]])),
             label="visible: probability 0 for the true class"),
        Case((np.eye(4)[y], P), label="random probabilities"),
        Case((np.eye(3)[[0, 1, 2]], np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])),
             label="zeros outside the true class"),
        Case((np.eye(4, dtype=np.int64)[y], P), label="integer one-hot rows"),
        Case((np.eye(2)[[1]], np.array([[0.25, 0.75]])), label="a single sample"),
        Case((np.eye(3)[[0, 0, 2]], np.array([[1e-20, 0.5, 0.5], [0.9, 0.05, 0.05],
                                               [0.3, 0.7, 0.0]])),
             label="probabilities below the clipping bound"),
    ]


CROSS_ENTROPY = FunctionCheck(
    grade_id="cross_entropy_tests",
    function="cross_entropy",
    cases=_cross_entropy_cases,
    expected=call_reference(reference_cross_entropy),
    compare=comparison("cross_entropy", Array(rtol=1e-6, atol=1e-12), ("Y", "P")),
    answer_keys=("course_lib.losses.cross_entropy", "sklearn.metrics.log_loss"),
)


# --- softmax_gradient ------------------------------------------------------


def _softmax_gradient_cases(rng):
    X, y = toy_problem(30, 3, 4, rng)
    Y = np.eye(4)[y]
    return [
        Case((np.array([[1.0, 2.0], [0.0, -1.0]]), np.eye(3)[[0, 2]], np.zeros((2, 3)),
              np.zeros(3)), label="visible: W = 0 and b = 0"),
        Case((X, Y, rng.normal(size=(3, 4)), rng.normal(size=4)), label="random samples"),
        Case((X[:1], Y[:1], rng.normal(size=(3, 4)), np.zeros(4)), label="a single sample"),
        Case((X, Y.astype(np.int64), np.zeros((3, 4)), np.array([1.0, 0.0, -1.0, 0.5])),
             label="integer one-hot rows"),
        Case((X[:, :1], np.eye(2)[y % 2], rng.normal(size=(1, 2)), rng.normal(size=2)),
             label="one feature, two classes"),
        Case((X * 40, Y, rng.normal(size=(3, 4)), np.zeros(4)), label="huge logits"),
    ]


SOFTMAX_GRADIENT = FunctionCheck(
    grade_id="softmax_gradient_tests",
    function="softmax_gradient",
    cases=_softmax_gradient_cases,
    expected=call_reference(reference_softmax_gradient),
    compare=comparison(
        "softmax_gradient",
        Parts(dW=Array(rtol=1e-6, atol=1e-14, mode="normwise"),
              db=Array(rtol=1e-6, atol=1e-14, mode="normwise")),
        ("X", "Y", "W", "b"),
    ),
)


# --- fit_softmax -----------------------------------------------------------


_VISIBLE_X = np.array(
    [[0.0, 1.0], [1.0, 0.0], [-1.0, -1.0], [0.5, 1.5], [2.0, 0.5], [-1.5, -0.5]]
)
_VISIBLE_Y = np.array([0, 1, 2, 0, 1, 2])


def _fit_softmax_cases(rng):
    X, y = toy_problem(45, 2, 3, rng)
    X4, y4 = toy_problem(40, 3, 4, rng)
    X2, y2 = toy_problem(30, 2, 2, rng)
    return [
        Case((_VISIBLE_X, _VISIBLE_Y), {"learning_rate": 0.5, "n_iters": 2},
             label="visible: two iterations"),
        Case((X, y), label="the default settings"),
        Case((X, y, 0.1, 50), label="learning_rate=0.1, n_iters=50 by position"),
        Case((X, y), {"n_iters": 1}, label="a single iteration"),
        Case((X4, y4), {"learning_rate": 0.3, "n_iters": 200}, label="four classes"),
        Case((X2, y2), {"n_iters": 100}, label="two classes"),
    ]


FIT_SOFTMAX = FunctionCheck(
    grade_id="fit_softmax_tests",
    function="fit_softmax",
    cases=_fit_softmax_cases,
    expected=call_reference(reference_fit_softmax),
    compare=comparison(
        "fit_softmax",
        Parts(
            W=Array(rtol=1e-6, atol=1e-12, mode="normwise"),
            b=Array(rtol=1e-6, atol=1e-12, mode="normwise"),
            losses=Array(rtol=1e-6),
        ),
        ("X", "y", "learning_rate", "n_iters"),
    ),
    answer_keys=(
        "course_lib.softmax_regression.SoftmaxRegression",
        "sklearn.linear_model.LogisticRegression",
    ),
)


CHECKS = [SOFTMAX, ONE_HOT, CROSS_ENTROPY, SOFTMAX_GRADIENT, FIT_SOFTMAX]
