"""sample_weight and class_weight of LogisticRegression and SoftmaxRegression, against
scikit-learn, for every solver; integer weights as repeated rows; bad weights refused."""

from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_class_weight
from threadpoolctl import threadpool_limits

from course_lib.logistic_regression import LogisticRegression
from course_lib.softmax_regression import SoftmaxRegression

ESTIMATORS = {"binary": LogisticRegression, "softmax": SoftmaxRegression}
# The parity tolerances of test_logistic_regression.py and test_softmax_regression.py, on
# the probabilities; the coefficients are held to the same absolute tolerance.
PARITY_ATOL = {"binary": 1e-5, "softmax": 1e-4}
SOLVER_OPTIONS = {
    "newton": {"tol": 1e-10},
    "gd": {"learning_rate": 1.0, "max_iter": 20_000, "tol": 1e-9},
    "sgd": {"learning_rate": 1.0, "max_iter": 20_000, "tol": 1e-9, "random_state": 0},
}


@pytest.fixture(autouse=True)
def single_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@cache
def imbalanced(kind):
    """Overlapping classes of unequal sizes: 85/15 (binary) or 60/30/10 (three classes)."""
    weights = [0.85, 0.15] if kind == "binary" else [0.6, 0.3, 0.1]
    X, y = make_classification(n_samples=400, n_features=4, n_informative=3, n_redundant=0,
                               n_classes=len(weights), n_clusters_per_class=1,
                               weights=weights, flip_y=0.1, random_state=2)
    return StandardScaler().fit_transform(X), y


@cache
def sample_weights(n):
    return np.random.default_rng(5).uniform(0.2, 3.0, size=n)


@cache
def sklearn_reference(kind, class_weight_key, weighted, C):
    X, y = imbalanced(kind)
    class_weight = CLASS_WEIGHTS[kind][class_weight_key]
    model = SklearnLogisticRegression(C=C, class_weight=class_weight, tol=1e-10,
                                      max_iter=10_000)
    return model.fit(X, y, sample_weight=sample_weights(len(y)) if weighted else None)


CLASS_WEIGHTS = {
    "binary": {"none": None, "balanced": "balanced", "dict": {1: 4.0}},
    "softmax": {"none": None, "balanced": "balanced", "dict": {0: 0.5, 2: 3.0}},
}


@pytest.mark.parametrize("solver", ["newton", "gd", "sgd"])
@pytest.mark.parametrize("class_weight_key, weighted",
                         [("none", True), ("balanced", False), ("balanced", True),
                          ("dict", False), ("dict", True)])
@pytest.mark.parametrize("kind", ["binary", "softmax"])
def test_weighted_fits_match_sklearn(kind, class_weight_key, weighted, solver):
    X, y = imbalanced(kind)
    model = ESTIMATORS[kind](C=1.0, class_weight=CLASS_WEIGHTS[kind][class_weight_key],
                             **SOLVER_OPTIONS[solver])
    model.fit(X, y, sample_weight=sample_weights(len(y)) if weighted else None)
    reference = sklearn_reference(kind, class_weight_key, weighted, C=1.0)
    atol = PARITY_ATOL[kind]
    np.testing.assert_allclose(model.predict_proba(X), reference.predict_proba(X), rtol=0,
                               atol=atol)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=0, atol=atol)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, rtol=0, atol=atol)


@pytest.mark.parametrize("kind", ["binary", "softmax"])
def test_class_weight_changes_the_fit_and_balanced_raises_the_rare_class(kind):
    X, y = imbalanced(kind)
    plain = ESTIMATORS[kind](tol=1e-10).fit(X, y)
    balanced = ESTIMATORS[kind](class_weight="balanced", tol=1e-10).fit(X, y)
    rare = np.argmin(np.bincount(y))
    # Reweighting the rare class up raises its predicted probability on average ...
    assert (balanced.predict_proba(X)[:, rare].mean()
            > plain.predict_proba(X)[:, rare].mean() + 0.1)
    # ... well above its share: the probabilities answer a reweighted question.
    assert balanced.predict_proba(X)[:, rare].mean() > 1.5 * np.mean(y == rare)


@pytest.mark.parametrize("kind", ["binary", "softmax"])
def test_class_weight_is_sample_weight_times_the_class_weights(kind):
    X, y = imbalanced(kind)
    s = sample_weights(len(y))
    for class_weight in ["balanced", CLASS_WEIGHTS[kind]["dict"]]:
        per_class = compute_class_weight(class_weight, classes=np.unique(y), y=y,
                                         sample_weight=s)
        by_class = ESTIMATORS[kind](class_weight=class_weight, tol=1e-10).fit(X, y,
                                                                             sample_weight=s)
        by_sample = ESTIMATORS[kind](tol=1e-10).fit(X, y, sample_weight=s * per_class[y])
        np.testing.assert_allclose(by_class.coef_, by_sample.coef_, rtol=0, atol=1e-10)
        np.testing.assert_allclose(by_class.intercept_, by_sample.intercept_, rtol=0,
                                   atol=1e-10)


