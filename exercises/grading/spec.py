"""The vocabulary of a graded check, shared by the check catalogue and the grader.

A check names a function the learner writes, the inputs to call it on, the
reference answer (computed from ``course_lib`` in the trusted process) and how
to compare the two. The learner's code runs elsewhere, in an isolated process;
only plain data crosses back.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Code:
    """Python source evaluated inside the isolated process to build an argument.

    Used for arguments that cannot travel as data, e.g. the function handed to
    ``numerical_gradient``: ``Code("lambda w: float(np.sum(np.sin(w)) + w @ w)")``.
    The source may use ``np`` (NumPy) and nothing else.
    """

    source: str


@dataclass(frozen=True)
class Case:
    """One call: ``function(*args, **kwargs)``.

    ``args`` and ``kwargs`` values are NumPy arrays, Python/NumPy scalars,
    strings, tuples/lists of those, or :class:`Code`.
    """

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    label: str = ""


@dataclass(frozen=True)
class Outcome:
    """What came back from the isolated process for one case.

    ``value`` is the return value converted to plain data (NumPy arrays,
    floats, ints, tuples); ``args_after`` are the array arguments as they were
    after the call (to detect mutated inputs); ``error`` is the exception's
    type and message if the call raised, else ``None``; ``warnings`` holds
    ``"Category: message"`` strings of the warnings raised during the call.
    """

    value: Any = None
    args_after: tuple = ()
    error: str | None = None
    warnings: tuple = ()


@dataclass(frozen=True)
class FunctionCheck:
    """The points of one autograded test cell, decided by calling one function.

    Attributes
    ----------
    grade_id : str
        nbgrader ``grade_id`` of the autograded test cell whose points this decides.
    function : str
        Name of the function the learner's solution cells define.
    cases : callable
        ``cases(rng) -> list[Case]``: the numbers drawn from ``rng`` (a
        :class:`numpy.random.Generator`, seeded at grading time by the course's
        secret, see :mod:`.secret`), the kinds of input fixed.
    expected : callable
        ``expected(case) -> value``, the reference answer from ``course_lib``,
        run in the trusted process.
    compare : callable
        ``compare(outcome, expected_value, case) -> str | None``: ``None`` if
        the learner's answer is right, otherwise a message for the feedback
        (what was wrong, not the hidden inputs' source).
    answer_keys : tuple of str, default=()
        Dotted names of library objects that compute this function's answer,
        e.g. ``("course_lib.activations.sigmoid", "scipy.special.expit")``.
        A solution cell that uses one of them (under any alias) has this
        function's points withheld and is flagged for manual review. When
        empty, the ``course_lib`` object of the same name as ``function`` (if
        any) is the answer key. Other ``course_lib`` functions stay free to use.
    """

    grade_id: str
    function: str
    cases: Callable[[], list]
    expected: Callable[[Case], Any]
    compare: Callable[[Outcome, Any, Case], str | None]
    answer_keys: tuple = ()
