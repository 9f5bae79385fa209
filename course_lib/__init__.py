"""course_lib: the reference implementation behind the logistic regression course.

Every chapter of the book and every graded exercise imports from here, so the
page, the exercise and the autograder can never disagree.

The names below are imported on first use (:pep:`562`), so a program that
needs only ``course_lib.activations`` does not pay for scikit-learn, pandas
or Matplotlib: the grader's isolated process starts in a fraction of the time.
"""

import importlib

__version__ = "1.0.0"

#: Public name -> the module that defines it.
_EXPORTS = {
    "LogisticRegression": "logistic_regression",
    "SoftmaxRegression": "softmax_regression",
    "auc": "metrics",
    "average_precision_score": "metrics",
    "bayes_optimal_threshold": "metrics",
    "bce_gradient": "gradients",
    "bce_hessian": "gradients",
    "best_threshold": "metrics",
    "binary_cross_entropy": "losses",
    "binary_cross_entropy_with_logits": "losses",
    "brier_score": "metrics",
    "churn_ground_truth": "datasets",
    "confusion_counts": "metrics",
    "confusion_matrix": "metrics",
    "cross_entropy": "losses",
    "cross_entropy_with_logits": "losses",
    "gradient_check": "gradients",
    "load_digits_binary": "datasets",
    "load_digits_multiclass": "datasets",
    "load_iris_data": "datasets",
    "log_sigmoid": "activations",
    "log_softmax": "activations",
    "make_churn": "datasets",
    "make_medical_screening": "datasets",
    "make_spam_emails": "datasets",
    "make_study_sleep": "datasets",
    "multiclass_confusion_matrix": "metrics",
    "numerical_gradient": "gradients",
    "one_hot": "losses",
    "one_standard_error_index": "model_selection",
    "precision_recall_curve": "metrics",
    "precision_recall_f1": "metrics",
    "reliability_table": "metrics",
    "roc_auc_score": "metrics",
    "roc_curve": "metrics",
    "sigmoid": "activations",
    "softmax": "activations",
    "softmax_gradient": "gradients",
    "threshold_sweep": "metrics",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    """Import ``name`` from its module the first time it is asked for."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
