"""Tests of course_lib.logistic_regression.LogisticRegression and the binary objective."""

import warnings
from functools import cache

import numpy as np
import pytest
from scipy.special import expit
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from course_lib.gradients import bce_gradient, bce_hessian, numerical_gradient
from course_lib.logistic_regression import LogisticRegression
from course_lib.objectives import BinaryLogisticObjective, penalty_strengths

# --- data and references --------------------------------------------------------------



@pytest.fixture(autouse=True)
def single_blas_thread():
    """These problems are small: extra BLAS threads only fight over the cores (more so
    under ``pytest -n 2``), which slows scikit-learn's reference fits tenfold."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@cache
def dataset(name):
    """Standardised real or synthetic binary data sets (cached: several tests share them)."""
    if name == "breast_cancer":
        X, y = load_breast_cancer(return_X_y=True)
        return StandardScaler().fit_transform(X), y
    if name == "digits_0_vs_1":
        digits = load_digits()
        keep = digits.target <= 1
        return digits.data[keep] / 16.0, digits.target[keep]
    if name == "noisy":  # overlapping classes: the unpenalised optimum exists
        X, y = make_classification(n_samples=300, n_features=5, n_informative=3, flip_y=0.2,
                                   random_state=0)
        return StandardScaler().fit_transform(X), y
    raise KeyError(name)


@cache
def sklearn_proba(name, C, l1_ratio=0.0, fit_intercept=True):
    """scikit-learn's converged probabilities: lbfgs for L2 or none, saga with L1."""
    X, y = dataset(name)
    if l1_ratio == 0:
        model = SklearnLogisticRegression(C=C, tol=1e-10, max_iter=10_000,
                                          fit_intercept=fit_intercept)
    else:
        model = SklearnLogisticRegression(C=C, l1_ratio=l1_ratio, solver="saga", tol=1e-10,
                                          max_iter=100_000, fit_intercept=fit_intercept)
    model.fit(X, y)
    return model.predict_proba(X), model.coef_


def fit(name, **params):
    X, y = dataset(name)
    return LogisticRegression(**params).fit(X, y), X, y


