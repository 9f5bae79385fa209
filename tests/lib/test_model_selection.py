"""Tests of course_lib.model_selection.one_standard_error_index, alone and inside GridSearchCV."""

from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from course_lib.logistic_regression import LogisticRegression
from course_lib.model_selection import one_standard_error_index


def results(values, fold_scores, name="C"):
    fold_scores = np.asarray(fold_scores, dtype=float)
    out = {f"param_{name}": np.asarray(values, dtype=object),
           "mean_test_score": fold_scores.mean(axis=1)}
    for k in range(fold_scores.shape[1]):
        out[f"split{k}_test_score"] = fold_scores[:, k]
    return out


def brute_force(values, fold_scores, simplest):
    """The rule, written out: loop over the candidates."""
    fold_scores = np.asarray(fold_scores, dtype=float)
    means = fold_scores.mean(axis=1)
    best = int(np.argmax(means))
    scores = fold_scores[best]
    k = scores.size
    sd = np.sqrt(sum((s - scores.mean()) ** 2 for s in scores) / (k - 1))
    chosen = None
    for i, value in enumerate(values):
        if means[i] >= means[best] - sd / np.sqrt(k):
            simpler = chosen is None or (value < values[chosen] if simplest == "smallest"
                                         else value > values[chosen])
            if simpler:
                chosen = i
    return chosen


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 8).flatmap(lambda m: st.tuples(
    st.lists(st.floats(1e-4, 1e4), min_size=m, max_size=m, unique=True),
    arrays(np.float64, (m, 5), elements=st.floats(0, 1)),
    st.sampled_from(["smallest", "largest"]),
)))
def test_agrees_with_the_rule_written_out(data):
    values, fold_scores, simplest = data
    index = one_standard_error_index(results(values, fold_scores), "C", simplest=simplest)
    assert index == brute_force(values, fold_scores, simplest)


def test_a_clear_winner_is_kept_and_a_narrow_one_is_not():
    values = [0.01, 0.1, 1.0, 10.0]
    clear = [[0.70, 0.72], [0.80, 0.82], [0.90, 0.91], [0.80, 0.81]]
    assert one_standard_error_index(results(values, clear), "C") == 2
    narrow = [[0.70, 0.72], [0.89, 0.90], [0.90, 0.905], [0.905, 0.906]]
    # best mean 0.9055 (C = 10) with se 0.0005: no other mean is as high as 0.905
    assert one_standard_error_index(results(values, narrow), "C") == 3
    noisy = [[0.70, 0.72], [0.86, 0.90], [0.80, 1.00], [0.88, 0.88]]
    # best mean 0.90 (C = 1), se 0.1: C = 0.1 (0.88) is within it and simpler
    assert one_standard_error_index(results(values, noisy), "C") == 1


def test_infinite_C_is_the_least_simple():
    values = [0.1, 1.0, np.inf]
    fold_scores = [[0.85, 0.87], [0.90, 0.92], [0.90, 0.93]]
    assert one_standard_error_index(results(values, fold_scores), "C") == 1


def test_as_refit_of_a_grid_search_it_picks_a_stronger_penalty():
    X, y = load_breast_cancer(return_X_y=True)
    grid = {"logisticregression__C": np.logspace(-3, 2, 11)}
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(tol=1e-8))
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    best = GridSearchCV(pipeline, grid, cv=cv, scoring="neg_log_loss").fit(X, y)
    rule = partial(one_standard_error_index, param="logisticregression__C")
    simple = GridSearchCV(pipeline, grid, cv=cv, scoring="neg_log_loss", refit=rule).fit(X, y)
    C_best = best.best_params_["logisticregression__C"]
    C_simple = simple.best_params_["logisticregression__C"]
    assert C_simple < C_best
    results_ = simple.cv_results_
    i = simple.best_index_
    folds = np.array([results_[f"split{k}_test_score"] for k in range(5)])
    se = folds[:, best.best_index_].std(ddof=1) / np.sqrt(5)
    assert results_["mean_test_score"][i] >= best.best_score_ - se
    # the refitted model is the simpler one
    assert simple.best_estimator_[-1].C == C_simple


@pytest.mark.parametrize(
    "cv_results, param, simplest, match",
    [
        (results([1, 2], [[0.1, 0.2], [0.3, 0.4]]), "C", "simple", "simplest must be"),
        (results([1, 2], [[0.1, 0.2], [0.3, 0.4]]), "alpha", "smallest",
         r"no 'param_alpha'; its parameters are \['C'\]"),
        (results([1, 2], [[0.1], [0.3]]), "C", "smallest", "at least 2 folds"),
        (results([1, 2], [[0.1, np.nan], [0.3, 0.4]]), "C", "smallest", "finite"),
        (results(["a", "b"], [[0.1, 0.2], [0.3, 0.4]]), "C", "smallest", "must hold numbers"),
        ({"param_C": [1, 2], "split0_test_score": [0.1, 0.2]}, "C", "smallest",
         "mean_test_score"),
    ],
)
def test_bad_input_is_refused(cv_results, param, simplest, match):
    with pytest.raises(ValueError, match=match):
        one_standard_error_index(cv_results, param, simplest=simplest)
