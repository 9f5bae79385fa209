"""The reference solutions of every committed source notebook pass the grade of record in full.

No nbgrader here: the same steps as ``grading.record`` (setup and solution
cells, audit, isolated run, judgement) on the source notebook's own solutions.
"""

import nbformat
import pytest
from graded_course import EXERCISES, reference_solutions
from grading.audit import answer_key_objects, audit_cells
from grading.record import _judge, _program, load_checks
from grading.sandbox import Limits, run_function

SOURCES = sorted((EXERCISES / "source").glob("*/*.ipynb"))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_reference_solutions_get_full_marks_without_a_flag(source):
    assignment = source.parent.name
    nb = nbformat.read(str(source), as_version=4)
    solution_ids = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                    if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}
    submitted = nbformat.read(str(source), as_version=4)
    solutions = reference_solutions(source)
    for cell in submitted.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in solutions:
            cell.source = solutions[gid]
    setup, cells = _program(nb, submitted, solution_ids)
    checks = load_checks(assignment)
    assert checks, f"no checks for {assignment}"
    grade_ids = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                 if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
                 and not c.metadata["nbgrader"].get("solution")}
    assert {c.grade_id for c in checks} == grade_ids  # every test cell has its trusted check
    functions = {}
    for check in checks:
        functions.setdefault(check.function, []).append(check)
    keys = {f: answer_key_objects(f, tuple(n for c in cs for n in c.answer_keys))
            for f, cs in functions.items()}
    assert audit_cells(cells, keys, setup) == []
    for function, fchecks in functions.items():
        result = run_function(cells, function, {c.grade_id: c.cases() for c in fchecks},
                              hide=[EXERCISES], setup=setup, limits=Limits(wall_seconds=120),
                              references=f"grading.checks.{assignment}")
        assert result.status == "ok", (function, result.detail, result.stderr)
        for check in fchecks:
            messages, _ = _judge(check, result.report["results"][check.grade_id])
            assert messages == [], (check.grade_id, messages)
