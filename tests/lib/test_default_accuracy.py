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
from sklearn.datasets import load_breast_cancer, load_wine, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from benchmarks.tight_optimum import (
    binary_objective,
    softmax_objective,
    tight_optimum_probabilities,
)
from course_lib.logistic_regression import LogisticRegression
from course_lib.softmax_regression import SoftmaxRegression

ACCURACY = 1e-6  # largest allowed difference of a probability from the optimum's


@pytest.fixture(autouse=True)
def single_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@cache
def dataset(name):
    """Standardised features and labels."""
    if name == "breast cancer":
        X, y = load_breast_cancer(return_X_y=True)
    elif name == "wine":
        X, y = load_wine(return_X_y=True)
    elif name == "noisy":  # 20% flipped labels: the unpenalised optimum is finite
        X, y = make_classification(n_samples=1000, n_features=20, n_informative=10,
                                   n_redundant=0, flip_y=0.2, random_state=0)
    else:
        raise KeyError(name)
    return StandardScaler().fit_transform(X), y


@cache
def optimum(name, C):
    X, y = dataset(name)
    return tight_optimum_probabilities(X, y, C)


# (data set, estimator with its defaults apart from C, C)
CASES = [
    ("breast cancer", LogisticRegression(C=0.05), 0.05),
    ("breast cancer", LogisticRegression(), 1.0),
    ("breast cancer", LogisticRegression(C=20.0), 20.0),
    ("wine", SoftmaxRegression(), 1.0),
    ("noisy", LogisticRegression(C=np.inf), np.inf),
]
IDS = ["breast cancer C=0.05", "breast cancer C=1", "breast cancer C=20", "wine softmax",
       "noisy unpenalised"]


@pytest.mark.parametrize("name, estimator, C", CASES, ids=IDS)
def test_default_fit_gives_the_optimum_probabilities(name, estimator, C):
    X, y = dataset(name)
    assert estimator.get_params()["tol"] == 1e-4 and estimator.get_params()["solver"] == "newton"
    model = estimator.fit(X, y)  # warnings are errors: a ConvergenceWarning fails the test
    gap = np.max(np.abs(model.predict_proba(X) - optimum(name, C)))
    assert gap <= ACCURACY, f"{gap:.1e} from the optimum after {model.n_iter_} iterations"


@pytest.mark.parametrize("name, estimator, C", CASES, ids=IDS)
def test_the_last_two_iterations_are_needed(name, estimator, C):
    # The check above can fail: stopping two iterations earlier misses the optimum.
    X, y = dataset(name)
    n_iter = estimator.fit(X, y).n_iter_
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        early = estimator.set_params(max_iter=n_iter - 2).fit(X, y)
    assert np.max(np.abs(early.predict_proba(X) - optimum(name, C))) > ACCURACY


def test_a_gradient_test_alone_stops_far_from_the_optimum():
    # Under a weak penalty the Hessian has eigenvalues near 1/(Cn), so a gradient whose
    # largest entry is below 1e-4 still leaves the probabilities far from the optimum.
    X, y = dataset("breast cancer")
    value_and_gradient, _ = binary_objective(X, y, C=20.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for n_iter in range(1, 30):
            model = LogisticRegression(C=20.0, tol=0, max_iter=n_iter).fit(X, y)
            theta = np.append(model.coef_[0], model.intercept_)
            if np.max(np.abs(value_and_gradient(theta)[1])) < 1e-4:
                break
    assert np.max(np.abs(model.predict_proba(X) - optimum("breast cancer", 20.0))) > 1e-4


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


@pytest.mark.parametrize("name, C", [("breast cancer", 1.0), ("wine", 1.0), ("noisy", np.inf)])
def test_reference_agrees_with_a_tightly_converged_sklearn_fit(name, C):
    X, y = dataset(name)
    sklearn_model = SklearnLogisticRegression(C=C, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(optimum(name, C), sklearn_model.predict_proba(X), atol=1e-5)


def test_reference_refuses_to_return_an_unconverged_optimum():
    X, y = dataset("breast cancer")
    with pytest.raises(RuntimeError, match="not reached"):
        tight_optimum_probabilities(X, y, 1.0, gtol=0.0)
