r"""Activation functions: the sigmoid and softmax, and their logarithms.

All four are written so that no finite input overflows, underflows to a wrong
value or raises a ``RuntimeWarning``, and so that the tails keep full relative
precision. A scalar input gives a scalar output.
"""

import numpy as np

__all__ = ["log_sigmoid", "log_softmax", "sigmoid", "softmax"]


def _as_float(z):
    """Return ``z`` as a floating array (float32 stays float32)."""
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    return z


def sigmoid(z):
    r"""Logistic sigmoid, computed without overflow.

    .. math::

        \sigma(z) = \frac{1}{1 + e^{-z}} = \frac{e^{z}}{1 + e^{z}}

    The naive first form overflows in :math:`e^{-z}` for large negative
    :math:`z`. With :math:`e = e^{-|z|} \in (0, 1]` both forms become safe:
    :math:`\sigma(z) = 1/(1+e)` for :math:`z \ge 0` and :math:`e/(1+e)` for
    :math:`z < 0`.

    Parameters
    ----------
    z : float or array-like
        Logits, any shape.

    Returns
    -------
    float or numpy.ndarray
        :math:`\sigma(z)`, same shape as ``z``, each entry in [0, 1].

    Notes
    -----
    The derivative is :math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z))`, and
    :math:`\sigma(-z) = 1 - \sigma(z)`.

    Examples
    --------
    >>> float(sigmoid(0.0))
    0.5
    >>> float(sigmoid(-1000.0))
    0.0
    """
    z = _as_float(z)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    out = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out.astype(z.dtype, copy=False)[()]


def log_sigmoid(z):
    r"""Logarithm of the sigmoid, exact in both tails.

    .. math::

        \log \sigma(z) = -\log(1 + e^{-z})
        = \min(z, 0) - \log\left(1 + e^{-|z|}\right)

    Computing ``np.log(sigmoid(z))`` gives ``-inf`` once :math:`\sigma(z)`
    underflows (about :math:`z < -745`); this form stays finite and is
    accurate to the last digit for large positive :math:`z`, where
    :math:`\log\sigma(z) \approx -e^{-z}`.

    Parameters
    ----------
    z : float or array-like
        Logits, any shape.

    Returns
    -------
    float or numpy.ndarray
        :math:`\log\sigma(z)`, same shape as ``z``, each entry :math:`\le 0`.
    """
    z = _as_float(z)
    out = np.minimum(z, 0) - np.log1p(np.exp(-np.abs(z)))
    return out.astype(z.dtype, copy=False)[()]


def log_softmax(Z, axis=-1):
    r"""Logarithm of the softmax along ``axis``, computed stably.

    .. math::

        \log \operatorname{softmax}(z)_k = z_k - m - \log \sum_j e^{z_j - m},
        \qquad m = \max_j z_j

    Subtracting the maximum leaves the result unchanged (softmax is invariant
    to adding a constant to every logit) and keeps every exponent
    :math:`\le 0`.

    Parameters
    ----------
    Z : array-like
        Logits; the classes run along ``axis``.
    axis : int, default=-1
        The axis holding the classes.

    Returns
    -------
    numpy.ndarray
        Log-probabilities, same shape as ``Z``.
    """
    Z = _as_float(Z)
    if Z.ndim == 0:
        return np.zeros_like(Z)[()]
    # a gap beyond 1.8e308 becomes -inf: exp gives 0
    with np.errstate(over="ignore"):
        shifted = Z - np.max(Z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(Z, axis=-1):
    r"""Softmax along ``axis``, computed stably.

    .. math::

        \operatorname{softmax}(z)_k = \frac{e^{z_k - m}}{\sum_j e^{z_j - m}},
        \qquad m = \max_j z_j

    For two classes,
    :math:`\operatorname{softmax}(z_0, z_1)_1 = \sigma(z_1 - z_0)`.

    Parameters
    ----------
    Z : array-like
        Logits; the classes run along ``axis``.
    axis : int, default=-1
        The axis holding the classes.

    Returns
    -------
    numpy.ndarray
        Probabilities, same shape as ``Z``, summing to one along ``axis``.
    """
    Z = _as_float(Z)
    if Z.ndim == 0:
        return np.ones_like(Z)[()]
    # a gap beyond 1.8e308 becomes -inf: exp gives 0
    with np.errstate(over="ignore"):
        e = np.exp(Z - np.max(Z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