def textbook_gradient_descent(X, y, learning_rate, n_steps):
    """The loop of the course, written out: no course_lib code."""
    n, d = X.shape
    w, b, losses = np.zeros(d), 0.0, []
    for _ in range(n_steps):
        p = 1.0 / (1.0 + np.exp(-(X @ w + b)))
        w -= learning_rate * X.T @ (p - y) / n
        b -= learning_rate * np.mean(p - y)
        p = 1.0 / (1.0 + np.exp(-(X @ w + b)))
        losses.append(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return w, b, np.array(losses)


# --- the exact semantics of 'gd' ------------------------------------------------------


def test_gd_is_exactly_the_textbook_loop():
    X, y = dataset("noisy")
    model = LogisticRegression(solver="gd", C=np.inf, learning_rate=0.1, max_iter=1000,
                               tol=0).fit(X, y)
    w, b, losses = textbook_gradient_descent(X, y.astype(float), 0.1, 1000)
    np.testing.assert_allclose(model.coef_[0], w, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.intercept_[0], b, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.loss_history_, losses, rtol=1e-10)
    assert model.n_iter_ == 1000 and model.loss_history_.shape == (1000,)


def test_gd_with_tol_zero_runs_max_iter_without_warning():
    X, y = dataset("breast_cancer")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LogisticRegression(solver="gd", max_iter=7, tol=0).fit(X, y)
    assert model.n_iter_ == 7 and len(model.loss_history_) == 7


def test_gd_stops_once_the_gradient_max_norm_is_below_tol():
    X, y = dataset("breast_cancer")
    model = LogisticRegression(solver="gd", C=0.1, learning_rate=1.0, max_iter=10_000,
                               tol=1e-3).fit(X, y)
    assert model.n_iter_ < 10_000
    objective = BinaryLogisticObjective.from_hyperparameters(X, y.astype(float), C=0.1)
    theta = np.append(model.coef_[0], model.intercept_)
    assert np.max(np.abs(objective.smooth_gradient(theta))) < 1e-3
    before = LogisticRegression(solver="gd", C=0.1, learning_rate=1.0, max_iter=model.n_iter_ - 1,
                                tol=0).fit(X, y)
    theta = np.append(before.coef_[0], before.intercept_)
    assert np.max(np.abs(objective.smooth_gradient(theta))) >= 1e-3


def test_loss_history_is_the_penalised_objective():
    X, y = dataset("breast_cancer")
    C = 0.5
    for solver in ["newton", "gd"]:
        model = LogisticRegression(C=C, solver=solver, learning_rate=1.0, max_iter=50,
                                   tol=0).fit(X, y)
        w = model.coef_[0]
        expected = log_loss(y, model.predict_proba(X)) + w @ w / (2 * C * len(y))
        assert model.loss_history_[-1] == pytest.approx(expected, rel=1e-10)
        assert np.all(np.diff(model.loss_history_) <= 1e-15)  # descent


# --- agreement with scikit-learn ------------------------------------------------------


@pytest.mark.parametrize(
    "name, C",
    [("breast_cancer", 0.1), ("breast_cancer", 1.0), ("breast_cancer", 100.0),
     ("digits_0_vs_1", 1.0), ("noisy", 1.0), ("noisy", np.inf)],
)
def test_newton_matches_sklearn(name, C):
    model, X, _ = fit(name, C=C, tol=1e-10)
    expected, expected_coef = sklearn_proba(name, C)
    np.testing.assert_allclose(model.predict_proba(X), expected, rtol=0, atol=1e-5)
    assert model.coef_.shape == expected_coef.shape and model.intercept_.shape == (1,)


def test_newton_without_intercept_matches_sklearn():
    model, X, _ = fit("noisy", C=0.3, fit_intercept=False, tol=1e-10)
    np.testing.assert_array_equal(model.intercept_, [0.0])
    expected, _ = sklearn_proba("noisy", 0.3, fit_intercept=False)
    np.testing.assert_allclose(model.predict_proba(X), expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize(
    "solver, name, C, learning_rate",
    [("gd", "breast_cancer", 0.1, 1.0), ("gd", "noisy", np.inf, 1.0),
     ("sgd", "breast_cancer", 0.1, 1.0), ("sgd", "noisy", np.inf, 0.5)],
)
def test_gd_and_sgd_reach_sklearns_optimum(solver, name, C, learning_rate):
    model, X, _ = fit(name, C=C, solver=solver, learning_rate=learning_rate, max_iter=20_000,
                      tol=1e-8, random_state=0)
    expected, _ = sklearn_proba(name, C)
    np.testing.assert_allclose(model.predict_proba(X), expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize("C, l1_ratio", [(0.05, 1.0), (0.1, 0.5)])
@pytest.mark.parametrize("solver", ["newton", "gd", "sgd"])
def test_l1_and_elastic_net_match_saga_with_the_same_zeros(solver, C, l1_ratio):
    model, X, _ = fit("breast_cancer", C=C, l1_ratio=l1_ratio, solver=solver, learning_rate=1.0,
                      max_iter=20_000, tol=1e-9, random_state=0)
    expected, expected_coef = sklearn_proba("breast_cancer", C, l1_ratio)
    np.testing.assert_allclose(model.predict_proba(X), expected, rtol=0, atol=1e-5)
    assert np.sum(model.coef_ == 0) >= 5  # the L1 penalty does select
    np.testing.assert_array_equal(model.coef_ == 0, expected_coef == 0)


def test_l1_zeros_are_exact_and_grow_as_C_shrinks():
    X, y = dataset("breast_cancer")
    zeros = [np.sum(LogisticRegression(C=C, l1_ratio=1.0).fit(X, y).coef_ == 0)
             for C in [1.0, 0.1, 0.01]]
    assert zeros[0] < zeros[1] < zeros[2] <= X.shape[1]


def test_rescaled_features_give_the_rescaled_fit():
    # With X' = sX and w' = w / s the losses agree, and ||w'||^2 / C' = ||w||^2 / C
    # once C' = C / s^2: the same objective, hence the same fit.
    X, y = dataset("noisy")
    base = LogisticRegression(C=0.5, tol=1e-10).fit(X, y)
    scaled = LogisticRegression(C=0.5 / 1e6, tol=1e-10).fit(1e3 * X, y)
    np.testing.assert_allclose(scaled.coef_ * 1e3, base.coef_, rtol=1e-6)
    np.testing.assert_allclose(scaled.intercept_, base.intercept_, rtol=1e-6)


# --- labels, weights and the scikit-learn API ------------------------------------------


def test_string_labels():
    X, y = dataset("noisy")
    labels = np.where(y == 1, "spam", "ham")
    model = LogisticRegression().fit(X, labels)
    numeric = LogisticRegression().fit(X, y)
    np.testing.assert_array_equal(model.classes_, ["ham", "spam"])
    np.testing.assert_allclose(model.predict_proba(X), numeric.predict_proba(X))
    expected = np.where(numeric.predict(X) == 1, "spam", "ham")
    np.testing.assert_array_equal(model.predict(X), expected)
    assert model.score(X, labels) == numeric.score(X, y) > 0.65


def test_the_second_class_is_the_positive_one():
    X, y = dataset("noisy")
    flipped = LogisticRegression().fit(X, np.where(y == 1, -1, 5))  # classes_ = [-1, 5]
    model = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(flipped.decision_function(X), -model.decision_function(X),
                               atol=1e-10)
    np.testing.assert_array_equal(flipped.predict(X) == 5, model.predict(X) == 0)


def test_integer_sample_weights_equal_repeated_rows():
    X, y = dataset("noisy")
    weights = np.random.default_rng(0).integers(0, 4, size=len(y))
    weighted = LogisticRegression(C=0.7, tol=1e-10).fit(X, y, sample_weight=weights)
    repeated = LogisticRegression(C=0.7, tol=1e-10).fit(np.repeat(X, weights, axis=0),
                                                       np.repeat(y, weights))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-8)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, rtol=1e-8)


def test_predictions_are_consistent():
    model, X, _ = fit("breast_cancer")
    proba, z = model.predict_proba(X), model.decision_function(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(np.log(proba), model.predict_log_proba(X), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(model.predict(X), model.classes_[(z > 0).astype(int)])
    assert z.shape == (len(X),)


def test_log_proba_is_exact_in_the_tails():
    model, X, _ = fit("noisy", C=np.inf, tol=1e-10)
    far = 2000.0 * X[:5]
    z = model.decision_function(far)
    assert np.min(np.abs(z)) > 800  # sigmoid underflows there, its logarithm must not
    log_proba = model.predict_log_proba(far)
    assert np.all(np.isfinite(log_proba))
    np.testing.assert_allclose(np.where(z > 0, log_proba[:, 0], log_proba[:, 1]), -np.abs(z),
                               rtol=1e-12)


def test_pipeline_grid_search_cross_validation_and_clone():
    X, y = load_breast_cancer(return_X_y=True)
    pipeline = make_pipeline(StandardScaler(), LogisticRegression())
    assert cross_val_score(pipeline, X, y, cv=3).mean() > 0.95
    search = GridSearchCV(pipeline, {"logisticregression__C": [0.01, 1.0]}, cv=3).fit(X, y)
    assert search.best_params_["logisticregression__C"] in (0.01, 1.0)
    assert search.score(X, y) > 0.95
    model = LogisticRegression(C=3.0, l1_ratio=0.5, solver="gd", learning_rate=0.2)
    copy = clone(model)
    assert copy is not model and copy.get_params() == model.get_params()


# --- bad input -------------------------------------------------------------------------


def _good():
    X, y = dataset("noisy")
    return X[:40].copy(), y[:40].copy()


def _with_nan():
    X, y = _good()
    X[3, 1] = np.nan
    return X, y


def _with_inf():
    X, y = _good()
    X[0, 0] = np.inf
    return X, y


@pytest.mark.parametrize(
    "make_input, match",
    [
        (_with_nan, "NaN"),
        (_with_inf, "infinity"),
        (lambda: (_good()[0][:, 0], _good()[1]), "2D array"),
        (lambda: (_good()[0][:, :, None], _good()[1]), "dim"),
        (lambda: (_good()[0][:30], _good()[1]), "inconsistent numbers of samples"),
        (lambda: (_good()[0], np.where(_good()[1] == 1, np.nan, 0)), "NaN"),
        (lambda: (_good()[0], np.ones(40)), "class"),
        (lambda: (_good()[0], np.arange(40) % 3), "SoftmaxRegression"),
        (lambda: (_good()[0], np.linspace(0, 1, 40)), "Unknown label type"),
    ],
)
def test_bad_training_input_is_refused(make_input, match):
    X, y = make_input()
    with pytest.raises(ValueError, match=match):
        LogisticRegression().fit(X, y)


def test_three_classes_point_to_softmax_regression():
    X, _ = _good()
    with pytest.raises(ValueError, match="Only binary classification.*SoftmaxRegression"):
        LogisticRegression().fit(X, np.arange(40) % 3)


def test_bad_sample_weights_are_refused():
    X, y = _good()
    with pytest.raises(ValueError, match="(?i)negative"):
        LogisticRegression().fit(X, y, sample_weight=np.where(y == 1, -1.0, 1.0))
    with pytest.raises(ValueError, match="class"):
        LogisticRegression().fit(X, y, sample_weight=(y == 1).astype(float))
    with pytest.raises(ValueError, match="sample_weight"):
        LogisticRegression().fit(X, y, sample_weight=np.ones(3))


def test_wrong_number_of_features_at_predict_time():
    X, y = _good()
    model = LogisticRegression().fit(X, y)
    for method in ["predict", "predict_proba", "predict_log_proba", "decision_function"]:
        with pytest.raises(ValueError, match="4 features.*expecting 5 features"):
            getattr(model, method)(X[:, :4])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"C": -1.0}, "'C' parameter"),
        ({"C": 0.0}, "'C' parameter"),
        ({"l1_ratio": 1.5}, "'l1_ratio' parameter"),
        ({"l1_ratio": -0.1}, "'l1_ratio' parameter"),
        ({"solver": "lbfgs"}, "'solver' parameter"),
        ({"learning_rate": 0.0}, "'learning_rate' parameter"),
        ({"learning_rate": -0.1}, "'learning_rate' parameter"),
        ({"batch_size": 0}, "'batch_size' parameter"),
        ({"max_iter": -1}, "'max_iter' parameter"),
        ({"tol": -1e-4}, "'tol' parameter"),
    ],
)
def test_invalid_hyperparameters_are_refused(params, match):
    X, y = _good()
    with pytest.raises(ValueError, match=match):
        LogisticRegression(**params).fit(X, y)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba",
                                    "decision_function", "score"])
