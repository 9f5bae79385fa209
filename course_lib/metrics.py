r"""Metrics of classifiers: counts, rates, curves, calibration and decision thresholds.

A classifier that outputs a score :math:`s_i` (a probability or a logit) becomes
a decision rule once a threshold :math:`t` is chosen: predict class 1 when
:math:`s_i \ge t`. Every quantity here is a function of the four counts

.. math::

    \mathrm{TP} = \#\{y_i = 1, \hat y_i = 1\}, \quad
    \mathrm{FP} = \#\{y_i = 0, \hat y_i = 1\}, \quad
    \mathrm{FN} = \#\{y_i = 1, \hat y_i = 0\}, \quad
    \mathrm{TN} = \#\{y_i = 0, \hat y_i = 0\}.

The curves (:func:`roc_curve`, :func:`precision_recall_curve`) and the threshold
searches (:func:`threshold_sweep`, :func:`best_threshold`) sort the scores once
and read the counts for every threshold off cumulative sums or binary searches,
so they cost :math:`O(n \log n)` however many thresholds there are.

A ratio whose denominator is zero (precision with no predicted positive, recall
with no actual positive, F1 with neither) is reported as 0.0, without a warning,
as scikit-learn does with ``zero_division=0``.

Two summaries condense a curve into one number: :func:`roc_auc_score` and
:func:`average_precision_score`, the areas under the ROC and precision-recall
curves.

:func:`multiclass_confusion_matrix` counts every (true class, predicted class)
pair of a :math:`K`-class problem; :func:`reliability_table` checks whether
predicted probabilities are calibrated, and :func:`brier_score` measures how far
they are from the outcomes.
"""

import numbers
from typing import NamedTuple

import numpy as np

from ._validation import (
    as_float_array,
    check_binary_targets,
    check_probabilities,
    check_same_length,
)

__all__ = [
    "ConfusionCounts",
    "auc",
    "average_precision_score",
    "bayes_optimal_threshold",
    "best_threshold",
    "brier_score",
    "confusion_counts",
    "confusion_matrix",
    "multiclass_confusion_matrix",
    "precision_recall_curve",
    "precision_recall_f1",
    "reliability_table",
    "roc_auc_score",
    "roc_curve",
    "threshold_sweep",
]


class ConfusionCounts(NamedTuple):
    """The four cells of a binary confusion matrix, as Python ints."""

    tp: int
    fp: int
    fn: int
    tn: int


# --------------------------------------------------------------------------- helpers


def _check_labels_and_values(y_true, values, name, binary=False):
    """Validate ``y_true`` (0/1) and a second 1-D array of the same, non-zero length."""
    y = check_binary_targets(y_true, "y_true")
    if binary:
        v = check_binary_targets(values, name)
    else:
        v = as_float_array(values, name, ndim=1)
    check_same_length(y_true=y, **{name: v})
    if y.shape[0] == 0:
        raise ValueError(f"y_true and {name} are empty; at least one sample is needed.")
    return y, v


def _safe_ratio(numerator, denominator):
    """``numerator / denominator`` as float, with 0.0 wherever the denominator is 0."""
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    out = np.zeros(np.broadcast_shapes(num.shape, den.shape))
    np.divide(num, den, out=out, where=den != 0)
    return out


def _counts_at_distinct_scores(y, scores):
    """Counts of predicted positives at each distinct score, from the highest down.

    Returns the distinct scores in decreasing order and, for each one ``t``, the
    numbers of positives (``tps``) and negatives (``fps``) with ``score >= t``.
    Inside a block of tied scores the order of the samples does not matter,
    because the counts are read only at the end of each block.
    """
    order = np.argsort(scores, kind="stable")[::-1]
    sorted_scores = scores[order]
    block_ends = np.r_[np.flatnonzero(np.diff(sorted_scores)), scores.shape[0] - 1]
    tps = np.cumsum(y[order].astype(np.int64))[block_ends]
    fps = block_ends + 1 - tps
    return sorted_scores[block_ends], tps, fps


def _counts_at_thresholds(y, scores, thresholds):
    """TP, FP, FN, TN (int64 arrays) for ``scores >= t`` at every ``t`` in ``thresholds``."""
    positives = np.sort(scores[y == 1])
    negatives = np.sort(scores[y == 0])
    # searchsorted(..., side="left") counts the scores strictly below t.
    tp = positives.size - np.searchsorted(positives, thresholds, side="left")
    fp = negatives.size - np.searchsorted(negatives, thresholds, side="left")
    return tp, fp, positives.size - tp, negatives.size - fp


