r"""Cross-entropy losses for binary and multi-class classification.

Each loss is the *mean* negative log-likelihood of the labels under the
predicted distribution, the quantity that maximum-likelihood training
minimises.
"""

import numpy as np

from ._validation import (
    as_float_array,
    check_binary_targets,
    check_probabilities,
    check_same_length,
)
from .activations import log_sigmoid, log_softmax

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "cross_entropy_with_logits",
    "one_hot",
]


def binary_cross_entropy(y_true, y_prob, eps=1e-15):
    r"""Mean binary cross-entropy (log-loss) of predicted probabilities.

    .. math::

        J = -\frac{1}{n} \sum_{i=1}^{n}
            \bigl[ y_i \log \hat p_i + (1 - y_i) \log (1 - \hat p_i) \bigr],
        \qquad
        \hat p_i = \operatorname{clip}(p_i, \varepsilon, 1 - \varepsilon)

    This is the negative log-likelihood of Bernoulli labels, divided by
    :math:`n`. Clipping keeps it finite when a probability is exactly 0 or 1.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Labels, each 0 or 1.
    y_prob : array-like of shape (n,)
        Predicted probabilities of class 1, each in [0, 1].
    eps : float, default=1e-15
        Clipping margin.

    Returns
    -------
    float
        The mean loss, equal to :func:`sklearn.metrics.log_loss` for
        probabilities inside :math:`[\varepsilon, 1-\varepsilon]`.

    Raises
    ------
    ValueError
        If the labels are not 0/1, a probability lies outside [0, 1], the
        lengths differ, or an input holds NaN or infinity.
    """
    y = check_binary_targets(y_true)
    p = check_probabilities(y_prob)
    check_same_length(y_true=y, y_prob=p)
    if not 0 <= eps < 0.5:
        raise ValueError(f"eps must lie in [0, 0.5), got {eps!r}.")
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def binary_cross_entropy_with_logits(y_true, z):
    r"""Mean binary cross-entropy computed from logits, exactly.

    With :math:`p = \sigma(z)`, :math:`\log p = \log\sigma(z)` and
    :math:`\log(1-p) = \log\sigma(-z)`, so

    .. math::

        J = -\frac{1}{n} \sum_i
            \bigl[ y_i \log\sigma(z_i) + (1-y_i)\log\sigma(-z_i) \bigr]

    needs no clipping: it is finite and accurate for every finite logit.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Labels, each 0 or 1.
    z : array-like of shape (n,)
        Logits :math:`w \cdot x_i + b`.

    Returns
    -------
    float
        The mean loss.
    """
    y = check_binary_targets(y_true)
    z = as_float_array(z, "z", ndim=1)
    check_same_length(y_true=y, z=z)
    return float(-np.mean(y * log_sigmoid(z) + (1 - y) * log_sigmoid(-z)))


def one_hot(y, n_classes=None):
    r"""One-hot encode integer labels :math:`0, \dots, K-1`.

    Parameters
    ----------
    y : array-like of shape (n,)
        Integer class indices.
    n_classes : int, optional
        :math:`K`; by default ``max(y) + 1``.

    Returns
    -------
    numpy.ndarray of shape (n, K)
        :math:`Y_{ik} = 1` if :math:`y_i = k`, else 0.
    """
    y = as_float_array(y, "y", ndim=1)
    if np.any(y != np.round(y)) or np.any(y < 0):
        raise ValueError("y must hold non-negative integer class indices.")
    y = y.astype(np.intp)
    if n_classes is None:
        n_classes = int(y.max()) + 1 if y.size else 0
    if y.size and y.max() >= n_classes:
        raise ValueError(f"y holds class {int(y.max())} but n_classes={n_classes}.")
    Y = np.zeros((y.shape[0], n_classes))
    Y[np.arange(y.shape[0]), y] = 1.0
    return Y


def _as_one_hot(y_true, n_classes):
    """Return ``y_true`` (labels or one-hot) as a one-hot matrix with K columns."""
    y_arr = np.asarray(y_true)
    if y_arr.ndim == 2:
        Y = as_float_array(y_arr, "y_true", ndim=2)
        if Y.shape[1] != n_classes:
            raise ValueError(
                f"y_true has {Y.shape[1]} columns but the predictions have {n_classes} classes."
            )
        if not (np.all((Y == 0) | (Y == 1)) and np.all(Y.sum(axis=1) == 1)):
            raise ValueError("A 2-D y_true must be one-hot: 0/1 entries, one 1 per row.")
        return Y
    return one_hot(y_arr, n_classes)


def cross_entropy(y_true, probs, eps=1e-15):
    r"""Mean categorical cross-entropy of predicted class probabilities.

    .. math::

        J = -\frac{1}{n} \sum_{i=1}^{n} \sum_{k=1}^{K} Y_{ik} \log \hat P_{ik},
        \qquad \hat P = \operatorname{clip}(P, \varepsilon, 1)

    For :math:`K = 2` this is :func:`binary_cross_entropy`.

    Parameters
    ----------
    y_true : array-like of shape (n,) or (n, K)
        Integer labels :math:`0, \dots, K-1`, or their one-hot encoding.
    probs : array-like of shape (n, K)
        Predicted probabilities, rows summing to one.
    eps : float, default=1e-15
        Clipping margin that keeps :math:`\log 0` out.

    Returns
    -------
    float
        The mean loss.
    """
    P = check_probabilities(probs, "probs", ndim=2)
    Y = _as_one_hot(y_true, P.shape[1])
    check_same_length(y_true=Y, probs=P)
    return float(-np.mean(np.sum(Y * np.log(np.clip(P, eps, 1.0)), axis=1)))


def cross_entropy_with_logits(y_true, Z):
    r"""Mean categorical cross-entropy from logits, via :func:`log_softmax`.

    .. math::

        J = -\frac{1}{n} \sum_i \sum_k Y_{ik} \log\operatorname{softmax}(z_i)_k

    Parameters
    ----------
    y_true : array-like of shape (n,) or (n, K)
        Integer labels or one-hot rows.
    Z : array-like of shape (n, K)
        Logits.

    Returns
    -------
    float
        The mean loss; exact for every finite logit.
    """
    Z = as_float_array(Z, "Z", ndim=2)
    Y = _as_one_hot(y_true, Z.shape[1])
    check_same_length(y_true=Y, Z=Z)
    return float(-np.mean(np.sum(Y * log_softmax(Z, axis=1), axis=1)))
