"""Which libraries a learner's code may use, and which of them may answer a graded function.

One rule, read by :mod:`.audit` and stated in every assignment's introduction:

* a **graded function** (and every helper, class or top-level name it relies
  on) may use NumPy and the small standard-library modules of
  :data:`STANDARD_LIBRARY`, plus what :data:`FOR_FUNCTION` grants that one
  function (``scipy.optimize`` for ``fit_map``, which "may use any optimiser");
* ``course_lib``, SciPy, scikit-learn, pandas and matplotlib
  (:data:`OUTSIDE_GRADED_FUNCTIONS`) may be imported in a solution cell for the
  learner's own experiments (plots, comparisons), but a graded function that
  reaches one of them, under any alias, has its points withheld and is
  reviewed by hand;
* nothing else may be imported at all.

Entries are dotted names: a module (``"scipy.optimize"``: the module and
everything in it) or one object (``"scipy.special.logsumexp"``).

Examples
--------
>>> allowed_for("fit_map", "scipy.optimize.minimize")
True
>>> allowed_for("sigmoid", "scipy.special.expit")
False
>>> allowed_for("sigmoid", "numpy.exp")
True
>>> importable("course_lib.activations"), importable("subprocess")
(True, False)
"""

__all__ = [
    "EVERY_FUNCTION", "FOR_FUNCTION", "OUTSIDE_GRADED_FUNCTIONS", "STANDARD_LIBRARY",
    "allowed_for", "importable",
]

#: Standard-library modules a solution may import (``os`` and ``sys`` only for
#: the few attributes :mod:`.audit` allows, such as ``os.path`` and ``sys.float_info``).
STANDARD_LIBRARY = (
    "math", "cmath", "numbers", "decimal", "fractions", "random", "statistics",
    "functools", "itertools", "operator", "collections", "heapq", "bisect", "copy",
    "dataclasses", "enum", "abc", "typing", "contextlib", "warnings", "time", "datetime",
    "string", "re", "textwrap", "os", "sys",
)

#: What every graded function may use.
EVERY_FUNCTION = ("numpy", *STANDARD_LIBRARY)

#: What one graded function may use besides :data:`EVERY_FUNCTION` (function names are
#: unique across the course's assignments; a test checks it).
FOR_FUNCTION = {
    # ps3: "found by any method you like ... or scipy.optimize.minimize".
    "fit_map": ("scipy.optimize",),
    # ps4: the log of the normalising sum is a building block, not the softmax.
    "softmax": ("scipy.special.logsumexp",),
}

#: Importable in solution cells, never to be used by a graded function.
OUTSIDE_GRADED_FUNCTIONS = ("course_lib", "scipy", "sklearn", "pandas", "matplotlib")


def _within(dotted, entry):
    return dotted == entry or dotted.startswith(entry + ".")


def allowed_for(function, dotted):
    """Whether graded ``function`` may use the library object named ``dotted``.

    Parameters
    ----------
    function : str
        Name of the graded function.
    dotted : str
        Full dotted name of what is used (``"scipy.special.expit"``).

    Returns
    -------
    bool
    """
    root = dotted.split(".")[0]
    if root in EVERY_FUNCTION:
        return True
    return any(_within(dotted, entry) for entry in FOR_FUNCTION.get(function, ()))


def importable(module):
    """Whether a solution cell may import ``module`` (a dotted module name) at all.

    Returns
    -------
    bool
    """
    root = module.split(".")[0]
    granted = {entry.split(".")[0] for entries in FOR_FUNCTION.values() for entry in entries}
    return root in EVERY_FUNCTION or root in OUTSIDE_GRADED_FUNCTIONS or root in granted
