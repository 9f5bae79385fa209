"""Tests of course_lib.softmax_regression.SoftmaxRegression and the multinomial objective."""

import warnings
from functools import cache

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris, load_wine, make_blobs, make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from course_lib.activations import softmax as softmax_probabilities
from course_lib.gradients import numerical_gradient, softmax_gradient
from course_lib.logistic_regression import LogisticRegression
from course_lib.losses import cross_entropy_with_logits
from course_lib.objectives import MultinomialLogisticObjective
from course_lib.softmax_regression import SoftmaxRegression
from course_lib.solvers import newton


@pytest.fixture(autouse=True)
def single_blas_thread():
    """These problems are small: extra BLAS threads only fight over the cores (more so
    under ``pytest -n 2``), which slows scikit-learn's reference fits tenfold."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@cache
def dataset(name):
    """Standardised multi-class data sets (cached)."""
    loaders = {"iris": load_iris, "wine": load_wine, "digits": load_digits}
    if name in loaders:
        X, y = loaders[name](return_X_y=True)
    elif name == "noisy3":  # overlapping classes: the unpenalised optimum exists
        X, y = make_classification(n_samples=300, n_features=4, n_informative=3, n_redundant=0,
                                   n_classes=3, n_clusters_per_class=1, flip_y=0.3,
                                   random_state=0)
    elif name == "noisy2":
        X, y = make_classification(n_samples=300, n_features=5, n_informative=3, n_redundant=0,
                                   flip_y=0.2, random_state=1)
    else:
        raise KeyError(name)
    return StandardScaler().fit_transform(X), y


@cache
def sklearn_fit(name, C, l1_ratio=0.0):
    """scikit-learn's converged multinomial fit: lbfgs for L2 or none, saga with L1."""
    X, y = dataset(name)
    if l1_ratio == 0:
        model = SklearnLogisticRegression(C=C, tol=1e-10, max_iter=10_000)
    else:
        model = SklearnLogisticRegression(C=C, l1_ratio=l1_ratio, solver="saga", tol=1e-10,
                                          max_iter=100_000)
    return model.fit(X, y)


def fit(name, **params):
    X, y = dataset(name)
    return SoftmaxRegression(**params).fit(X, y), X, y


# --- agreement with scikit-learn ------------------------------------------------------


@pytest.mark.parametrize(
    "name, C",
    [("iris", 1.0), ("iris", 0.1), ("wine", 1.0), ("digits", 1.0), ("digits", 0.1),
     ("noisy3", 10.0), ("noisy3", np.inf)],
)
def test_newton_matches_sklearn(name, C):
    model, X, _ = fit(name, C=C, tol=1e-10)
    reference = sklearn_fit(name, C)
    np.testing.assert_allclose(model.predict_proba(X), reference.predict_proba(X), rtol=0,
                               atol=1e-4)
    assert model.coef_.shape == reference.coef_.shape
    assert model.intercept_.shape == reference.intercept_.shape
    assert model.n_iter_ <= 15


@pytest.mark.parametrize("name, C", [("iris", 1.0), ("noisy3", np.inf)])
@pytest.mark.parametrize("solver", ["gd", "sgd"])
def test_gd_and_sgd_reach_sklearns_optimum(solver, name, C):
    model, X, _ = fit(name, C=C, solver=solver, learning_rate=2.0, max_iter=20_000, tol=1e-8,
                      random_state=0)
    np.testing.assert_allclose(model.predict_proba(X), sklearn_fit(name, C).predict_proba(X),
                               rtol=0, atol=1e-4)


@pytest.mark.parametrize("name, C, l1_ratio", [("iris", 0.1, 1.0), ("wine", 0.5, 0.5)])
@pytest.mark.parametrize("solver", ["newton", "gd", "sgd"])
def test_l1_and_elastic_net_match_saga_with_the_same_zeros(solver, name, C, l1_ratio):
    model, X, _ = fit(name, C=C, l1_ratio=l1_ratio, solver=solver, learning_rate=2.0,
                      max_iter=20_000, tol=1e-9, random_state=0)
    reference = sklearn_fit(name, C, l1_ratio)
    np.testing.assert_allclose(model.predict_proba(X), reference.predict_proba(X), rtol=0,
                               atol=1e-4)
    assert np.sum(model.coef_ == 0) >= 4
    np.testing.assert_array_equal(model.coef_ == 0, reference.coef_ == 0)


