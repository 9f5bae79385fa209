"""The reference solutions of every committed source notebook pass the grade of record in full.

No nbgrader here: the judging engine (audit, one isolated process, two rounds,
judgement) on the source notebook's own solutions, with cases drawn from a
fresh secret.
"""

import secrets

import nbformat
import pytest
from graded_course import EXERCISES
from grading.engine import grade_submission, load_checks
from grading.record import program
from grading.sandbox import Limits
from grading.secret import case_rng

SOURCES = sorted((EXERCISES / "source").glob("*/*.ipynb"))


def solution_ids(nb):
    return {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_reference_solutions_get_full_marks_without_a_flag(source):
    assignment = source.parent.name
    nb = nbformat.read(str(source), as_version=4)
    setup, cells = program(nb, nb, solution_ids(nb))
    checks = load_checks(assignment)
    grade_ids = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                 if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
                 and not c.metadata["nbgrader"].get("solution")}
    assert {c.grade_id for c in checks} == grade_ids  # every test cell has its trusted check
    result = grade_submission(setup, cells, assignment,
                              case_rng(secrets.token_hex(32), assignment, "reference"),
                              hide=[EXERCISES], limits=Limits(wall_seconds=120))
    assert result.flags == []
    for verdict in result.verdicts:
        assert verdict.passed, (verdict.grade_id, verdict.messages)
