r"""Binary logistic regression as a scikit-learn estimator."""

import numpy as np
from sklearn.base import _fit_context

from ._estimator_base import _LinearClassifier
from .activations import log_sigmoid, sigmoid
from .objectives import BinaryLogisticObjective

__all__ = ["LogisticRegression"]


class LogisticRegression(_LinearClassifier):
    r"""Binary logistic regression, fitted by Newton's method, gradient descent or SGD.

    The model is :math:`P(y = 1 \mid x) = \sigma(w^\top x + b)` with
    :math:`\sigma(z) = 1/(1 + e^{-z})`. Fitting minimises, over the
    :math:`n` training samples (labels :math:`y_i \in \{0, 1\}`, the second of
    ``classes_`` being 1),

    .. math::

        F(w, b) = \frac{1}{n} \sum_{i=1}^n \ell_i(w, b)
            + \frac{1}{C n}\Bigl(\rho \lVert w \rVert_1
            + \frac{1 - \rho}{2} \lVert w \rVert_2^2\Bigr),
        \qquad
        \ell_i = -y_i \log p_i - (1 - y_i)\log(1 - p_i),\quad p_i = \sigma(w^\top x_i + b)

    with :math:`\rho` = ``l1_ratio``; the intercept :math:`b` is never
    penalised and ``C=np.inf`` drops the penalty (maximum likelihood).
    :math:`C n F` is scikit-learn's objective
    :math:`C\sum_i \ell_i + \rho\lVert w\rVert_1 + \frac{1-\rho}{2}\lVert w\rVert_2^2`,
    so both have the same minimiser. With sample weights :math:`s_i`, the mean
    becomes :math:`\sum_i s_i \ell_i / S` and :math:`n` becomes :math:`S = \sum_i s_i`.

    Gradient and Hessian of the smooth part (:math:`\rho = 0`), with
    :math:`\tilde X = [X, \mathbf 1]` and :math:`S = \operatorname{diag}(p_i(1 - p_i))`:

    .. math::

        \nabla_w F = \frac{1}{n} X^\top (p - y) + \frac{w}{C n}, \qquad
        \frac{\partial F}{\partial b} = \frac{1}{n} \sum_i (p_i - y_i), \qquad
        \nabla^2 F = \frac{1}{n} \tilde X^\top S \tilde X
            + \frac{1}{C n} \operatorname{diag}(1, \dots, 1, 0).

    The Hessian is positive semi-definite, so :math:`F` is convex, and
    positive definite for finite ``C``: there is one minimiser.

    **Bayesian reading.** :math:`n F` is, up to a constant, the negative log
    posterior of :math:`w` under the prior
    :math:`p(w) \propto \exp\bigl(-\rho\lVert w\rVert_1/C - (1-\rho)\lVert w\rVert_2^2/(2C)\bigr)`,
    so the fit is the maximum a posteriori (MAP) estimate. ``l1_ratio=0``: a
    Gaussian prior :math:`\mathcal N(0, C I)`, :math:`C` being the prior
    variance (penalty :math:`\lVert w\rVert^2/(2C)`); ``l1_ratio=1``: a Laplace
    prior of scale :math:`C` (penalty :math:`\lVert w\rVert_1/C`), whose MAP
    sets some weights exactly to zero; in between, the elastic net.
    ``C=np.inf``: a flat prior, MAP = maximum likelihood.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation strength (the prior variance), positive;
        ``np.inf`` for no penalty.
    l1_ratio : float, default=0.0
        :math:`\rho \in [0, 1]`: 0 is the L2 (ridge) penalty, 1 the L1 (lasso)
        penalty, in between the elastic net. Ignored when ``C=np.inf``.
    fit_intercept : bool, default=True
        Whether to fit :math:`b`; otherwise :math:`b = 0`.
    solver : {'newton', 'gd', 'sgd'}, default='newton'
        - ``'newton'``: Newton's method, i.e. iteratively reweighted least
          squares (IRLS), with a backtracking line search; a handful of
          iterations. With ``l1_ratio > 0`` it is proximal Newton (each step
          minimises the quadratic model plus the L1 term by coordinate
          descent), so it stays the default for every penalty.
        - ``'gd'``: full-batch gradient descent from :math:`w = 0, b = 0` with
          the fixed step ``learning_rate``: each iteration is
          :math:`\theta \leftarrow \theta - \eta \nabla F(\theta)`, followed by
          the soft-threshold (proximal step) when ``l1_ratio > 0``.
        - ``'sgd'``: mini-batch stochastic gradient descent, reshuffled every
          epoch with ``random_state``; the same steps on mini-batch gradients.
          The batch grows by 10% per epoch (see
          :func:`course_lib.solvers.stochastic_gradient_descent`), so the
          gradient noise fades and the iterates reach the optimum instead of
          hovering around it.
    learning_rate : float, default=0.1
        Step :math:`\eta` of ``'gd'`` and ``'sgd'``, positive. Gradient descent
        converges for :math:`\eta < 2/L` with
        :math:`L \le \lambda_{\max}(\tilde X^\top \tilde X)/(4n) + 1/(Cn)`;
        0.1 suits standardised features.
    batch_size : int, default=32
        Mini-batch size of the first ``'sgd'`` epoch, positive.
    max_iter : int, default=100
        Most iterations (Newton, gd) or epochs (sgd).
    tol : float, default=1e-4
        Convergence threshold. ``'newton'`` stops after a full Newton step that
        changed no training probability by more than ``tol`` (to first order)
        and left the max-norm of the gradient of :math:`F` (of its smallest
        subgradient when ``l1_ratio > 0``) below ``tol``: the Newton step is
        the solver's estimate of the way left to the optimum, and convergence
        is quadratic, so the probabilities end far closer to the optimum than
        ``tol``, at the cost of about one iteration.
        ``'gd'`` and ``'sgd'`` stop once that max-norm is below ``tol``; a
        small gradient can still leave the probabilities far from the optimum
        when the penalty is weak. ``tol=0`` runs exactly ``max_iter`` updates
        and never warns.
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
    classes_ : numpy.ndarray of shape (2,)
        The two labels, sorted; ``classes_[1]`` is the positive class.
    coef_ : numpy.ndarray of shape (1, d)
        :math:`w`.
    intercept_ : numpy.ndarray of shape (1,)
        :math:`b` (0 when ``fit_intercept=False``).
    n_iter_ : int
        Updates performed (Newton or gd iterations, sgd epochs).
    loss_history_ : numpy.ndarray of shape (n_iter_,)
        :math:`F` after each update (epoch), for loss-curve plots.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : numpy.ndarray of shape (d,)
        Feature names, when ``X`` was a DataFrame with string column names.

    See Also
    --------
    course_lib.softmax_regression.SoftmaxRegression : more than two classes.

    Notes
    -----
    Warnings: a :class:`~sklearn.exceptions.ConvergenceWarning` when ``tol > 0``
    was not reached, and when ``C=np.inf`` on training data the fitted model
    separates perfectly (the maximum-likelihood weights are then infinite;
    the returned ones are finite, where the solver stopped).

    Examples
    --------
    >>> import numpy as np
    >>> from course_lib.logistic_regression import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> y = np.array(["no", "yes", "no", "yes"])
    >>> model = LogisticRegression(C=1.0).fit(X, y)
    >>> model.classes_
    array(['no', 'yes'], dtype='<U3')
    >>> model.predict_proba(X).shape
    (4, 2)
    >>> bool(np.allclose(model.predict_proba(X).sum(axis=1), 1.0))
    True

    Weighting the class ``"yes"`` three times as much raises its probabilities:

    >>> weighted = LogisticRegression(C=1.0, class_weight={"yes": 3.0}).fit(X, y)
    >>> p_yes, p_yes_weighted = model.predict_proba(X)[:, 1], weighted.predict_proba(X)[:, 1]
    >>> bool(np.all(p_yes_weighted > p_yes))
    True
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit :math:`w` and :math:`b` to ``X`` and two-class labels ``y``.

        Parameters
        ----------
        X : array-like of shape (n, d)
            Features, finite.
        y : array-like of shape (n,)
            Labels of exactly two classes (numbers or strings).
        sample_weight : array-like of shape (n,), optional
            Non-negative weights; a weight of 2 counts a sample twice. They are
            multiplied by the class weights of ``class_weight``.

        Returns
        -------
        self
        """
        X, y, sample_weight, class_index = self._validate_training_data(X, y, sample_weight)
        if self.classes_.size > 2:
            raise ValueError(
                "Only binary classification is supported. The type of the target is "
                f"multiclass: y holds {self.classes_.size} classes. Use "
                "course_lib.softmax_regression.SoftmaxRegression for more than two classes."
            )
        y01 = class_index.astype(np.float64)  # 1 for classes_[1], 0 for classes_[0]
        objective = BinaryLogisticObjective.from_hyperparameters(
            X, y01, C=self.C, l1_ratio=self.l1_ratio,
            fit_intercept=self.fit_intercept, sample_weight=sample_weight,
        )
        result = self._minimise(objective)
        self.coef_, self.intercept_ = objective.unpack(result.theta)
        margins = (2 * y01 - 1) * (X @ self.coef_[0] + self.intercept_[0])
        self._warn_if_separated(margins > 0, sample_weight)
        return self

    def decision_function(self, X):
        r"""The logit :math:`z = w^\top x + b` (the log-odds of ``classes_[1]``), shape (n,)."""
        return self._logits(X)[:, 0]

    def predict_proba(self, X):
        r"""Probabilities :math:`[\sigma(-z), \sigma(z)]` of ``classes_``, shape (n, 2)."""
        z = self.decision_function(X)
        return np.column_stack([sigmoid(-z), sigmoid(z)])

    def predict_log_proba(self, X):
        r"""Log-probabilities :math:`[\log\sigma(-z), \log\sigma(z)]`, exact in the tails."""
        z = self.decision_function(X)
        return np.column_stack([log_sigmoid(-z), log_sigmoid(z)])

    def predict(self, X):
        """The class of each row: ``classes_[1]`` where :math:`z > 0`, else ``classes_[0]``."""
        positive = self.decision_function(X) > 0
        return self.classes_[positive.astype(np.intp)]
