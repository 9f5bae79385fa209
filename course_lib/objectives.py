r"""Penalised objectives of binary and multinomial logistic regression.

Both models are written over one flat parameter vector :math:`\theta`, so that
the solvers in :mod:`course_lib.solvers` need not know which model they fit.
:math:`\theta` is the coefficient matrix :math:`\Theta` of shape
:math:`(K, d + 1)` flattened row by row: row :math:`k` holds the weights
:math:`w_k` of class :math:`k` followed by its intercept :math:`b_k` (no
intercept column when ``fit_intercept=False``). The binary model has one row,
:math:`\theta = (w, b)`.

The objective, with sample weights :math:`s_i` (all one by default) and
:math:`S = \sum_i s_i` (:math:`= n`), is

.. math::

    F(\theta) = \underbrace{\frac{1}{S}\sum_{i=1}^{n} s_i\, \ell_i(\theta)
        + \frac{\alpha_2}{2} \lVert W \rVert_F^2}_{f(\theta),\ \text{smooth}}
        + \underbrace{\alpha_1 \lVert W \rVert_1}_{\text{not smooth}},
    \qquad
    \alpha_1 = \frac{\rho}{C S}, \quad \alpha_2 = \frac{1 - \rho}{C S},

where :math:`\ell_i` is the cross-entropy of sample :math:`i`, :math:`W` the
weights without the intercepts (never penalised), :math:`C` the inverse
regularisation strength and :math:`\rho` the ``l1_ratio``. :math:`C = \infty`
gives :math:`\alpha_1 = \alpha_2 = 0`: maximum likelihood. Multiplying
:math:`F` by :math:`C S` gives scikit-learn's form
:math:`C \sum_i s_i \ell_i + \rho \lVert W \rVert_1 + \frac{1-\rho}{2}\lVert W \rVert_2^2`:
the same minimiser.

The objects below give the solvers what they need: the full value
:math:`F`, the value and gradient of the smooth part :math:`f`, its Hessian,
how far a step moves the predicted probabilities (for Newton's stopping
rule), the strength :math:`\alpha_1` and the mask of penalised entries (for
the proximal step on the non-smooth part), and the same objective on a subset
of the rows (for mini-batches).
"""

import numpy as np

from .activations import log_sigmoid, log_softmax, sigmoid
from .losses import one_hot

__all__ = [
    "BinaryLogisticObjective",
    "MultinomialLogisticObjective",
    "penalty_strengths",
]


def penalty_strengths(C, l1_ratio, total_weight):
    r"""Strengths :math:`(\alpha_1, \alpha_2)` of the L1 and L2 penalties.

    .. math::

        \alpha_1 = \frac{\rho}{C S}, \qquad \alpha_2 = \frac{1 - \rho}{C S}

    Parameters
    ----------
    C : float
        Inverse regularisation strength, positive; ``np.inf`` for none.
    l1_ratio : float
        :math:`\rho \in [0, 1]`.
    total_weight : float
        :math:`S`, the number of samples or the sum of the sample weights.

    Returns
    -------
    l1_strength, l2_strength : float
    """
    if not C > 0:
        raise ValueError(f"C must be positive, got {C!r}.")
    if not 0 <= l1_ratio <= 1:
        raise ValueError(f"l1_ratio must lie in [0, 1], got {l1_ratio!r}.")
    if np.isinf(C):
        return 0.0, 0.0
    scale = 1.0 / (C * total_weight)
    return float(l1_ratio * scale), float((1.0 - l1_ratio) * scale)


def _max_abs(x):
    return float(np.max(np.abs(x))) if x.size else 0.0


