"""scikit-learn's own estimator checks, run on the course's estimators.

Every check passes, so ``expected_failed_checks`` lists nothing. The checks run with
the default solver and with the other solvers and penalties (with ``tol=0`` for
'gd' and 'sgd', which runs a fixed number of updates and so never warns).
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from course_lib.logistic_regression import LogisticRegression
from course_lib.softmax_regression import SoftmaxRegression

ESTIMATORS = [
    LogisticRegression(),
    LogisticRegression(l1_ratio=0.5),
    LogisticRegression(solver="gd", tol=0, max_iter=50),
    LogisticRegression(solver="sgd", tol=0, max_iter=10, random_state=0),
    SoftmaxRegression(),
    SoftmaxRegression(l1_ratio=1.0),
    SoftmaxRegression(solver="gd", tol=0, max_iter=50),
    SoftmaxRegression(solver="sgd", tol=0, max_iter=10, random_state=0),
]


def expected_failed_checks(estimator):
    """No check is expected to fail."""
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check, monkeypatch):
    # The array-API checks skip themselves unless SCIPY_ARRAY_API is set; with NumPy
    # inputs (the only ones checked here) they need nothing more than the variable.
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_parameters_round_trip(estimator):
    params = estimator.get_params()
    assert type(estimator)(**params).get_params() == params
