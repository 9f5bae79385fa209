"""Input checks shared by the functional API (the estimators use scikit-learn's own).

Every check raises a :class:`ValueError` whose message names the argument and
the problem, so that a learner who passes the wrong thing is told what it was.
"""

import numpy as np

__all__ = [
    "as_float_array",
    "check_binary_targets",
    "check_probabilities",
    "check_same_length",
]


def as_float_array(x, name, ndim=None, allow_scalar=False):
    """Return ``x`` as a finite floating-point array, or raise ``ValueError``.

    Parameters
    ----------
    x : array-like
        The input.
    name : str
        Name of the argument, used in error messages.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions. ``None`` allows any.
    allow_scalar : bool, default=False
        Whether a 0-d input is accepted when ``ndim`` is given.

    Returns
    -------
    numpy.ndarray
        A float64 array (float32 is kept as float32).
    """
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged lists and the like
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    if arr.dtype == object or arr.dtype.kind in "USV":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}.") from None
    if arr.dtype.kind == "c":
        raise ValueError(f"{name} must be real, got complex values.")
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if allow_scalar:
            allowed = allowed + (0,)
        if arr.ndim not in allowed:
            wanted = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {wanted}, got an array of shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity.")
    return arr


def check_same_length(**arrays):
    """Raise ``ValueError`` unless all arrays have the same first dimension."""
    lengths = {name: np.shape(a)[0] if np.ndim(a) else 1 for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"Inconsistent numbers of samples: {detail}.")


def check_binary_targets(y, name="y_true"):
    """Return ``y`` as a float array of 0s and 1s, or raise ``ValueError``."""
    y = as_float_array(y, name, ndim=1)
    if not np.all((y == 0) | (y == 1)):
        bad = np.unique(y[(y != 0) & (y != 1)])[:5]
        raise ValueError(f"{name} must contain only 0 and 1; found {bad.tolist()}.")
    return y


def check_probabilities(p, name="y_prob", ndim=1):
    """Return ``p`` as a float array with entries in [0, 1], or raise ``ValueError``."""
    p = as_float_array(p, name, ndim=ndim)
    if np.any((p < 0) | (p > 1)):
        raise ValueError(f"{name} must lie in [0, 1]; found values in [{p.min():g}, {p.max():g}].")
    return p