def test_l2_optimum_has_weights_summing_to_zero_over_classes():
    # adding v to every w_k leaves the loss unchanged, so the penalty picks sum_k w_k = 0
    model, _, _ = fit("wine", C=1.0, tol=1e-10)
    np.testing.assert_allclose(model.coef_.sum(axis=0), 0.0, atol=1e-10)


# --- the exact semantics of 'gd' ------------------------------------------------------


def test_gd_is_exactly_the_textbook_loop():
    X, y = dataset("noisy3")
    model = SoftmaxRegression(solver="gd", C=np.inf, learning_rate=0.1, max_iter=300,
                              tol=0).fit(X, y)
    n, d = X.shape
    Y = np.eye(3)[y]
    W, b = np.zeros((3, d)), np.zeros(3)
    for _ in range(300):
        Z = X @ W.T + b
        P = np.exp(Z - Z.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        W -= 0.1 * (P - Y).T @ X / n
        b -= 0.1 * (P - Y).mean(axis=0)
    np.testing.assert_allclose(model.coef_, W, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.intercept_, b, rtol=0, atol=1e-12)
    assert model.n_iter_ == 300
    assert model.loss_history_[-1] == pytest.approx(log_loss(y, model.predict_proba(X)),
                                                    rel=1e-12)


# --- two classes ------------------------------------------------------------------------


def _both(softmax_params, binary_params):
    X, y = dataset("noisy2")
    softmax_model = SoftmaxRegression(tol=1e-10, **softmax_params).fit(X, y)
    binary_model = LogisticRegression(tol=1e-10, **binary_params).fit(X, y)
    return softmax_model, binary_model, X


def test_two_classes_unpenalised_agree_with_logistic_regression():
    softmax_model, binary_model, X = _both({"C": np.inf}, {"C": np.inf})
    np.testing.assert_allclose(softmax_model.predict_proba(X), binary_model.predict_proba(X),
                               atol=1e-9)
    np.testing.assert_allclose(softmax_model.decision_function(X),
                               binary_model.decision_function(X), atol=1e-7)
    np.testing.assert_allclose(softmax_model.coef_[1] - softmax_model.coef_[0],
                               binary_model.coef_[0], atol=1e-7)


def test_two_classes_l2_with_C_is_logistic_regression_with_2C():
    softmax_model, binary_model, X = _both({"C": 0.05}, {"C": 0.1})
    np.testing.assert_allclose(softmax_model.predict_proba(X), binary_model.predict_proba(X),
                               atol=1e-9)
    np.testing.assert_allclose(softmax_model.coef_[1], -softmax_model.coef_[0], atol=1e-10)
    # and with the same C they really differ
    same_C = LogisticRegression(C=0.05).fit(X, dataset("noisy2")[1])
    assert np.max(np.abs(same_C.predict_proba(X) - softmax_model.predict_proba(X))) > 1e-3


def test_two_classes_l1_with_C_is_logistic_regression_with_C():
    softmax_model, binary_model, X = _both({"C": 0.02, "l1_ratio": 1.0},
                                           {"C": 0.02, "l1_ratio": 1.0})
    np.testing.assert_allclose(softmax_model.predict_proba(X), binary_model.predict_proba(X),
                               atol=1e-7)
    assert np.any(binary_model.coef_ == 0)


def test_two_classes_elastic_net_maps_to_a_binary_elastic_net():
    # rho/C' = r/C and (1 - rho)/C' = (1 - r)/(2C): C' = 2C/(1 + r), rho = 2r/(1 + r)
    C, r = 0.05, 0.5
    softmax_model, binary_model, X = _both({"C": C, "l1_ratio": r},
                                           {"C": 2 * C / (1 + r), "l1_ratio": 2 * r / (1 + r)})
    np.testing.assert_allclose(softmax_model.predict_proba(X), binary_model.predict_proba(X),
                               atol=1e-7)


def test_two_classes_decision_function_is_one_dimensional():
    model, X, y = fit("noisy2")
    assert model.decision_function(X).shape == (len(X),)
    np.testing.assert_array_equal(model.predict(X),
                                  model.classes_[(model.decision_function(X) > 0).astype(int)])


# --- labels, the API, predictions --------------------------------------------------------


def test_string_labels_and_predictions():
    X, y = dataset("iris")
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = SoftmaxRegression().fit(X, names)
    numeric = SoftmaxRegression().fit(X, y)
    np.testing.assert_array_equal(model.classes_, ["setosa", "versicolor", "virginica"])
    np.testing.assert_allclose(model.predict_proba(X), numeric.predict_proba(X))
    np.testing.assert_array_equal(model.predict(X), model.classes_[numeric.predict(X)])
    assert model.score(X, names) > 0.95
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-14)
    np.testing.assert_allclose(np.log(proba), model.predict_log_proba(X), rtol=1e-12, atol=1e-15)
    assert model.decision_function(X).shape == (len(X), 3)