def _check_thresholds(thresholds):
    """Return ``thresholds`` as a 1-D float array without NaN (infinities are allowed)."""
    try:
        t = np.asarray(thresholds, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("thresholds must be a number or a 1-D array of numbers.") from None
    if t.ndim == 0:
        t = t.reshape(1)
    if t.ndim != 1:
        raise ValueError(f"thresholds must be 1-D, got an array of shape {t.shape}.")
    if np.any(np.isnan(t)):
        raise ValueError("thresholds contains NaN.")
    return t


# --------------------------------------------------------------------------- counts


def confusion_counts(y_true, y_pred):
    """Counts of true/false positives/negatives of 0/1 predictions.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, each 0 or 1.
    y_pred : array-like of shape (n,)
        Predicted labels, each 0 or 1.

    Returns
    -------
    ConfusionCounts
        Named tuple ``(tp, fp, fn, tn)`` of Python ints.

    Raises
    ------
    ValueError
        If a label is not 0/1, the lengths differ, the input is empty, not
        1-D, or holds NaN or infinity.
    """
    y, pred = _check_labels_and_values(y_true, y_pred, "y_pred", binary=True)
    tp = int(np.count_nonzero((y == 1) & (pred == 1)))
    fp = int(np.count_nonzero((y == 0) & (pred == 1)))
    fn = int(np.count_nonzero((y == 1) & (pred == 0)))
    return ConfusionCounts(tp=tp, fp=fp, fn=fn, tn=y.shape[0] - tp - fp - fn)


def confusion_matrix(y_true, y_pred):
    r"""Binary confusion matrix, rows = true class, columns = predicted class.

    .. math::

        C = \begin{pmatrix} \mathrm{TN} & \mathrm{FP} \\
                            \mathrm{FN} & \mathrm{TP} \end{pmatrix},
        \qquad C_{jk} = \#\{i : y_i = j,\ \hat y_i = k\}

    The layout is that of :func:`sklearn.metrics.confusion_matrix` with
    ``labels=[0, 1]``; the result is always 2x2, even when a class is absent.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, each 0 or 1.
    y_pred : array-like of shape (n,)
        Predicted labels, each 0 or 1.

    Returns
    -------
    numpy.ndarray of shape (2, 2), dtype int64
        ``[[tn, fp], [fn, tp]]``.

    Raises
    ------
    ValueError
        As :func:`confusion_counts`.
    """
    tp, fp, fn, tn = confusion_counts(y_true, y_pred)
    return np.array([[tn, fp], [fn, tp]], dtype=np.int64)


def precision_recall_f1(y_true, y_pred):
    r"""Precision, recall and F1 score of 0/1 predictions for class 1.

    .. math::

        \text{precision} = \frac{\mathrm{TP}}{\mathrm{TP} + \mathrm{FP}}, \qquad
        \text{recall} = \frac{\mathrm{TP}}{\mathrm{TP} + \mathrm{FN}}, \qquad
        F_1 = \frac{2\,\text{precision}\cdot\text{recall}}{\text{precision} + \text{recall}}
            = \frac{2\,\mathrm{TP}}{2\,\mathrm{TP} + \mathrm{FP} + \mathrm{FN}}

    Zero division: a ratio whose denominator is 0 (no predicted positive for
    precision, no actual positive for recall, neither for F1) is 0.0, with no
    warning, like scikit-learn's ``zero_division=0``.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, each 0 or 1.
    y_pred : array-like of shape (n,)
        Predicted labels, each 0 or 1.

    Returns
    -------
    tuple of float
        ``(precision, recall, f1)``, each in [0, 1].

    Raises
    ------
    ValueError
        As :func:`confusion_counts`.
    """
    tp, fp, fn, _ = confusion_counts(y_true, y_pred)
    precision = _safe_ratio(tp, tp + fp)
    recall = _safe_ratio(tp, tp + fn)
    f1 = _safe_ratio(2 * tp, 2 * tp + fp + fn)
    return float(precision), float(recall), float(f1)


def _class_labels(values, name):
    """Return ``values`` as a 1-D array of class labels, all numbers or all strings.

    Numbers must be finite. An object array of numbers becomes float64, one of
    strings stays as it is; anything else (a mix, ``None``) is refused.
    """
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as exc:  # ragged lists and the like
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array of shape {arr.shape}.")
    if arr.dtype == object:
        if all(isinstance(v, str) for v in arr):
            return arr, "string"
        if not all(isinstance(v, numbers.Real) for v in arr):
            raise ValueError(f"{name} must hold numbers or strings, not a mix or None.")
        arr = arr.astype(np.float64)
    if arr.dtype.kind in "US":
        return arr, "string"
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold numbers or strings, got dtype {arr.dtype}.")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity.")
    return arr, "number"


