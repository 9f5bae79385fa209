"""Checks of ps5_roc_threshold: ``confusion_counts``, ``roc_curve``, ``roc_auc``,
``best_f1_threshold``."""

import numpy as np

from course_lib.metrics import best_threshold, roc_auc_score
from course_lib.metrics import confusion_counts as course_confusion_counts
from course_lib.metrics import roc_curve as reference_roc_curve

from ..spec import Case, FunctionCheck
from ._common import Array, Exact, Parts, call_reference, comparison

__all__ = ["CHECKS", "REFERENCES"]

ASSIGNMENT = "ps5_roc_threshold"


def reference_confusion_counts(y_true, y_pred):
    """``(tp, fp, fn, tn)`` as a plain tuple of ints."""
    return tuple(course_confusion_counts(y_true, y_pred))


def reference_roc_auc(y_true, y_score):
    """Trapezoid area under the exact ROC curve."""
    return roc_auc_score(y_true, y_score)


def reference_best_f1_threshold(y_true, y_prob):
    """The observed probability maximising F1 of ``y_prob >= t``; ties to the largest."""
    return best_threshold(y_true, y_prob, metric="f1")[0]


REFERENCES = {
    "confusion_counts": reference_confusion_counts,
    "roc_curve": reference_roc_curve,
    "roc_auc": reference_roc_auc,
    "best_f1_threshold": reference_best_f1_threshold,
}


def scored_sample(n, seed, decimals=None, separation=1.0, positives=None, shift=0.0):
    """Labels (both present) and scores of a noisy classifier, optionally rounded (ties).

    ``positives`` is the probability of the label 1 (default: one half).
    """
    rng = np.random.default_rng(seed)
    if positives is None:
        y = rng.integers(0, 2, n)
    else:
        y = (rng.uniform(size=n) < positives).astype(np.int64)
    y[:2] = [0, 1]
    score = 1 / (1 + np.exp(-(separation * (2 * y - 1) + rng.normal(size=n) + shift)))
    if decimals is not None:
        score = np.round(score, decimals)
    return y, score


# --- confusion_counts ------------------------------------------------------


def _confusion_counts_cases(rng):
    y = rng.integers(0, 2, 50)
    return [
        Case((np.array([1, 0, 1, 1, 0]), np.array([1, 1, 0, 1, 0])), label="visible: five samples"),
        Case((y, rng.integers(0, 2, 50)), label="random labels and predictions"),
        Case((y, np.ones(50, dtype=np.int64)), label="everything predicted positive"),
        Case((y, np.zeros(50, dtype=np.int64)), label="everything predicted negative"),
        Case((y.astype(float), (rng.uniform(size=50) > 0.3).astype(float)),
             label="float labels and predictions"),
        Case((np.array([1, 1, 1], dtype=np.int32), np.array([1, 0, 1], dtype=np.int32)),
             label="int32, all labels positive"),
        Case((np.array([0]), np.array([0])), label="a single true negative"),
    ]


CONFUSION_COUNTS = FunctionCheck(
    grade_id="confusion_counts_tests",
    function="confusion_counts",
    cases=_confusion_counts_cases,
    expected=call_reference(reference_confusion_counts),
    compare=comparison(
        "confusion_counts",
        Parts(tp=Exact(), fp=Exact(), fn=Exact(), tn=Exact()),
        ("y_true", "y_pred"),
    ),
    answer_keys=(
        "course_lib.metrics.confusion_counts",
        "course_lib.metrics.confusion_matrix",
        "sklearn.metrics.confusion_matrix",
    ),
)


# --- roc_curve and roc_auc -------------------------------------------------


