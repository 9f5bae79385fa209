r"""Choosing a hyper-parameter from cross-validation scores: the one-standard-error rule.

:class:`sklearn.model_selection.GridSearchCV` keeps the candidate with the best
mean score over the folds. That mean is itself an estimate, with an error: the
best candidate may win by less than the noise of the comparison. The rule of
Breiman et al. (1984), popular through Hastie, Tibshirani and Friedman's *The
Elements of Statistical Learning* (section 7.10), prefers the simplest model
whose mean score is within one standard error of the best one.
"""

import numpy as np

__all__ = ["one_standard_error_index"]


def one_standard_error_index(cv_results, param, simplest="smallest"):
    r"""Index of the simplest candidate whose score is within one standard error of the best.

    With :math:`K` folds and fold scores :math:`s_{1}, \dots, s_{K}` of the best
    candidate (the largest mean :math:`\bar s^*`), its standard error is

    .. math::

        \mathrm{se}^* = \frac{\operatorname{sd}(s_1, \dots, s_K)}{\sqrt K}
        \quad (\text{sample standard deviation, } K - 1 \text{ in the denominator}),

    and the rule keeps, among the candidates with
    :math:`\bar s \ge \bar s^* - \mathrm{se}^*`, the simplest one: for a
    logistic regression the smallest ``C``, the strongest penalty. The folds
    share training samples, so the fold scores are not independent and
    :math:`\mathrm{se}^*` is only a rough yardstick; the rule is a habit
    against over-tuning, not a test.

    Passed as ``refit=functools.partial(one_standard_error_index, param=...)``
    to :class:`~sklearn.model_selection.GridSearchCV`, it makes the search keep
    (and refit) that candidate instead of the best one.

    Parameters
    ----------
    cv_results : dict
        ``GridSearchCV.cv_results_``, or a dict with the same keys: ``mean_test_score``,
        ``split0_test_score``, ``split1_test_score``, ... (one per fold, larger
        is better) and ``param_<param>``. A single score only (no ``refit`` by
        name with several scorers).
    param : str
        The hyper-parameter that sets the complexity, as named in
        ``cv_results`` without ``param_``, e.g. ``"logisticregression__C"``.
    simplest : {"smallest", "largest"}, default="smallest"
        Whether the smallest value of ``param`` is the simplest model (``C``) or
        the largest (a penalty strength such as ``alpha``).

    Returns
    -------
    int
        Index of the chosen candidate in ``cv_results``.

    Raises
    ------
    ValueError
        If ``simplest`` is unknown, a key is missing, there are fewer than 2
        folds, or a score or value of ``param`` is not a finite number
        (``C=np.inf`` is allowed: it is the least simple).

    Examples
    --------
    >>> from course_lib.model_selection import one_standard_error_index
    >>> results = {
    ...     "param_C": [0.01, 0.1, 1.0],
    ...     "mean_test_score": [0.80, 0.86, 0.87],
    ...     "split0_test_score": [0.78, 0.84, 0.85],
    ...     "split1_test_score": [0.82, 0.88, 0.89],
    ... }
    >>> one_standard_error_index(results, "C")  # 0.86 >= 0.87 - 0.02
    1
    """
    if simplest not in ("smallest", "largest"):
        raise ValueError(f"simplest must be 'smallest' or 'largest', got {simplest!r}.")
    key = f"param_{param}"
    if key not in cv_results:
        names = sorted(k[len("param_"):] for k in cv_results if k.startswith("param_"))
        raise ValueError(f"cv_results has no {key!r}; its parameters are {names}.")
    if "mean_test_score" not in cv_results:
        raise ValueError("cv_results has no 'mean_test_score' (one scorer, larger is better).")
    folds = []
    while f"split{len(folds)}_test_score" in cv_results:
        folds.append(np.asarray(cv_results[f"split{len(folds)}_test_score"], dtype=np.float64))
    if len(folds) < 2:
        raise ValueError(f"cv_results must hold at least 2 folds' scores, found {len(folds)}.")
    scores = np.column_stack(folds)
    mean = np.asarray(cv_results["mean_test_score"], dtype=np.float64)
    try:
        values = np.asarray(cv_results[key], dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{key} must hold numbers.") from None
    if not (np.all(np.isfinite(scores)) and np.all(np.isfinite(mean))):
        raise ValueError("The test scores must be finite numbers (no NaN from a failed fit).")
    if np.any(np.isnan(values)):
        raise ValueError(f"{key} contains NaN.")
    best = int(np.argmax(mean))
    standard_error = np.std(scores[best], ddof=1) / np.sqrt(scores.shape[1])
    eligible = np.flatnonzero(mean >= mean[best] - standard_error)
    sign = 1.0 if simplest == "smallest" else -1.0
    return int(eligible[np.argmin(sign * values[eligible])])
