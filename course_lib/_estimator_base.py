"""Plumbing shared by :class:`~course_lib.logistic_regression.LogisticRegression` and
:class:`~course_lib.softmax_regression.SoftmaxRegression`.

Hyper-parameters, their validation (scikit-learn's ``_parameter_constraints``),
input checks, the choice of solver and the warnings it may lead to. The
models themselves, with their maths, live in the two public modules.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from .solvers import gradient_descent, newton, stochastic_gradient_descent


class _LinearClassifier(ClassifierMixin, BaseEstimator):
    """Base class: parameters, validation and solver dispatch."""

    _parameter_constraints: dict = {
        "C": [Interval(Real, 0, None, closed="right")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "solver": [StrOptions({"newton", "gd", "sgd"})],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        C=1.0,
        l1_ratio=0.0,
        fit_intercept=True,
        solver="newton",
        learning_rate=0.1,
        batch_size=32,
        max_iter=100,
        tol=1e-4,
        random_state=None,
        class_weight=None,
    ):
        self.C = C
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.class_weight = class_weight

    def _validate_training_data(self, X, y, sample_weight):
        """Check ``X``, ``y``, ``sample_weight`` and ``class_weight``; set ``classes_``.

        Returns ``X`` (float64), ``y``, the weights the objective uses (``None`` or
        float64: ``sample_weight`` times the class weights, see
        :meth:`_sample_weight_with_class_weight`) and ``y`` as class indices into
        ``classes_``.
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
        self.classes_, class_index = np.unique(y, return_inverse=True)
        sample_weight = self._sample_weight_with_class_weight(class_index, sample_weight)
        present = class_index if sample_weight is None else class_index[sample_weight > 0]
        if np.unique(present).size < 2:
            if present.size == 0:
                raise ValueError(
                    "Every sample has weight 0 once sample_weight and class_weight are "
                    "multiplied; at least two classes need a positive weight."
                )
            label = self.classes_[present[0]]
            label = label.item() if isinstance(label, np.generic) else label
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes, but the data "
                f"contain only one class with positive weight: {label!r}."
            )
        return X, y, sample_weight, class_index

    def _sample_weight_with_class_weight(self, class_index, sample_weight):
        r"""Weight :math:`s_i c_{y_i}` of each sample: own times class weight.

        ``class_weight=None`` leaves ``sample_weight`` as it is; a dict gives
        :math:`c_k` for the classes it names, 1 for the others; ``'balanced'``
        gives every class the same total weight,

        .. math::

            c_k = \frac{\sum_i s_i}{K \sum_{i : y_i = k} s_i}

        (:math:`s_i = 1` without ``sample_weight``: :math:`n / (K n_k)`), as
        :func:`sklearn.utils.class_weight.compute_class_weight` does.
        """
        if self.class_weight is None:
            return sample_weight
        K = self.classes_.size
        if isinstance(self.class_weight, str):  # the only string: "balanced"
            # S_k: the total weight of class k (its size without weights)
            S_k = np.bincount(class_index, weights=sample_weight, minlength=K)
            per_class = np.zeros(K)  # a class of weight 0 stays at 0
            np.divide(S_k.sum(), K * S_k, out=per_class, where=S_k > 0)
        else:
            per_class = self._class_weight_from_dict()
        weights = per_class[class_index]
        if sample_weight is None:
            return weights
        return sample_weight * weights

    def _class_weight_from_dict(self):
        """The weight of each class of ``classes_`` from the dict ``class_weight``."""
        labels = [c.item() if isinstance(c, np.generic) else c for c in self.classes_]
        unknown = [key for key in self.class_weight if key not in labels]
        if unknown:
            raise ValueError(
                f"class_weight names {unknown!r}, not among the classes of y: {labels!r}."
            )
        per_class = np.ones(len(labels))
        for k, label in enumerate(labels):
            if label not in self.class_weight:
                continue
            value = self.class_weight[label]
            if (isinstance(value, bool) or not isinstance(value, Real)
                    or not np.isfinite(value) or value < 0):
                raise ValueError(
                    f"class_weight[{label!r}] must be a finite number >= 0, got {value!r}."
                )
            per_class[k] = float(value)
        return per_class

    def _minimise(self, objective, linear_solver="cholesky"):
        """Run the chosen solver from zero; set ``n_iter_`` and ``loss_history_``.

        Warns (``ConvergenceWarning``) when ``tol > 0`` and the solver stopped
        before reaching it.
        """
        theta0 = np.zeros(objective.n_params)
        if self.solver == "newton":
            result = newton(
                objective, theta0, max_iter=self.max_iter, tol=self.tol,
                linear_solver=linear_solver,
            )
        elif self.solver == "gd":
            result = gradient_descent(
                objective, theta0, learning_rate=self.learning_rate,
                max_iter=self.max_iter, tol=self.tol,
            )
        else:
            result = stochastic_gradient_descent(
                objective, theta0, learning_rate=self.learning_rate,
                batch_size=self.batch_size, max_epochs=self.max_iter, tol=self.tol,
                random_state=self.random_state,
            )
        self.n_iter_ = result.n_iter
        self.loss_history_ = result.loss_history
        if not result.converged and self.tol > 0:
            reason = result.message or f"max_iter={self.max_iter} was reached"
            warnings.warn(
                f"{type(self).__name__} (solver={self.solver!r}) did not converge: {reason} "
                f"before the gradient's max-norm fell below tol={self.tol}. Increase max_iter, "
                "or standardise the features; for 'gd'/'sgd', tune learning_rate.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return result

    def _warn_if_separated(self, correct, sample_weight):
        """With ``C=np.inf``, warn when every (weighted) training sample is classified right."""
        if not np.isinf(self.C):
            return
        if sample_weight is not None:
            correct = correct[sample_weight > 0]
        if np.all(correct):
            warnings.warn(
                "The training data are perfectly separated by the fitted model and C=np.inf: "
                "the maximum-likelihood weights are infinite, so the returned ones only say "
                "where the solver stopped (they grow with max_iter and shrink with tol). "
                "Use a finite C, i.e. a prior on the weights.",
                ConvergenceWarning,
                stacklevel=3,
            )

    def _logits(self, X):
        """Validated ``X`` times ``coef_`` transposed, plus ``intercept_``: shape (n, K)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_.T + self.intercept_
