"""nbgrader preprocessors for an autograde run that a learner's cells cannot game.

``StripHiddenTests`` (sanitize step, after ``OverwriteCells``) removes the
hidden-test regions from the restored test cells before the kernel runs, so
the hidden tests never enter the learner's kernel: no cell can read, rewrite
or print them, and no traceback or output of theirs reaches the feedback. The
hidden tests' points are decided outside the kernel by :mod:`.record`.

``BoundedExecute`` is nbgrader's ``Execute`` with a cap on how much output a
cell may send back, so an output flood cannot exhaust the grader's memory.
"""

from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, Execute
from traitlets import Integer, Unicode

__all__ = ["BoundedExecute", "StripHiddenTests"]


class StripHiddenTests(ClearHiddenTests):
    """Remove hidden-test regions from grade cells; leave every other cell alone."""

    placeholder = Unicode(
        "# The hidden tests of this cell run outside the notebook; "
        "their result is shown below after grading.",
        help="Put in place of the hidden tests.",
    ).tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code" or not utils.is_grade(cell):
            return cell, resources
        try:
            removed = self._remove_hidden_test_region(cell)
        except RuntimeError:  # unbalanced markers: keep nothing of the cell
            cell.source, removed = "", True
        if removed:
            cell.source = (cell.source.rstrip() + "\n" + self.placeholder).lstrip("\n")
        return cell, resources


class BoundedExecute(Execute):
    """``Execute`` that keeps at most ``max_output_chars`` of each cell's output."""

    max_output_chars = Integer(
        200_000, help="Output characters kept per cell; the rest is dropped."
    ).tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        self._output_chars = 0
        self._truncated = False
        return super().preprocess_cell(cell, resources, cell_index)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(str(content.get("text", ""))) + sum(
            len(str(v)) for v in content.get("data", {}).values()
        ) + sum(len(str(line)) for line in content.get("traceback", []))
        self._output_chars = getattr(self, "_output_chars", 0) + size
        if self._output_chars > self.max_output_chars:
            if not getattr(self, "_truncated", False):
                self._truncated = True
                note = new_output(
                    "stream", name="stderr",
                    text=f"... output beyond {self.max_output_chars} characters dropped ...\n",
                )
                outs.append(note)
            return None
        return super().output(outs, msg, display_id, cell_index)