def test_predicting_before_fitting_raises_not_fitted(method):
    X, y = _good()
    args = (X, y) if method == "score" else (X,)
    with pytest.raises(NotFittedError):
        getattr(LogisticRegression(), method)(*args)


# --- separable data and warnings -------------------------------------------------------


@pytest.mark.parametrize("solver", ["newton", "gd", "sgd"])
def test_separable_data_unpenalised_warns_and_stays_finite(solver):
    X, y = dataset("digits_0_vs_1")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(C=np.inf, solver=solver, max_iter=200,
                                   random_state=0).fit(X, y)
    categories = {w.category for w in caught}
    assert categories == {ConvergenceWarning}
    assert any("separated" in str(w.message) for w in caught)
    assert model.n_iter_ <= 200
    assert np.all(np.isfinite(model.coef_)) and np.all(np.isfinite(model.intercept_))
    assert model.score(X, y) == 1.0


def test_not_converging_warns():
    X, y = dataset("breast_cancer")
    with pytest.warns(ConvergenceWarning, match="max_iter=5"):
        LogisticRegression(solver="gd", max_iter=5).fit(X, y)


def test_newton_converges_quickly_on_valid_input():
    X, y = dataset("breast_cancer")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not even a ConvergenceWarning
        model = LogisticRegression(C=1.0, tol=1e-10).fit(X, y)
    assert model.n_iter_ <= 15


