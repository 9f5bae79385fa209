r"""The figures of the course, one function each.

Every function draws on the matplotlib ``ax`` it is given, or on a new one
from ``plt.subplots()`` when ``ax`` is ``None``, and returns that ``ax`` (so
figures can be composed side by side). None of them calls ``plt.show()``: a
notebook shows the figure by itself, and a script decides when to show or save.
Axes get labels, a legend where there is more than one thing to tell apart, and
a default title when they have none yet. Colours come from the Okabe-Ito
palette (:mod:`course_lib.palette`), readable with every common form of colour
blindness; classes also differ by marker shape.

The curves are computed by :mod:`course_lib.metrics`, so a figure always shows
the numbers the text quotes.
"""

import numbers

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ._validation import as_float_array, check_probabilities, check_same_length
from .activations import sigmoid
from .metrics import (
    _cost_array,
    average_precision_score,
    bayes_optimal_threshold,
    best_threshold,
    precision_recall_curve,
    reliability_table,
    roc_auc_score,
    roc_curve,
    threshold_sweep,
)
from .palette import CLASS_COLORS, DIVERGING_CMAP, OKABE_ITO, PALETTE, class_cmap

__all__ = [
    "MARKERS",
    "PALETTE",
    "plot_coefficients",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_digit_images",
    "plot_digit_weights",
    "plot_loss_curve",
    "plot_precision_recall",
    "plot_regularisation_path",
    "plot_reliability",
    "plot_roc_curve",
    "plot_sigmoid",
    "plot_threshold_cost",
    "plot_threshold_metrics",
]

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
"""Marker of class ``k`` (and of curve ``k``): colour and shape both tell them apart."""

_SEQUENTIAL_CMAP = LinearSegmentedColormap.from_list(
    "okabe_ito_sequential", ["#FFFFFF", OKABE_ITO["blue"]]
)
"""White to blue, one hue getting darker: counts from 0 to the largest."""

_METRIC_LABELS = {"precision": "Precision", "recall": "Recall", "f1": "F1", "accuracy": "Accuracy"}


# --------------------------------------------------------------------------- helpers


def _get_ax(ax):
    """Return ``ax``, or the axes of a new figure when it is ``None``."""
    if ax is None:
        _, ax = plt.subplots(layout="constrained")
        return ax
    if not isinstance(ax, Axes):
        raise ValueError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}.")
    return ax


def _default_title(ax, title):
    """Set ``title`` unless the axes already has one."""
    if not ax.get_title():
        ax.set_title(title)


def _next_color(ax, gid):
    """Colour for the next artist with this ``gid``: one palette colour per repeated call."""
    count = sum(1 for line in ax.get_lines() if line.get_gid() == gid)
    return PALETTE[count % len(PALETTE)]


def _has_gid(ax, gid):
    return any(line.get_gid() == gid for line in ax.get_lines())


class _PlainLogFormatter(ticker.LogFormatter):
    """Log-axis tick labels as plain numbers (0.5, 2, 100), not powers of ten."""

    def __call__(self, x, pos=None):
        # The parent decides which ticks carry a label; only the text changes.
        return f"{x:g}" if super().__call__(x, pos) else ""


def _plain_log_ticks(axis):
    """Label a logarithmic ``axis`` with plain numbers, minor ticks too when it is short."""
    axis.set_major_formatter(_PlainLogFormatter(labelOnlyBase=False))
    axis.set_minor_formatter(_PlainLogFormatter(labelOnlyBase=False))


def _check_label(label):
    if label is not None and not isinstance(label, str):
        raise ValueError(f"label must be a string or None, got {type(label).__name__}.")
    return label


def _check_positive_int(value, name, minimum=1):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


# --------------------------------------------------------------------------- sigmoid, loss


def plot_sigmoid(ax=None, z_range=(-8, 8), show_derivative=True):
    r"""The sigmoid :math:`\sigma(z) = 1/(1 + e^{-z})` and its derivative.

    .. math::

        \sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr) \le \tfrac14,

    largest at :math:`z = 0`, where :math:`\sigma(0) = 0.5` (marked). Dotted
    lines show the asymptotes 0 and 1.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    z_range : pair of float, default=(-8, 8)
        Lowest and highest :math:`z` shown.
    show_derivative : bool, default=True
        Also draw :math:`\sigma'(z)` (dashed).

    Returns
    -------
    matplotlib.axes.Axes
    """
    try:
        low, high = (float(v) for v in z_range)
    except (TypeError, ValueError):
        raise ValueError(f"z_range must be a pair of numbers, got {z_range!r}.") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"z_range must be two finite numbers, low < high; got {z_range!r}.")
    ax = _get_ax(ax)
    z = np.linspace(low, high, 401)
    s = sigmoid(z)
    for level in (0.0, 1.0):
        ax.axhline(level, color="0.6", linestyle=":", linewidth=1)
    ax.plot(z, s, color=PALETTE[0], linewidth=2.5, label=r"$\sigma(z) = 1 / (1 + e^{-z})$")
    if show_derivative:
        ax.plot(
            z,
            s * (1.0 - s),
            color=PALETTE[1],
            linewidth=2.5,
            linestyle="--",
            label=r"$\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$",
        )
    if low <= 0.0 <= high:
        ax.plot([0.0], [0.5], marker="o", color=OKABE_ITO["black"], linestyle="none",
                label=r"$\sigma(0) = 0.5$")
    ax.set_xlim(low, high)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel(r"$z = w \cdot x + b$")
    ax.set_ylabel("value")
    ax.legend(loc="upper left")
    _default_title(ax, "The sigmoid and its derivative" if show_derivative else "The sigmoid")
    return ax


