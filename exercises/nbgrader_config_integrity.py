"""Grading integrity: the nbgrader settings that keep a learner's cells from gaming the grade.

Loaded by ``nbgrader_config.py`` with ``load_subconfig("nbgrader_config_integrity.py")``.
What each setting defends against is explained in ``grading/README.md``
("Grading integrity").
"""

import os

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
)
from nbgrader_plugins.kernel import ConfinedKernelManager  # the import path: nbgrader_config.py
from nbgrader_plugins.preprocessors import (
    BeginGradeOfRecord,
    BoundedExecute,
    SaveGradeOfRecord,
    StripHiddenTests,
)

HERE = os.path.dirname(os.path.abspath(__file__))

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

# Locked cells come back from the gradebook, deleted test cells too; then the
# hidden tests are cut out before the kernel starts. The points are the grade
# of record: BeginGradeOfRecord zeroes them and starts judging in an isolated
# process while the kernel runs; SaveGradeOfRecord writes the verdicts (the
# kernel's own scores never count). So `make autograde`, plain
# `nbgrader autograde` and the formgrader's Autograde button all give the
# grade of record, or nothing (0, "needs manual grade", not graded).
c.GradeOfRecordSettings.course_root = HERE
c.Autograde.sanitize_preprocessors = [
    BeginGradeOfRecord,
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
    SaveGradeOfRecord,
    AssignLatePenalties,
    CheckCellMetadata,
]

# The kernel runs confined: course folder hidden, another user, no network,
# resource limits; the working folder is not on the import path.
c.Execute.kernel_manager_class = ConfinedKernelManager
c.ConfinedKernelManager.hide = [HERE]
# (Execute.extra_arguments, timeout and shutdown_kernel are set in nbgrader_config.py.)
c.Execute.interrupt_on_timeout = True
c.BoundedExecute.max_output_chars = 200_000
c.BoundedExecute.max_run_seconds = 180  # the whole notebook, per submission
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 40

# `nbgrader export` (make grades): the grades of record with the review flags.
c.ExportApp.plugin_class = "nbgrader_plugins.export.IntegrityCsvExportPlugin"