class _PenalisedLinearObjective:
    """What the binary and multinomial objectives share: layout, weights, penalty."""

    n_rows = 1  # rows of the coefficient matrix; the multinomial model has K

    def __init__(
        self, X, targets, *, l1_strength=0.0, l2_strength=0.0, fit_intercept=True,
        sample_weight=None,
    ):
        self.X = X
        self.targets = targets
        self.n_samples, self.n_features = X.shape
        self.fit_intercept = bool(fit_intercept)
        self.l1_strength = float(l1_strength)
        self.l2_strength = float(l2_strength)
        self.sample_weight = sample_weight
        if sample_weight is None:
            self._omega = 1.0 / self.n_samples
        else:
            self._omega = sample_weight / np.sum(sample_weight)
        self.coef_shape = (self.n_rows, self.n_features + self.fit_intercept)
        self.n_params = self.coef_shape[0] * self.coef_shape[1]
        mask = np.ones(self.coef_shape, dtype=bool)
        if self.fit_intercept:
            mask[:, -1] = False
        self.penalised = mask.ravel()
        self._cached_theta = None
        self._memo = {}

    @classmethod
    def from_hyperparameters(
        cls, X, y, *, C=np.inf, l1_ratio=0.0, fit_intercept=True, sample_weight=None,
        **model_options,
    ):
        r"""Build the objective from ``C`` and ``l1_ratio``.

        :math:`S` is the number of samples, or the sum of ``sample_weight``;
        ``model_options`` go to the constructor (``n_classes`` for the
        multinomial model).
        """
        total = X.shape[0] if sample_weight is None else float(np.sum(sample_weight))
        l1_strength, l2_strength = penalty_strengths(C, l1_ratio, total)
        return cls(
            X, y, l1_strength=l1_strength, l2_strength=l2_strength,
            fit_intercept=fit_intercept, sample_weight=sample_weight, **model_options,
        )

    def batch(self, rows):
        """The same objective, with the same penalty strengths, on ``X[rows]``.

        Its smooth gradient is an estimate of the full one, as mini-batch SGD needs.
        """
        weights = None if self.sample_weight is None else self.sample_weight[rows]
        return type(self)(
            self.X[rows], self.targets[rows], l1_strength=self.l1_strength,
            l2_strength=self.l2_strength, fit_intercept=self.fit_intercept,
            sample_weight=weights,
        )

    def unpack(self, theta):
        """Split ``theta`` into weights of shape (K, d) and intercepts of shape (K,)."""
        Theta = np.asarray(theta).reshape(self.coef_shape)
        coef = Theta[:, : self.n_features].copy()
        if self.fit_intercept:
            return coef, Theta[:, -1].copy()
        return coef, np.zeros(self.n_rows)

    def _logits(self, theta):
        """The logits at ``theta``. They, and what derives from them, are kept for the
        last ``theta``: Newton's method asks for value, gradient and Hessian at one point."""
        if self._cached_theta is None or not (theta == self._cached_theta).all():
            self._memo = {"logits": self._compute_logits(theta)}
            self._cached_theta = np.array(theta, copy=True)
        return self._memo["logits"]

    def _remember(self, theta, key, compute):
        """``compute(logits)``, computed once per ``theta``."""
        logits = self._logits(theta)
        if key not in self._memo:
            self._memo[key] = compute(logits)
        return self._memo[key]

    def _compute_logits(self, theta):
        coef, intercept = self.unpack(theta)
        return self.X @ coef.T + intercept

    def _l2_value(self, theta):
        weights = theta[self.penalised]
        return 0.5 * self.l2_strength * float(weights @ weights)

    def _l2_value_and_gradient(self, theta):
        grad = np.zeros_like(theta)
        grad[self.penalised] = self.l2_strength * theta[self.penalised]
        return self._l2_value(theta), grad

    def l1_penalty(self, theta):
        r""":math:`\alpha_1 \lVert W \rVert_1`, the non-smooth part of the objective."""
        if self.l1_strength == 0:
            return 0.0
        return self.l1_strength * float(np.sum(np.abs(theta[self.penalised])))

    def value(self, theta):
        r"""The objective :math:`F(\theta) = f(\theta) + \alpha_1 \lVert W \rVert_1`."""
        return self.smooth_value(theta) + self.l1_penalty(theta)

    def smooth_value(self, theta):
        r"""The smooth part :math:`f(\theta)` alone (no gradient computed)."""
        return self._mean_loss(theta) + self._l2_value(theta)

    def smooth_gradient(self, theta):
        """The gradient of the smooth part, :math:`\\nabla f(\\theta)`."""
        return self.smooth_value_and_gradient(theta)[1]

    def newton_matrix(self, theta):
        """The matrix Newton's method solves with: the Hessian of :math:`f`."""
        return self.hessian(theta)

    def newton_product(self, theta, vector):
        """:meth:`newton_matrix` times a vector: the Hessian of :math:`f` times it."""
        return self.hessian_product(theta, vector)