def plot_loss_curve(losses, ax=None, label=None, log_scale=False):
    r"""The training objective against the iteration (or epoch).

    ``losses[i]`` is drawn at iteration :math:`i + 1`. Call it again on the same
    ``ax`` to compare runs (learning rates, solvers): each call adds one curve
    in the next palette colour. A non-finite loss (a run that diverged, say with
    unscaled features) leaves a gap instead of breaking the figure.

    Parameters
    ----------
    losses : array-like of shape (n_iter,)
        Objective values, e.g. an estimator's ``loss_history_``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    label : str, optional
        Legend entry of this curve.
    log_scale : bool, default=False
        Logarithmic y axis (every finite loss must then be positive).

    Returns
    -------
    matplotlib.axes.Axes
    """
    try:
        values = np.asarray(losses, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("losses must be a 1-D sequence of numbers.") from None
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"losses must be a non-empty 1-D sequence, got shape {values.shape}.")
    finite = np.isfinite(values)
    if not finite.any():
        raise ValueError("losses has no finite value to plot.")
    if log_scale and np.any(values[finite] <= 0):
        raise ValueError("log_scale needs positive losses; losses holds values <= 0.")
    label = _check_label(label)
    ax = _get_ax(ax)
    values = np.where(finite, values, np.nan)
    ax.plot(
        np.arange(1, values.size + 1),
        values,
        color=_next_color(ax, "loss-curve"),
        linewidth=2,
        label=label,
        gid="loss-curve",
    )
    if log_scale:
        ax.set_yscale("log")
        _plain_log_ticks(ax.yaxis)
    ax.set_xlabel("iteration")
    ax.set_ylabel("objective (training loss)")
    if label is not None:
        ax.legend()
    _default_title(ax, "Training loss")
    return ax


# --------------------------------------------------------------------------- decision boundary