def multiclass_confusion_matrix(y_true, y_pred, labels=None):
    r"""Confusion matrix of :math:`K` classes, rows = true class, columns = predicted class.

    .. math::

        C_{jk} = \#\{i : y_i = \ell_j,\ \hat y_i = \ell_k\}, \qquad j, k = 1, \dots, K,

    where :math:`\ell_1, \dots, \ell_K` are the class labels. The diagonal holds
    the correct predictions, so :math:`\operatorname{tr} C / n` is the accuracy;
    row :math:`j` sums to the number of samples of class :math:`\ell_j`, and the
    largest off-diagonal entry is the most frequent confusion. The result is
    that of :func:`sklearn.metrics.confusion_matrix` with the same ``labels``;
    for two classes 0 and 1 it is :func:`confusion_matrix`.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True classes: numbers or strings.
    y_pred : array-like of shape (n,)
        Predicted classes, of the same kind as ``y_true``.
    labels : array-like of shape (K,), optional
        The classes, in the order of the rows and columns. Samples whose true or
        predicted class is not among them are left out. Default: every class
        present in ``y_true`` or ``y_pred``, sorted.

    Returns
    -------
    numpy.ndarray of shape (K, K), dtype int64
        The counts.

    Raises
    ------
    ValueError
        If the lengths differ, an input is empty, not 1-D, holds NaN, or mixes
        strings and numbers (within or across arguments), or ``labels`` is
        empty, repeats a class, or holds no class of ``y_true``.
    """
    y_true, true_kind = _class_labels(y_true, "y_true")
    y_pred, pred_kind = _class_labels(y_pred, "y_pred")
    check_same_length(y_true=y_true, y_pred=y_pred)
    if y_true.shape[0] == 0:
        raise ValueError("y_true and y_pred are empty; at least one sample is needed.")
    if true_kind != pred_kind:
        raise ValueError(f"y_true holds {true_kind}s but y_pred holds {pred_kind}s.")
    if labels is None:
        classes = np.unique(np.concatenate([y_true, y_pred]))
    else:
        classes, label_kind = _class_labels(labels, "labels")
        if classes.size == 0:
            raise ValueError("labels must name at least one class.")
        if label_kind != true_kind:
            raise ValueError(f"labels holds {label_kind}s but y_true holds {true_kind}s.")
        if np.unique(classes).size != classes.size:
            raise ValueError("labels must not repeat a class.")
    order = np.argsort(classes, kind="stable")
    sorted_classes = classes[order]

    def index_of(values):
        """Row/column of each value in ``classes``, and whether it is one of them."""
        position = np.minimum(np.searchsorted(sorted_classes, values), classes.size - 1)
        return order[position], sorted_classes[position] == values

    rows, known_true = index_of(y_true)
    columns, known_pred = index_of(y_pred)
    if labels is not None and not known_true.any():
        raise ValueError("labels holds none of the classes of y_true.")
    keep = known_true & known_pred
    k = classes.size
    counts = np.bincount(rows[keep] * k + columns[keep], minlength=k * k)
    return counts.reshape(k, k).astype(np.int64)


# --------------------------------------------------------------------------- curves


def roc_curve(y_true, y_score):
    r"""Receiver operating characteristic: every (FPR, TPR) point, ties exact.

    For each threshold :math:`t`, predicting class 1 when :math:`s_i \ge t` gives

    .. math::

        \mathrm{TPR}(t) = \frac{\#\{i : y_i = 1,\ s_i \ge t\}}{n_+}, \qquad
        \mathrm{FPR}(t) = \frac{\#\{i : y_i = 0,\ s_i \ge t\}}{n_-}.

    The thresholds are :math:`+\infty` (nothing predicted positive, the point
    (0, 0)) followed by the distinct scores in decreasing order, the last giving
    (1, 1). Tied scores move the curve diagonally in one step. The points are
    those of ``sklearn.metrics.roc_curve(y_true, y_score, drop_intermediate=False)``.
    The scores are sorted once and the counts are cumulative sums: :math:`O(n \log n)`.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, each 0 or 1; both classes must be present.
    y_score : array-like of shape (n,)
        Scores, larger meaning more likely class 1 (probabilities or logits).

    Returns
    -------
    fpr, tpr : numpy.ndarray of shape (m + 1,)
        Non-decreasing rates, from 0 to 1; ``m`` is the number of distinct scores.
    thresholds : numpy.ndarray of shape (m + 1,)
        Decreasing thresholds, ``thresholds[0] == np.inf``.

    Raises
    ------
    ValueError
        If ``y_true`` holds a single class (one of the rates is then 0/0), a
        label is not 0/1, the lengths differ, or an input is empty, not 1-D, or
        holds NaN or infinity.
    """
    y, scores = _check_labels_and_values(y_true, y_score, "y_score")
    thresholds, tps, fps = _counts_at_distinct_scores(y, scores)
    n_pos, n_neg = tps[-1], fps[-1]
    if n_pos == 0 or n_neg == 0:
        present = "1" if n_neg == 0 else "0"
        raise ValueError(
            f"y_true contains only class {present}; the ROC curve needs both classes "
            "(TPR or FPR would be 0/0)."
        )
    fpr = np.r_[0, fps] / n_neg
    tpr = np.r_[0, tps] / n_pos
    return fpr, tpr, np.r_[np.inf, thresholds.astype(np.float64)]


