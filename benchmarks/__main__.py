"""Run the course_lib vs scikit-learn benchmark and print the tables: ``python -m benchmarks``.

The first table fits both libraries tightly (``tol=1e-10``); the second with their default
settings, each measured against the exact optimum (:mod:`benchmarks.tight_optimum`).
"""

import argparse
import statistics
import time
import warnings
from functools import partial

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from benchmarks.default_cases import ACCURACY, DEFAULT_CASES
from benchmarks.tight_optimum import tight_optimum_probabilities
from course_lib.datasets import make_churn
from course_lib.logistic_regression import LogisticRegression
from course_lib.objectives import BinaryLogisticObjective, MultinomialLogisticObjective
from course_lib.softmax_regression import SoftmaxRegression

TOL = 1e-10  # tight on both sides, so both reach the optimum
C = 1.0


def _churn():
    """The course's churn customers (5000 x 7, ``course_lib.datasets.make_churn``), standardised."""
    X, y, _ = make_churn(n_samples=5000, random_state=0, as_frame=False)
    return StandardScaler().fit_transform(X), y


def _digits_binary():
    digits = load_digits()
    keep = digits.target <= 1
    return digits.data[keep] / 16.0, digits.target[keep]


def _digits_multiclass():
    digits = load_digits()
    return digits.data / 16.0, digits.target