def plot_decision_boundary(
    model,
    X,
    y,
    ax=None,
    feature_names=None,
    grid_resolution=200,
    class_names=None,
    colorbar=True,
):
    r"""Decision boundary of a fitted classifier on two features, with the data.

    The classifier's ``predict_proba`` is evaluated on a
    ``grid_resolution`` :math:`\times` ``grid_resolution`` grid covering the
    data (plus a 5 % margin).

    - Two classes: filled contours of :math:`P(y = \text{classes\_}[1] \mid x)`
      in steps of 0.1, from blue (0) through white to vermillion (1), and the
      contour :math:`P = 0.5` as a black line, the decision boundary (for a
      logistic model, the line :math:`w \cdot x + b = 0`).
    - More classes: the regions where each class is the most probable,
      tinted with the class colours.

    The points are drawn over it, coloured (and shaped) by their true class.

    Parameters
    ----------
    model : fitted classifier
        Anything with ``predict_proba`` taking two columns: a course_lib or
        scikit-learn estimator, or a pipeline. Its ``classes_`` (if present)
        give the order of the probability columns.
    X : array-like or pandas.DataFrame of shape (n, 2)
        The two features. A DataFrame's column names go to the grid too (so a
        pipeline fitted on a frame sees the names it knows) and label the axes.
    y : array-like of shape (n,)
        True classes, each one of ``model.classes_``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    feature_names : pair of str, optional
        Axis labels; default the DataFrame's columns, else :math:`x_1, x_2`.
    grid_resolution : int, default=200
        Grid points per axis, at least 2.
    class_names : sequence of str, optional
        Legend names of the classes, in the order of ``classes_``.
    colorbar : bool, default=True
        Add a colour bar of the probability (two classes only).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``model`` has no ``predict_proba``, ``X`` does not have two columns,
        the lengths differ, ``y`` holds a class the model does not know, there
        are more classes than colours (8), or an argument is malformed.
    """
    if not callable(getattr(model, "predict_proba", None)):
        raise ValueError(
            f"model must be a fitted classifier with predict_proba; got {type(model).__name__}."
        )
    columns = list(X.columns) if isinstance(X, pd.DataFrame) else None
    X_arr = as_float_array(X.to_numpy() if columns is not None else X, "X", ndim=2)
    if X_arr.shape[1] != 2:
        raise ValueError(f"X must have exactly 2 columns to be drawn, got {X_arr.shape[1]}.")
    y_arr = np.asarray(y)
    if y_arr.ndim != 1:
        raise ValueError(f"y must be 1-D, got an array of shape {y_arr.shape}.")
    check_same_length(X=X_arr, y=y_arr)
    resolution = _check_positive_int(grid_resolution, "grid_resolution", minimum=2)
    classes = getattr(model, "classes_", None)
    classes = np.unique(y_arr) if classes is None else np.asarray(classes)
    unknown = np.setdiff1d(np.unique(y_arr), classes)
    if unknown.size:
        raise ValueError(f"y holds classes the model does not know: {unknown.tolist()}.")
    if classes.size > len(CLASS_COLORS):
        raise ValueError(f"at most {len(CLASS_COLORS)} classes can be drawn, got {classes.size}.")
    names = [str(c) for c in classes] if class_names is None else [str(c) for c in class_names]
    if len(names) != classes.size:
        raise ValueError(f"class_names has {len(names)} names for {classes.size} classes.")
    if feature_names is None:
        feature_names = columns if columns is not None else ["$x_1$", "$x_2$"]
    feature_names = [str(f) for f in feature_names]
    if len(feature_names) != 2:
        raise ValueError(f"feature_names must hold 2 names, got {len(feature_names)}.")

    ax = _get_ax(ax)
    lows, highs = X_arr.min(axis=0), X_arr.max(axis=0)
    margins = np.where(highs > lows, 0.05 * (highs - lows), 0.5)
    g0 = np.linspace(lows[0] - margins[0], highs[0] + margins[0], resolution)
    g1 = np.linspace(lows[1] - margins[1], highs[1] + margins[1], resolution)
    xx, yy = np.meshgrid(g0, g1)
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    if columns is not None:
        grid = pd.DataFrame(grid, columns=columns)
    proba = np.asarray(model.predict_proba(grid), dtype=np.float64)
    if proba.ndim != 2 or proba.shape[1] != classes.size:
        raise ValueError(
            f"model.predict_proba returned shape {proba.shape}; expected "
            f"({grid.shape[0]}, {classes.size}), one column per class."
        )

    handles = []
    if classes.size == 2:
        p1 = proba[:, 1].reshape(xx.shape)
        filled = ax.contourf(
            xx, yy, p1, levels=np.linspace(0.0, 1.0, 11), cmap=DIVERGING_CMAP, alpha=0.6
        )
        if p1.min() < 0.5 < p1.max():
            ax.contour(xx, yy, p1, levels=[0.5], colors=OKABE_ITO["black"], linewidths=2)
            handles.append(
                Line2D([], [], color=OKABE_ITO["black"], linewidth=2, label="boundary, $p = 0.5$")
            )
        if colorbar:
            ax.figure.colorbar(filled, ax=ax, label=f"P(y = {names[1]})", ticks=[0, 0.5, 1])
    else:
        winner = proba.argmax(axis=1).reshape(xx.shape)
        k = classes.size
        ax.contourf(
            xx, yy, winner, levels=np.arange(k + 1) - 0.5, cmap=class_cmap(k), alpha=0.3
        )
        ax.contour(
            xx, yy, winner, levels=np.arange(k - 1) + 0.5, colors=OKABE_ITO["black"],
            linewidths=0.8,
        )

    for k, cls in enumerate(classes):
        mask = y_arr == cls
        if not mask.any():
            continue
        handles.append(
            ax.scatter(
                X_arr[mask, 0],
                X_arr[mask, 1],
                color=CLASS_COLORS[k],
                marker=MARKERS[k],
                edgecolors=OKABE_ITO["black"],
                linewidths=0.5,
                s=30,
                label=names[k],
                zorder=3,
            )
        )
    ax.set_xlim(g0[0], g0[-1])
    ax.set_ylim(g1[0], g1[-1])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.legend(handles=handles, loc="best", framealpha=0.9)
    _default_title(ax, "Decision boundary" if classes.size == 2 else "Decision regions")
    return ax


# --------------------------------------------------------------------------- curves