def test_log_proba_is_exact_in_the_tails():
    model, X, _ = fit("iris", C=100.0)
    far = 1000.0 * X[:5]
    log_proba = model.predict_log_proba(far)
    assert np.all(np.isfinite(log_proba))
    assert np.min(log_proba) < -800  # far below where exp underflows
    Z = model.decision_function(far)
    np.testing.assert_allclose(log_proba, Z - Z.max(axis=1, keepdims=True), atol=1e-12)


def test_integer_sample_weights_equal_repeated_rows():
    X, y = dataset("noisy3")
    weights = np.random.default_rng(0).integers(0, 4, size=len(y))
    weighted = SoftmaxRegression(C=0.7, tol=1e-10).fit(X, y, sample_weight=weights)
    repeated = SoftmaxRegression(C=0.7, tol=1e-10).fit(np.repeat(X, weights, axis=0),
                                                      np.repeat(y, weights))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-8)


def test_pipeline_grid_search_and_cross_validation():
    X, y = load_wine(return_X_y=True)
    pipeline = make_pipeline(StandardScaler(), SoftmaxRegression())
    assert cross_val_score(pipeline, X, y, cv=3).mean() > 0.9
    search = GridSearchCV(pipeline, {"softmaxregression__l1_ratio": [0.0, 1.0]}, cv=3)
    assert search.fit(X, y).score(X, y) > 0.9


# --- bad input and warnings -------------------------------------------------------------


def test_bad_input_is_refused():
    X, y = dataset("iris")
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SoftmaxRegression().fit(bad, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SoftmaxRegression().fit(X, y[:-1])
    with pytest.raises(ValueError, match="2D array"):
        SoftmaxRegression().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="only one class"):
        SoftmaxRegression().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="'C' parameter"):
        SoftmaxRegression(C=-2.0).fit(X, y)
    with pytest.raises(ValueError, match="'solver' parameter"):
        SoftmaxRegression(solver="saga").fit(X, y)
    with pytest.raises(NotFittedError):
        SoftmaxRegression().predict_proba(X)
    model = SoftmaxRegression().fit(X, y)
    with pytest.raises(ValueError, match="3 features.*expecting 4 features"):
        model.predict(X[:, :3])


