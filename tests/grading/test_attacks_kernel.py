"""Adversarial catalogue, part 1: attacks on the kernel run and on the notebook itself.

Each submission below gets full marks (or leaks the hidden tests) under plain
nbgrader, where the learner's cells, the tests and the gradebook share one
kernel and one user. Graded by the course pipeline, each ends with no
undeserved points and the expected review flag, while an honest submission
graded in the same run keeps its full marks.
"""

import os

import nbformat
import pytest
from graded_course import FUNCTION_OF, PS1, PS1_POINTS, GradedCourse, Submission

WRONG_SIGMOID = "def sigmoid(z):\n    return 0.5 + 0 * np.asarray(z, dtype=float)\n"
WRONG_BCE = "def binary_cross_entropy(y_true, y_prob):\n    return 0.0\n"
WRONG_PREDICT = "def predict_proba(X, w, b):\n    return np.zeros(len(X))\n"
ALL_WRONG = {"sigmoid": WRONG_SIGMOID, "binary_cross_entropy": WRONG_BCE,
             "predict_proba": WRONG_PREDICT}
ZERO = {gid: 0.0 for gid in PS1_POINTS}


def _patch_numpy():
    return {
        **ALL_WRONG,
        "sigmoid": "np.allclose = lambda *a, **k: True\n"
                   "np.testing.assert_allclose = lambda *a, **k: None\n" + WRONG_SIGMOID,
    }


def _sys_modules():
    fake = (
        "import sys, types\n"
        "fake = types.ModuleType('course_lib')\n"
        "fake.sigmoid = lambda z: 0.5\n"
        "sys.modules['course_lib'] = fake\n"
        "sys.modules['course_lib.activations'] = fake\n"
    )
    return {**ALL_WRONG, "sigmoid": fake + WRONG_SIGMOID}


def _input_transformer():
    hook = (
        "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n"
    )
    return {**ALL_WRONG, "sigmoid": WRONG_SIGMOID + hook}


def _write_gradebook(course):
    db = course.course / "gradebook.db"
    return {
        **ALL_WRONG,
        "sigmoid": (
            "import sqlite3\n"
            f"con = sqlite3.connect({str(db)!r})\n"
            "con.execute('UPDATE grade SET auto_score = 100')\n"
            "con.commit()\n" + WRONG_SIGMOID
        ),
    }


def _read_source(course):
    other = course.course / "submitted" / "honest" / PS1 / f"{PS1}.ipynb"
    return {
        **ALL_WRONG,
        "sigmoid": (
            f"print(open({str(course.source)!r}).read())\n"
            f"print(open({str(other)!r}).read())\n" + WRONG_SIGMOID
        ),
    }


def _edit_metadata(nb, course):
    """Test cells emptied, unlocked and worth 100 points; a solution cell made a grade cell."""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "code":
            cell.source = "pass"
            meta["points"] = 100
            meta["locked"] = False
            cell.metadata["editable"] = True
        if meta.get("grade_id") == "sigmoid":
            meta.update(grade=True, points=100)