def auc(x, y):
    r"""Area under a curve given by points, by the trapezoid rule.

    .. math::

        A = \sum_{k=1}^{m-1} (x_{k+1} - x_k)\,\frac{y_k + y_{k+1}}{2}

    ``x`` must be monotonic, either non-decreasing or non-increasing; for a
    non-increasing ``x`` the sign is flipped, so the area of a curve does not
    depend on the direction in which it is listed (as :func:`sklearn.metrics.auc`).

    Parameters
    ----------
    x : array-like of shape (m,)
        Monotonic x coordinates, ``m >= 2``.
    y : array-like of shape (m,)
        y coordinates.

    Returns
    -------
    float
        The area.

    Raises
    ------
    ValueError
        If ``x`` is not monotonic, there are fewer than 2 points, the lengths
        differ, or an input is not 1-D or holds NaN or infinity.
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    check_same_length(x=x, y=y)
    if x.shape[0] < 2:
        raise ValueError(f"x and y need at least 2 points to define an area, got {x.shape[0]}.")
    dx = np.diff(x)
    if np.all(dx >= 0):
        direction = 1.0
    elif np.all(dx <= 0):
        direction = -1.0
    else:
        raise ValueError("x must be monotonic (non-decreasing or non-increasing).")
    return float(direction * np.trapezoid(y, x))


def roc_auc_score(y_true, y_score):
    r"""Area under the exact ROC curve, ties included.

    The trapezoid area under all the points of :func:`roc_curve` equals the
    Mann-Whitney probability that a random positive outscores a random
    negative, ties counting one half:

    .. math::

        \mathrm{AUC} = \frac{1}{n_+ n_-} \sum_{i : y_i = 1} \sum_{j : y_j = 0}
            \Bigl( [s_i > s_j] + \tfrac{1}{2} [s_i = s_j] \Bigr)
        = P(s_+ > s_-) + \tfrac12 P(s_+ = s_-).

    (Each tie block is a diagonal segment of the curve, whose trapezoid counts
    its tied pairs by half.) It equals :func:`sklearn.metrics.roc_auc_score`.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, each 0 or 1; both classes must be present.
    y_score : array-like of shape (n,)
        Scores, larger meaning more likely class 1.

    Returns
    -------
    float
        The AUC, in [0, 1]; 0.5 for uninformative scores.

    Raises
    ------
    ValueError
        As :func:`roc_curve`.
    """
    fpr, tpr, _ = roc_curve(y_true, y_score)
    return float(np.trapezoid(tpr, fpr))


def precision_recall_curve(y_true, y_prob):
    r"""Precision and recall at every distinct score, as scikit-learn reports them.

    For each distinct score :math:`t` (increasing), predicting class 1 when
    :math:`s_i \ge t` gives

    .. math::

        \text{precision}(t) = \frac{\mathrm{TP}(t)}{\mathrm{TP}(t) + \mathrm{FP}(t)},
        \qquad \text{recall}(t) = \frac{\mathrm{TP}(t)}{n_+}.

    Conventions of :func:`sklearn.metrics.precision_recall_curve` (version 1.9,
    ``drop_intermediate=False``), which this matches array for array: the
    thresholds are the distinct scores in increasing order, and precision and
    recall carry one extra last element, precision 1 and recall 0, the point
    "predict nothing positive" that has no threshold of its own. Precision never
    divides by zero, since every threshold is a score of at least one sample.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, each 0 or 1; at least one must be 1.
    y_prob : array-like of shape (n,)
        Predicted probabilities of class 1 (any real scores work: only their
        order matters).

    Returns
    -------
    precision : numpy.ndarray of shape (m + 1,)
        ``precision[k]`` at ``thresholds[k]``, then 1.0.
    recall : numpy.ndarray of shape (m + 1,)
        Non-increasing; ``recall[k]`` at ``thresholds[k]``, then 0.0.
    thresholds : numpy.ndarray of shape (m,)
        The ``m`` distinct values of ``y_prob``, increasing.

    Raises
    ------
    ValueError
        If ``y_true`` has no positive (recall would be 0/0; scikit-learn warns
        and sets it to 1), a label is not 0/1, the lengths differ, or an input is
        empty, not 1-D, or holds NaN or infinity.
    """
    y, scores = _check_labels_and_values(y_true, y_prob, "y_prob")
    thresholds, tps, fps = _counts_at_distinct_scores(y, scores)
    if tps[-1] == 0:
        raise ValueError("y_true contains no positive sample; recall is undefined (0/0).")
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]


def average_precision_score(y_true, y_score):
    r"""Average precision: the area under the precision-recall steps, ties included.

    With the distinct scores :math:`t_1 > t_2 > \dots > t_m` as thresholds, and
    :math:`P_k`, :math:`R_k` the precision and recall of "predict 1 when
    :math:`s_i \ge t_k`" (:func:`precision_recall_curve`),

    .. math::

        \mathrm{AP} = \sum_{k=1}^{m} (R_k - R_{k-1})\, P_k, \qquad R_0 = 0,

    the mean of the precisions at the recall levels, each weighted by the share
    of the positives it adds. Every positive adds :math:`1/n_+` to the recall, so
    without ties AP is the mean, over the positives, of the precision at that
    positive's score. Tied scores form one step, at the precision of the whole
    tied block: there is no interpolation between points, unlike the trapezoid
    of :func:`auc`, which would reward a curve for the straight line between two
    points that no threshold achieves. It equals
    :func:`sklearn.metrics.average_precision_score`, which uses the same sum.

    A classifier that scores at random has an AP near the share of positives
    :math:`n_+/n` (its precision at every recall), so with rare positives AP
    ranges from about :math:`n_+/n` to 1, whereas the ROC AUC of a random
    classifier is 0.5 whatever the share.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, each 0 or 1; at least one must be 1.
    y_score : array-like of shape (n,)
        Scores, larger meaning more likely class 1 (probabilities or logits).

    Returns
    -------
    float
        The average precision, in (0, 1].

    Raises
    ------
    ValueError
        As :func:`precision_recall_curve`: if ``y_true`` has no positive (recall
        is 0/0; scikit-learn warns and returns 0), a label is not 0/1, the
        lengths differ, or an input is empty, not 1-D, or holds NaN or infinity.

    Examples
    --------
    >>> from course_lib.metrics import average_precision_score
    >>> round(average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
    0.8333

    The positive at 0.8 comes first (precision 1), the one at 0.35 third
    (precision 2/3): AP = (1 + 2/3) / 2. Tying the 0.35 with the 0.4 gives both
    the precision of the block, 2/3, and the same AP:

    >>> round(average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.4, 0.8]), 4)
    0.8333
    """
    precision, recall, _ = precision_recall_curve(y_true, y_score)
    return float(-np.sum(np.diff(recall) * precision[:-1]))


# --------------------------------------------------------------------------- calibration

_BIN_STRATEGIES = ("uniform", "quantile")


def reliability_table(y_true, y_prob, n_bins=10, strategy="uniform"):
    r"""Mean predicted probability against observed frequency of class 1, bin by bin.

    Predicted probabilities are *calibrated* when, among the samples given
    probability about :math:`p`, a share :math:`p` is of class 1. To check it, cut
    :math:`[0, 1]` into bins :math:`B_1, \dots, B_m` and compare in each bin

    .. math::

        \bar p_b = \frac{1}{n_b} \sum_{i \in B_b} p_i
        \quad\text{with}\quad
        \bar y_b = \frac{1}{n_b} \sum_{i \in B_b} y_i ,

    where :math:`n_b` is the number of samples in bin :math:`b`. If the
    probabilities are calibrated, :math:`n_b \bar y_b` is a sum of independent
    Bernoulli variables of mean :math:`n_b \bar p_b` (nearly: the :math:`p_i` in a bin
    differ a little), so :math:`\bar y_b` misses :math:`\bar p_b` by about its
    binomial standard error

    .. math::

        \mathrm{se}_b = \sqrt{\frac{\bar p_b\,(1 - \bar p_b)}{n_b}} ,

    larger in bins with few samples. A calibrated model keeps
    :math:`|\bar y_b - \bar p_b|` within two or three standard errors in nearly
    every bin. (The standard error is computed under calibration, from
    :math:`\bar p_b`, so it stays positive in a bin where every sample is of one
    class.)

    The bins are those of :func:`sklearn.calibration.calibration_curve`, whose
    ``prob_true`` and ``prob_pred`` are ``observed_frequency`` and
    ``mean_predicted`` here: with ``strategy="uniform"`` the edges are
    :math:`0, 1/m, 2/m, \dots, 1`; with ``"quantile"`` they are the quantiles of
    ``y_prob``, so the bins hold about equally many samples. Bin :math:`b` holds
    the probabilities in :math:`(e_{b-1}, e_b]`, the first one also its lower
    edge. Empty bins are left out.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, each 0 or 1.
    y_prob : array-like of shape (n,)
        Predicted probabilities of class 1, in [0, 1].
    n_bins : int, default=10
        Number of bins, at least 1.
    strategy : {"uniform", "quantile"}, default="uniform"
        Bins of equal width, or of about equal numbers of samples.

    Returns
    -------
    dict of str to numpy.ndarray of shape (m,)
        One entry per non-empty bin, ``m <= n_bins``, in increasing order:
        ``bin_lower`` and ``bin_upper`` (the edges), ``count`` (int64),
        ``mean_predicted``, ``observed_frequency`` and ``standard_error``;
        ``pandas.DataFrame(table)`` makes it a table.

    Raises
    ------
    ValueError
        If a label is not 0/1, a probability is outside [0, 1], the lengths
        differ, an input is empty, not 1-D, or holds NaN or infinity,
        ``n_bins`` is not a positive integer, or ``strategy`` is unknown.
    """
    y, p = _check_labels_and_values(y_true, y_prob, "y_prob")
    p = check_probabilities(p, "y_prob")
    if isinstance(n_bins, bool) or not isinstance(n_bins, numbers.Integral) or n_bins < 1:
        raise ValueError(f"n_bins must be an integer >= 1, got {n_bins!r}.")
    if strategy not in _BIN_STRATEGIES:
        raise ValueError(f"strategy must be one of {_BIN_STRATEGIES}, got {strategy!r}.")
    n_bins = int(n_bins)
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        edges = np.percentile(p, np.linspace(0, 1, n_bins + 1) * 100)
    bin_ids = np.searchsorted(edges[1:-1], p, side="left")
    count = np.bincount(bin_ids, minlength=n_bins)
    sum_predicted = np.bincount(bin_ids, weights=p, minlength=n_bins)
    sum_observed = np.bincount(bin_ids, weights=y, minlength=n_bins)
    filled = count > 0
    count = count[filled].astype(np.int64)
    mean_predicted = sum_predicted[filled] / count
    return {
        "bin_lower": edges[:-1][filled],
        "bin_upper": edges[1:][filled],
        "count": count,
        "mean_predicted": mean_predicted,
        "observed_frequency": sum_observed[filled] / count,
        "standard_error": np.sqrt(mean_predicted * (1.0 - mean_predicted) / count),
    }


def brier_score(y_true, y_prob):
    r"""Mean squared difference between predicted probability and outcome.

    .. math::

        \mathrm{BS} = \frac{1}{n} \sum_{i=1}^n (p_i - y_i)^2

    A proper scoring rule: its expectation is smallest when :math:`p_i` is the
    true probability of class 1. It splits into calibration and refinement
    (Murphy, 1973): with the samples grouped by their predicted value,

    .. math::

        \mathrm{BS} = \underbrace{\frac{1}{n} \sum_b n_b (\bar p_b - \bar y_b)^2}_{
                \text{calibration}}
            + \underbrace{\frac{1}{n} \sum_b n_b\, \bar y_b (1 - \bar y_b)}_{\text{refinement}},

    where group :math:`b` holds the :math:`n_b` samples given probability
    :math:`\bar p_b`, a share :math:`\bar y_b` of them of class 1 (with bins of
    nearly equal probabilities, as in :func:`reliability_table`, it holds
    nearly). A model can lower its Brier score by being better calibrated or by
    separating the classes better. Always predicting the share of positives :math:`\bar y` scores
    :math:`\bar y (1 - \bar y)`; a perfect model scores 0. Unlike the log loss
    (:func:`course_lib.losses.binary_cross_entropy`), it stays bounded, by 1,
    when a confident prediction is wrong. It equals
    :func:`sklearn.metrics.brier_score_loss` for two classes.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, each 0 or 1.
    y_prob : array-like of shape (n,)
        Predicted probabilities of class 1, in [0, 1].

    Returns
    -------
    float
        The Brier score, in [0, 1]; lower is better.

    Raises
    ------
    ValueError
        If a label is not 0/1, a probability is outside [0, 1], the lengths
        differ, or an input is empty, not 1-D, or holds NaN or infinity.

    Examples
    --------
    >>> from course_lib.metrics import brier_score
    >>> round(brier_score([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]), 4)
    0.0375

    Predicting the share of positives, 0.5, for everyone:

    >>> brier_score([0, 1, 1, 0], [0.5, 0.5, 0.5, 0.5])
    0.25
    """
    y, p = _check_labels_and_values(y_true, y_prob, "y_prob")
    p = check_probabilities(p, "y_prob")
    return float(np.mean((p - y) ** 2))


# --------------------------------------------------------------------------- thresholds


def threshold_sweep(y_true, y_prob, thresholds, cost_matrix=None):
    r"""Confusion counts and derived metrics at each of the given thresholds.

    At threshold :math:`t` the prediction is :math:`\hat y_i = [p_i \ge t]`, and

    .. math::

        \text{accuracy} = \frac{\mathrm{TP} + \mathrm{TN}}{n}, \qquad
        F_1 = \frac{2\,\mathrm{TP}}{2\,\mathrm{TP} + \mathrm{FP} + \mathrm{FN}},

    with precision and recall as in :func:`precision_recall_f1` (0.0 on zero
    division). With a ``cost_matrix`` the sweep also holds the total cost of
    the decisions,

    .. math::

        \text{cost}(t) = c_\mathrm{TN}\,\mathrm{TN} + c_\mathrm{FP}\,\mathrm{FP}
            + c_\mathrm{FN}\,\mathrm{FN} + c_\mathrm{TP}\,\mathrm{TP},

    the quantity that :func:`best_threshold` minimises with ``metric="cost"``
    (divide by :math:`n` for the average cost per sample). The probabilities of
    each class are sorted once and each count is a binary search, so the cost
    is :math:`O((n + k) \log n)` for :math:`k` thresholds.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, each 0 or 1.
    y_prob : array-like of shape (n,)
        Predicted probabilities of class 1 (any real scores work).
    thresholds : float or array-like of shape (k,)
        Thresholds, in any order; ``np.inf`` and ``-np.inf`` are allowed.
    cost_matrix : dict or array-like of shape (2, 2), optional
        ``{"fp": c_fp, "fn": c_fn}`` (correct decisions cost 0), or
        ``[[c_tn, c_fp], [c_fn, c_tp]]`` laid out like :func:`confusion_matrix`;
        when given, the sweep gets a ``cost`` entry.

    Returns
    -------
    dict of str to numpy.ndarray of shape (k,)
        Keys ``threshold, precision, recall, f1, accuracy`` (float) and
        ``tp, fp, fn, tn`` (int64), then ``cost`` (float) if a ``cost_matrix``
        was given; one entry per threshold in the order given.
        ``pandas.DataFrame(sweep)`` makes it a table.

    Raises
    ------
    ValueError
        If a label is not 0/1, the lengths differ, ``y_true`` is empty, an
        input is not 1-D, ``y_prob`` holds NaN or infinity, ``thresholds``
        holds NaN, or ``cost_matrix`` is malformed or not finite.
    """
    y, scores = _check_labels_and_values(y_true, y_prob, "y_prob")
    t = _check_thresholds(thresholds)
    costs = None if cost_matrix is None else _cost_array(cost_matrix)
    tp, fp, fn, tn = _counts_at_thresholds(y, scores, t)
    sweep = {
        "threshold": t,
        "precision": _safe_ratio(tp, tp + fp),
        "recall": _safe_ratio(tp, tp + fn),
        "f1": _safe_ratio(2 * tp, 2 * tp + fp + fn),
        "accuracy": (tp + tn) / y.shape[0],
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
    }
    if costs is not None:
        sweep["cost"] = _total_cost(costs, tp, fp, fn, tn)
    return sweep


def _cost_array(cost_matrix):
    """Return the costs as a 2x2 float array ``[[c_tn, c_fp], [c_fn, c_tp]]``."""
    if isinstance(cost_matrix, dict):
        if set(cost_matrix) != {"fp", "fn"}:
            raise ValueError(
                f"cost_matrix as a dict needs exactly the keys 'fp' and 'fn', "
                f"got {sorted(cost_matrix)}."
            )
        c_fp = as_float_array(cost_matrix["fp"], "cost_matrix['fp']", ndim=0)
        c_fn = as_float_array(cost_matrix["fn"], "cost_matrix['fn']", ndim=0)
        costs = np.array([[0.0, c_fp], [c_fn, 0.0]])
    else:
        costs = as_float_array(cost_matrix, "cost_matrix", ndim=2)
        if costs.shape != (2, 2):
            raise ValueError(f"cost_matrix must have shape (2, 2), got {costs.shape}.")
    return costs.astype(np.float64)


def _total_cost(costs, tp, fp, fn, tn):
    """Total cost of the decisions: each count times its entry of the 2x2 ``costs``."""
    (c_tn, c_fp), (c_fn, c_tp) = costs
    return c_tn * tn + c_fp * fp + c_fn * fn + c_tp * tp


def bayes_optimal_threshold(cost_matrix):
    r"""Threshold on calibrated probabilities that minimises the expected cost.

    With costs :math:`c_{jk}` for true class :math:`j` and prediction :math:`k`,
    predicting 1 at probability :math:`p = P(y = 1 \mid x)` costs
    :math:`p\,c_{11} + (1-p)\,c_{01}` on average and predicting 0 costs
    :math:`p\,c_{10} + (1-p)\,c_{00}`, so 1 is the better decision when

    .. math::

        p \ge t^* = \frac{c_{01} - c_{00}}{(c_{01} - c_{00}) + (c_{10} - c_{11})}
        \;=\; \frac{c_\mathrm{FP}}{c_\mathrm{FP} + c_\mathrm{FN}}
        \quad\text{when correct decisions cost nothing.}

    Parameters
    ----------
    cost_matrix : dict or array-like of shape (2, 2)
        ``{"fp": c_fp, "fn": c_fn}``, or ``[[c_tn, c_fp], [c_fn, c_tp]]`` laid
        out like :func:`confusion_matrix` (rows true class, columns prediction).

    Returns
    -------
    float
        :math:`t^*`, in [0, 1].

    Raises
    ------
    ValueError
        If the costs are malformed or not finite, or an error is cheaper than
        the correct decision (``c_fp < c_tn`` or ``c_fn < c_tp``), or both
        kinds of error cost the same as the correct decisions.
    """
    (c_tn, c_fp), (c_fn, c_tp) = _cost_array(cost_matrix)
    regret_fp, regret_fn = c_fp - c_tn, c_fn - c_tp
    if regret_fp < 0 or regret_fn < 0 or regret_fp + regret_fn == 0:
        raise ValueError(
            "cost_matrix must make each error at least as costly as the correct "
            "decision, and at least one strictly more costly; got "
            f"c_tn={c_tn:g}, c_fp={c_fp:g}, c_fn={c_fn:g}, c_tp={c_tp:g}."
        )
    return float(regret_fp / (regret_fp + regret_fn))


_METRICS = ("f1", "youden", "cost")


def best_threshold(y_true, y_prob, metric="f1", cost_matrix=None):
    r"""The threshold among the observed probabilities that optimises a metric.

    The candidates are the distinct values of ``y_prob``; at candidate
    :math:`t` the prediction is :math:`\hat y_i = [p_i \ge t]`.

    - ``"f1"``: maximise :math:`F_1 = 2\mathrm{TP} / (2\mathrm{TP} + \mathrm{FP} + \mathrm{FN})`.
    - ``"youden"``: maximise Youden's :math:`J = \mathrm{TPR} - \mathrm{FPR}`,
      the height of the ROC curve above the diagonal (needs both classes).
    - ``"cost"``: minimise the total cost
      :math:`c_\mathrm{TN}\mathrm{TN} + c_\mathrm{FP}\mathrm{FP}
      + c_\mathrm{FN}\mathrm{FN} + c_\mathrm{TP}\mathrm{TP}` (totals within a
      relative :math:`10^{-12}` of the minimum count as tied).

    Ties go to the largest threshold (the fewest positive predictions). For
    calibrated probabilities the cost-optimal threshold estimates the Bayes
    threshold :math:`c_\mathrm{FP} / (c_\mathrm{FP} + c_\mathrm{FN})` of
    :func:`bayes_optimal_threshold`.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, each 0 or 1.
    y_prob : array-like of shape (n,)
        Predicted probabilities of class 1 (any real scores work).
    metric : {"f1", "youden", "cost"}, default="f1"
        What to optimise.
    cost_matrix : dict or array-like of shape (2, 2), optional
        Required for, and only allowed with, ``metric="cost"``:
        ``{"fp": c_fp, "fn": c_fn}`` (correct decisions cost 0), or
        ``[[c_tn, c_fp], [c_fn, c_tp]]`` laid out like :func:`confusion_matrix`.

    Returns
    -------
    threshold : float
        The best candidate threshold.
    value : float
        The F1 score, Youden's J, or the total cost there.

    Raises
    ------
    ValueError
        If ``metric`` is unknown, ``cost_matrix`` is missing or given needlessly
        or malformed, ``metric="youden"`` with a single class, or the inputs are
        bad as in :func:`threshold_sweep`.
    """
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {_METRICS}, got {metric!r}.")
    if (metric == "cost") != (cost_matrix is not None):
        raise ValueError("cost_matrix is required with metric='cost' and only allowed with it.")
    y, scores = _check_labels_and_values(y_true, y_prob, "y_prob")
    candidates = np.unique(scores)
    tp, fp, fn, tn = _counts_at_thresholds(y, scores, candidates)
    if metric == "f1":
        values = _safe_ratio(2 * tp, 2 * tp + fp + fn)
        is_best = values == values.max()  # equal fractions round to equal floats
    elif metric == "youden":
        n_pos, n_neg = tp[0] + fn[0], fp[0] + tn[0]
        if n_pos == 0 or n_neg == 0:
            raise ValueError("metric='youden' needs both classes in y_true (TPR or FPR is 0/0).")
        values = tp / n_pos - fp / n_neg
        exact = tp * n_neg - fp * n_pos  # J * n_pos * n_neg, compared in integers
        is_best = exact == exact.max()
    else:
        values = _total_cost(_cost_array(cost_matrix), tp, fp, fn, tn)
        tolerance = 1e-12 * np.abs(values).max()
        is_best = values <= values.min() + tolerance
    best = np.flatnonzero(is_best)[-1]
    return float(candidates[best]), float(values[best])
