r"""Multinomial (softmax) logistic regression as a scikit-learn estimator."""

import numpy as np
from sklearn.base import _fit_context

from ._estimator_base import _LinearClassifier
from .activations import log_softmax, softmax
from .objectives import MultinomialLogisticObjective

__all__ = ["DENSE_NEWTON_MAX_PARAMS", "SoftmaxRegression"]

DENSE_NEWTON_MAX_PARAMS = 1000
"""Up to this many parameters :math:`K(d+1)`, Newton's method forms the Hessian and solves
by Cholesky; beyond, by conjugate gradients on matrix-vector products."""


class SoftmaxRegression(_LinearClassifier):
    r"""Multinomial logistic (softmax) regression for :math:`K \ge 2` classes.

    The model is :math:`P(y = k \mid x) = \operatorname{softmax}(W x + b)_k
    = e^{w_k^\top x + b_k} / \sum_j e^{w_j^\top x + b_j}`, with one weight row
    :math:`w_k` and one intercept :math:`b_k` per class (the symmetric
    parametrisation scikit-learn uses). Fitting minimises, with one-hot labels
    :math:`Y` and :math:`\rho` = ``l1_ratio``,

    .. math::

        F(W, b) = -\frac{1}{n} \sum_{i=1}^n \sum_{k=1}^K Y_{ik} \log P_{ik}
            + \frac{1}{C n}\Bigl(\rho \lVert W \rVert_1
            + \frac{1 - \rho}{2} \lVert W \rVert_F^2\Bigr),

    the intercepts unpenalised, ``C=np.inf`` for maximum likelihood; :math:`C n F`
    is scikit-learn's objective. Gradient and Hessian of the smooth part:

    .. math::

        \nabla_{W} F = \frac{1}{n} (P - Y)^\top X + \frac{W}{C n}, \qquad
        \nabla_b F = \frac{1}{n} (P - Y)^\top \mathbf 1, \qquad
        \frac{\partial^2 F}{\partial w_{kj} \partial w_{lm}}
            = \frac{1}{n}\sum_i P_{ik}(\delta_{kl} - P_{il})\, x_{ij} x_{im}
              + \frac{\delta_{kl}\delta_{jm}}{C n}.

    Adding one vector to every :math:`w_k` (one number to every :math:`b_k`)
    leaves the probabilities unchanged, so without a penalty the minimiser is
    not unique (the probabilities are); the L2 penalty picks the one with
    :math:`\sum_k w_k = 0`. Newton's method solves its linear systems with
    the Hessian shifted along that singular direction, which leaves the step
    unchanged and keeps rounding from sending it along that direction (see
    :meth:`~course_lib.objectives.MultinomialLogisticObjective.newton_matrix`):
    by Cholesky up to ``DENSE_NEWTON_MAX_PARAMS`` parameters :math:`K(d+1)`,
    beyond by conjugate gradients on matrix-vector products, which never form
    the :math:`K(d+1)`-square matrix.

    **Bayesian reading.** As for
    :class:`~course_lib.logistic_regression.LogisticRegression`: the fit is the
    MAP estimate under a Gaussian prior :math:`\mathcal N(0, C I)` on every
    weight (``l1_ratio=0``), a Laplace prior of scale :math:`C`
    (``l1_ratio=1``), or their elastic-net mixture.

    **Two classes.** With :math:`K = 2`, :math:`P_{i2} = \sigma\bigl((w_2 - w_1)^\top x_i
    + b_2 - b_1\bigr)`: the binary model with :math:`w = w_2 - w_1`. Unpenalised,
    both fits give the same probabilities. With the L2 penalty the optimum has
    :math:`w_2 = -w_1 = w/2`, so the penalty is :math:`\lVert w\rVert^2/(4C)`:
    the same fit as ``LogisticRegression(C=2 * C)``. With the L1 penalty,
    :math:`|w_1| + |w_2| \ge |w|` with equality at the optimum: the same fit as
    ``LogisticRegression(C=C)``.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation strength (the prior variance), positive;
        ``np.inf`` for no penalty.
    l1_ratio : float, default=0.0
        :math:`\rho \in [0, 1]`: 0 L2, 1 L1, in between the elastic net.
    fit_intercept : bool, default=True
        Whether to fit the intercepts :math:`b`.
    solver : {'newton', 'gd', 'sgd'}, default='newton'
        As in :class:`~course_lib.logistic_regression.LogisticRegression`:
        ``'newton'`` (Newton-CG; proximal Newton when ``l1_ratio > 0``),
        ``'gd'`` (full batch from :math:`W = 0, b = 0`, fixed step
        ``learning_rate``, ``loss_history_[i]`` the objective after update
        ``i + 1``) or ``'sgd'`` (mini-batches, reshuffled every epoch, growing
        by 10% per epoch).
    learning_rate : float, default=0.1
        Step of ``'gd'`` and ``'sgd'``, positive.
    batch_size : int, default=32
        First-epoch mini-batch size of ``'sgd'``, positive.
    max_iter : int, default=100
        Most iterations (epochs for ``'sgd'``).
    tol : float, default=1e-4
        As in :class:`~course_lib.logistic_regression.LogisticRegression`:
        ``'newton'`` stops after a full step that changed no training
        probability by more than ``tol`` and left the max-norm of the gradient
        (smallest subgradient) below ``tol``, which puts the probabilities far
        closer to the optimum than ``tol``; ``'gd'`` and ``'sgd'`` stop on that
        max-norm alone; 0 runs exactly ``max_iter`` updates.
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the ``'sgd'`` shuffles.
    class_weight : dict, 'balanced' or None, default=None
        Weight :math:`c_k` of each class, multiplying the weight of each of its
        samples (and ``sample_weight``, when given): the loss of sample
        :math:`i` counts :math:`s_i c_{y_i}` times. ``None``: every class 1. A
        dict ``{label: weight}``: the weights of the classes it names, 1 for
        the others. ``'balanced'``: :math:`c_k = S / (K S_k)`, :math:`S_k` the
        total sample weight of class :math:`k` (its size without
        ``sample_weight``), so that every class weighs the same in the loss, as
        in scikit-learn. Reweighting moves the intercept, so the probabilities
        are no longer calibrated for the original class shares.

    Attributes
    ----------
    classes_ : numpy.ndarray of shape (K,)
        The labels, sorted.
    coef_ : numpy.ndarray of shape (K, d)
        :math:`W`, one row per class.
    intercept_ : numpy.ndarray of shape (K,)
        :math:`b`.
    n_iter_ : int
        Updates performed (epochs for ``'sgd'``).
    loss_history_ : numpy.ndarray of shape (n_iter_,)
        :math:`F` after each update (epoch).
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : numpy.ndarray of shape (d,)
        Feature names, when ``X`` was a DataFrame with string column names.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from course_lib.softmax_regression import SoftmaxRegression
    >>> X, y = load_iris(return_X_y=True)
    >>> model = SoftmaxRegression(C=10.0).fit(X, y)
    >>> model.coef_.shape
    (3, 4)
    >>> bool(model.score(X, y) > 0.95)
    True
    """

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit :math:`W` and :math:`b` to ``X`` and labels ``y`` of two or more classes.

        Parameters
        ----------
        X : array-like of shape (n, d)
            Features, finite.
        y : array-like of shape (n,)
            Labels (numbers or strings), at least two classes.
        sample_weight : array-like of shape (n,), optional
            Non-negative weights; a weight of 2 counts a sample twice. They are
            multiplied by the class weights of ``class_weight``.

        Returns
        -------
        self
        """
        X, y, sample_weight, class_index = self._validate_training_data(X, y, sample_weight)
        objective = MultinomialLogisticObjective.from_hyperparameters(
            X, class_index, n_classes=self.classes_.size, C=self.C, l1_ratio=self.l1_ratio,
            fit_intercept=self.fit_intercept, sample_weight=sample_weight,
        )
        dense = objective.n_params <= DENSE_NEWTON_MAX_PARAMS
        result = self._minimise(objective, linear_solver="cholesky" if dense else "cg")
        self.coef_, self.intercept_ = objective.unpack(result.theta)
        scores = X @ self.coef_.T + self.intercept_
        self._warn_if_separated(np.argmax(scores, axis=1) == class_index, sample_weight)
        return self

    def decision_function(self, X):
        r"""The logits :math:`Wx + b`, shape (n, K); for :math:`K = 2`, :math:`z_2 - z_1`.

        The two-class form, of shape (n,), is the log-odds of ``classes_[1]``, as scikit-learn
        expects of a binary classifier.
        """
        Z = self._logits(X)
        return Z[:, 1] - Z[:, 0] if Z.shape[1] == 2 else Z

    def predict_proba(self, X):
        r"""Class probabilities :math:`\operatorname{softmax}(Wx + b)`, shape (n, K)."""
        return softmax(self._logits(X), axis=1)

    def predict_log_proba(self, X):
        """Log-probabilities via :func:`~course_lib.activations.log_softmax`, exact in the tails."""
        return log_softmax(self._logits(X), axis=1)

    def predict(self, X):
        """The most probable class of each row."""
        most_probable = np.argmax(self._logits(X), axis=1)
        return self.classes_[most_probable]