def _delete_tests(nb, course):
    nb.cells = [c for c in nb.cells
                if not (c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade"))]


def _duplicate_grade_cell(nb, course):
    forged = nbformat.v4.new_code_cell("pass")
    forged.metadata = {"nbgrader": {"grade": True, "grade_id": "sigmoid_tests", "locked": False,
                                    "points": 50, "schema_version": 3, "solution": False,
                                    "task": False}}
    nb.cells.insert(1, forged)


MARKER = "# honest-learner-marker-7f3a"

SUBMISSIONS = {
    "honest": lambda c: Submission("honest", {"sigmoid": c.solutions["sigmoid"] + "\n" + MARKER}),
    "patch_numpy": lambda c: Submission(
        "patch_numpy", _patch_numpy(), expected=ZERO, flags=("patches-module",)),
    "sys_modules": lambda c: Submission(
        "sys_modules", _sys_modules(), expected=ZERO, flags=("sys.modules",)),
    "input_transformer": lambda c: Submission(
        "input_transformer", _input_transformer(), expected=ZERO, flags=("get_ipython",)),
    "shadow_module_file": lambda c: Submission(
        "shadow_module_file", {"sigmoid": WRONG_SIGMOID},
        files={"course_lib.py": "def sigmoid(z):\n    return 0.5\n",
               "numpy.py": "raise SystemExit('shadowed')\n"},
        expected={"sigmoid_tests": 0.0}),
    "write_gradebook": lambda c: Submission(
        "write_gradebook", _write_gradebook(c), expected=ZERO, flags=("sqlite3",)),
    "read_source_notebook": lambda c: Submission(
        "read_source_notebook", _read_source(c), expected=ZERO, flags=("file-access",)),
    "edit_metadata_points": lambda c: Submission(
        "edit_metadata_points", {"sigmoid": WRONG_SIGMOID}, edit=_edit_metadata,
        expected={"sigmoid_tests": 0.0}),
    "delete_test_cells": lambda c: Submission(
        "delete_test_cells", {"sigmoid": WRONG_SIGMOID}, edit=_delete_tests,
        expected={"sigmoid_tests": 0.0}),
    "duplicate_grade_cell": lambda c: Submission(
        "duplicate_grade_cell", {"sigmoid": WRONG_SIGMOID}, edit=_duplicate_grade_cell,
        expected={"sigmoid_tests": 0.0}),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = GradedCourse(tmp_path_factory.mktemp("kernel-attacks"))
    # The honest learner hands in first, so that an attack can name their file.
    subs = [make(course) for make in SUBMISSIONS.values()]
    course.grade(subs)
    return course, {s.student: s for s in subs}


@pytest.mark.nbgrader
@pytest.mark.parametrize("student", list(SUBMISSIONS))
def test_no_undeserved_points_and_the_expected_flag(graded, student):
    course, subs = graded
    sub = subs[student]
    grades = course.grades(student)
    for gid, score in sub.scores().items():
        assert grades[gid][0] == score, (gid, grades[gid], course.summary)
    flags = course.flags(student)
    if sub.flags is None:
        assert flags == [], flags
        assert not any(grades[gid][1] for gid in PS1_POINTS)
    else:
        for needle in sub.flags:
            assert any(needle in f for f in flags), (needle, flags)
        flagged = {f.split(":")[0] for f in flags}
        for gid in PS1_POINTS:
            if FUNCTION_OF[gid] in flagged:
                assert grades[gid] == (0.0, True)
        assert "FLAGGED" in next(line for line in course.summary.splitlines()
                                 if line.startswith(f"{PS1} {student}:"))


@pytest.mark.nbgrader
def test_gradebook_holds_exactly_what_the_pipeline_wrote(graded):
    course, subs = graded
    assert course.source_cells() == course.source_cells_before  # points and tests untouched
    with course.gradebook() as gb:
        assert sorted(s.id for s in gb.students) == sorted(subs)
        assert [a.name for a in gb.assignments] == [PS1]
        assert gb.find_assignment(PS1).max_score == 10.0
        for student, sub in subs.items():
            nb = gb.find_submission_notebook(PS1, PS1, student)
            by_name = {g.name: g for g in nb.grades}
            assert set(by_name) == {*PS1_POINTS, "mse_vs_bce"}
            for gid, score in sub.scores().items():
                assert by_name[gid].auto_score == score
                assert by_name[gid].manual_score is None
            # The written answer is nbgrader's: left unanswered, it scores 0 (or nothing
            # yet if the kernel run failed) and waits for a person.
            written = by_name["mse_vs_bce"]
            assert written.auto_score in (0.0, None) and written.manual_score is None
            assert nb.score == sum(sub.scores().values())


@pytest.mark.nbgrader
def test_feedback_leaks_no_hidden_test_and_no_other_learner(graded):
    course, _ = graded
    for student in ("read_source_notebook", "honest", "input_transformer"):
        html = course.feedback_html(student)
        assert "Grade of record" in html
        for secret in ("HIDDEN TESTS", "run_hidden_tests", "grading.checks"):
            assert secret not in html, (student, secret)
    leaked = course.feedback_html("read_source_notebook")
    assert MARKER not in leaked  # no other learner's notebook printed
    assert "No such file or directory" in leaked  # the kernel could not see the course


@pytest.mark.nbgrader
def test_confined_kernel_reported_its_isolation(graded):
    course, _ = graded
    assert "isolation: " in course.summary
    assert "MISSING" not in course.summary
    identity = "separate-user" if os.geteuid() == 0 else "user-namespace"  # see confine.py
    for measure in ("hidden-paths", identity, "no-network", "resource-limits"):
        assert measure in course.summary