def _roc_cases(rng):
    y1, s1 = scored_sample(40, rng)
    y2, s2 = scored_sample(60, rng, decimals=1)
    y3, s3 = scored_sample(30, rng, decimals=2, separation=0.3)
    return [
        Case((np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])),
             label="visible: four scores"),
        Case((np.array([0, 1, 0, 1]), np.array([0.5, 0.5, 0.2, 0.9])),
             label="visible: a tie between a positive and a negative"),
        Case((y1, s1), label="random scores"),
        Case((y2, s2), label="many ties"),
        Case((y3, s3), label="a weak classifier with ties"),
        Case((y1, np.log(s1 / (1 - s1))), label="logits as scores"),
        Case((np.array([1, 0, 1, 0, 0]), np.array([3, 1, 2, -1, 1])), label="integer scores"),
        Case((np.array([0, 1, 1, 0]), np.full(4, 0.5)), label="all scores equal"),
        Case((np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9])), label="perfect separation"),
        Case((np.array([1, 1, 0, 0]), np.array([0.1, 0.2, 0.8, 0.9])), label="perfectly wrong"),
        Case((np.array([1, 0]), np.array([0.3, 0.7])), label="two samples"),
    ]


ROC_CURVE = FunctionCheck(
    grade_id="roc_curve_tests",
    function="roc_curve",
    cases=_roc_cases,
    expected=call_reference(reference_roc_curve),
    compare=comparison(
        "roc_curve",
        Parts(fpr=Array(rtol=1e-9, atol=1e-12), tpr=Array(rtol=1e-9, atol=1e-12),
              thresholds=Exact()),
        ("y_true", "y_score"),
    ),
    answer_keys=("course_lib.metrics.roc_curve", "sklearn.metrics.roc_curve"),
)

ROC_AUC = FunctionCheck(
    grade_id="roc_auc_tests",
    function="roc_auc",
    cases=_roc_cases,
    expected=call_reference(reference_roc_auc),
    compare=comparison("roc_auc", Array(rtol=1e-9, atol=1e-12), ("y_true", "y_score")),
    answer_keys=(
        "course_lib.metrics.roc_auc_score",
        "course_lib.metrics.auc",
        "sklearn.metrics.roc_auc_score",
        "sklearn.metrics.auc",
    ),
)


# --- best_f1_threshold -----------------------------------------------------


def _best_f1_cases(rng):
    y1, s1 = scored_sample(50, rng)
    y2, s2 = scored_sample(80, rng, decimals=1)
    y3, s3 = scored_sample(60, rng, decimals=2, positives=0.15, shift=-1.5)
    return [
        Case((np.array([0, 1, 1, 0, 1]), np.array([0.2, 0.9, 0.6, 0.7, 0.3])),
             label="visible: five samples"),
        Case((np.array([0, 0, 1, 0, 0, 0, 1, 0]),
              np.array([0.6, 0.9, 0.3, 0.4, 0.4, 0.7, 0.8, 0.9])),
             label="visible: two thresholds tie"),
        Case((y1, s1), label="random probabilities"),
        Case((y2, s2), label="many tied probabilities"),
        Case((y3, s3), label="rare positives"),
        Case((np.array([1, 0, 0, 0, 1, 1, 0, 1]),
              np.array([0.1, 0.5, 0.2, 0.4, 0.7, 0.7, 0.2, 0.3])), label="three thresholds tie"),
        Case((np.array([0, 1, 0, 0, 1, 1, 0, 0]),
              np.array([0.3, 0.6, 0.2, 0.4, 0.4, 0.7, 0.5, 0.8])), label="a tie, F1 = 2/3"),
        Case((np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9])), label="perfect separation"),
        Case((np.array([1, 1, 1]), np.array([0.2, 0.5, 0.9])), label="all labels positive"),
        Case((np.array([0, 0, 0]), np.array([0.2, 0.5, 0.9])), label="no positive label"),
        Case((np.array([1, 0, 1, 0]), np.full(4, 0.4)), label="a single distinct probability"),
    ]


BEST_F1_THRESHOLD = FunctionCheck(
    grade_id="best_f1_threshold_tests",
    function="best_f1_threshold",
    cases=_best_f1_cases,
    expected=call_reference(reference_best_f1_threshold),
    compare=comparison("best_f1_threshold", Exact(), ("y_true", "y_prob")),
    answer_keys=("course_lib.metrics.best_threshold", "course_lib.metrics.threshold_sweep"),
)


CHECKS = [CONFUSION_COUNTS, ROC_CURVE, ROC_AUC, BEST_F1_THRESHOLD]