# --- the objective ---------------------------------------------------------------------


@pytest.fixture
def small_problem():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 3))
    y = (rng.random(30) < 0.5).astype(float)
    return X, y, rng


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_objective_gradient_and_hessian_match_finite_differences(small_problem, fit_intercept,
                                                                 weighted):
    X, y, rng = small_problem
    weights = rng.random(30) if weighted else None
    objective = BinaryLogisticObjective.from_hyperparameters(
        X, y, C=0.7, l1_ratio=0.3, fit_intercept=fit_intercept, sample_weight=weights)
    theta = rng.normal(size=objective.n_params)
    np.testing.assert_allclose(objective.smooth_gradient(theta),
                               numerical_gradient(objective.smooth_value, theta), atol=1e-8)
    numerical_hessian = np.array([
        numerical_gradient(lambda t, i=i: objective.smooth_gradient(t)[i], theta)
        for i in range(objective.n_params)
    ])
    np.testing.assert_allclose(objective.hessian(theta), numerical_hessian, atol=1e-8)
    vector = rng.normal(size=objective.n_params)
    np.testing.assert_allclose(objective.hessian_product(theta, vector),
                               objective.hessian(theta) @ vector, atol=1e-12)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_prediction_change_is_the_largest_first_order_change_of_a_probability(small_problem,
                                                                               fit_intercept):
    X, y, rng = small_problem
    objective = BinaryLogisticObjective(X, y, fit_intercept=fit_intercept)
    theta, direction = rng.normal(size=(2, objective.n_params))

    def probabilities(t):
        coef, intercept = objective.unpack(t)
        return expit(X @ coef[0] + intercept[0])

    h = 1e-6  # central difference: error of order h**2
    step = h * direction
    numeric = (probabilities(theta + step) - probabilities(theta - step)) / (2 * h)
    assert objective.prediction_change(theta, direction) == pytest.approx(
        np.max(np.abs(numeric)), rel=1e-6)
    np.testing.assert_allclose(objective.newton_product(theta, direction),
                               objective.newton_matrix(theta) @ direction, atol=1e-12)