def plot_roc_curve(y_true, y_score, ax=None, label=None):
    r"""The exact ROC curve, with its AUC in the legend and the chance diagonal.

    The points are those of :func:`course_lib.metrics.roc_curve` (every
    distinct score a threshold, ties included), joined by straight segments;
    the area :func:`course_lib.metrics.roc_auc_score` under them is shown to
    three decimals. The dashed diagonal is a classifier that guesses
    (AUC = 0.5); it is drawn once however many curves share the axes.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, 0 or 1, both present.
    y_score : array-like of shape (n,)
        Scores, larger meaning more likely class 1.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    label : str, optional
        Name of the curve; the legend reads ``"label (AUC = 0.912)"``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    label = _check_label(label)
    fpr, tpr, _ = roc_curve(y_true, y_score)
    area = roc_auc_score(y_true, y_score)
    ax = _get_ax(ax)
    text = f"AUC = {area:.3f}" if label is None else f"{label} (AUC = {area:.3f})"
    ax.plot(fpr, tpr, color=_next_color(ax, "roc-curve"), linewidth=2, label=text, gid="roc-curve")
    if not _has_gid(ax, "chance-diagonal"):
        ax.plot([0, 1], [0, 1], color="0.5", linestyle="--", linewidth=1,
                label="chance (AUC = 0.5)", gid="chance-diagonal")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_aspect("equal")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate (recall)")
    ax.legend(loc="lower right")
    _default_title(ax, "ROC curve")
    return ax


def plot_precision_recall(y_true, y_prob, ax=None, label=None):
    r"""Precision against recall over every threshold, with the average precision.

    The curve of :func:`course_lib.metrics.precision_recall_curve` is drawn as
    steps; the area under those steps is the average precision

    .. math::

        \mathrm{AP} = \sum_k (R_k - R_{k+1})\, P_k

    (recall :math:`R` falls as the threshold rises,
    :func:`course_lib.metrics.average_precision_score`), shown in the legend. The
    dotted horizontal line is the precision of a classifier that guesses: the
    share of positives.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, 0 or 1, at least one 1.
    y_prob : array-like of shape (n,)
        Predicted probabilities of class 1.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    label : str, optional
        Name of the curve; the legend reads ``"label (AP = 0.873)"``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    label = _check_label(label)
    precision, recall, _ = precision_recall_curve(y_true, y_prob)
    average_precision = average_precision_score(y_true, y_prob)
    prevalence = float(precision[0])  # lowest threshold: every sample predicted positive
    ax = _get_ax(ax)
    text = f"AP = {average_precision:.3f}"
    text = text if label is None else f"{label} ({text})"
    ax.plot(recall, precision, drawstyle="steps-post", color=_next_color(ax, "pr-curve"),
            linewidth=2, label=text, gid="pr-curve")
    if not _has_gid(ax, "pr-baseline"):
        ax.axhline(prevalence, color="0.5", linestyle=":", linewidth=1.5,
                   label=f"chance (share of positives = {prevalence:.2f})", gid="pr-baseline")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.legend(loc="lower left")
    _default_title(ax, "Precision-recall curve")
    return ax