def test_balanced_is_the_dict_of_inverse_class_frequencies():
    X, y = imbalanced("binary")
    counts = np.bincount(y)
    as_dict = {k: len(y) / (2 * counts[k]) for k in (0, 1)}
    balanced = LogisticRegression(class_weight="balanced", tol=1e-10).fit(X, y)
    explicit = LogisticRegression(class_weight=as_dict, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(balanced.coef_, explicit.coef_, rtol=1e-12, atol=1e-14)


def test_class_weight_with_string_labels():
    X, y = imbalanced("binary")
    labels = np.where(y == 1, "churn", "stay")
    by_name = LogisticRegression(class_weight={"churn": 4.0}, tol=1e-10).fit(X, labels)
    by_index = LogisticRegression(class_weight={1: 4.0}, tol=1e-10).fit(X, y)
    # classes_ = ["churn", "stay"]: the positive class is "stay", so the sign flips.
    np.testing.assert_allclose(by_name.coef_, -by_index.coef_, rtol=0, atol=1e-10)


def test_class_weight_survives_clone_and_get_params():
    from sklearn.base import clone

    model = SoftmaxRegression(class_weight={0: 2.0})
    assert clone(model).get_params()["class_weight"] == {0: 2.0}


# --- integer weights are repeated rows (a property) ----------------------------------------


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(["binary", "softmax"]),
       solver=st.sampled_from(["newton", "gd"]))
def test_integer_weights_equal_repeated_rows(seed, kind, solver):
    X, y = imbalanced(kind)
    X, y = X[:120], y[:120]
    weights = np.random.default_rng(seed).integers(0, 4, size=len(y))
    for k in np.unique(y):  # every class keeps a sample of positive weight
        weights[np.flatnonzero(y == k)[0]] = 1
    options = {"C": 0.5, "class_weight": "balanced", "solver": solver, "learning_rate": 1.0,
               "max_iter": 5_000 if solver == "gd" else 100, "tol": 1e-10}
    weighted = ESTIMATORS[kind](**options).fit(X, y, sample_weight=weights)
    repeated = ESTIMATORS[kind](**options).fit(np.repeat(X, weights, axis=0),
                                               np.repeat(y, weights))
    atol = 1e-8 if solver == "newton" else 1e-6
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=0, atol=atol)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, rtol=0, atol=atol)


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(0.01, 100.0), kind=st.sampled_from(["binary", "softmax"]))
def test_scaling_every_weight_leaves_the_fit_unchanged(scale, kind):
    # The objective divides by the total weight S, as C n F = C sum_i s_i l_i + penalty
    # does not: scaling every weight by a is scikit-learn's C -> a C.
    X, y = imbalanced(kind)
    s = sample_weights(len(y))
    base = ESTIMATORS[kind](class_weight="balanced", tol=1e-10).fit(X, y, sample_weight=s)
    scaled = ESTIMATORS[kind](C=1.0 / scale, class_weight="balanced", tol=1e-10).fit(
        X, y, sample_weight=scale * s)
    np.testing.assert_allclose(scaled.coef_, base.coef_, rtol=0, atol=1e-8)


# --- bad weights are refused, with a message naming the problem ---------------------------


@pytest.mark.parametrize("kind", ["binary", "softmax"])
@pytest.mark.parametrize(
    "class_weight, match",
    [
        ("balance", r"'class_weight' parameter .* must be .*'balanced'"),
        (3.0, "'class_weight' parameter"),
        ({7: 2.0}, r"class_weight names \[7\], not among the classes of y"),
        ({"yes": 2.0}, r"class_weight names \['yes'\]"),
        ({1: -1.0}, r"class_weight\[1\] must be a finite number >= 0, got -1.0"),
        ({1: np.nan}, r"class_weight\[1\] must be a finite number >= 0"),
        ({1: "2"}, r"class_weight\[1\] must be a finite number >= 0, got '2'"),
    ],
)
def test_bad_class_weight_is_refused(kind, class_weight, match):
    X, y = imbalanced(kind)
    with pytest.raises(ValueError, match=match):
        ESTIMATORS[kind](class_weight=class_weight).fit(X, y)


@pytest.mark.parametrize("kind", ["binary", "softmax"])
def test_bad_sample_weight_is_refused(kind):
    X, y = imbalanced(kind)
    with pytest.raises(ValueError, match="(?i)negative"):
        ESTIMATORS[kind]().fit(X, y, sample_weight=np.where(y == 1, -1.0, 1.0))
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(3,\), expected \(400,\)"):
        ESTIMATORS[kind]().fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="(?i)nan"):
        ESTIMATORS[kind]().fit(X, y, sample_weight=np.where(y == 1, np.nan, 1.0))


def test_class_weights_that_leave_one_class_are_refused():
    X, y = imbalanced("binary")
    with pytest.raises(ValueError, match="only one class with positive weight: 0"):
        LogisticRegression(class_weight={1: 0.0}).fit(X, y)
    with pytest.raises(ValueError, match="Every sample has weight 0"):
        LogisticRegression(class_weight={0: 0.0, 1: 0.0}).fit(X, y)
