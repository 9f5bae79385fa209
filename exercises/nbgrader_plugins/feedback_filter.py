"""Feedback that says which tests failed and why, without showing the hidden tests.

nbgrader removes ``### BEGIN HIDDEN TESTS`` regions from the release version,
but the autograded notebook gets them back (test cells are restored from the
gradebook) and the default feedback shows them, with the tracebacks raised
inside them. :class:`HideHiddenTests` runs last among the feedback
preprocessors and, in every autograded test cell that had a hidden region:

* replaces the region by a one-line comment;
* reduces every error output to ``Name: message`` (the message of a hidden
  test failure lists the failed cases and what was wrong with each).
"""

import re

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade
from traitlets import Unicode

from .preprocessors import cut_hidden_tests

__all__ = ["HideHiddenTests"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class HideHiddenTests(NbGraderPreprocessor):
    """Remove hidden tests' source and tracebacks from autograded test cells."""

    begin = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end = Unicode("END HIDDEN TESTS").tag(config=True)
    placeholder = Unicode(
        "# (hidden tests: run at grading, not shown; failures are reported below)"
    ).tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code" or not is_grade(cell):
            return cell, resources
        cell.source, hidden = cut_hidden_tests(cell.source, self.placeholder, self.begin,
                                               self.end)
        if hidden:
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    message = _ANSI.sub("", f"{output.ename}: {output.evalue}")
                    output.traceback = [message]
        return cell, resources