def test_objective_agrees_with_the_functional_api(small_problem):
    X, y, rng = small_problem
    objective = BinaryLogisticObjective(X, y)  # no penalty
    w, b = rng.normal(size=3), 0.4
    theta = np.append(w, b)
    dw, db = bce_gradient(X, y, w, b)
    np.testing.assert_allclose(objective.smooth_gradient(theta), np.append(dw, db), rtol=1e-12)
    np.testing.assert_allclose(objective.hessian(theta), bce_hessian(X, w, b), rtol=1e-12)
    p = 1 / (1 + np.exp(-(X @ w + b)))
    assert objective.value(theta) == pytest.approx(log_loss(y, p), rel=1e-12)


def test_objective_is_exact_for_huge_logits():
    X = np.array([[1.0], [-1.0]])
    objective = BinaryLogisticObjective(X, np.array([0.0, 1.0]), fit_intercept=False)
    # both samples badly wrong with logit +-1000: each loses exactly 1000
    assert objective.value(np.array([1000.0])) == pytest.approx(1000.0, rel=1e-15)
    assert objective.value(np.array([-1000.0])) == pytest.approx(0.0, abs=1e-300)


def test_penalty_strengths():
    assert penalty_strengths(2.0, 0.25, 10) == (pytest.approx(0.25 / 20), pytest.approx(0.75 / 20))
    assert penalty_strengths(np.inf, 0.5, 10) == (0.0, 0.0)
    with pytest.raises(ValueError, match="C must be positive"):
        penalty_strengths(0.0, 0.5, 10)
    with pytest.raises(ValueError, match="l1_ratio"):
        penalty_strengths(1.0, 2.0, 10)
