r"""The exact optimum of penalised logistic and softmax regression, found without course_lib.

The reference the default fits of both libraries are measured against. The
objective is written here from its definition (scikit-learn's, divided by
:math:`Cn`), with one-hot labels :math:`Y`, :math:`\tilde x_i = (x_i, 1)`, the
weights :math:`W` (one row per class, the intercepts :math:`b` unpenalised),
:math:`\Theta = [W, b]` and :math:`P_i = \operatorname{softmax}(\Theta \tilde x_i)`:

.. math::

    F(\Theta) = \frac{1}{n}\sum_{i=1}^n \Bigl(\log\sum_k e^{\theta_k^\top \tilde x_i}
        - \sum_k Y_{ik}\,\theta_k^\top \tilde x_i\Bigr)
        + \frac{1}{2Cn}\lVert W\rVert_F^2,

    \nabla F = \frac{1}{n}(P - Y)^\top \tilde X + \frac{1}{Cn}[W, 0], \qquad
    \nabla^2 F = \frac{1}{n}\sum_i \bigl(\operatorname{diag}(P_i) - P_i P_i^\top\bigr)
        \otimes \tilde x_i \tilde x_i^\top + \frac{1}{Cn}\operatorname{diag}([1_d, 0])^{\oplus K}.

Two classes use the binary model, :math:`F(w, b) = \frac1n\sum_i
\bigl(\log(1 + e^{z_i}) - y_i z_i\bigr) + \frac{1}{2Cn}\lVert w\rVert^2` with
:math:`z_i = w^\top x_i + b`. Both are minimised by SciPy's ``trust-exact``
(exact trust-region Newton steps on the full Hessian), then polished by full
Newton steps until the largest gradient entry is below ``gtol``, by default
:math:`10^{-12}`: the probabilities are then exact to about :math:`10^{-10}`
or better on the benchmark problems.

Examples
--------
>>> import numpy as np
>>> from benchmarks.tight_optimum import tight_optimum_probabilities
>>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
>>> P = tight_optimum_probabilities(X, np.array([0, 1, 0, 1]), C=1.0)
>>> P.shape, bool(np.allclose(P.sum(axis=1), 1))
((4, 2), True)
"""

import numpy as np
import scipy.optimize
import scipy.special

__all__ = ["binary_objective", "softmax_objective", "tight_optimum_probabilities"]


def _design(X):
    X = np.asarray(X, dtype=float)
    return np.hstack([X, np.ones((X.shape[0], 1))])


def _penalty_mask(n_classes, width, C, n):
    """:math:`1/(Cn)` on the weights, 0 on the intercepts, one row per class."""
    strength = 0.0 if np.isinf(C) else 1.0 / (C * n)
    mask = np.full((n_classes, width), strength)
    mask[:, -1] = 0.0
    return mask.ravel()


def binary_objective(X, y, C):
    """``(value_and_gradient, hessian)`` of the binary objective over :math:`(w, b)`."""
    Xt, y = _design(X), np.asarray(y, dtype=float)
    n = Xt.shape[0]
    penalty = _penalty_mask(1, Xt.shape[1], C, n)

    def value_and_gradient(theta):
        z = Xt @ theta
        value = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * np.sum(penalty * theta**2)
        gradient = Xt.T @ (scipy.special.expit(z) - y) / n + penalty * theta
        return value, gradient

    def hessian(theta):
        p = scipy.special.expit(Xt @ theta)
        return (Xt * (p * (1.0 - p))[:, None]).T @ Xt / n + np.diag(penalty)

    return value_and_gradient, hessian


def softmax_objective(X, labels, n_classes, C):
    """``(value_and_gradient, hessian)`` of the softmax objective over :math:`\\Theta`,
    flattened row by row (class by class)."""
    Xt = _design(X)
    n, width = Xt.shape
    Y = np.eye(n_classes)[labels]
    penalty = _penalty_mask(n_classes, width, C, n)

    def probabilities(theta):
        return scipy.special.softmax(Xt @ theta.reshape(n_classes, width).T, axis=1)

    def value_and_gradient(theta):
        Z = Xt @ theta.reshape(n_classes, width).T
        value = np.mean(scipy.special.logsumexp(Z, axis=1) - np.sum(Y * Z, axis=1))
        gradient = ((scipy.special.softmax(Z, axis=1) - Y).T @ Xt / n).ravel()
        return value + 0.5 * np.sum(penalty * theta**2), gradient + penalty * theta

    def hessian(theta):
        P = probabilities(theta)
        H = np.zeros((n_classes * width, n_classes * width))
        for k in range(n_classes):
            for m in range(n_classes):
                weight = P[:, k] * ((k == m) - P[:, m]) / n
                H[k * width:(k + 1) * width, m * width:(m + 1) * width] = (
                    (Xt * weight[:, None]).T @ Xt
                )
        return H + np.diag(penalty)

    return value_and_gradient, hessian


def _polish(theta, value_and_gradient, hessian, steps=3):
    """Full Newton steps (least squares, for a singular Hessian) from ``theta``; the point
    with the smallest gradient. trust-exact gives up once the decrease it predicts is below
    the rounding of the objective, which can be before the gradient is at its own rounding."""
    best, best_gradient = theta, np.max(np.abs(value_and_gradient(theta)[1]))
    for _ in range(steps):
        gradient = value_and_gradient(theta)[1]
        theta = theta - np.linalg.lstsq(hessian(theta), gradient, rcond=None)[0]
        size = np.max(np.abs(value_and_gradient(theta)[1]))
        if size < best_gradient:
            best, best_gradient = theta, size
    return best


def tight_optimum_probabilities(X, labels, C, gtol=1e-12):
    """Training-set probabilities at the optimum, shape (n, K), classes in sorted order.

    Parameters
    ----------
    X : array-like of shape (n, d)
    labels : array-like of shape (n,)
        Class labels; two classes use the binary model.
    C : float
        Inverse regularisation strength; ``np.inf`` for none.
    gtol : float, default=1e-12
        Largest gradient entry at which the minimisation stops.

    Returns
    -------
    numpy.ndarray of shape (n, K)

    Raises
    ------
    RuntimeError
        If the minimisation does not reach ``gtol``.
    """
    classes, index = np.unique(labels, return_inverse=True)
    Xt = _design(X)
    if classes.size == 2:
        value_and_gradient, hessian = binary_objective(X, index, C)
        n_params = Xt.shape[1]
    else:
        value_and_gradient, hessian = softmax_objective(X, index, classes.size, C)
        n_params = classes.size * Xt.shape[1]
    result = scipy.optimize.minimize(
        value_and_gradient, np.zeros(n_params), jac=True, hess=hessian, method="trust-exact",
        options={"gtol": gtol, "maxiter": 1000},
    )
    theta = _polish(result.x, value_and_gradient, hessian)
    gradient = np.max(np.abs(value_and_gradient(theta)[1]))
    if gradient > gtol:
        raise RuntimeError(
            f"the optimum was not reached: gradient {gradient:.1e} ({result.message})"
        )
    if classes.size == 2:
        p = scipy.special.expit(Xt @ theta)
        return np.column_stack([1.0 - p, p])
    return scipy.special.softmax(Xt @ theta.reshape(classes.size, -1).T, axis=1)