def plot_threshold_metrics(
    y_true,
    y_prob,
    thresholds=None,
    ax=None,
    metrics=("precision", "recall", "f1"),
    chosen_threshold=None,
):
    r"""Metrics of the rule "predict 1 when :math:`p \ge t`" against the threshold :math:`t`.

    Raising :math:`t` predicts fewer positives: precision tends to rise and
    recall falls, and F1 peaks in between. The values come from
    :func:`course_lib.metrics.threshold_sweep`.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, 0 or 1.
    y_prob : array-like of shape (n,)
        Predicted probabilities of class 1.
    thresholds : array-like of shape (k,), optional
        Thresholds to evaluate, finite; default 0.10, 0.15, ..., 0.90.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    metrics : sequence of str, default=("precision", "recall", "f1")
        Which curves, among ``"precision"``, ``"recall"``, ``"f1"`` and
        ``"accuracy"``.
    chosen_threshold : float, optional
        Mark this threshold with a vertical line.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(metrics, str):
        metrics = (metrics,)
    metrics = tuple(metrics)
    if not metrics:
        raise ValueError("metrics must name at least one metric.")
    bad = [m for m in metrics if m not in _METRIC_LABELS]
    if bad:
        raise ValueError(f"metrics must be among {sorted(_METRIC_LABELS)}; got {bad}.")
    if thresholds is None:
        thresholds = np.round(np.arange(0.10, 0.90 + 1e-9, 0.05), 2)
    thresholds = as_float_array(thresholds, "thresholds", ndim=1)
    if thresholds.size == 0:
        raise ValueError("thresholds must not be empty.")
    if chosen_threshold is not None:
        if isinstance(chosen_threshold, bool) or not isinstance(chosen_threshold, numbers.Real):
            raise ValueError(f"chosen_threshold must be a number, got {chosen_threshold!r}.")
        if not np.isfinite(chosen_threshold):
            raise ValueError(f"chosen_threshold must be finite, got {chosen_threshold}.")
    sweep = threshold_sweep(y_true, y_prob, thresholds)
    ax = _get_ax(ax)
    order = np.argsort(sweep["threshold"], kind="stable")
    t = sweep["threshold"][order]
    for k, name in enumerate(metrics):
        ax.plot(t, sweep[name][order], color=PALETTE[k % len(PALETTE)],
                marker=MARKERS[k % len(MARKERS)], markersize=4, linewidth=2,
                label=_METRIC_LABELS[name])
    if chosen_threshold is not None:
        ax.axvline(float(chosen_threshold), color=OKABE_ITO["black"], linestyle=":",
                   linewidth=1.5, label=f"chosen threshold = {float(chosen_threshold):.2f}")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("threshold $t$ (predict 1 when $p \\geq t$)")
    ax.set_ylabel("metric value")
    ax.legend(loc="best")
    _default_title(ax, "Metrics against the decision threshold")
    return ax


def _cost_formula(cost_matrix):
    """The total cost as text, e.g. ``"1 × FP + 4 × FN"``, from the non-zero costs."""
    (c_tn, c_fp), (c_fn, c_tp) = _cost_array(cost_matrix)
    text = ""
    for cost, count in ((c_tn, "TN"), (c_fp, "FP"), (c_fn, "FN"), (c_tp, "TP")):
        if cost == 0:
            continue
        sign = "-" if cost < 0 else "+"
        text += f" {sign} {abs(cost):g} × {count}" if text else f"{cost:g} × {count}"
    return text or "0"


def plot_threshold_cost(y_true, y_prob, cost_matrix, thresholds=None, ax=None, label=None):
    r"""Total cost of the rule "predict 1 when :math:`p \ge t`" against the threshold :math:`t`.

    The curve is the ``cost`` of :func:`course_lib.metrics.threshold_sweep`,

    .. math::

        \text{cost}(t) = c_\mathrm{TN}\,\mathrm{TN}(t) + c_\mathrm{FP}\,\mathrm{FP}(t)
            + c_\mathrm{FN}\,\mathrm{FN}(t) + c_\mathrm{TP}\,\mathrm{TP}(t).

    Three vertical lines mark thresholds to compare: the lowest cost on these
    data (:func:`course_lib.metrics.best_threshold` with ``metric="cost"``,
    searched over every distinct probability, not only the grid), the Bayes
    threshold of :func:`course_lib.metrics.bayes_optimal_threshold`, optimal
    for calibrated probabilities whatever the data (:math:`t^* = c_\mathrm{FP} /
    (c_\mathrm{FP} + c_\mathrm{FN})` when correct decisions cost nothing), and the
    default 0.5. Call it again on the
    same ``ax`` with other data (validation and test, say): each call adds a
    curve and its own minimum, the Bayes and default lines are drawn once.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, 0 or 1.
    y_prob : array-like of shape (n,)
        Predicted probabilities of class 1, in [0, 1].
    cost_matrix : dict or array-like of shape (2, 2)
        ``{"fp": c_fp, "fn": c_fn}`` (correct decisions cost 0), or
        ``[[c_tn, c_fp], [c_fn, c_tp]]`` laid out like
        :func:`course_lib.metrics.confusion_matrix`.
    thresholds : array-like of shape (k,), optional
        Thresholds of the curve, finite; default 0, 0.01, ..., 1.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    label : str, optional
        Name of the data (e.g. ``"validation"``), in the legend.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the inputs are bad as for :func:`course_lib.metrics.threshold_sweep`,
        a probability is outside [0, 1], ``thresholds`` is empty or not finite,
        or the costs define no Bayes threshold (see
        :func:`course_lib.metrics.bayes_optimal_threshold`).
    """
    label = _check_label(label)
    y_prob = check_probabilities(y_prob, "y_prob")
    if thresholds is None:
        thresholds = np.linspace(0.0, 1.0, 101)
    thresholds = as_float_array(thresholds, "thresholds", ndim=1)
    if thresholds.size == 0:
        raise ValueError("thresholds must not be empty.")
    t_bayes = bayes_optimal_threshold(cost_matrix)
    sweep = threshold_sweep(y_true, y_prob, thresholds, cost_matrix=cost_matrix)
    t_best, lowest = best_threshold(y_true, y_prob, metric="cost", cost_matrix=cost_matrix)

    ax = _get_ax(ax)
    color = _next_color(ax, "cost-curve")
    order = np.argsort(sweep["threshold"], kind="stable")
    ax.plot(sweep["threshold"][order], sweep["cost"][order], color=color, linewidth=2,
            label="total cost" if label is None else f"total cost, {label}", gid="cost-curve")
    where = "" if label is None else f" ({label})"
    ax.axvline(t_best, color=color, linestyle=":", linewidth=2,
               label=f"lowest cost{where}: {lowest:g} at t = {t_best:.2f}", gid="lowest-cost")
    if not _has_gid(ax, "bayes-threshold"):
        ax.axvline(t_bayes, color=OKABE_ITO["black"], linestyle="--", linewidth=1.5,
                   label=f"Bayes threshold t* = {t_bayes:.2f}", gid="bayes-threshold")
    if not _has_gid(ax, "default-threshold"):
        ax.axvline(0.5, color="0.5", linestyle="-.", linewidth=1.5,
                   label="default t = 0.5", gid="default-threshold")
    ax.set_xlabel("threshold $t$ (predict 1 when $p \\geq t$)")
    ax.set_ylabel(f"total cost = {_cost_formula(cost_matrix)}")
    ax.legend(loc="best")
    _default_title(ax, "Cost against the decision threshold")
    return ax


# --------------------------------------------------------------------------- calibration


def plot_reliability(y_true, y_prob, n_bins=10, ax=None, label=None, strategy="uniform"):
    r"""Reliability diagram: observed frequency of class 1 against mean predicted probability.

    One point per non-empty bin of :func:`course_lib.metrics.reliability_table`,
    at :math:`(\bar p_b, \bar y_b)`, with error bars of two binomial standard
    errors :math:`\pm 2\sqrt{\bar p_b (1 - \bar p_b) / n_b}`: where a calibrated
    model's points would fall about 95 % of the time. The dashed diagonal
    :math:`\bar y = \bar p` is perfect calibration; points above it mean the
    model under-predicts class 1 in that bin, points below that it
    over-predicts. Call it again on the same ``ax`` to compare models: the
    diagonal is drawn once.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, 0 or 1.
    y_prob : array-like of shape (n,)
        Predicted probabilities of class 1, in [0, 1].
    n_bins : int, default=10
        Number of bins.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    label : str, optional
        Name of the model or data; the legend reads ``"label, 10 bins (±2 s.e.)"``.
    strategy : {"uniform", "quantile"}, default="uniform"
        Bins of equal width, or of about equal numbers of samples.

    Returns
    -------
    matplotlib.axes.Axes
    """
    label = _check_label(label)
    table = reliability_table(y_true, y_prob, n_bins=n_bins, strategy=strategy)
    ax = _get_ax(ax)
    if not _has_gid(ax, "perfect-calibration"):
        ax.plot([0, 1], [0, 1], color="0.5", linestyle="--", linewidth=1,
                label="perfect calibration", gid="perfect-calibration")
    count = sum(1 for line in ax.get_lines() if line.get_gid() == "reliability")
    bins = table["count"].size
    text = f"{bins} bins (±2 s.e.)" if label is None else f"{label}, {bins} bins (±2 s.e.)"
    points = ax.errorbar(
        table["mean_predicted"],
        table["observed_frequency"],
        yerr=2 * table["standard_error"],
        color=PALETTE[count % len(PALETTE)],
        marker=MARKERS[count % len(MARKERS)],
        markersize=5,
        linewidth=1.5,
        capsize=3,
        label=text,
    )
    points.lines[0].set_gid("reliability")  # the line through the points, not the caps
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel("mean predicted probability")
    ax.set_ylabel("observed frequency of class 1")
    ax.legend(loc="upper left")
    _default_title(ax, "Reliability diagram")
    return ax


# --------------------------------------------------------------------------- confusion matrix

_NORMALIZE = {"true": "each true class", "pred": "each predicted class", "all": "all samples"}
"""What each ``normalize`` option divides by, for the default title."""


def plot_confusion_matrix(cm, class_names=None, ax=None, normalize=None):
    r"""A confusion matrix as a grid of shaded cells, each showing its value.

    Row :math:`j` is the true class, column :math:`k` the predicted one, as in
    :func:`course_lib.metrics.multiclass_confusion_matrix`: the diagonal holds
    the correct predictions and every other cell a kind of mistake. With
    ``normalize`` the cells are shares instead of counts, as with the
    ``normalize`` argument of :func:`sklearn.metrics.confusion_matrix`:

    - ``"true"``: :math:`C_{jk} / \sum_{k'} C_{jk'}`, each row sums to 1 and the
      diagonal holds the recall of each class;
    - ``"pred"``: :math:`C_{jk} / \sum_{j'} C_{j'k}`, each column sums to 1 and
      the diagonal holds the precision of each class;
    - ``"all"``: :math:`C_{jk} / n`.

    A row or column without any sample shows zeros. The shade runs from white
    (0) to blue (the largest cell), and the text turns white on dark cells.

    Parameters
    ----------
    cm : array-like of shape (K, K)
        Counts, non-negative, e.g. from
        :func:`course_lib.metrics.multiclass_confusion_matrix`.
    class_names : sequence of str, optional
        Names of the K classes, in the order of the rows; default 0 to K - 1.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    normalize : {None, "true", "pred", "all"}, default=None
        Show counts, or shares of the true class, predicted class, or total.

    Returns
    -------
    matplotlib.axes.Axes
    """
    counts = as_float_array(cm, "cm", ndim=2)
    if counts.shape[0] != counts.shape[1] or counts.shape[0] == 0:
        raise ValueError(f"cm must be a non-empty square matrix, got shape {counts.shape}.")
    if np.any(counts < 0):
        raise ValueError("cm must hold counts, >= 0; it has negative entries.")
    if normalize is not None and normalize not in _NORMALIZE:
        raise ValueError(
            f"normalize must be None or one of {tuple(_NORMALIZE)}, got {normalize!r}."
        )
    k = counts.shape[0]
    if class_names is None:
        names = [str(j) for j in range(k)]
    elif isinstance(class_names, str):
        raise ValueError("class_names must be a sequence of names, not one string.")
    else:
        names = [str(name) for name in class_names]
    if len(names) != k:
        raise ValueError(f"class_names has {len(names)} names but cm has {k} classes.")

    if normalize is None:
        values = counts
    else:
        totals = {"true": counts.sum(axis=1, keepdims=True),
                  "pred": counts.sum(axis=0, keepdims=True),
                  "all": counts.sum()}[normalize]
        values = np.zeros_like(counts)
        np.divide(counts, totals, out=values, where=np.broadcast_to(totals, counts.shape) > 0)
    whole = normalize is None and np.all(values == np.round(values))
    top = float(values.max()) if values.max() > 0 else 1.0

    ax = _get_ax(ax)
    ax.imshow(values, cmap=_SEQUENTIAL_CMAP, vmin=0.0, vmax=top, interpolation="nearest")
    for (row, column), value in np.ndenumerate(values):
        ax.text(column, row, f"{value:.0f}" if whole else f"{value:.2f}",
                ha="center", va="center", fontsize="small" if k > 6 else "medium",
                color="white" if value > 0.5 * top else OKABE_ITO["black"])
    ax.set_xticks(np.arange(k), names)
    ax.set_yticks(np.arange(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    _default_title(ax, "Confusion matrix" if normalize is None
                   else f"Confusion matrix (shares of {_NORMALIZE[normalize]})")
    return ax


# --------------------------------------------------------------------------- weights and images


def plot_coefficients(coef, feature_names, ax=None, odds_ratios=False):
    r"""Coefficients of a logistic model as horizontal bars, or their odds ratios.

    A coefficient :math:`w_j` adds :math:`w_j` to the log-odds per unit of
    feature :math:`j`, that is, it multiplies the odds by the odds ratio
    :math:`e^{w_j}` (:math:`e^{0.693} \approx 2` doubles them). With
    ``odds_ratios`` the bars show :math:`e^{w_j}` on a logarithmic axis,
    starting from the line at 1 (no effect), so that halving and doubling look
    equally large. Bars that raise the odds are vermillion, bars that lower
    them blue; each carries its value. Compare magnitudes only between
    standardised features.

    Parameters
    ----------
    coef : array-like of shape (d,) or (1, d)
        The coefficients, e.g. a fitted binary model's ``coef_``.
    feature_names : sequence of str, length d
        One name per coefficient, drawn top to bottom in this order.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    odds_ratios : bool, default=False
        Show :math:`e^{w}` on a log axis instead of :math:`w`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    w = as_float_array(coef, "coef", ndim=(1, 2))
    if w.ndim == 2:
        if w.shape[0] != 1:
            raise ValueError(
                f"coef must be 1-D or a single row, got shape {w.shape}; "
                "for a multi-class model, plot one row of coef_ at a time."
            )
        w = w[0]
    if isinstance(feature_names, str):
        raise ValueError("feature_names must be a sequence of names, not one string.")
    names = [str(name) for name in feature_names]
    if len(names) != w.size:
        raise ValueError(f"feature_names has {len(names)} names but coef has {w.size} entries.")
    if odds_ratios and np.max(np.abs(w)) > 700:
        raise ValueError("coef has entries beyond +-700: their odds ratios overflow.")
    ax = _get_ax(ax)
    positions = np.arange(w.size)
    colors = [OKABE_ITO["vermillion"] if v > 0 else OKABE_ITO["blue"] for v in w]
    if odds_ratios:
        values = np.exp(w)
        bars = ax.barh(positions, values - 1.0, left=1.0, color=colors, height=0.6)
        ax.set_xscale("log")
        _plain_log_ticks(ax.xaxis)
        ax.axvline(1.0, color=OKABE_ITO["black"], linewidth=1)
        ax.set_xlabel(r"odds ratio $e^{w}$ (log scale; 1 = no effect)")
        labels = [f"{v:.3g}" for v in values]
        legend = ("multiplies the odds by more than 1", "multiplies the odds by less than 1")
    else:
        values = w
        bars = ax.barh(positions, values, color=colors, height=0.6)
        ax.axvline(0.0, color=OKABE_ITO["black"], linewidth=1)
        ax.set_xlabel("coefficient $w$ (change in log-odds)")
        labels = [f"{v:.2f}" for v in values]
        legend = ("raises the odds", "lowers the odds")
    ax.bar_label(bars, labels=labels, padding=3, fontsize="small")
    ax.margins(x=0.2)
    ax.set_yticks(positions, names)
    ax.set_ylim(w.size - 0.5, -0.5)  # first name on top
    ax.legend(
        handles=[Patch(color=OKABE_ITO["vermillion"], label=legend[0]),
                 Patch(color=OKABE_ITO["blue"], label=legend[1])],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncols=2,
        frameon=False,
        fontsize="small",
    )
    _default_title(ax, "Odds ratios" if odds_ratios else "Coefficients")
    return ax


