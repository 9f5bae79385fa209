r"""Gradients of the cross-entropy losses, and numerical checks of them.

For a linear model with logits :math:`z = Xw + b` and mean binary
cross-entropy :math:`J`, the chain rule through
:math:`\partial J/\partial p \cdot \partial p/\partial z` collapses to
:math:`\partial J / \partial z_i = (p_i - y_i)/n`, hence

.. math::

    \nabla_w J = \frac{1}{n} X^\top (p - y), \qquad
    \frac{\partial J}{\partial b} = \frac{1}{n} \sum_i (p_i - y_i).
"""

import numpy as np

from ._validation import as_float_array, check_binary_targets, check_same_length
from .activations import sigmoid, softmax
from .losses import _as_one_hot

__all__ = [
    "bce_gradient",
    "bce_hessian",
    "gradient_check",
    "numerical_gradient",
    "softmax_gradient",
]


def bce_gradient(X, y, w, b):
    r"""Gradient of the mean binary cross-entropy of :math:`\sigma(Xw + b)`.

    .. math::

        p = \sigma(Xw + b), \qquad
        \nabla_w J = \frac{1}{n} X^\top (p - y), \qquad
        \frac{\partial J}{\partial b} = \frac{1}{n} \mathbf{1}^\top (p - y)

    Parameters
    ----------
    X : array-like of shape (n, d)
        Features.
    y : array-like of shape (n,)
        Labels, each 0 or 1.
    w : array-like of shape (d,)
        Weights.
    b : float
        Intercept.

    Returns
    -------
    dw : numpy.ndarray of shape (d,)
        :math:`\nabla_w J`.
    db : float
        :math:`\partial J / \partial b`.
    """
    X = as_float_array(X, "X", ndim=2)
    y = check_binary_targets(y, "y")
    w = as_float_array(w, "w", ndim=1)
    check_same_length(X=X, y=y)
    if w.shape[0] != X.shape[1]:
        raise ValueError(
            f"w has {w.shape[0]} entries but X has {X.shape[1]} features."
        )
    residual = sigmoid(X @ w + float(b)) - y
    return X.T @ residual / X.shape[0], float(np.mean(residual))


def bce_hessian(X, w, b):
    r"""Hessian of the mean binary cross-entropy with respect to :math:`(w, b)`.

    With :math:`\tilde X = [X, \mathbf{1}]` and
    :math:`S = \operatorname{diag}\bigl(p_i (1 - p_i)\bigr)`,

    .. math::

        H = \frac{1}{n} \tilde X^\top S \tilde X,

    positive semi-definite, so the loss is convex. Newton's method and IRLS
    use it.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Features.
    w : array-like of shape (d,)
        Weights.
    b : float
        Intercept.

    Returns
    -------
    numpy.ndarray of shape (d + 1, d + 1)
        The Hessian; the last row and column belong to the intercept.
    """
    X = as_float_array(X, "X", ndim=2)
    w = as_float_array(w, "w", ndim=1)
    p = sigmoid(X @ w + float(b))
    Xt = np.hstack([X, np.ones((X.shape[0], 1))])
    return (Xt * (p * (1 - p))[:, None]).T @ Xt / X.shape[0]


def softmax_gradient(X, Y, W, b):
    r"""Gradient of the mean categorical cross-entropy of softmax(XW + b).

    .. math::

        P = \operatorname{softmax}(XW + \mathbf{1} b^\top), \qquad
        \nabla_W J = \frac{1}{n} X^\top (P - Y), \qquad
        \nabla_b J = \frac{1}{n} (P - Y)^\top \mathbf{1}

    the same shape as the binary case, one column per class.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Features.
    Y : array-like of shape (n, K) or (n,)
        One-hot labels, or integer labels :math:`0, \dots, K-1`.
    W : array-like of shape (d, K)
        Weights, one column per class.
    b : array-like of shape (K,)
        Intercepts.

    Returns
    -------
    dW : numpy.ndarray of shape (d, K)
    db : numpy.ndarray of shape (K,)
    """
    X = as_float_array(X, "X", ndim=2)
    W = as_float_array(W, "W", ndim=2)
    b = as_float_array(b, "b", ndim=1)
    if W.shape[0] != X.shape[1] or b.shape[0] != W.shape[1]:
        raise ValueError(
            f"Shapes do not fit: X {X.shape}, W {W.shape}, b {b.shape}; "
            "W must be (n_features, n_classes) and b (n_classes,)."
        )
    Y = _as_one_hot(Y, W.shape[1])
    check_same_length(X=X, Y=Y)
    residual = softmax(X @ W + b, axis=1) - Y
    return X.T @ residual / X.shape[0], residual.mean(axis=0)


def numerical_gradient(f, x, eps=1e-6):
    r"""Central-difference estimate of the gradient of a scalar function.

    .. math::

        \frac{\partial f}{\partial x_j} \approx
        \frac{f(x + \varepsilon e_j) - f(x - \varepsilon e_j)}{2 \varepsilon}

    The error is :math:`O(\varepsilon^2)` plus rounding of order
    :math:`\epsilon_{\text{mach}} |f| / \varepsilon`;
    :math:`\varepsilon = 10^{-6}` balances the two for functions of order one.

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``x`` to a float.
    x : array-like
        The point; it is not modified.
    eps : float, default=1e-6
        Step.

    Returns
    -------
    numpy.ndarray
        The estimated gradient, same shape as ``x``.
    """
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps!r}.")
    x = np.array(as_float_array(x, "x"), dtype=np.float64)  # a private copy
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for j in range(flat.size):
        old = flat[j]
        flat[j] = old + eps
        f_plus = float(f(x))
        flat[j] = old - eps
        f_minus = float(f(x))
        flat[j] = old
        gflat[j] = (f_plus - f_minus) / (2 * eps)
    return grad


def gradient_check(f, grad, x, eps=1e-6):
    r"""Relative error between an analytic gradient and a numerical one.

    .. math::

        \text{error} = \frac{\lVert g - \hat g \rVert_2}
            {\max\bigl(\lVert g \rVert_2 + \lVert \hat g \rVert_2,\
            10^{-300}\bigr)}

    where :math:`g` is ``grad(x)`` and :math:`\hat g` the central-difference
    estimate. Values around :math:`10^{-8}` or below mean the analytic
    gradient is right; :math:`10^{-3}` or more means it is wrong.

    Parameters
    ----------
    f : callable
        Scalar function of an array shaped like ``x``.
    grad : callable
        Its claimed gradient, returning an array shaped like ``x``.
    x : array-like
        Where to compare.
    eps : float, default=1e-6
        Step of :func:`numerical_gradient`.

    Returns
    -------
    float
        The relative error.
    """
    x = as_float_array(x, "x")
    g = np.asarray(grad(x.copy()), dtype=np.float64)
    if g.shape != x.shape:
        raise ValueError(
            f"grad(x) has shape {g.shape} but x has shape {x.shape}."
        )
    g_num = numerical_gradient(f, x, eps=eps)
    denom = max(np.linalg.norm(g) + np.linalg.norm(g_num), 1e-300)
    return float(np.linalg.norm(g - g_num) / denom)