class BinaryLogisticObjective(_PenalisedLinearObjective):
    r"""Penalised mean binary cross-entropy of :math:`\sigma(Xw + b)`.

    With :math:`z = Xw + b`, :math:`p = \sigma(z)` and sample weights
    :math:`\omega_i = s_i / S` (:math:`= 1/n` by default),

    .. math::

        f(w, b) &= -\sum_i \omega_i \bigl[y_i \log p_i + (1-y_i)\log(1-p_i)\bigr]
                   + \frac{\alpha_2}{2}\lVert w \rVert^2 \\
        \nabla_w f &= X^\top \bigl(\omega \odot (p - y)\bigr) + \alpha_2 w, \qquad
        \partial_b f = \sum_i \omega_i (p_i - y_i) \\
        \nabla^2 f &= \tilde X^\top \operatorname{diag}\bigl(\omega_i p_i (1-p_i)\bigr) \tilde X
                      + \alpha_2 \operatorname{diag}(1, \dots, 1, 0)

    with :math:`\tilde X = [X, \mathbf 1]`. The loss of sample :math:`i` is
    computed as :math:`-\log\sigma\bigl((2y_i - 1) z_i\bigr)`, exact for every
    finite logit.

    Parameters
    ----------
    X : numpy.ndarray of shape (n, d)
        Features, float64.
    targets : numpy.ndarray of shape (n,)
        Labels, each 0 or 1.
    l1_strength, l2_strength : float, default=0.0
        :math:`\alpha_1` and :math:`\alpha_2`; see :func:`penalty_strengths` and
        :meth:`from_hyperparameters`.
    fit_intercept : bool, default=True
        Whether :math:`\theta` ends with an intercept.
    sample_weight : numpy.ndarray of shape (n,), optional
        Non-negative weights :math:`s_i`.
    """

    def __init__(self, X, targets, **kwargs):
        super().__init__(X, targets, **kwargs)
        self._signs = 2.0 * targets - 1.0
        self._scaled_X = None

    def _compute_logits(self, theta):
        z = self.X @ theta[: self.n_features]
        if self.fit_intercept:
            z += theta[-1]
        return z

    def _mean_loss(self, theta):
        return self._remember(
            theta, "loss", lambda z: -float(np.sum(log_sigmoid(self._signs * z) * self._omega))
        )

    def _probabilities(self, theta):
        return self._remember(theta, "probabilities", sigmoid)

    def smooth_value_and_gradient(self, theta):
        """Value and gradient of the smooth part :math:`f`, as ``(float, ndarray)``."""
        value = self._mean_loss(theta)
        residual = (self._probabilities(theta) - self.targets) * self._omega
        penalty, grad = self._l2_value_and_gradient(theta)
        grad[: self.n_features] += self.X.T @ residual
        if self.fit_intercept:
            grad[-1] += residual.sum()
        return value + penalty, grad

    def hessian(self, theta):
        r"""The Hessian of :math:`f`, shape (p, p), the intercept last."""
        p = self._probabilities(theta)
        curvature = p * (1.0 - p) * self._omega
        d = self.n_features
        H = np.empty((self.n_params, self.n_params))
        if self._scaled_X is None:  # reused across iterations: X can be large
            self._scaled_X = np.empty_like(self.X)
        scaled = np.multiply(
            self.X, np.sqrt(curvature)[:, None], out=self._scaled_X
        )
        H[:d, :d] = scaled.T @ scaled
        if self.fit_intercept:
            H[:d, d] = H[d, :d] = self.X.T @ curvature
            H[d, d] = curvature.sum()
        H[np.diag_indices_from(H)] += self.l2_strength * self.penalised
        return H

    def _probability_differential(self, theta, vector):
        r""":math:`p \odot (1 - p) \odot \tilde X v`, the first-order change of :math:`p`
        along :math:`v`."""
        p = self._probabilities(theta)
        return p * (1.0 - p) * self._compute_logits(np.asarray(vector, dtype=float))

    def prediction_change(self, theta, direction):
        r"""Largest first-order change of a training probability along ``direction``:
        :math:`\max_i p_i (1 - p_i)\,\lvert \tilde x_i^\top v \rvert`."""
        return _max_abs(self._probability_differential(theta, direction))

    def hessian_product(self, theta, vector):
        r"""The Hessian of :math:`f` times a vector:
        :math:`\tilde X^\top (c \odot \tilde X v) + \alpha_2 v_{\text{penalised}}`,
        with :math:`c_i = \omega_i p_i (1 - p_i)`."""
        vector = np.asarray(vector, dtype=float)
        d = self.n_features
        weighted = self._probability_differential(theta, vector) * self._omega
        out = self.l2_strength * self.penalised * vector
        out[:d] += self.X.T @ weighted
        if self.fit_intercept:
            out[d] += weighted.sum()
        return out


