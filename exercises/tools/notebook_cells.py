"""nbgrader cells for the source notebooks, and the checking functions every notebook defines.

Used by ``build_sources.py``; the committed source notebooks are the truth, this
module only says how their cells were made.
"""

import textwrap

import nbformat

__all__ = [
    "TEST_TOOLS",
    "hidden_tests",
    "markdown",
    "notebook",
    "readonly_code",
    "solution_code",
    "test_cell",
    "written_answer",
]

SCHEMA_VERSION = 3

# The checking functions the visible tests use. Plain NumPy, so a learner needs nothing else.
TEST_TOOLS = '''\
# Run this cell first: it imports NumPy and defines the checking functions the test cells use.
import contextlib
import io
import math  # noqa: F401 - the test cells use it
import os
import warnings

import numpy as np


def _show(x):
    return np.array2string(np.asarray(x), precision=10, threshold=12)


def expect_close(actual, expected, what, rtol=1e-6, atol=0.0):
    """Fail with a message unless `actual` matches `expected` entry by entry."""
    if actual is None:
        raise AssertionError(f"{what} returned None: did you forget `return`?")
    expected = np.asarray(expected, dtype=float)
    try:
        got = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"{what} should be numeric, got {type(actual).__name__}.") from None
    if expected.ndim == 0 and got.ndim != 0:
        raise AssertionError(f"{what} should be a scalar, got an array of shape {got.shape}.")
    if got.shape != expected.shape:
        raise AssertionError(f"{what} should have shape {expected.shape}, got {got.shape}.")
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        raise AssertionError(f"{what}: expected {_show(expected)}, got {_show(got)}.")


def expect_equal(actual, expected, what):
    """Fail with a message unless `actual` equals `expected` exactly."""
    expected = np.asarray(expected)
    got = np.asarray(actual)
    if got.shape != expected.shape:
        raise AssertionError(f"{what} should have shape {expected.shape}, got {got.shape}.")
    if not np.array_equal(got, expected):
        raise AssertionError(f"{what}: expected {_show(expected)}, got {_show(got)}.")


def expect_tuple(actual, length, what):
    """Fail unless `actual` is a tuple (or list) of `length` items."""
    if not isinstance(actual, (tuple, list)) or len(actual) != length:
        raise AssertionError(
            f"{what} should return a tuple of {length} values, got {actual!r:.80}."
        )
    return actual


def expect_no_warning(func, *args, what):
    """Call func(*args); fail if it emits a RuntimeWarning. Returns the result."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(*args)
    bad = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if bad:
        raise AssertionError(f"{what} emitted a RuntimeWarning: {bad[0].message}.")
    return result


def expect_unchanged(before, after, what):
    """Fail if an argument was modified in place."""
    if not np.array_equal(before, after):
        raise AssertionError(f"{what} was modified in place; work on a copy instead.")


@contextlib.contextmanager
def visible_tests():
    """Run visible tests with harmless warnings silenced.

    When the notebook is graded, a failure here is only reported: the hidden
    tests that follow decide the grade, with every other function of the
    notebook replaced by a correct one, so one mistake is counted once.
    """
    grading = os.environ.get("NBGRADER_EXECUTION") == "autograde"
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                yield
        except Exception as exc:
            if not grading:
                raise
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            print(f"A visible test failed ({reason}); the full tests below decide the grade.")
'''


def _cell_id(name):
    return name.replace("_", "-")


def _meta(grade_id, *, grade=False, solution=False, locked=False, points=0):
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return meta


def markdown(text, cell_id):
    """A plain markdown cell (not tracked by nbgrader)."""
    cell = nbformat.v4.new_markdown_cell(textwrap.dedent(text).strip())
    cell.id = _cell_id(cell_id)
    return cell


def readonly_code(source, grade_id):
    """A locked code cell: restored from the gradebook when the notebook is graded."""
    cell = nbformat.v4.new_code_cell(textwrap.dedent(source).strip())
    cell.id = _cell_id(grade_id)
    cell.metadata = {
        "deletable": False,
        "editable": False,
        "nbgrader": _meta(grade_id, locked=True),
    }
    return cell


def solution_code(source, grade_id):
    """A solution cell; its ``### BEGIN/END SOLUTION`` region is blanked at release."""
    cell = nbformat.v4.new_code_cell(textwrap.dedent(source).strip())
    cell.id = _cell_id(grade_id)
    cell.metadata = {"nbgrader": _meta(grade_id, solution=True)}
    return cell


def hidden_tests(assignment, grade_id, function):
    """The hidden region of a test cell: the check catalogue's verdict on ``function``."""
    return (
        "### BEGIN HIDDEN TESTS\n"
        "from grading.checks._runner import run_hidden_tests\n\n"
        f'run_hidden_tests("{assignment}", "{grade_id}", {function})\n'
        "### END HIDDEN TESTS"
    )


def test_cell(assignment, function, points, visible):
    """An autograded test cell: visible tests, then the hidden ones.

    The cell's ``grade_id`` is ``<function>_tests``, the ``grade_id`` of the
    matching check in ``grading/checks/<assignment>.py``.
    """
    grade_id = f"{function}_tests"
    body = textwrap.indent(textwrap.dedent(visible).strip(), "    ")
    source = (
        f"# Tests of {function} ({points} points). The visible ones below; hidden ones\n"
        "# with many more inputs are added when the notebook is graded.\n"
        "with visible_tests():\n"
        f"{body}\n"
        f'    print("{function}: the visible tests passed.")\n\n'
        f"{hidden_tests(assignment, grade_id, function)}"
    )
    cell = nbformat.v4.new_code_cell(source)
    cell.id = _cell_id(grade_id)
    cell.metadata = {
        "deletable": False,
        "editable": False,
        "nbgrader": _meta(grade_id, grade=True, locked=True, points=points),
    }
    return cell


def written_answer(model_answer, grade_id, points):
    """A manually graded markdown answer; the model answer is replaced at release."""
    cell = nbformat.v4.new_markdown_cell(textwrap.dedent(model_answer).strip())
    cell.id = _cell_id(grade_id)
    cell.metadata = {"nbgrader": _meta(grade_id, grade=True, solution=True, points=points)}
    return cell


def notebook(cells):
    """A notebook with the Python 3 kernel."""
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata = {
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python"},
    }
    return nb
