"""nbgrader pipeline of ps1_sigmoid_bce in a temporary course copy (see pipeline_suite.py)."""

import pytest
from pipeline_suite import (  # noqa: F401 - collected by pytest
    test_autograde_is_idempotent,
    test_blank_release_notebook_gets_zero,
    test_each_mistake_loses_its_function_points_only,
    test_feedback_shows_failures_but_not_hidden_tests,
    test_grades_csv_matches_the_gradebook,
    test_reference_notebook_gets_full_marks,
    test_resubmission_of_answers_written_differently_replaces_the_score,
)

pytestmark = pytest.mark.nbgrader


@pytest.fixture(scope="module")
def assignment():
    return "ps1_sigmoid_bce"
