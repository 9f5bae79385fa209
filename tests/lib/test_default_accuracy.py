"""Fitted with every setting at its default, the estimators give the optimum's probabilities.

The optimum comes from :mod:`benchmarks.tight_optimum`: the objective written from its
definition and minimised by SciPy's trust-exact, with no course_lib code involved. The
reference itself is checked here first (its gradient and Hessian against finite
differences, and its optimum against scikit-learn's tightly converged fit).
"""

import warnings
from functools import cache

import numpy as np
import pytest
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression
from threadpoolctl import threadpool_limits

from benchmarks.default_cases import ACCURACY, DEFAULT_CASES, breast_cancer, noisy, wine
from benchmarks.tight_optimum import (
    binary_objective,
    softmax_objective,
    tight_optimum_probabilities,
)
from course_lib.logistic_regression import LogisticRegression


@pytest.fixture(autouse=True)
def single_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@cache
def optimum(loader, C):
    X, y = loader()
    return tight_optimum_probabilities(X, y, C)


CASES = [pytest.param(*case[1:], id=case[0]) for case in DEFAULT_CASES]


@pytest.mark.parametrize("make_estimator, C, load", CASES)
def test_default_fit_gives_the_optimum_probabilities(make_estimator, C, load):
    X, y = load()
    estimator = make_estimator()
    defaults = type(estimator)().get_params()
    assert {key: value for key, value in estimator.get_params().items() if key != "C"} == {
        key: value for key, value in defaults.items() if key != "C"}
    model = estimator.fit(X, y)  # warnings are errors: a ConvergenceWarning fails the test
    gap = np.max(np.abs(model.predict_proba(X) - optimum(load, C)))
    assert gap <= ACCURACY, f"{gap:.1e} from the optimum after {model.n_iter_} iterations"


@pytest.mark.parametrize("make_estimator, C, load", CASES)
def test_the_last_two_iterations_are_needed(make_estimator, C, load):
    # The check above can fail: stopping two iterations earlier misses the optimum.
    X, y = load()
    n_iter = make_estimator().fit(X, y).n_iter_
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        early = make_estimator(max_iter=n_iter - 2).fit(X, y)
    assert np.max(np.abs(early.predict_proba(X) - optimum(load, C))) > ACCURACY


def test_a_gradient_test_alone_stops_far_from_the_optimum():
    # Under a weak penalty the Hessian has eigenvalues near 1/(Cn), so a gradient whose
    # largest entry is below 1e-4 still leaves the probabilities far from the optimum.
    X, y = breast_cancer()
    value_and_gradient, _ = binary_objective(X, y, C=20.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for n_iter in range(1, 30):
            model = LogisticRegression(C=20.0, tol=0, max_iter=n_iter).fit(X, y)
            theta = np.append(model.coef_[0], model.intercept_)
            if np.max(np.abs(value_and_gradient(theta)[1])) < 1e-4:
                break
    assert np.max(np.abs(model.predict_proba(X) - optimum(breast_cancer, 20.0))) > 1e-4


# --- the reference itself ---------------------------------------------------------------


@pytest.mark.parametrize("C", [0.5, np.inf])
def test_reference_binary_gradient_and_hessian_match_finite_differences(C):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 3)), rng.integers(0, 2, 40)
    value_and_gradient, hessian = binary_objective(X, y, C)
    theta = rng.normal(size=4)
    assert scipy.optimize.check_grad(lambda t: value_and_gradient(t)[0],
                                     lambda t: value_and_gradient(t)[1], theta) < 1e-6
    numeric = scipy.optimize.approx_fprime(theta, lambda t: value_and_gradient(t)[1], 1e-7)
    np.testing.assert_allclose(hessian(theta), numeric, atol=1e-6)


@pytest.mark.parametrize("C", [0.5, np.inf])
def test_reference_softmax_gradient_and_hessian_match_finite_differences(C):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(50, 3)), rng.integers(0, 3, 50)
    value_and_gradient, hessian = softmax_objective(X, y, 3, C)
    theta = rng.normal(size=12)
    assert scipy.optimize.check_grad(lambda t: value_and_gradient(t)[0],
                                     lambda t: value_and_gradient(t)[1], theta) < 1e-6
    numeric = scipy.optimize.approx_fprime(theta, lambda t: value_and_gradient(t)[1], 1e-7)
    np.testing.assert_allclose(hessian(theta), numeric, atol=1e-6)


@pytest.mark.parametrize("load, C", [(breast_cancer, 1.0), (wine, 1.0), (noisy, np.inf)])
def test_reference_agrees_with_a_tightly_converged_sklearn_fit(load, C):
    X, y = load()
    sklearn_model = SklearnLogisticRegression(C=C, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(optimum(load, C), sklearn_model.predict_proba(X), atol=1e-5)


def test_reference_refuses_to_return_an_unconverged_optimum():
    X, y = breast_cancer()
    with pytest.raises(RuntimeError, match="not reached"):
        tight_optimum_probabilities(X, y, 1.0, gtol=0.0)
