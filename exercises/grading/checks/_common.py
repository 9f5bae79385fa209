"""Building blocks of the check catalogue: case arguments and answer comparisons.

Every ``compare`` in the catalogue is made by :func:`comparison` from an
answer *shape* (:class:`Array`, :class:`Exact`, :class:`Parts`), so that all
assignments judge answers the same way and the tolerances are written once,
next to the check that uses them.

Tolerances
----------
``Array(mode="elementwise")`` accepts ``|a - e| <= atol + rtol * |e|`` entry by
entry (used where small entries matter: probabilities in the tails).
``Array(mode="normwise")`` accepts ``max|a - e| <= rtol * max(max|e|, floor)``
(used for gradients and weights, whose small entries are sums that cancel).
NaN matches only NaN, and an infinity only the same infinity.
"""

import math

import numpy as np

from ..spec import Code

__all__ = [
    "Array",
    "Exact",
    "Parts",
    "call_reference",
    "comparison",
    "materialize",
]


def materialize(value):
    """Return a call argument ready to use: :class:`Code` evaluated, arrays copied.

    Parameters
    ----------
    value : object
        A case argument: an array, a scalar, a string, a :class:`Code`, or a
        tuple/list of those.

    Returns
    -------
    object
        A fresh object, so that a function that modifies its arguments cannot
        change the case it was called with.
    """
    if isinstance(value, Code):
        return eval(value.source, {"np": np, "__builtins__": __builtins__})  # noqa: S307
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(materialize(v) for v in value)
    if isinstance(value, list):
        return [materialize(v) for v in value]
    return value


def call_reference(reference):
    """``expected(case)`` of a check: ``reference`` called on the case's arguments."""

    def expected(case):
        args = tuple(materialize(a) for a in case.args)
        kwargs = {k: materialize(v) for k, v in case.kwargs.items()}
        return reference(*args, **kwargs)

    return expected


