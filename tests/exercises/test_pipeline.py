"""The whole nbgrader pipeline of every assignment, in a temporary course copy.

The tests run on the ``graded`` fixture (``conftest.py``): a temporary course
copy whose submissions, every assignment's, went through one
``python -m tools.autograde``, as ``make autograde``. Each later step is one
run for the whole course too (a resubmission and a second autograde, a
forced regrade, feedback, grades), whose outcome the tests check assignment
by assignment. ``make test-exercises`` hands out whole files
(``--dist loadfile``): these tests share the worker that built the copy.
"""

import csv
import re

import pytest
from conftest import mistake_names
from course_copy import learner_notebook
from notebook_tools import ASSIGNMENTS, graded_functions, read_source
from variants import ALTERNATIVES

pytestmark = pytest.mark.nbgrader
by_assignment = pytest.mark.parametrize("assignment", ASSIGNMENTS)

#: The student whose unchanged submissions a forced run regrades.
REGRADED = "mistake0-0"


def _full(scores):
    return {gid: (mx, mx) for gid, (_, mx) in scores.items()}


@pytest.fixture(scope="session")
def second_run(graded):
    """The resubmitter, blank at first, hands in correct answers unlike the reference;
    then a second autograde, and one forced for ``REGRADED`` only.

    Returns a dict: the outputs of the second run (``again``) and of the forced one
    (``forced``), the resubmitter's scores before (``resubmitter_before``), ``REGRADED``'s
    scores before and after (``before``, ``after``).
    """
    out = {"before": {a: graded.scores(a, REGRADED) for a in ASSIGNMENTS},
           "resubmitter_before": {a: graded.scores(a, "resubmitter") for a in ASSIGNMENTS}}
    for assignment in ASSIGNMENTS:
        alternative = learner_notebook(graded.release_notebook(assignment),
                                       read_source(assignment), ALTERNATIVES[assignment])
        graded.submit("resubmitter", assignment, alternative)
    out["again"] = graded.run("autograde.py")
    out["forced"] = graded.run("autograde.py", "--force", "--student", REGRADED)
    out["after"] = {a: graded.scores(a, REGRADED) for a in ASSIGNMENTS}
    return out


@pytest.fixture(scope="session")
def feedback(graded):
    out = graded.run("workflow.py", "feedback")
    assert "feedback page(s)" in out
    return out


@pytest.fixture(scope="session")
def grades_csv(graded):
    graded.run("workflow.py", "grades")
    with open(graded.root / "grades.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@by_assignment
def test_reference_notebook_gets_full_marks(graded, assignment):
    scores = graded.scores(assignment, "reference")
    assert scores and scores == _full(scores)


@by_assignment
def test_blank_release_notebook_gets_zero(graded, assignment):
    scores = graded.scores(assignment, "blank")
    assert scores and all(score == 0 for score, _ in scores.values())


@by_assignment
def test_each_mistake_loses_its_function_points_only(graded, assignment):
    functions = graded_functions(assignment)
    assert all(len(mistake_names(assignment, f)) == 3 for f in functions)
    for student, (_, wrong) in graded.mixed[assignment].items():
        scores = graded.scores(assignment, student)
        expected = {f"{f}_tests": (0.0 if f in wrong else scores[f"{f}_tests"][1],
                                   scores[f"{f}_tests"][1]) for f in functions}
        assert scores == expected, student
        # the submission's total is exactly the points of its correct parts
        total = sum(s for s, _ in scores.values())
        assert total == sum(mx for gid, (_, mx) in scores.items()
                            if gid[: -len("_tests")] not in wrong)


@by_assignment
def test_autograde_is_idempotent(second_run, assignment):
    """A second run regrades only what changed (the resubmission); a forced run regrades
    unchanged files and gives the same scores."""
    again, forced = second_run["again"], second_run["forced"]
    assert f"unchanged, skipped: reference/{assignment}" in again
    assert set(re.findall(r"^autograded (\S+)/\S+ in", again, re.MULTILINE)) == {"resubmitter"}
    assert re.search(rf"^autograded {REGRADED}/{assignment} in", forced, re.MULTILINE)
    assert not re.search(r"^autograded reference/", forced, re.MULTILINE)
    assert second_run["after"][assignment] == second_run["before"][assignment]


@by_assignment
def test_feedback_shows_failures_but_not_hidden_tests(graded, feedback, assignment):
    page = (graded.root / "feedback" / REGRADED / assignment
            / f"{assignment}.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    wrong = graded.mixed[assignment][REGRADED][1][0]
    assert wrong in text and re.search(r"failed|wrong|raised|should", text)
    for leak in ("BEGIN HIDDEN TESTS", "run_hidden_tests", "grading.checks",
                 "Traceback (most recent call last)"):
        assert leak not in page, leak
    source = read_source(assignment)
    hidden_line = next(line for c in source.cells for line in c.source.splitlines()
                       if "run_hidden_tests(" in line)
    assert hidden_line.strip() not in text


@by_assignment
def test_grades_csv_matches_the_gradebook(graded, grades_csv, assignment):
    by_student = {r["student_id"]: r for r in grades_csv if r["assignment"] == assignment}
    for student in ("reference", "blank", "mistake1-1"):
        row = by_student[student]
        auto = sum(s for s, _ in graded.scores(assignment, student).values())
        assert float(row["score"]) == auto  # written answers are not graded yet
        assert float(row["max_score"]) > auto or student != "reference"


@by_assignment
def test_resubmission_of_answers_written_differently_replaces_the_score(graded, second_run,
                                                                        assignment):
    """The resubmitter first handed in the blank notebook, now correct answers unlike
    the reference: the new submission is regraded, gets full marks, replaces the 0."""
    before = second_run["resubmitter_before"][assignment]
    assert before and all(s == 0 for s, _ in before.values())
    assert re.search(rf"^autograded resubmitter/{assignment} in", second_run["again"],
                     re.MULTILINE)
    scores = graded.scores(assignment, "resubmitter")
    assert scores == _full(scores)
