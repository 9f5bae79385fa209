"""Tests of course_lib.datasets: shapes, ranges, seeds, published truths, bad input."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn.datasets import load_digits, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from course_lib.datasets import (
    CHURN_FEATURES,
    CHURN_GROUND_TRUTH,
    MEDICAL_FEATURES,
    MEDICAL_GROUND_TRUTH,
    STUDY_SLEEP_FEATURES,
    STUDY_SLEEP_GROUND_TRUTH,
    LogisticGroundTruth,
    churn_ground_truth,
    load_digits_binary,
    load_digits_multiclass,
    load_iris_data,
    make_churn,
    make_medical_screening,
    make_spam_emails,
    make_study_sleep,
)

CHURN_COLUMNS = [
    "tenure_months",
    "contract_type",
    "contract_length",
    "internet_service",
    "monthly_charges",
    "data_usage_gb",
    "support_calls",
    "senior_citizen",
    "paperless_billing",
    "churn",
]


def _fit_unpenalised(Z, y):
    """Maximum-likelihood logistic fit: (intercept, coefficients)."""
    model = LogisticRegression(C=np.inf, max_iter=2000, tol=1e-10).fit(Z, y)
    return model.intercept_[0], model.coef_[0]


def _standard_errors(Z, p):
    """Asymptotic standard errors of (intercept, coefficients) from the Fisher information."""
    design = np.column_stack([np.ones(Z.shape[0]), Z])
    information = design.T @ ((p * (1 - p))[:, None] * design)
    return np.sqrt(np.diag(np.linalg.inv(information)))


def _assert_recovers(truth, Z, y, n_se=4.0):
    """The maximum-likelihood estimate lies within n_se standard errors of the truth."""
    intercept, coef = _fit_unpenalised(Z, y)
    estimate = np.r_[intercept, coef]
    true = np.r_[truth.intercept, truth.coefficients]
    se = _standard_errors(Z, expit(true[0] + Z @ true[1:]))
    z_scores = (estimate - true) / se
    assert np.all(np.abs(z_scores) < n_se), z_scores
    return estimate - true


# --------------------------------------------------------------------------- churn


class TestMakeChurn:
    def test_frame_columns_and_dtypes(self):
        frame = make_churn()
        assert frame.shape == (5000, 10)
        assert list(frame.columns) == CHURN_COLUMNS
        for name in ("tenure_months", "contract_length", "support_calls", "senior_citizen",
                     "paperless_billing", "churn"):
            assert frame[name].dtype == np.int64, name
        for name in ("monthly_charges", "data_usage_gb"):
            assert frame[name].dtype == np.float64, name
        assert isinstance(frame["contract_type"].dtype, pd.CategoricalDtype)
        assert list(frame["contract_type"].cat.categories) == [
            "month-to-month", "one-year", "two-year"]
        assert frame["contract_type"].cat.ordered
        assert list(frame["internet_service"].cat.categories) == ["none", "dsl", "fiber"]
        assert not frame.isna().any().any()

    def test_value_ranges(self):
        frame = make_churn(20_000, random_state=3)
        assert frame["tenure_months"].between(0, 72).all()
        assert frame["tenure_months"].min() == 0 and frame["tenure_months"].max() == 72
        assert frame["monthly_charges"].between(18.0, 120.0).all()
        assert_allclose(frame["monthly_charges"], frame["monthly_charges"].round(2))
        assert (frame["data_usage_gb"] >= 0).all()
        assert (frame["support_calls"] >= 0).all()
        assert frame["support_calls"].max() < 15
        for name in ("senior_citizen", "paperless_billing", "churn"):
            assert set(frame[name].unique()) == {0, 1}, name

    def test_contract_length_matches_contract_type(self):
        frame = make_churn(3000, random_state=5)
        months = frame["contract_type"].map(
            {"month-to-month": 1, "one-year": 12, "two-year": 24}).astype(np.int64)
        assert_array_equal(frame["contract_length"], months)

    def test_features_depend_on_each_other_realistically(self):
        frame = make_churn(20_000, random_state=2)
        charges = frame.groupby("internet_service", observed=True)["monthly_charges"].mean()
        assert charges["none"] < charges["dsl"] < charges["fiber"]
        assert (frame.loc[frame["internet_service"] == "none", "data_usage_gb"] == 0).all()
        online = frame["internet_service"] != "none"
        assert np.corrcoef(frame.loc[online, "data_usage_gb"],
                           frame.loc[online, "monthly_charges"])[0, 1] > 0.5
        tenure = frame.groupby("contract_type", observed=True)["tenure_months"].mean()
        assert tenure["month-to-month"] < tenure["one-year"] < tenure["two-year"]
        churn = frame.groupby("contract_type", observed=True)["churn"].mean()
        assert churn["month-to-month"] > churn["one-year"] > churn["two-year"]
        calls = frame.groupby("churn")["support_calls"].mean()
        assert calls[1] > calls[0]

    @pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 12345])
    def test_churn_rate_near_a_quarter(self, seed):
        rate = make_churn(5000, random_state=seed)["churn"].mean()
        assert 0.22 <= rate <= 0.28

    def test_same_seed_same_table_other_seed_other_table(self):
        pd.testing.assert_frame_equal(make_churn(500, random_state=7),
                                      make_churn(500, random_state=7))
        a, b = make_churn(500, random_state=7), make_churn(500, random_state=8)
        assert not a["monthly_charges"].equals(b["monthly_charges"])
        assert not a["churn"].equals(b["churn"])

    def test_generator_is_used_as_given(self):
        pd.testing.assert_frame_equal(make_churn(300, random_state=np.random.default_rng(4)),
                                      make_churn(300, random_state=4))
        rng = np.random.default_rng(4)
        first, second = make_churn(300, random_state=rng), make_churn(300, random_state=rng)
        assert not first["monthly_charges"].equals(second["monthly_charges"])

    def test_global_random_state_untouched(self):
        before = np.random.get_state()[1].copy()  # noqa: NPY002 (the legacy global state itself)
        make_churn(100, random_state=None)
        assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002

    def test_arrays_match_frame(self):
        frame = make_churn(400, random_state=9)
        X, y, names = make_churn(400, random_state=9, as_frame=False)
        assert names == list(CHURN_FEATURES)
        assert X.dtype == np.float64 and X.shape == (400, 7)
        assert y.dtype == np.int64 and y.shape == (400,)
        assert_array_equal(X, frame[names].to_numpy(dtype=float))
        assert_array_equal(y, frame["churn"])

    @given(n=st.integers(1, 300), seed=st.integers(0, 2**32 - 1))
    @settings(max_examples=25, deadline=None)
    def test_invariants_for_any_seed_and_size(self, n, seed):
        frame = make_churn(n, random_state=seed)
        assert len(frame) == n
        assert frame["tenure_months"].between(0, 72).all()
        assert frame["monthly_charges"].between(18.0, 120.0).all()
        assert frame["contract_length"].isin([1, 12, 24]).all()
        assert frame["churn"].isin([0, 1]).all()


class TestChurnGroundTruth:
    def test_accessor_returns_the_constant(self):
        truth = churn_ground_truth()
        assert truth is CHURN_GROUND_TRUTH
        assert truth.feature_names == CHURN_FEATURES
        assert len(truth.coefficients) == 7
        assert set(truth.as_dict()) == {"intercept", *CHURN_FEATURES}

    def test_signs_tell_the_story(self):
        w = dict(zip(CHURN_FEATURES, CHURN_GROUND_TRUTH.coefficients, strict=True))
        assert w["tenure_months"] < 0 and w["contract_length"] < 0
        assert w["monthly_charges"] > 0 and w["support_calls"] > 0

    def test_centres_and_scales_are_population_moments(self):
        X, _, _ = make_churn(400_000, random_state=2024, as_frame=False)
        assert_allclose(X.mean(axis=0), CHURN_GROUND_TRUTH.center, rtol=0.01, atol=0.002)
        assert_allclose(X.std(axis=0), CHURN_GROUND_TRUTH.scale, rtol=0.01)

    def test_design_matrix_is_documented_standardisation(self):
        frame = make_churn(50, random_state=1)
        raw = frame[list(CHURN_FEATURES)].to_numpy(dtype=float)
        expected = (raw - np.array(CHURN_GROUND_TRUTH.center)) / np.array(CHURN_GROUND_TRUTH.scale)
        assert_allclose(CHURN_GROUND_TRUTH.design_matrix(frame), expected)
        assert_allclose(CHURN_GROUND_TRUTH.design_matrix(raw), expected)
        logit = CHURN_GROUND_TRUTH.intercept + expected @ np.array(CHURN_GROUND_TRUTH.coefficients)
        assert_allclose(CHURN_GROUND_TRUTH.probability(frame), expit(logit), rtol=1e-12)

    def test_per_unit_parameters_give_the_same_logit(self):
        frame = make_churn(50, random_state=1)
        raw = frame[list(CHURN_FEATURES)].to_numpy(dtype=float)
        truth = CHURN_GROUND_TRUTH
        assert_allclose(truth.intercept_per_unit + raw @ truth.coefficients_per_unit,
                        truth.logit(frame), rtol=1e-10, atol=1e-12)

    def test_mean_true_probability_matches_churn_rate(self):
        frame = make_churn(200_000, random_state=11)
        rate, mean_p = frame["churn"].mean(), CHURN_GROUND_TRUTH.probability(frame).mean()
        assert abs(rate - mean_p) < 4 * np.sqrt(mean_p * (1 - mean_p) / len(frame))
        assert 0.24 < mean_p < 0.26

    def test_unpenalised_fit_recovers_truth_on_documented_design(self):
        frame = make_churn(50_000, random_state=0)
        error = _assert_recovers(CHURN_GROUND_TRUTH, CHURN_GROUND_TRUTH.design_matrix(frame),
                                 frame["churn"].to_numpy())
        assert np.max(np.abs(error)) < 0.1

    def test_unpenalised_fit_on_standard_scaler_output_recovers_truth(self):
        frame = make_churn(50_000, random_state=1)
        Z = StandardScaler().fit_transform(frame[list(CHURN_FEATURES)])
        intercept, coef = _fit_unpenalised(Z, frame["churn"])
        assert abs(intercept - CHURN_GROUND_TRUTH.intercept) < 0.1
        assert np.max(np.abs(coef - CHURN_GROUND_TRUTH.coef_)) < 0.1

    def test_coef_is_a_fresh_copy(self):
        coef = CHURN_GROUND_TRUTH.coef_
        coef[:] = 0
        assert CHURN_GROUND_TRUTH.coef_[0] == CHURN_GROUND_TRUTH.coefficients[0] != 0


class TestLogisticGroundTruthValidation:
    def test_lengths_must_match(self):
        with pytest.raises(ValueError, match="coefficients has 1 entries"):
            LogisticGroundTruth(("a", "b"), (1.0,), 0.0, (0.0, 0.0), (1.0, 1.0))

    def test_scales_must_be_positive(self):
        with pytest.raises(ValueError, match="scale must be positive"):
            LogisticGroundTruth(("a",), (1.0,), 0.0, (0.0,), (0.0,))

    def test_design_matrix_rejects_missing_columns_and_wrong_width(self):
        with pytest.raises(ValueError, match="missing the columns"):
            CHURN_GROUND_TRUTH.design_matrix(pd.DataFrame({"tenure_months": [1.0]}))
        with pytest.raises(ValueError, match="X has 2 columns"):
            CHURN_GROUND_TRUTH.design_matrix(np.zeros((3, 2)))


# --------------------------------------------------------------------------- digits and iris


class TestDigits:
    def test_binary_default_is_zero_against_one_scaled(self):
        X, y = load_digits_binary()
        bunch = load_digits()
        keep = bunch.target <= 1
        assert X.shape == (keep.sum(), 64) == (360, 64)
        assert X.dtype == np.float64 and y.dtype == np.int64
        assert_allclose(X, bunch.data[keep] / 16.0)
        assert_array_equal(y, bunch.target[keep])
        assert X.min() == 0.0 and X.max() == 1.0

    def test_binary_unscaled_keeps_raw_pixels(self):
        X_raw, y_raw = load_digits_binary(scale=False)
        X, y = load_digits_binary()
        assert X_raw.max() == 16.0
        assert_allclose(X_raw, 16.0 * X)
        assert_array_equal(y_raw, y)

    def test_second_digit_is_class_one(self):
        bunch = load_digits()
        X, y = load_digits_binary(digits=(8, 3))
        keep = np.isin(bunch.target, [3, 8])
        assert_array_equal(y, (bunch.target[keep] == 3).astype(int))
        assert_allclose(X, bunch.data[keep] / 16.0)
        _, y_swapped = load_digits_binary(digits=(3, 8))
        assert_array_equal(y_swapped, 1 - y)

    def test_accepts_numpy_integers_and_lists(self):
        X, _ = load_digits_binary(digits=[np.int64(4), np.int32(9)])
        assert X.shape[0] == np.isin(load_digits().target, [4, 9]).sum()

    @pytest.mark.parametrize(
        "digits, message",
        [
            ((1, 1), "distinct"),
            ((0, 10), "from 0 to 9"),
            ((-1, 2), "from 0 to 9"),
            ((0,), "exactly two"),
            ((0, 1, 2), "exactly two"),
            ((0.0, 1), "integers"),
            ((True, 0), "integers"),
            ("01", "integers"),
            (7, "pair"),
        ],
    )
    def test_bad_digits(self, digits, message):
        with pytest.raises(ValueError, match=message):
            load_digits_binary(digits=digits)

    def test_multiclass(self):
        X, y = load_digits_multiclass()
        assert X.shape == (1797, 64) and y.shape == (1797,)
        assert X.dtype == np.float64 and y.dtype == np.int64
        assert_array_equal(np.unique(y), np.arange(10))
        assert_allclose(X, load_digits().data / 16.0)
        X_raw, _ = load_digits_multiclass(scale=False)
        assert_allclose(X_raw, load_digits().data)

    @pytest.mark.parametrize("scale", [1, "yes", None])
    def test_scale_must_be_bool(self, scale):
        with pytest.raises(ValueError, match="scale must be True or False"):
            load_digits_multiclass(scale=scale)
        with pytest.raises(ValueError, match="scale must be True or False"):
            load_digits_binary(scale=scale)


class TestIris:
    def test_arrays(self):
        X, y, feature_names, target_names = load_iris_data()
        bunch = load_iris()
        assert X.shape == (150, 4) and X.dtype == np.float64
        assert y.dtype == np.int64 and np.bincount(y).tolist() == [50, 50, 50]
        assert_allclose(X, bunch.data)
        assert feature_names == list(bunch.feature_names)
        assert target_names == ["setosa", "versicolor", "virginica"]

    def test_frame(self):
        frame = load_iris_data(as_frame=True)
        X, y, feature_names, target_names = load_iris_data()
        assert list(frame.columns) == [*feature_names, "target", "species"]
        assert_allclose(frame[feature_names].to_numpy(), X)
        assert_array_equal(frame["target"], y)
        assert_array_equal(frame["species"].astype(str), np.array(target_names)[y])

    def test_as_frame_must_be_bool(self):
        with pytest.raises(ValueError, match="as_frame must be True or False"):
            load_iris_data(as_frame="no")


# --------------------------------------------------------------------------- spam emails


def _least_squares_boundary(x, y):
    slope, intercept = np.polyfit(x, y, 1)
    return (0.5 - intercept) / slope, slope, intercept


class TestSpamEmails:
    def test_thirteen_emails(self):
        counts, is_spam = make_spam_emails()
        assert counts.shape == is_spam.shape == (13,)
        assert counts.dtype == np.int64 and is_spam.dtype == np.int64
        assert counts.min() == 0 and counts.max() == 15
        assert np.all(np.diff(counts) >= 0)
        assert is_spam.sum() == 6 and set(is_spam.tolist()) == {0, 1}
        # a threshold separates the classes
        assert counts[is_spam == 0].max() < counts[is_spam == 1].min()

    def test_extreme_email_drags_the_least_squares_line(self):
        counts, is_spam = make_spam_emails()
        keep = counts < counts.max()
        boundary_without, _, _ = _least_squares_boundary(counts[keep], is_spam[keep])
        assert np.all((counts[keep] >= boundary_without) == (is_spam[keep] == 1))
        boundary_with, slope, intercept = _least_squares_boundary(counts, is_spam)
        assert boundary_with > boundary_without + 0.5
        misclassified = (counts >= boundary_with) != (is_spam == 1)
        assert misclassified.sum() >= 1
        assert intercept + slope * counts.max() > 1.0  # not a probability

    def test_deterministic_and_returns_copies(self):
        counts, is_spam = make_spam_emails()
        counts[:] = -1
        is_spam[:] = 9
        again_counts, again_spam = make_spam_emails()
        assert again_counts.min() == 0 and set(again_spam.tolist()) == {0, 1}


# --------------------------------------------------------------------------- study and sleep


class TestStudySleep:
    def test_shapes_and_ranges(self):
        X, y = make_study_sleep()
        assert X.shape == (200, 2) and y.shape == (200,)
        assert X.dtype == np.float64 and y.dtype == np.int64
        assert np.all((X[:, 0] >= 0) & (X[:, 0] <= 8))
        assert np.all((X[:, 1] >= 4) & (X[:, 1] <= 10))
        assert_allclose(X, np.round(X, 1))
        assert set(np.unique(y).tolist()) == {0, 1}
        assert 0.4 < y.mean() < 0.75

    def test_truth_on_raw_hours(self):
        truth = STUDY_SLEEP_GROUND_TRUTH
        assert truth.feature_names == STUDY_SLEEP_FEATURES
        assert truth.center == (0.0, 0.0) and truth.scale == (1.0, 1.0)
        # studying 2 hours needs 9 hours of sleep: that student sits on the boundary
        assert truth.probability(np.array([[2.0, 9.0]]))[0] == pytest.approx(0.5)
        assert truth.probability(np.array([[4.0, 6.0]]))[0] == pytest.approx(0.5)

    def test_more_study_and_sleep_pass_more_often(self):
        X, y = make_study_sleep(20_000, random_state=1)
        for column in range(2):
            high = X[:, column] > np.median(X[:, column])
            assert y[high].mean() > y[~high].mean() + 0.1

    def test_labels_are_noisy(self):
        X, y = make_study_sleep(5000, random_state=2)
        rule = STUDY_SLEEP_GROUND_TRUTH.logit(X) > 0
        agreement = np.mean(rule == (y == 1))
        assert 0.8 < agreement < 0.98

    def test_unpenalised_fit_recovers_rule(self):
        X, y = make_study_sleep(50_000, random_state=0)
        _assert_recovers(STUDY_SLEEP_GROUND_TRUTH, X, y)

    def test_seeds(self):
        X1, y1 = make_study_sleep(100, random_state=3)
        X2, y2 = make_study_sleep(100, random_state=3)
        X3, _ = make_study_sleep(100, random_state=4)
        assert_array_equal(X1, X2)
        assert_array_equal(y1, y2)
        assert not np.array_equal(X1, X3)


# --------------------------------------------------------------------------- medical screening


class TestMedicalScreening:
    def test_frame(self):
        frame = make_medical_screening()
        assert list(frame.columns) == [*MEDICAL_FEATURES, "high_risk"]
        assert len(frame) == 1000
        assert all(frame[name].dtype == np.float64 for name in MEDICAL_FEATURES)
        assert frame["high_risk"].dtype == np.int64
        assert frame["age"].between(25, 85).all()
        assert frame["blood_pressure"].between(90, 200).all()
        assert frame["cholesterol"].between(120, 320).all()
        assert frame["exercise_hours"].between(0, 15).all()
        assert 0.25 < frame["high_risk"].mean() < 0.35

    def test_arrays_match_frame(self):
        frame = make_medical_screening(300, random_state=5)
        X, y, names = make_medical_screening(300, random_state=5, as_frame=False)
        assert names == list(MEDICAL_FEATURES)
        assert_array_equal(X, frame[names].to_numpy())
        assert_array_equal(y, frame["high_risk"])

    def test_risk_factors_and_protection(self):
        frame = make_medical_screening(20_000, random_state=1)
        assert frame["age"].corr(frame["blood_pressure"]) > 0.2
        assert frame["age"].corr(frame["exercise_hours"]) < 0
        w = dict(zip(MEDICAL_FEATURES, MEDICAL_GROUND_TRUTH.coefficients, strict=True))
        assert w["exercise_hours"] < 0 < min(w["age"], w["blood_pressure"], w["cholesterol"])
        active = frame["exercise_hours"] > frame["exercise_hours"].median()
        assert frame.loc[active, "high_risk"].mean() < frame.loc[~active, "high_risk"].mean()

    def test_centres_and_scales_are_population_moments(self):
        X, _, _ = make_medical_screening(400_000, random_state=77, as_frame=False)
        assert_allclose(X.mean(axis=0), MEDICAL_GROUND_TRUTH.center, rtol=0.01)
        assert_allclose(X.std(axis=0), MEDICAL_GROUND_TRUTH.scale, rtol=0.01)

    def test_unpenalised_fit_recovers_truth(self):
        X, y, _ = make_medical_screening(50_000, random_state=0, as_frame=False)
        error = _assert_recovers(MEDICAL_GROUND_TRUTH, MEDICAL_GROUND_TRUTH.design_matrix(X), y)
        assert np.max(np.abs(error)) < 0.1

    def test_seeds(self):
        pd.testing.assert_frame_equal(make_medical_screening(200, random_state=8),
                                      make_medical_screening(200, random_state=8))
        assert not make_medical_screening(200, random_state=8).equals(
            make_medical_screening(200, random_state=9))


# --------------------------------------------------------------------------- argument checks

GENERATORS = [make_churn, make_study_sleep, make_medical_screening]


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("n_samples", [0, -5, 2.5, 10.0, "100", None, True])
def test_n_samples_must_be_positive_int(make, n_samples):
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        make(n_samples=n_samples)


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("random_state", [-1, 1.5, "seed", True, np.random.RandomState(0)])
def test_random_state_must_be_seed_generator_or_none(make, random_state):
    with pytest.raises(ValueError, match="random_state"):
        make(n_samples=10, random_state=random_state)


@pytest.mark.parametrize("make", [make_churn, make_medical_screening])
def test_as_frame_must_be_bool(make):
    with pytest.raises(ValueError, match="as_frame must be True or False"):
        make(n_samples=10, as_frame=1)


@pytest.mark.parametrize("make", GENERATORS)
def test_numpy_integer_sizes_and_seeds_accepted(make):
    out = make(n_samples=np.int64(12), random_state=np.int32(3))
    first = out if isinstance(out, pd.DataFrame) else out[0]
    assert len(first) == 12