@pytest.mark.parametrize("solver", ["newton", "gd", "sgd"])
def test_separable_data_unpenalised_warns_and_stays_finite(solver):
    X, y = make_blobs(n_samples=90, centers=[[-5, 0], [5, 0], [0, 8]], random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = SoftmaxRegression(C=np.inf, solver=solver, max_iter=200,
                                  random_state=0).fit(X, y)
    assert {w.category for w in caught} == {ConvergenceWarning}
    assert any("separated" in str(w.message) for w in caught)
    assert model.n_iter_ <= 200 and np.all(np.isfinite(model.coef_))
    assert model.score(X, y) == 1.0


# --- the objective ---------------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_objective_gradient_hessian_and_products_match_finite_differences(fit_intercept,
                                                                          weighted):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(25, 3))
    y = rng.integers(0, 3, 25)
    objective = MultinomialLogisticObjective.from_hyperparameters(
        X, y, C=0.7, l1_ratio=0.3, fit_intercept=fit_intercept,
        sample_weight=rng.random(25) if weighted else None)
    theta = rng.normal(size=objective.n_params)
    np.testing.assert_allclose(objective.smooth_gradient(theta),
                               numerical_gradient(objective.smooth_value, theta), atol=1e-8)
    numerical_hessian = np.array([
        numerical_gradient(lambda t, i=i: objective.smooth_gradient(t)[i], theta)
        for i in range(objective.n_params)
    ])
    H = objective.hessian(theta)
    np.testing.assert_allclose(H, numerical_hessian, atol=1e-8)
    vector = rng.normal(size=objective.n_params)
    np.testing.assert_allclose(objective.hessian_product(theta, vector), H @ vector, atol=1e-12)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_prediction_change_is_the_largest_first_order_change_of_a_probability(fit_intercept):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(30, 3))
    objective = MultinomialLogisticObjective(X, rng.integers(0, 3, 30),
                                             fit_intercept=fit_intercept)
    theta, direction = rng.normal(size=(2, objective.n_params))

    def probabilities(t):
        coef, intercept = objective.unpack(t)
        return softmax_probabilities(X @ coef.T + intercept)

    h = 1e-6  # central difference: error of order h**2
    step = h * direction
    numeric = (probabilities(theta + step) - probabilities(theta - step)) / (2 * h)
    assert objective.prediction_change(theta, direction) == pytest.approx(
        np.max(np.abs(numeric)), rel=1e-6)
    assert objective.prediction_change(theta, np.zeros(objective.n_params)) == 0.0


@pytest.mark.parametrize("C", [0.7, np.inf])
def test_newton_matrix_shifts_the_hessian_along_shared_directions_by_its_mean_diagonal(C):
    rng = np.random.default_rng(8)
    X = rng.normal(size=(40, 3))
    objective = MultinomialLogisticObjective.from_hyperparameters(X, rng.integers(0, 4, 40), C=C)
    theta, vector = rng.normal(size=(2, objective.n_params))
    H = objective.hessian(theta)
    K, width = objective.coef_shape
    projector = np.kron(np.full((K, K), 1.0 / K), np.eye(width))  # onto "same for every class"
    expected = H + np.mean(np.diag(H)) * projector
    np.testing.assert_allclose(objective.newton_matrix(theta), expected, atol=1e-14)
    np.testing.assert_allclose(objective.newton_product(theta, vector), expected @ vector,
                               atol=1e-12)
    assert np.all(np.linalg.eigvalsh(expected) > 0)  # positive definite, even unpenalised


def test_without_the_shift_newton_steps_along_the_shared_direction():
    # Rounding gives the gradient a component ~1e-17 along the direction "same intercept
    # shift for every class", where the Hessian is zero: conjugate gradients on the
    # unshifted Hessian blow it up into a large step along it.
    X, y = dataset("digits")

    class Unshifted(MultinomialLogisticObjective):
        def newton_product(self, theta, vector):
            return self.hessian_product(theta, vector)

    shifts = {}
    for objective_class in (MultinomialLogisticObjective, Unshifted):
        objective = objective_class.from_hyperparameters(X, y, C=1.0)
        result = newton(objective, np.zeros(objective.n_params), max_iter=30, tol=1e-10,
                        linear_solver="cg")
        assert result.converged
        shifts[objective_class] = abs(objective.unpack(result.theta)[1].sum())
    assert shifts[MultinomialLogisticObjective] < 1e-10 and shifts[Unshifted] > 1.0


def test_objective_agrees_with_the_functional_api():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 3))
    y = rng.integers(0, 4, 40)
    objective = MultinomialLogisticObjective(X, y)  # no penalty
    W, b = rng.normal(size=(4, 3)), rng.normal(size=4)
    theta = np.column_stack([W, b]).ravel()
    dW, db = softmax_gradient(X, y, W.T, b)  # that API puts classes in columns
    np.testing.assert_allclose(objective.smooth_gradient(theta),
                               np.column_stack([dW.T, db]).ravel(), rtol=1e-12)
    assert objective.value(theta) == pytest.approx(cross_entropy_with_logits(y, X @ W.T + b),
                                                   rel=1e-12)
    unpacked_W, unpacked_b = objective.unpack(theta)
    np.testing.assert_array_equal(unpacked_W, W)
    np.testing.assert_array_equal(unpacked_b, b)
