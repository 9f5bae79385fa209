"""Run a check against a function in this process (the instructor's side, never the grade).

The source notebooks' hidden tests call :func:`run_hidden_tests` when the
instructor runs them (``make assignments``, JupyterLab); the catalogue tests
call :func:`judge`. The grade of record never uses this module: it calls the
learner's functions in an isolated process (:mod:`grading.engine`). Both judge
an outcome with the same :func:`grading.engine.judge_case` (the check's
``expected`` and ``compare``), so they cannot disagree on what is right.
Cases come from a fixed seed here (:data:`INSTRUCTOR_SEED`); at grading time
they are drawn from the course's secret.

While a check runs, every *other* graded function of the assignment is
replaced by its reference implementation (the catalogue module's
``REFERENCES``), so that a mistake in, say, ``bce_gradient`` costs the points
of ``bce_gradient`` only, and not those of a ``fit_gd`` that calls it.

This module imports nothing heavy at import time: the notebooks import it in a
test cell, where anything written to stderr (a warning) would cost the cell its
points.
"""

import contextlib
import importlib
import io
import warnings

import numpy as np

from ..spec import Outcome
from ._common import materialize

__all__ = [
    "INSTRUCTOR_SEED",
    "HiddenTestFailure",
    "call",
    "judge",
    "load_check",
    "run_hidden_tests",
    "substituted",
]

MAX_REPORTED = 4
#: Seed of the cases drawn in this process (the grade of record uses the course's secret).
INSTRUCTOR_SEED = 20250101


class HiddenTestFailure(AssertionError):
    """Raised by a hidden test cell whose function failed at least one case."""


@contextlib.contextmanager
def quiet():
    """Silence warnings and stderr (nbgrader fails a test cell that writes to stderr)."""
    with (
        warnings.catch_warnings(),
        np.errstate(all="ignore"),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        warnings.simplefilter("ignore")
        yield


def call(func, case):
    """Call ``func`` on one case and return what happened.

    The arguments are fresh copies; whatever the call prints is captured, and
    warnings are recorded (never shown). NumPy floating-point errors use
    NumPy's default policy (overflow, division and invalid warn; underflow is
    ignored), whatever the learner's code set globally.

    Parameters
    ----------
    func : callable
        The learner's function.
    case : Case
        The arguments.

    Returns
    -------
    Outcome
    """
    args = tuple(materialize(a) for a in case.args)
    kwargs = {k: materialize(v) for k, v in case.kwargs.items()}
    sink = io.StringIO()
    value, error = None, None
    with (
        warnings.catch_warnings(record=True) as caught,
        np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"),
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(sink),
    ):
        warnings.simplefilter("always")
        try:
            value = func(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any exception is the learner's error
            error = f"{type(exc).__name__}: {exc}"
    seen = tuple(f"{w.category.__name__}: {w.message}" for w in caught)
    return Outcome(value=value, args_after=args, error=error, warnings=seen)


@contextlib.contextmanager
def substituted(func, references, keep):
    """Bind every name of ``references`` except ``keep`` to its reference while inside.

    The names are replaced in ``func.__globals__`` (the notebook's namespace)
    and restored on exit.
    """
    namespace = getattr(func, "__globals__", None)
    if namespace is None:
        yield
        return
    missing = object()
    saved = {}
    try:
        for name, reference in references.items():
            if name != keep:
                saved[name] = namespace.get(name, missing)
                namespace[name] = reference
        yield
    finally:
        for name, old in saved.items():
            if old is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = old


def load_check(assignment, grade_id):
    """Return ``(check, references)`` for one grade cell of an assignment."""
    with quiet():
        module = importlib.import_module(f"{__package__}.{assignment}")
    for check in module.CHECKS:
        if check.grade_id == grade_id:
            return check, getattr(module, "REFERENCES", {})
    raise KeyError(f"{assignment} has no check for grade cell {grade_id!r}.")


def judge(check, func, references=None, rng=None):
    """Run every case of ``check`` on ``func`` (cases drawn from ``rng``, by default seeded).

    Returns
    -------
    failures : list of (Case, str)
        The failed cases and why.
    n_cases : int
        How many cases ran.
    """
    from ..engine import judge_case

    failures = []
    cases = check.cases(rng if rng is not None else np.random.default_rng(INSTRUCTOR_SEED))
    with substituted(func, references or {}, keep=check.function):
        for case in cases:
            outcome = call(func, case)
            with quiet():
                problem = judge_case(check, case, outcome)
            if problem:
                failures.append((case, problem))
    return failures, len(cases)


def run_hidden_tests(assignment, grade_id, func):
    """The body of a notebook's hidden tests: judge ``func``, raise if any case fails.

    Parameters
    ----------
    assignment : str
        Assignment name, also the catalogue module's name.
    grade_id : str
        nbgrader ``grade_id`` of the calling test cell.
    func : callable
        The learner's function.

    Raises
    ------
    HiddenTestFailure
        With one line per failed case (its label and what was wrong).
    """
    check, references = load_check(assignment, grade_id)
    failures, n_cases = judge(check, func, references)
    if failures:
        lines = [f"{len(failures)} of {n_cases} hidden test cases failed for {check.function}:"]
        lines += [f"- {case.label}: {problem}" for case, problem in failures[:MAX_REPORTED]]
        if len(failures) > MAX_REPORTED:
            lines.append(f"- ... and {len(failures) - MAX_REPORTED} more")
        raise HiddenTestFailure("\n".join(lines)) from None
    print(f"{check.function}: all {n_cases} hidden test cases passed.")