class MultinomialLogisticObjective(_PenalisedLinearObjective):
    r"""Penalised mean categorical cross-entropy of :math:`\operatorname{softmax}(XW^\top + b)`.

    With :math:`P = \operatorname{softmax}(X W^\top + \mathbf 1 b^\top)`, one-hot
    labels :math:`Y` and sample weights :math:`\omega_i = s_i / S`,

    .. math::

        f(W, b) &= -\sum_i \omega_i \sum_k Y_{ik} \log P_{ik}
                   + \frac{\alpha_2}{2}\lVert W \rVert_F^2 \\
        \nabla_{W} f &= \bigl(\omega \odot (P - Y)\bigr)^\top X + \alpha_2 W, \qquad
        \nabla_b f = \bigl(\omega \odot (P - Y)\bigr)^\top \mathbf 1 \\
        \frac{\partial^2 f}{\partial \theta_{kj}\, \partial \theta_{lm}}
            &= \sum_i \omega_i P_{ik} (\delta_{kl} - P_{il}) \tilde x_{ij} \tilde x_{im}
               + \alpha_2 \delta_{kl}\delta_{jm} [j \le d]

    with :math:`\tilde x_i = (x_i, 1)`. All :math:`K` classes carry weights
    (the symmetric parametrisation scikit-learn uses), so adding one vector to
    every row of :math:`\Theta` leaves :math:`P` unchanged: the Hessian of the
    loss is singular in those directions, see :meth:`newton_matrix`.

    Parameters
    ----------
    X : numpy.ndarray of shape (n, d)
        Features, float64.
    targets : numpy.ndarray of shape (n,)
        Class indices :math:`0, \dots, K-1`.
    n_classes : int, optional
        :math:`K`; by default ``targets.max() + 1``.
    l1_strength, l2_strength, fit_intercept, sample_weight
        As in :class:`BinaryLogisticObjective`.
    """

    def __init__(self, X, targets, n_classes=None, **kwargs):
        targets = np.asarray(targets, dtype=np.intp)
        self.n_rows = int(targets.max()) + 1 if n_classes is None else int(n_classes)
        super().__init__(X, targets, **kwargs)
        self._Y = one_hot(targets, self.n_rows)
        self._X_with_ones = None
        self._row_norms = None  # squared norms of the rows of X with its column of ones

    def batch(self, rows):
        weights = None if self.sample_weight is None else self.sample_weight[rows]
        return type(self)(
            self.X[rows], self.targets[rows], n_classes=self.n_rows,
            l1_strength=self.l1_strength, l2_strength=self.l2_strength,
            fit_intercept=self.fit_intercept, sample_weight=weights,
        )

    def _sample_weights_column(self):
        return self._omega if np.ndim(self._omega) == 0 else self._omega[:, None]

    def _log_probabilities(self, theta):
        return self._remember(theta, "log_probabilities", lambda Z: log_softmax(Z, axis=1))

    def _probabilities(self, theta):
        return self._remember(
            theta, "probabilities", lambda Z: np.exp(self._log_probabilities(theta))
        )

    def _mean_loss(self, theta):
        log_P = self._log_probabilities(theta)
        losses = -log_P[np.arange(self.n_samples), self.targets]
        return float(np.sum(losses * self._omega))

    def smooth_value_and_gradient(self, theta):
        """Value and gradient of the smooth part :math:`f`.

        Returned as ``(float, ndarray)``.
        """
        value = self._mean_loss(theta)
        weights = self._sample_weights_column()
        residual = (self._probabilities(theta) - self._Y) * weights
        penalty, grad = self._l2_value_and_gradient(theta)
        grad_matrix = grad.reshape(self.coef_shape)
        grad_matrix[:, : self.n_features] += residual.T @ self.X
        if self.fit_intercept:
            grad_matrix[:, -1] += residual.sum(axis=0)
        return value + penalty, grad

    def _design(self):
        r""":math:`\tilde X`: the features with a column of ones when there is an intercept."""
        if not self.fit_intercept:
            return self.X
        if self._X_with_ones is None:
            self._X_with_ones = np.hstack([self.X, np.ones((self.n_samples, 1))])
        return self._X_with_ones

    def hessian(self, theta):
        r"""The Hessian of :math:`f`, shape (p, p), in the order of :math:`\theta`.

        Built as the block-diagonal part
        :math:`\tilde X^\top \operatorname{diag}(\omega \odot P_{:k}) \tilde X`
        minus :math:`M^\top M` with :math:`M = [\sqrt{\omega} \odot P_{:k} \odot \tilde X]_k`
        of shape :math:`(n, K(d+1))`.
        """
        P = self._probabilities(theta)
        Xt = self._design()
        K, width = self.coef_shape
        root_omega = np.sqrt(self._sample_weights_column())
        M = (Xt[:, None, :] * (P * root_omega)[:, :, None]).reshape(self.n_samples, -1)
        H = -(M.T @ M)
        root = np.sqrt(P) * root_omega
        for k in range(K):
            scaled = Xt * root[:, k : k + 1]
            block = slice(k * width, (k + 1) * width)
            H[block, block] += scaled.T @ scaled
        H[np.diag_indices_from(H)] += self.l2_strength * self.penalised
        return H

    def _probability_differential(self, theta, vector):
        r"""The first-order change of :math:`P` along ``vector``:
        :math:`P \odot A - P \odot (P \odot A)\mathbf 1` with :math:`A = \tilde X V^\top`,
        :math:`V` the vector as a :math:`(K, d+1)` matrix."""
        P = self._probabilities(theta)
        PA = P * self._compute_logits(np.asarray(vector, dtype=float))
        return PA - P * PA.sum(axis=1, keepdims=True)

    def prediction_change(self, theta, direction):
        r"""Largest first-order change of a training probability :math:`P_{ik}` along
        ``direction``."""
        return _max_abs(self._probability_differential(theta, direction))

    def hessian_product(self, theta, vector):
        r"""The Hessian of :math:`f` times a vector, without forming the Hessian.

        With :math:`V` the vector as a :math:`(K, d+1)` matrix and
        :math:`A = \tilde X V^\top`, the product is
        :math:`\bigl(\omega \odot (P \odot A - P \odot (P \odot A)\mathbf 1)\bigr)^\top \tilde X
        + \alpha_2 V_{\text{penalised}}`.
        """
        T = self._probability_differential(theta, vector) * self._sample_weights_column()
        out = np.zeros(self.coef_shape)
        out[:, : self.n_features] = T.T @ self.X
        if self.fit_intercept:
            out[:, -1] = T.sum(axis=0)
        out = out.ravel()
        out += self.l2_strength * self.penalised * np.ravel(vector)
        return out

    def _shared_direction_shift(self, theta):
        r"""The :math:`c` of :meth:`newton_matrix`: the mean diagonal entry of the Hessian,
        :math:`\frac{1}{p}\bigl(\sum_i \omega_i \lVert \tilde x_i \rVert^2
        \sum_k P_{ik}(1 - P_{ik}) + \alpha_2 K d\bigr)`, so that the shift is on the
        Hessian's own scale."""
        if self._row_norms is None:
            self._row_norms = np.sum(self.X**2, axis=1) + self.fit_intercept

        def shift(logits):
            P = self._probabilities(theta)
            curvature = np.sum(self._omega * self._row_norms * np.sum(P * (1.0 - P), axis=1))
            penalty = self.l2_strength * np.sum(self.penalised)
            return max(float(curvature + penalty) / self.n_params, np.finfo(float).tiny)

        return self._remember(theta, "shared_direction_shift", shift)

    def newton_matrix(self, theta):
        r"""The Hessian plus :math:`c\,(\tfrac{1}{K}\mathbf 1 \mathbf 1^\top \otimes I)`.

        Adding one vector to every row of :math:`\Theta` changes neither the
        probabilities nor (when the class-sums of the weights are zero, as
        they stay from a zero start) the gradient's direction: the gradient is
        orthogonal to these directions :math:`N`, and the Hessian maps
        :math:`N` and its complement into themselves. The loss Hessian is zero
        on :math:`N`, so without a penalty the Newton system is singular.
        Adding :math:`c` times the projector onto :math:`N` makes it positive
        definite and leaves the Newton step, which lies in the complement,
        unchanged. :math:`c` is the mean diagonal entry of the Hessian.
        """
        H = self.hessian(theta)
        K, width = self.coef_shape
        c = self._shared_direction_shift(theta)
        same_feature = np.arange(width)
        H.reshape(K, width, K, width)[:, same_feature, :, same_feature] += c / K  # c Pi_N
        return H

    def newton_product(self, theta, vector):
        r""":meth:`newton_matrix` times a vector, without forming the matrix.

        The conjugate gradients of Newton's method solve with it rather than with
        the Hessian: rounding leaves the gradient a component of order
        :math:`10^{-17}` along :math:`N`, which the Hessian, zero there, would turn
        into a huge step (harmless to the probabilities, but ruinous to the
        rounding of the logits).
        """
        V = np.asarray(vector, dtype=float).reshape(self.coef_shape)
        shared = np.broadcast_to(V.mean(axis=0), V.shape).ravel()
        return self.hessian_product(theta, vector) + self._shared_direction_shift(theta) * shared
