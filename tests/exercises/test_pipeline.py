"""The whole nbgrader pipeline of every assignment, in a temporary course copy.

The tests run on the ``graded`` fixture (``conftest.py``), parametrised by
assignment: a temporary course copy whose submissions went through
``python -m tools.autograde``, as ``make autograde``. Each assignment's tests
stay on one xdist worker (``--dist loadgroup``), which builds its copy once.
"""

import csv
import re

import pytest
from conftest import mistake_names
from course_copy import learner_notebook
from notebook_tools import ASSIGNMENTS, graded_functions, read_source
from variants import ALTERNATIVES

pytestmark = pytest.mark.nbgrader


@pytest.fixture(scope="module",
                params=[pytest.param(a, marks=pytest.mark.xdist_group(a)) for a in ASSIGNMENTS])
def assignment(request):
    return request.param


def _full(scores):
    return {gid: (mx, mx) for gid, (_, mx) in scores.items()}


def test_reference_notebook_gets_full_marks(graded):
    scores = graded.scores(graded.assignment, "reference")
    assert scores and scores == _full(scores)


def test_blank_release_notebook_gets_zero(graded):
    scores = graded.scores(graded.assignment, "blank")
    assert scores and all(score == 0 for score, _ in scores.values())


def test_each_mistake_loses_its_function_points_only(graded):
    functions = graded_functions(graded.assignment)
    assert all(len(mistake_names(graded.assignment, f)) == 3 for f in functions)
    for student, (_, wrong) in graded.mixed.items():
        scores = graded.scores(graded.assignment, student)
        expected = {f"{f}_tests": (0.0 if f in wrong else scores[f"{f}_tests"][1],
                                   scores[f"{f}_tests"][1]) for f in functions}
        assert scores == expected, student
        # the submission's total is exactly the points of its correct parts
        total = sum(s for s, _ in scores.values())
        assert total == sum(mx for gid, (_, mx) in scores.items()
                            if gid[: -len("_tests")] not in wrong)


def test_autograde_is_idempotent(graded):
    before = {s: graded.scores(graded.assignment, s) for s in ("mistake0-0",)}
    out = graded.run("autograde.py")
    assert "unchanged, skipped: reference/" in out
    assert not re.search(r"^autograded \S+ in", out, re.MULTILINE)
    graded.run("autograde.py", "--force", "--assignment", graded.assignment,
               "--student", *before)
    after = {s: graded.scores(graded.assignment, s) for s in before}
    assert after == before


def test_feedback_shows_failures_but_not_hidden_tests(graded):
    out = graded.run("workflow.py", "feedback", "--assignment", graded.assignment)
    assert "feedback page(s)" in out
    student = "mistake0-0"
    page = (graded.root / "feedback" / student / graded.assignment
            / f"{graded.assignment}.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    wrong = graded.mixed[student][1][0]
    assert wrong in text and re.search(r"failed|wrong|raised|should", text)
    for leak in ("BEGIN HIDDEN TESTS", "run_hidden_tests", "grading.checks",
                 "Traceback (most recent call last)"):
        assert leak not in page, leak
    source = read_source(graded.assignment)
    hidden_line = next(line for c in source.cells for line in c.source.splitlines()
                       if "run_hidden_tests(" in line)
    assert hidden_line.strip() not in text


def test_grades_csv_matches_the_gradebook(graded):
    graded.run("workflow.py", "grades")
    with open(graded.root / "grades.csv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["assignment"] == graded.assignment]
    by_student = {r["student_id"]: r for r in rows}
    for student in ("reference", "blank", "mistake1-1"):
        row = by_student[student]
        auto = sum(s for s, _ in graded.scores(graded.assignment, student).values())
        assert float(row["score"]) == auto  # written answers are not graded yet
        assert float(row["max_score"]) > auto or student != "reference"


def test_resubmission_of_answers_written_differently_replaces_the_score(graded):
    """The resubmitter first handed in the blank notebook, now correct answers unlike
    the reference: the new submission is regraded, gets full marks, replaces the 0."""
    assert all(s == 0 for s, _ in graded.scores(graded.assignment, "resubmitter").values())
    alternative = learner_notebook(graded.release_notebook(graded.assignment),
                                   read_source(graded.assignment), ALTERNATIVES[graded.assignment])
    graded.submit("resubmitter", graded.assignment, alternative)
    out = graded.run("autograde.py")
    assert f"autograded resubmitter/{graded.assignment}" in out
    assert not re.search(r"^autograded reference/", out, re.MULTILINE)
    scores = graded.scores(graded.assignment, "resubmitter")
    assert scores == _full(scores)
