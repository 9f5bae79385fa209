"""course_lib: the reference implementation behind the logistic regression course.

Every chapter of the book and every graded exercise imports from here, so the
page, the exercise and the autograder can never disagree.
"""

from .activations import log_sigmoid, log_softmax, sigmoid, softmax
from .datasets import (
    churn_ground_truth,
    load_digits_binary,
    load_digits_multiclass,
    load_iris_data,
    make_churn,
    make_medical_screening,
    make_spam_emails,
    make_study_sleep,
)
from .gradients import (
    bce_gradient,
    bce_hessian,
    gradient_check,
    numerical_gradient,
    softmax_gradient,
)
from .logistic_regression import LogisticRegression
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_with_logits,
    one_hot,
)
from .metrics import (
    auc,
    average_precision_score,
    bayes_optimal_threshold,
    best_threshold,
    brier_score,
    confusion_counts,
    confusion_matrix,
    multiclass_confusion_matrix,
    precision_recall_curve,
    precision_recall_f1,
    reliability_table,
    roc_auc_score,
    roc_curve,
    threshold_sweep,
)
from .model_selection import one_standard_error_index
from .softmax_regression import SoftmaxRegression

__version__ = "1.0.0"

__all__ = [
    "LogisticRegression",
    "SoftmaxRegression",
    "auc",
    "average_precision_score",
    "bayes_optimal_threshold",
    "bce_gradient",
    "bce_hessian",
    "best_threshold",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "brier_score",
    "churn_ground_truth",
    "confusion_counts",
    "confusion_matrix",
    "cross_entropy",
    "cross_entropy_with_logits",
    "gradient_check",
    "load_digits_binary",
    "load_digits_multiclass",
    "load_iris_data",
    "log_sigmoid",
    "log_softmax",
    "make_churn",
    "make_medical_screening",
    "make_spam_emails",
    "make_study_sleep",
    "multiclass_confusion_matrix",
    "numerical_gradient",
    "one_standard_error_index",
    "one_hot",
    "precision_recall_curve",
    "precision_recall_f1",
    "reliability_table",
    "roc_auc_score",
    "roc_curve",
    "sigmoid",
    "softmax",
    "softmax_gradient",
    "threshold_sweep",
]