def plot_regularisation_path(Cs, coefs, feature_names=None, ax=None):
    r"""Regularisation path: every coefficient against :math:`C`, on a logarithmic axis.

    Row :math:`m` of ``coefs`` holds the coefficients fitted with
    :math:`C = C_m`, the inverse penalty strength (for an L2 penalty, the
    variance of the Gaussian prior on each weight): small :math:`C` means a strong penalty and
    coefficients near zero, large :math:`C` a weak one and coefficients near
    the maximum-likelihood fit. An L2 penalty shrinks all coefficients
    smoothly together; an L1 penalty holds each one at exactly zero until
    :math:`C` is large enough for its feature to matter, so the features enter
    one after another. Each coefficient has its own colour and marker; the
    horizontal line is zero.

    Parameters
    ----------
    Cs : array-like of shape (m,)
        Values of :math:`C`, positive and finite, in any order.
    coefs : array-like of shape (m, d)
        ``coefs[i]`` holds the ``d`` coefficients fitted with ``Cs[i]`` (for a
        binary model, its ``coef_.ravel()``).
    feature_names : sequence of str, length d, optional
        Legend names of the coefficients; default :math:`w_1, \dots, w_d`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    Cs = as_float_array(Cs, "Cs", ndim=1)
    if Cs.size == 0:
        raise ValueError("Cs must not be empty.")
    if np.any(Cs <= 0):
        raise ValueError("Cs must be positive (they go on a logarithmic axis).")
    coefs = as_float_array(coefs, "coefs", ndim=2)
    if coefs.shape[0] != Cs.size:
        raise ValueError(
            f"coefs must have one row per value of C: Cs has {Cs.size} values, "
            f"coefs has shape {coefs.shape}."
        )
    d = coefs.shape[1]
    if feature_names is None:
        names = [f"$w_{{{j + 1}}}$" for j in range(d)]
    elif isinstance(feature_names, str):
        raise ValueError("feature_names must be a sequence of names, not one string.")
    else:
        names = [str(name) for name in feature_names]
    if len(names) != d:
        raise ValueError(f"feature_names has {len(names)} names but coefs has {d} columns.")
    ax = _get_ax(ax)
    order = np.argsort(Cs, kind="stable")
    for j, name in enumerate(names):
        ax.plot(Cs[order], coefs[order, j], color=PALETTE[j % len(PALETTE)],
                marker=MARKERS[j % len(MARKERS)], markersize=4, linewidth=2, label=name)
    ax.axhline(0.0, color=OKABE_ITO["black"], linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel("$C$ (log scale; larger = weaker penalty)")
    ax.set_ylabel("coefficient")
    ax.legend(loc="best")
    _default_title(ax, "Regularisation path")
    return ax


def plot_digit_weights(w, ax=None, cmap=DIVERGING_CMAP, colorbar=True):
    r"""A weight vector of 64 entries, one per pixel, shown as an 8x8 image.

    The colour scale is symmetric about zero, :math:`[-\max|w|, \max|w|]`, with
    white at zero: pixels whose ink pushes towards class 1 show in one colour,
    those pushing towards class 0 in the other.

    Parameters
    ----------
    w : array-like of 64 entries, shape (64,), (1, 64) or (8, 8)
        Weights in the pixel order of the digits data (row by row).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    cmap : str or matplotlib.colors.Colormap, default=DIVERGING_CMAP
        A diverging colour map (blue, white, vermillion by default).
    colorbar : bool, default=True
        Add a colour bar.

    Returns
    -------
    matplotlib.axes.Axes
    """
    w = as_float_array(w, "w", ndim=(1, 2))
    if w.size != 64:
        raise ValueError(f"w must hold 64 weights (8x8 pixels), got {w.size}.")
    image = w.reshape(8, 8)
    limit = float(np.max(np.abs(image)))
    limit = limit if limit > 0 else 1.0
    ax = _get_ax(ax)
    shown = ax.imshow(image, cmap=cmap, vmin=-limit, vmax=limit, interpolation="nearest")
    if colorbar:
        ax.figure.colorbar(shown, ax=ax, label="weight")
    ax.set_xticks([])
    ax.set_yticks([])
    _default_title(ax, "Weights by pixel")
    return ax


def plot_digit_images(X, y=None, n=10, axes=None):
    r"""The first ``n`` digit images of ``X`` in a row, each titled with its label.

    Parameters
    ----------
    X : array-like of shape (m, 64)
        Images, one per row (pixels row by row, scaled or not).
    y : array-like of shape (m,), optional
        Labels shown above the images.
    n : int, default=10
        How many images, at most ``m``.
    axes : sequence of matplotlib.axes.Axes, optional
        At least ``n`` axes to draw on; a new figure of one row when ``None``.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes, shape (n,)
        The axes drawn on.
    """
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 64:
        raise ValueError(f"X must have 64 columns (8x8 pixels), got {X.shape[1]}.")
    n = _check_positive_int(n, "n")
    if n > X.shape[0]:
        raise ValueError(f"n is {n} but X holds only {X.shape[0]} images.")
    if y is not None:
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(f"y must be 1-D, got an array of shape {y.shape}.")
        check_same_length(X=X, y=y)
    if axes is None:
        _, axes = plt.subplots(1, n, figsize=(1.1 * n, 1.5), layout="constrained", squeeze=False)
    axes = np.asarray(axes, dtype=object).ravel()
    if axes.size < n:
        raise ValueError(f"axes holds {axes.size} axes but n is {n}.")
    if not all(isinstance(a, Axes) for a in axes[:n]):
        raise ValueError("axes must hold matplotlib Axes.")
    low, high = min(float(X.min()), 0.0), float(X.max())
    high = high if high > low else low + 1.0
    for i, ax in enumerate(axes[:n]):
        ax.imshow(X[i].reshape(8, 8), cmap="gray_r", vmin=low, vmax=high, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        if y is not None:
            ax.set_title(str(y[i]))
    return axes[:n]
