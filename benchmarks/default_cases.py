"""The problems on which course_lib's estimators, at their default settings, must give the
optimum's probabilities to within :data:`ACCURACY`; timed against scikit-learn's defaults.

Examples
--------
>>> from benchmarks.default_cases import DEFAULT_CASES
>>> name, make_estimator, C, load = DEFAULT_CASES[0]
>>> name, make_estimator().get_params()["C"], load()[0].shape
('breast cancer C=0.05', 0.05, (569, 30))
"""

from functools import partial

import numpy as np
from sklearn.datasets import load_breast_cancer, load_wine, make_classification
from sklearn.preprocessing import StandardScaler

from course_lib.logistic_regression import LogisticRegression
from course_lib.softmax_regression import SoftmaxRegression

__all__ = ["ACCURACY", "DEFAULT_CASES", "breast_cancer", "noisy", "wine"]

ACCURACY = 1e-6
"""Largest allowed difference of a default fit's probability from the optimum's."""


def breast_cancer():
    """scikit-learn's breast cancer data (569 x 30), standardised."""
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def wine():
    """scikit-learn's wine data (178 x 13, three classes), standardised."""
    X, y = load_wine(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def noisy():
    """``make_classification`` with 20% of the labels flipped (1000 x 20), standardised:
    the classes overlap, so the unpenalised optimum is finite."""
    X, y = make_classification(n_samples=1000, n_features=20, n_informative=10,
                               n_redundant=0, flip_y=0.2, random_state=0)
    return StandardScaler().fit_transform(X), y


DEFAULT_CASES = [
    ("breast cancer C=0.05", partial(LogisticRegression, C=0.05), 0.05, breast_cancer),
    ("breast cancer C=1", LogisticRegression, 1.0, breast_cancer),
    ("breast cancer C=20", partial(LogisticRegression, C=20.0), 20.0, breast_cancer),
    ("wine (softmax) C=1", SoftmaxRegression, 1.0, wine),
    ("noisy C=inf", partial(LogisticRegression, C=np.inf), np.inf, noisy),
]
"""``(name, estimator with its defaults apart from C, C, loader)``."""
