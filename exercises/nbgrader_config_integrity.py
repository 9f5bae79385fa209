"""Grading integrity: the nbgrader settings that keep a learner's cells from gaming the grade.

Loaded by ``nbgrader_config.py`` with ``load_subconfig("nbgrader_config_integrity.py")``.
What each setting defends against is explained in ``grading/README.md``
("Grading integrity").
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from grading.kernel import ConfinedKernelManager  # noqa: E402
from grading.preprocessors import BoundedExecute, StripHiddenTests  # noqa: E402
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

# Locked cells come back from the gradebook, deleted test cells too; then the
# hidden tests are cut out before the kernel starts (their points are decided
# outside the kernel by grading/record.py).
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    OverwriteCells,
    StripHiddenTests,
    CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    BoundedExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# The kernel runs confined: course folder hidden, another user, no network,
# resource limits; the working folder is not on the import path.
c.Execute.kernel_manager_class = ConfinedKernelManager
c.ConfinedKernelManager.hide = [HERE]
c.Execute.extra_arguments = [
    "--HistoryManager.hist_file=:memory:",
    "--InteractiveShellApp.ignore_cwd=True",
]
if "timeout" not in c.Execute:
    c.Execute.timeout = 60  # seconds per cell
c.Execute.interrupt_on_timeout = True
c.BoundedExecute.max_output_chars = 200_000
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 40

# `nbgrader export` (make grades): the grades of record with the review flags.
c.ExportApp.plugin_class = "grading.export.IntegrityCsvExportPlugin"