def _fmt(x):
    """Short text for a number in a message."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return repr(x)
    if x == 0 or not math.isfinite(x):
        return repr(x)
    if 1e-3 <= abs(x) < 1e5:
        return f"{x:.6g}"
    return f"{x:.4e}"


def _as_numeric(value, what):
    """``value`` as a float array, or a message saying why it is not numeric."""
    if value is None:
        return None, f"{what} is None (did the function forget to `return`?)"
    try:
        arr = np.asarray(value)
    except Exception:  # noqa: BLE001 - any failure means "not an array"
        return None, f"{what} is not array-like (got {type(value).__name__})"
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        return None, f"{what} is not numeric (got {type(value).__name__}, dtype {arr.dtype})"
    return arr.astype(np.float64), None


class Array:
    """A numeric answer (scalar or array) compared with a tolerance.

    Parameters
    ----------
    rtol : float
        Relative tolerance.
    atol : float, default=0.0
        Absolute tolerance (elementwise mode) added to ``rtol * |e|``.
    mode : {"elementwise", "normwise"}
        How the tolerance is applied (see the module docstring).
    floor : float, default=1e-12
        Normwise mode: smallest scale the relative tolerance is taken of.
    """

    def __init__(self, rtol, atol=0.0, mode="elementwise", floor=1e-12):
        if mode not in ("elementwise", "normwise"):
            raise ValueError(f"mode must be 'elementwise' or 'normwise', got {mode!r}.")
        self.rtol, self.atol, self.mode, self.floor = rtol, atol, mode, floor

    def judge(self, value, expected, what):
        """Return ``None`` if ``value`` matches ``expected``, else a message."""
        exp = np.asarray(expected, dtype=np.float64)
        got, problem = _as_numeric(value, what)
        if problem:
            return problem
        if exp.ndim == 0 and got.ndim != 0:
            return f"{what} should be a scalar, got an array of shape {got.shape}"
        if got.shape != exp.shape:
            return f"{what} should have shape {exp.shape}, got {got.shape}"
        if got.size == 0:
            return None
        same_special = (np.isnan(got) & np.isnan(exp)) | (np.isinf(exp) & (got == exp))
        if np.any(~np.isfinite(got) & ~same_special):
            n_bad = int(np.sum(~np.isfinite(got) & ~same_special))
            return f"{what} holds NaN or infinity at {n_bad} of {got.size} entries"
        regular = ~same_special
        if np.any(~np.isfinite(exp) & regular):
            return f"{what} should hold NaN or infinity where the reference does"
        err = np.abs(np.where(regular, got, 0.0) - np.where(regular, exp, 0.0))
        if self.mode == "elementwise":
            bad = regular & (err > self.atol + self.rtol * np.abs(exp))
        else:
            scale = max(float(np.max(np.abs(exp[regular]), initial=0.0)), self.floor)
            bad = regular & (err > self.rtol * scale + self.atol)
        if not np.any(bad):
            return None
        flat = np.flatnonzero(bad)
        with np.errstate(over="ignore"):  # a huge error over a tiny value is just inf
            rel = err.ravel()[flat] / np.maximum(np.abs(exp.ravel()[flat]), 1e-300)
        worst = flat[int(np.argmax(rel))]
        where = "" if exp.ndim == 0 else f" at {flat.size} of {exp.size} entries"
        return (
            f"{what} is wrong{where}: expected {_fmt(exp.ravel()[worst])}, "
            f"got {_fmt(got.ravel()[worst])} (relative error {_fmt(rel.max())}, "
            f"tolerance {self.rtol:g})"
        )


class Exact:
    """A numeric answer that must match exactly (counts, one-hot rows, thresholds)."""

    def judge(self, value, expected, what):
        """Return ``None`` if ``value`` equals ``expected`` exactly, else a message."""
        exp = np.asarray(expected, dtype=np.float64)
        got, problem = _as_numeric(value, what)
        if problem:
            return problem
        if exp.ndim == 0 and got.ndim != 0:
            return f"{what} should be a scalar, got an array of shape {got.shape}"
        if got.shape != exp.shape:
            return f"{what} should have shape {exp.shape}, got {got.shape}"
        equal = (got == exp) | (np.isnan(got) & np.isnan(exp))
        if np.all(equal):
            return None
        flat = np.flatnonzero(~equal.ravel())
        i = flat[0]
        where = "" if exp.ndim == 0 else f" at {flat.size} of {exp.size} entries"
        return (
            f"{what} is wrong{where}: expected {_fmt(exp.ravel()[i])}, got {_fmt(got.ravel()[i])}"
        )


class Parts:
    """A tuple answer such as ``(dw, db)``, each part with its own comparison.

    Parameters
    ----------
    **parts : Array or Exact
        One comparison per element, in order; the keyword is the element's
        name used in messages.
    """

    def __init__(self, **parts):
        self.names = tuple(parts)
        self.specs = tuple(parts.values())

    def judge(self, value, expected, what):
        """Return ``None`` if every part matches, else the first message."""
        names = ", ".join(self.names)
        if not isinstance(value, tuple | list) or len(value) != len(self.names):
            kind = type(value).__name__
            size = f" of length {len(value)}" if isinstance(value, tuple | list) else ""
            return f"{what} should be a tuple ({names}), got a {kind}{size}"
        for name, spec, got, exp in zip(self.names, self.specs, value, expected, strict=True):
            problem = spec.judge(got, exp, name)
            if problem:
                return problem
        return None


def _same(before, after):
    """Whether an array argument came back unchanged."""
    try:
        after = np.asarray(after)
    except Exception:  # noqa: BLE001
        return False
    if after.shape != before.shape:
        return False
    if before.dtype.kind in "fc":
        return bool(np.array_equal(before, after, equal_nan=True))
    return bool(np.array_equal(before, after))


def comparison(function, answer, argnames, no_warnings=False):
    """Make the ``compare(outcome, expected, case)`` of a :class:`FunctionCheck`.

    Parameters
    ----------
    function : str
        Name of the learner's function, used in messages.
    answer : Array, Exact or Parts
        How the return value is judged.
    argnames : sequence of str
        Names of the positional parameters, to say which argument was modified.
    no_warnings : bool, default=False
        Whether a ``RuntimeWarning`` during the call is a failure. It is judged
        only when the runner reports warnings (``outcome.warnings``).

    Returns
    -------
    callable
        ``compare(outcome, expected, case) -> str | None``.

    Notes
    -----
    Every comparison also fails a function that raised, or that modified one
    of its array arguments in place.
    """

    def compare(outcome, expected, case):
        if outcome.error is not None:
            return f"{function} raised {outcome.error}"
        for name, before, after in zip(argnames, case.args, outcome.args_after, strict=False):
            if isinstance(before, np.ndarray) and not _same(before, after):
                return f"{function} modified its argument `{name}` in place"
        if no_warnings:
            caught = [w for w in getattr(outcome, "warnings", ()) if w.startswith("RuntimeWarning")]
            if caught:
                return f"{function} emitted {caught[0]}"
        return answer.judge(outcome.value, expected, "the returned value")

    return compare