def _synthetic(n_samples, n_features):
    X, y = make_classification(
        n_samples=n_samples, n_features=n_features, n_informative=n_features // 2,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


def cases(quick=False):
    """``(name, estimator class, loader)`` for every benchmark case."""
    listed = [
        ("breast cancer", LogisticRegression,
         lambda: (StandardScaler().fit_transform(load_breast_cancer().data),
                  load_breast_cancer().target)),
        ("churn", LogisticRegression, _churn),
        ("digits 0 vs 1", LogisticRegression, _digits_binary),
        ("synthetic", LogisticRegression, lambda: _synthetic(100_000, 50)),
        ("synthetic", LogisticRegression, lambda: _synthetic(1_000_000, 20)),
        ("digits 10 classes", SoftmaxRegression, _digits_multiclass),
    ]
    if quick:
        listed = [case for case in listed if case[0] != "synthetic"]
    return listed


def _gradient_max_norm(model, X, y):
    """Max-norm of the gradient of the shared objective at a fitted model's parameters."""
    class_index = np.searchsorted(model.classes_, y)
    theta = np.column_stack([model.coef_, model.intercept_]).ravel()
    if model.classes_.size == 2:
        objective = BinaryLogisticObjective.from_hyperparameters(X, class_index.astype(float), C=C)
    else:
        objective = MultinomialLogisticObjective.from_hyperparameters(X, class_index, C=C)
    return float(np.max(np.abs(objective.smooth_gradient(theta))))


def _median_times(make_ours, make_theirs, X, y, repeats, budget=1.0):
    """Median fit times of both models, fitted alternately so that both see the same load.

    Fast cases are repeated more (up to ``budget`` seconds in all), since the
    median of a few millisecond-long fits is mostly noise on a busy machine.
    Returns the two medians and the last fitted models.
    """
    times = {"ours": [], "theirs": []}
    models = {}
    while True:
        for key, make_model in (("ours", make_ours), ("theirs", make_theirs)):
            start = time.perf_counter()
            models[key] = make_model().fit(X, y)
            times[key].append(time.perf_counter() - start)
        done = len(times["ours"])
        spent = sum(times["ours"]) + sum(times["theirs"])
        if done >= repeats and (spent >= budget or done >= 100):
            break
    return (statistics.median(times["ours"]), statistics.median(times["theirs"]),
            models["ours"], models["theirs"])


def run(repeats=3, quick=False):
    """Time every case; return a list of result rows (dicts)."""
    rows = []
    for name, estimator, load in cases(quick):
        X, y = load()
        ours_time, theirs_time, ours, theirs = _median_times(
            partial(estimator, C=C, tol=TOL),
            partial(SklearnLogisticRegression, C=C, tol=TOL, max_iter=10_000),
            X, y, repeats,
        )
        difference = np.max(np.abs(ours.predict_proba(X) - theirs.predict_proba(X)))
        rows.append({
            "case": f"{name} ({estimator.__name__})",
            "shape": f"{X.shape[0]} x {X.shape[1]}",
            "ours": ours_time,
            "sklearn": theirs_time,
            "ratio": ours_time / theirs_time,
            "max_proba_diff": difference,
            "iterations": f"{ours.n_iter_} / {int(np.max(theirs.n_iter_))}",
            "gradients": " / ".join(
                f"{_gradient_max_norm(model, X, y):.0e}" for model in (ours, theirs)
            ),
        })
    return rows


def run_defaults(repeats=3):
    """Both libraries at their default settings (only ``C`` set) on the default-accuracy
    cases; probabilities measured against the exact optimum. Returns result rows (dicts)."""
    rows = []
    for name, make_ours, C, load in DEFAULT_CASES:
        X, y = load()
        optimum = tight_optimum_probabilities(X, y, C)
        warned = {"ours": set(), "theirs": set()}
        ours_time, theirs_time, ours, theirs = _median_times(
            partial(_WarningRecorder, make_ours, warned["ours"]),
            partial(_WarningRecorder, partial(SklearnLogisticRegression, C=C), warned["theirs"]),
            X, y, repeats,
        )
        rows.append({
            "case": name,
            "shape": f"{X.shape[0]} x {X.shape[1]}",
            "ours": ours_time,
            "sklearn": theirs_time,
            "ratio": ours_time / theirs_time,
            "ours_gap": np.max(np.abs(ours.predict_proba(X) - optimum)),
            "sklearn_gap": np.max(np.abs(theirs.predict_proba(X) - optimum)),
            "iterations": f"{ours.model.n_iter_} / {int(np.max(theirs.model.n_iter_))}",
            "warnings": " / ".join("yes" if warned[key] else "no" for key in ("ours", "theirs")),
        })
    return rows


class _WarningRecorder:
    """Fits ``make_model()`` as ``model``, adding to the set ``warned`` when it raises a
    ConvergenceWarning (scikit-learn's defaults may stop at max_iter)."""

    def __init__(self, make_model, warned):
        self.make_model, self.warned = make_model, warned

    def fit(self, X, y):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            self.model = self.make_model().fit(X, y)
        if any(issubclass(w.category, ConvergenceWarning) for w in caught):
            self.warned.add(True)
        return self

    def predict_proba(self, X):
        return self.model.predict_proba(X)


def format_defaults_table(rows):
    """The default-settings rows as a plain-text table."""
    header = ("case", "n x d", "ours (s)", "sklearn (s)", "ours/sklearn", "|dp| ours",
              "|dp| sklearn", "iters ours/sk", "warned ours/sk")
    body = [
        (r["case"], r["shape"], f"{r['ours']:.4f}", f"{r['sklearn']:.4f}", f"{r['ratio']:.2f}",
         f"{r['ours_gap']:.1e}", f"{r['sklearn_gap']:.1e}", r["iterations"], r["warnings"])
        for r in rows
    ]
    return _plain_table(header, body)


def format_table(rows):
    """The rows as a plain-text table."""
    header = ("case", "n x d", "ours (s)", "sklearn (s)", "ours/sklearn",
              "max |dproba|", "iters ours/sk", "|grad| ours/sk")
    body = [
        (r["case"], r["shape"], f"{r['ours']:.4f}", f"{r['sklearn']:.4f}",
         f"{r['ratio']:.2f}", f"{r['max_proba_diff']:.1e}", r["iterations"], r["gradients"])
        for r in rows
    ]
    return _plain_table(header, body)


def _plain_table(header, body):
    widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True))
             for line in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--repeats", type=int, default=3,
                        help="fewest timed fits per case (fast cases get more); the median counts")
    parser.add_argument("--quick", action="store_true", help="leave out the large synthetic cases")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS threads for both libraries (default: the BLAS default)")
    args = parser.parse_args(argv)
    threads = "BLAS default threads" if args.threads is None else f"{args.threads} BLAS thread(s)"
    print(f"course_lib default solver (Newton) vs scikit-learn {sklearn.__version__} lbfgs; "
          f"C={C}, tol={TOL} on both sides; median of at least {args.repeats} alternating fits; "
          f"{threads}.")
    with threadpool_limits(limits=args.threads, user_api="blas"):
        rows = run(args.repeats, args.quick)
    # Fits of a few milliseconds: extra BLAS threads only make both sides wait for a core.
    with threadpool_limits(limits=1, user_api="blas"):
        default_rows = run_defaults(args.repeats)
    print(format_table(rows))
    print("|grad|: max-norm of the gradient of the common objective at each solution; lbfgs "
          "also stops on a relative decrease of the objective below 64 machine epsilons, which "
          "can leave its gradient above tol.")
    print()
    print("Default settings on both sides (only C set): course_lib Newton, tol=1e-4; "
          "scikit-learn lbfgs, tol=1e-4, max_iter=100; one BLAS thread.")
    print(format_defaults_table(default_rows))
    print(f"|dp|: largest difference of a training probability from the exact optimum "
          f"(SciPy trust-exact, gradient below 1e-12); course_lib must stay within {ACCURACY:g}.")


if __name__ == "__main__":
    main()
