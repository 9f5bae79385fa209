"""Checks of ps3_mle_map: ``neg_log_likelihood``, ``map_objective``, ``map_gradient``,
``fit_map``."""

import warnings

import numpy as np

from course_lib.gradients import bce_gradient
from course_lib.losses import binary_cross_entropy_with_logits

from ..spec import Case, FunctionCheck
from ._common import Array, Parts, call_reference, comparison

__all__ = ["CHECKS", "REFERENCES"]

ASSIGNMENT = "ps3_mle_map"


def _logits(X, w, b):
    return np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + float(b)


def reference_neg_log_likelihood(X, y, w, b):
    r"""Sum of the per-sample binary cross-entropies, exact from the logits."""
    y = np.asarray(y, dtype=float)
    return y.shape[0] * binary_cross_entropy_with_logits(y, _logits(X, w, b))


def reference_map_objective(X, y, w, b, C):
    r"""Negative log-posterior: NLL + ||w||^2 / (2C)."""
    w = np.asarray(w, dtype=float)
    return reference_neg_log_likelihood(X, y, w, b) + float(w @ w) / (2 * C)


def reference_map_gradient(X, y, w, b, C):
    r"""Gradient of :func:`reference_map_objective`: ``n`` times the mean gradient, plus w/C."""
    n = np.shape(y)[0]
    dw, db = bce_gradient(X, np.asarray(y, dtype=float), w, b)
    return n * dw + np.asarray(w, dtype=float) / C, n * db


def reference_fit_map(X, y, C):
    """The MAP estimate by ``course_lib``'s Newton solver, converged far past the tolerance."""
    # Imported here: the isolated process loads this module for its stand-ins and
    # needs scikit-learn only when a learner's function calls this one.
    from course_lib.logistic_regression import LogisticRegression

    model = LogisticRegression(C=C, tol=1e-10, max_iter=100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(np.asarray(X, dtype=float), np.asarray(y))
    return model.coef_[0].copy(), float(model.intercept_[0])


REFERENCES = {
    "neg_log_likelihood": reference_neg_log_likelihood,
    "map_objective": reference_map_objective,
    "map_gradient": reference_map_gradient,
    "fit_map": reference_fit_map,
}


def toy_problem(n, d, seed, intercept=0.8, noise=1.0):
    """Standardised features, noisy labels (not separable), a non-zero intercept."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = np.linspace(1.2, -0.8, d)
    y = (X @ w + intercept + noise * rng.normal(size=n) > 0).astype(np.int64)
    return X, y


_VISIBLE_X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -1.0]])
_VISIBLE_Y = np.array([1, 0, 0])


def _model_cases(rng, with_c):
    """Cases ``(X, y, w, b[, C])`` with logits of moderate size (|z| < 10)."""
    X, y = toy_problem(40, 3, rng)
    Xi = rng.integers(-2, 3, (12, 2))
    yi = rng.integers(0, 2, 12)
    rows = [
        ((_VISIBLE_X, _VISIBLE_Y, np.zeros(2), 0.0), 2.0, "visible: w = 0 and b = 0"),
        ((_VISIBLE_X, _VISIBLE_Y, np.array([0.5, -1.0]), 0.5), 2.0, "visible: three samples"),
        ((X, y, rng.normal(size=3), -0.4), 0.5, "random samples"),
        ((X, y.astype(float), rng.normal(size=3), 1), 10.0, "float labels, integer intercept"),
        ((X[:1], y[:1], rng.normal(size=3), 0.2), 1.0, "a single sample"),
        ((Xi, yi, np.array([0.7, -0.3]), 0.1), 0.05, "integer features, strong prior"),
        ((X * 2, y, rng.normal(size=3), 1.5), 1e4, "a weak prior"),
    ]
    if with_c:
        return [Case(args + (C,), label=label) for args, C, label in rows]
    return [Case(args, label=label) for args, _, label in rows]


NEG_LOG_LIKELIHOOD = FunctionCheck(
    grade_id="neg_log_likelihood_tests",
    function="neg_log_likelihood",
    cases=lambda rng: _model_cases(rng, with_c=False),
    expected=call_reference(reference_neg_log_likelihood),
    compare=comparison(
        "neg_log_likelihood", Array(rtol=1e-6, atol=1e-12), ("X", "y", "w", "b")
    ),
    answer_keys=(
        "course_lib.losses.binary_cross_entropy",
        "course_lib.losses.binary_cross_entropy_with_logits",
        "sklearn.metrics.log_loss",
    ),
)

MAP_OBJECTIVE = FunctionCheck(
    grade_id="map_objective_tests",
    function="map_objective",
    cases=lambda rng: _model_cases(rng, with_c=True),
    expected=call_reference(reference_map_objective),
    compare=comparison("map_objective", Array(rtol=1e-6, atol=1e-12), ("X", "y", "w", "b", "C")),
)

MAP_GRADIENT = FunctionCheck(
    grade_id="map_gradient_tests",
    function="map_gradient",
    cases=lambda rng: _model_cases(rng, with_c=True),
    expected=call_reference(reference_map_gradient),
    compare=comparison(
        "map_gradient",
        Parts(dw=Array(rtol=1e-6, atol=1e-12, mode="normwise"), db=Array(rtol=1e-6, atol=1e-12)),
        ("X", "y", "w", "b", "C"),
    ),
)


def _fit_map_cases(rng):
    X, y = toy_problem(60, 3, rng)
    X2, y2 = toy_problem(30, 2, rng, intercept=-1.0, noise=1.5)
    return [
        Case((_VISIBLE_X, _VISIBLE_Y, 1.0), label="visible: three samples"),
        Case((X, y, 1.0), label="C = 1"),
        Case((X, y, 0.05), label="a strong prior, C = 0.05"),
        Case((X, y, 100.0), label="a weak prior, C = 100"),
        Case((X2, y2.astype(float), 2.0), label="float labels, a negative intercept"),
        Case((X2[:, :1], y2, 0.5), label="one feature"),
    ]


FIT_MAP = FunctionCheck(
    grade_id="fit_map_tests",
    function="fit_map",
    cases=_fit_map_cases,
    expected=call_reference(reference_fit_map),
    # any method is allowed, so 1e-5 rather than 1e-6: a converged optimiser meets it
    compare=comparison(
        "fit_map",
        Parts(w=Array(rtol=1e-5, atol=1e-8, mode="normwise"), b=Array(rtol=1e-5, atol=1e-8)),
        ("X", "y", "C"),
    ),
    answer_keys=(
        "course_lib.logistic_regression.LogisticRegression",
        "sklearn.linear_model.LogisticRegression",
    ),
)


CHECKS = [NEG_LOG_LIKELIHOOD, MAP_OBJECTIVE, MAP_GRADIENT, FIT_MAP]
