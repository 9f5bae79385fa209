"""Checks of ps2_gradient_descent: ``bce_gradient``, ``numerical_gradient``, ``fit_gd``."""

import warnings

import numpy as np

from course_lib.gradients import bce_gradient as reference_bce_gradient
from course_lib.gradients import numerical_gradient as reference_numerical_gradient

from ..spec import Case, Code, FunctionCheck
from ._common import Array, Parts, call_reference, comparison

__all__ = ["CHECKS", "REFERENCES"]

ASSIGNMENT = "ps2_gradient_descent"


def reference_fit_gd(X, y, learning_rate=0.1, n_iters=1000):
    """Full-batch gradient descent from zeros, by ``course_lib``'s solver."""
    # Imported here: the isolated process loads this module for its stand-ins and
    # needs scikit-learn only when a learner's function calls this one.
    from course_lib.logistic_regression import LogisticRegression

    model = LogisticRegression(
        solver="gd", C=np.inf, learning_rate=learning_rate, max_iter=n_iters, tol=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning, separation warnings
        model.fit(np.asarray(X, dtype=float), np.asarray(y))
    return model.coef_[0].copy(), float(model.intercept_[0]), model.loss_history_.copy()


REFERENCES = {
    "bce_gradient": reference_bce_gradient,
    "numerical_gradient": reference_numerical_gradient,
    "fit_gd": reference_fit_gd,
}


def toy_problem(n, d, seed, noise=1.0):
    """Standardised features and noisy labels: not separable, so the MLE is finite."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = np.linspace(1.5, -1.0, d)
    y = (X @ w + 0.3 + noise * rng.normal(size=n) > 0).astype(np.int64)
    return X, y


# --- bce_gradient ----------------------------------------------------------


def _bce_gradient_cases(rng):
    X, y = toy_problem(30, 4, rng)
    return [
        Case((np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1, 0]), np.zeros(2), 0.0),
             label="visible: w = 0 and b = 0"),
        Case((np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1, 0]), np.array([0.5, -0.5]), 0.25),
             label="visible: two samples"),
        Case((X, y, rng.normal(size=4), 0.3), label="random samples"),
        Case((X, y.astype(float), np.zeros(4), -1), label="float labels, an integer intercept"),
        Case((X[:1], y[:1], rng.normal(size=4), 0.0), label="a single sample"),
        Case((X[:, :1], y, np.array([2.0]), 0.5), label="one feature"),
        Case((rng.integers(-2, 3, (15, 3)), rng.integers(0, 2, 15), np.array([0.5, -1.0, 0.2]),
              0.1), label="integer features"),
        Case((X * 30, y, rng.normal(size=4), 2.0), label="saturated probabilities"),
        Case((X, np.ones(30, dtype=np.int64), rng.normal(size=4), np.float64(0.7)),
             label="all labels 1"),
    ]


BCE_GRADIENT = FunctionCheck(
    grade_id="bce_gradient_tests",
    function="bce_gradient",
    cases=_bce_gradient_cases,
    expected=call_reference(reference_bce_gradient),
    compare=comparison(
        "bce_gradient",
        Parts(dw=Array(rtol=1e-6, atol=1e-14, mode="normwise"), db=Array(rtol=1e-6, atol=1e-12)),
        ("X", "y", "w", "b"),
    ),
)


# --- numerical_gradient ----------------------------------------------------

# Curved functions, so that a forward difference or a wrong step is far off.
_WIGGLY = Code("lambda w: float(np.sum(np.cos(20 * w)) + 3 * w @ w)")
_LOGISTIC = Code(
    "lambda w: float(np.sum(np.logaddexp(0, -np.array([[1.0, 2.0, -1.0], [0.5, -1.5, 2.0],"
    " [-2.0, 0.3, 0.7]]) @ w)) + 5 * np.sum(w ** 3))"
)


def _numerical_gradient_cases(rng):
    return [
        Case((Code("lambda w: float(w @ w)"), np.array([1.0, 2.0, 3.0])),
             label="visible: the gradient of w @ w"),
        Case((Code("lambda w: float(np.sum(np.sin(w)))"), np.array([0.0, 1.0])),
             label="visible: the gradient of sum(sin(w))"),
        Case((_WIGGLY, rng.uniform(-1, 1, 6)), label="a curved function"),
        Case((_WIGGLY, rng.uniform(-1, 1, 4)), {"eps": 1e-3}, label="eps=1e-3 as a keyword"),
        Case((_WIGGLY, rng.uniform(-1, 1, 3), 1e-4), label="eps=1e-4 by position"),
        Case((_LOGISTIC, rng.normal(size=3)), label="a logistic loss plus a cubic"),
        Case((_WIGGLY, np.array([0.3])), label="a single parameter"),
        Case((Code("lambda w: float(np.sum(w ** 3))"), np.array([1, -2, 3])),
             label="an integer array w"),
        Case((Code("lambda w: np.sum(np.exp(0.5 * w))"), rng.normal(size=5)),
             label="f returning a NumPy scalar"),
    ]


NUMERICAL_GRADIENT = FunctionCheck(
    grade_id="numerical_gradient_tests",
    function="numerical_gradient",
    cases=_numerical_gradient_cases,
    expected=call_reference(reference_numerical_gradient),
    compare=comparison(
        "numerical_gradient", Array(rtol=1e-6, atol=1e-9, mode="normwise"), ("f", "w", "eps")
    ),
    answer_keys=("course_lib.gradients.numerical_gradient", "scipy.optimize.approx_fprime"),
)


# --- fit_gd ----------------------------------------------------------------


_VISIBLE_X = np.array([[0.0, 1.0], [1.0, -1.0], [2.0, 0.5], [-1.0, -2.0], [0.5, 0.5]])
_VISIBLE_Y = np.array([0, 1, 1, 0, 1])


def _fit_gd_cases(rng):
    X, y = toy_problem(40, 3, rng)
    X1, y1 = toy_problem(25, 1, rng)
    X2, y2 = toy_problem(60, 2, rng, noise=2.0)
    return [
        Case((_VISIBLE_X, _VISIBLE_Y), {"learning_rate": 0.5, "n_iters": 2},
             label="visible: two iterations"),
        Case((X, y), label="the default settings"),
        Case((X, y, 0.5, 200), label="learning_rate=0.5, n_iters=200 by position"),
        Case((X, y), {"learning_rate": 0.05, "n_iters": 300}, label="keyword settings"),
        Case((X, y), {"n_iters": 1}, label="a single iteration"),
        Case((X1, y1.astype(float)), {"n_iters": 150}, label="one feature, float labels"),
        Case((X2, y2), {"learning_rate": 1.0, "n_iters": 400}, label="learning_rate=1.0"),
    ]


FIT_GD = FunctionCheck(
    grade_id="fit_gd_tests",
    function="fit_gd",
    cases=_fit_gd_cases,
    expected=call_reference(reference_fit_gd),
    compare=comparison(
        "fit_gd",
        Parts(
            w=Array(rtol=1e-6, atol=1e-12, mode="normwise"),
            b=Array(rtol=1e-6, atol=1e-12),
            losses=Array(rtol=1e-6),
        ),
        ("X", "y", "learning_rate", "n_iters"),
    ),
    answer_keys=(
        "course_lib.logistic_regression.LogisticRegression",
        "sklearn.linear_model.LogisticRegression",
    ),
)


CHECKS = [BCE_GRADIENT, NUMERICAL_GRADIENT, FIT_GD]
