"""Benchmarks of course_lib against scikit-learn.

``python -m benchmarks`` (``make bench``) fits course_lib's estimators with
their default solver and scikit-learn's ``LogisticRegression`` (lbfgs) on the
same data (standardised; the digits as pixels / 16), both with a tight
tolerance so that they reach the same optimum, and prints a table: the
wall-clock time of each (median of alternating repetitions, more of them for
the fast cases), their ratio, the largest difference between the two models'
``predict_proba``, the iteration counts, and the gradient max-norm of the
shared objective at each solution.

``--threads 1`` pins both libraries to one BLAS thread: on a busy machine,
multi-threaded BLAS on small problems mostly measures contention.
"""
