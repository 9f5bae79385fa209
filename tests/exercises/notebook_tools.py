"""Read the course's source notebooks and build learner submissions from them."""

import copy
import importlib
import sys
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "exercises"
ASSIGNMENTS = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())

if str(COURSE) not in sys.path:
    sys.path.insert(0, str(COURSE))


def read_source(assignment):
    """The source (reference) notebook of an assignment."""
    return nbformat.read(COURSE / "source" / assignment / f"{assignment}.ipynb", as_version=4)


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def graded_functions(assignment):
    """Names of the functions of an assignment, in notebook order (the solution cells)."""
    return [
        nbgrader_meta(c)["grade_id"]
        for c in read_source(assignment).cells
        if c.cell_type == "code" and nbgrader_meta(c).get("solution")
    ]


def with_solution(nb, function, source):
    """A copy of ``nb`` whose solution cell for ``function`` holds ``source``."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code" and nbgrader_meta(cell).get("grade_id") == function:
            cell.source = textwrap.dedent(source).strip()
            return nb
    raise KeyError(function)


def namespace(nb):
    """Execute every code cell except the test cells; return the resulting globals."""
    ns = {"__name__": "__learner__"}
    for cell in nb.cells:
        if cell.cell_type == "code" and not nbgrader_meta(cell).get("grade"):
            exec(compile(cell.source, "<cell>", "exec"), ns)  # noqa: S102
    return ns


def checks(assignment):
    """``(CHECKS, REFERENCES)`` of an assignment's catalogue module."""
    module = importlib.import_module(f"grading.checks.{assignment}")
    return module.CHECKS, module.REFERENCES
