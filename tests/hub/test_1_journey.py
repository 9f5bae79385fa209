"""A learner's journey on the course hub, in Chromium: fetch, work, validate, submit, feedback.

The steps run in order and share one hub (``conftest.hub``) and one logged-in
browser context per account (``conftest.sessions``); each leaves screenshots in
``test-artifacts/hub/``. Learner ``alice`` hands in correct solutions, ``bob``
a ``sigmoid`` that overflows at the tails (and submits twice), ``carol``
submits after the due date. The instructor grades from the formgrader's
buttons, and the command-line path (what ``make hub-autograde`` runs) must agree.
"""

import json
import re
import time
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
from hub_site import (
    ASSIGNMENT,
    INSTRUCTOR,
    SOURCE,
    as_account,
    lab,
    launch,
    open_assignments,
    press_formgrader_button,
    shot,
    solutions,
)
from records import autograded_points, ledger, total

NAIVE_SIGMOID = '''def sigmoid(z):
    """Logistic sigmoid (the naive formula: overflows for large negative z)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))'''

pytestmark = pytest.mark.timeout(300)


def assignment_row(page, list_name):
    """The assignment's row in the Assignments tab's list ``list_name``."""
    return page.locator(
        f"#{list_name}_assignments_list .list_item:has-text('{ASSIGNMENT}')").first


def fetch(page, tag):
    """Fetch the assignment from the Assignments tab."""
    open_assignments(lab(page))
    assignment_row(page, "released").wait_for(timeout=60_000)
    shot(page, f"{tag}-1-released")
    assignment_row(page, "released").locator("button:has-text('Fetch')").click()
    assignment_row(page, "fetched").wait_for(timeout=60_000)


def submit(page, number):
    """Press Submit in the Assignments tab; wait until it lists ``number`` submissions.

    The tab lists each submission's time stamp as a nested item of its assignment.
    """
    open_assignments(page)
    assignment_row(page, "fetched").locator("button:has-text('Submit')").click()
    page.locator("#submitted_assignments_list .nested_list_item").nth(number - 1).wait_for(
        timeout=60_000)


def _saved(notebook, code_by_cell):
    cells = json.loads(notebook.read_text())["cells"]
    return all("".join(cells[i]["source"]) == code for i, code in code_by_cell.items())


def type_and_validate(hub, page, user, code_by_cell, tag):
    """Open the notebook from the Assignments tab, type ``code_by_cell`` into its editor,
    save, run Validate; the verdict."""
    open_assignments(page)
    fetched = page.locator("#fetched_assignments_list")
    fetched.locator("a.assignment-notebooks-link").first.click()
    fetched.locator(f".assignment-notebooks a:text-is('{ASSIGNMENT}')").first.click()
    cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
    cells.nth(max(code_by_cell)).wait_for(timeout=90_000)
    for index, code in code_by_cell.items():
        cell = cells.nth(index)
        if "jp-MarkdownCell" in (cell.get_attribute("class") or ""):
            cell.dblclick()  # a rendered written answer opens its editor
        cell.locator(".cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(code)
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    notebook = Path(hub["state"]) / "home" / user / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    deadline = time.monotonic() + 30
    while not _saved(notebook, code_by_cell) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _saved(notebook, code_by_cell), "the typed cells were not saved"
    page.click(".jp-NotebookPanel:not(.lm-mod-hidden) .validate-button")
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=120_000)
    dialog.locator(".jp-Dialog-content").filter(has_not_text="Validating").wait_for(
        timeout=120_000)
    verdict = dialog.inner_text()
    shot(page, f"{tag}-2-validated")
    dialog.locator("button").last.click()
    return verdict


def inbound(hub, user):
    return sorted((Path(hub["state"]) / "exchange" / "logreg" / "inbound").glob(
        f"{user}+{ASSIGNMENT}+*"))


def test_1_correct_learner_fetches_validates_submits(hub, sessions):
    page = sessions["alice"]
    fetch(page, "step1-alice")
    verdict = type_and_validate(hub, page, "alice", solutions(), "step1-alice")
    assert "Success" in verdict, verdict
    submit(page, 1)
    shot(page, "step1-alice-3-submitted")
    assert len(inbound(hub, "alice")) == 1


def test_2_learner_with_one_wrong_function_submits_twice(hub, sessions):
    """bob hands in the untouched notebook by mistake, then his work: the second counts."""
    page = sessions["bob"]
    fetch(page, "step2-bob")
    submit(page, 1)
    code = solutions()
    code[min(code)] = NAIVE_SIGMOID
    type_and_validate(hub, page, "bob", code, "step2-bob")
    submit(page, 2)
    shot(page, "step2-bob-3-submitted")
    assert len(inbound(hub, "bob")) == 2


def test_3_learner_cannot_read_others_work_sources_or_gradebook(hub, sessions):
    state = Path(hub["state"])
    submission = inbound(hub, "alice")[0]
    assert re.fullmatch(rf"alice\+{ASSIGNMENT}\+[^+]+\+[\w-]{{6,}}", submission.name), \
        submission.name
    handed_in = submission / f"{ASSIGNMENT}.ipynb"
    # alice opens her own submission and the instructor reads it (the controls) ...
    assert as_account("alice", "cat", str(handed_in)).returncode == 0
    assert as_account(INSTRUCTOR, "cat", str(handed_in)).returncode == 0
    # ... bob, knowing its exact path, can neither read, list, move nor write into it.
    private = [
        handed_in,
        submission / "timestamp.txt",
        submission / "submission_secret.txt",  # would give away the name of her feedback
        state / "home" / "alice" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
        state / "course" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
        state / "course" / "gradebook.db",
        state / "course" / "nbgrader_config.py",
    ]
    for path in private:
        assert path.is_file(), path
        done = as_account("bob", "cat", str(path))
        assert done.returncode != 0 and "Permission denied" in done.stderr, (path, done)
    for program in (["ls", str(submission)], ["ls", str(submission.parent)],
                    ["mv", str(submission), str(submission.parent / "bob+moved")],
                    ["touch", str(submission / "extra.txt")]):
        done = as_account("bob", *program)
        assert done.returncode != 0, (program, done)
        assert re.search("Permission denied|Operation not permitted", done.stderr), done
    assert submission.is_dir() and not (submission / "extra.txt").exists()
    # Through the browser: bob's session cannot open alice's server or the instructor's.
    page = sessions["bob"].context.new_page()
    for owner in ("alice", INSTRUCTOR):
        answer = page.goto(f"{hub['url']}/user/{owner}/lab/tree/{ASSIGNMENT}")
        page.wait_for_load_state()
        assert answer.status in (403, 404), (owner, answer.status, page.url)
        assert not urlparse(page.url).path.startswith(f"/user/{owner}/"), page.url
        assert f"{ASSIGNMENT}.ipynb" not in page.inner_text("body")
        shot(page, f"step3-bob-cannot-open-{owner}")
    answer = page.goto(f"{hub['url']}/user/bob/api/contents/..%2Falice")
    assert answer.status in (400, 403, 404), answer.status
    page.close()


def autograded_maximum():
    """The autograded points of the assignment, from its source notebook's test cells."""
    nb = nbformat.read(SOURCE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    return sum(cell.metadata["nbgrader"]["points"] for cell in nb.cells
               if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"))


def test_4_instructor_grades_from_the_formgrader_as_from_make(hub, sessions):
    """Collect, Autograde, Generate and Release Feedback pressed in the formgrader.

    The command-line path then regrades the same submissions (``hub/launch.py
    instructor autograde --force``, what ``make hub-autograde`` runs): the
    gradebook must hold the same points and the same grade-of-record rows.
    """
    page = lab(sessions[INSTRUCTOR])
    page.click(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
    labels = page.locator(".lm-Menu-itemLabel").all_inner_texts()
    assert "Formgrader" in labels and "Assignment List" not in labels, labels
    shot(page, "step4-instructor-menu")
    page.keyboard.press("Escape")
    formgrader = f"{hub['url']}/user/{INSTRUCTOR}/formgrader"
    page.goto(f"{formgrader}/manage_assignments")
    press_formgrader_button(page, ASSIGNMENT, "collect", "Successfully collected")
    page.goto(f"{formgrader}/manage_submissions/{ASSIGNMENT}")
    for learner in ("alice", "bob"):
        press_formgrader_button(page, learner, "autograde", "Successfully autograded")
    page.locator("td.score:has-text(' / ')").nth(1).wait_for()
    shot(page, "step4-formgrader-submissions-graded")
    state = hub["state"]
    points, rows = autograded_points(state, ASSIGNMENT), ledger(state, ASSIGNMENT)
    assert total(points["alice"]) == autograded_maximum(), points["alice"]
    assert total(points["bob"]) == 4.0, points["bob"]
    assert {s: row[0] for s, row in rows.items()} == {"alice": "graded", "bob": "graded"}, rows

    done = launch(hub["env"], "instructor", "autograde", ASSIGNMENT, "--force",
                  "--student", "alice", "bob", check=False)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert re.search(rf"{ASSIGNMENT} bob: 4 / 7", done.stdout), done.stdout
    assert autograded_points(state, ASSIGNMENT) == points
    assert ledger(state, ASSIGNMENT) == rows

    page.goto(f"{formgrader}/manage_assignments")
    press_formgrader_button(page, ASSIGNMENT, "generate-feedback", "Successfully generated")
    press_formgrader_button(page, ASSIGNMENT, "release-feedback", "Successfully released")
    feedback = Path(state) / "exchange" / "logreg" / "feedback"
    assert len(list(feedback.glob("*.html"))) == 2


def fetch_feedback(hub, sessions, user, tag):
    """``user`` fetches the feedback in the Assignments tab; the feedback page's text."""
    page = sessions[user]
    open_assignments(page)
    submitted = page.locator("#submitted_assignments_list")
    submitted.locator("button:has-text('Fetch Feedback')").first.click(timeout=60_000)
    submitted.locator("a:has-text('view feedback')").first.wait_for(timeout=60_000)
    shot(page, f"{tag}-1-feedback-fetched")
    home = Path(hub["state"]) / "home" / user
    found = sorted(home.glob(f"{ASSIGNMENT}/feedback/*/{ASSIGNMENT}.html"))
    assert found, "no feedback fetched"
    page = page.context.new_page()
    page.goto(f"{hub['url']}/user/{user}/files/{found[-1].relative_to(home).as_posix()}")
    # The maths is typeset by the MathJax inlined in the page (no CDN, no internet).
    assert "cdnjs" not in page.content()
    page.wait_for_selector("mjx-container", timeout=60_000)
    shot(page, f"{tag}-2-feedback-scores")
    page.locator("mjx-container").first.scroll_into_view_if_needed()
    shot(page, f"{tag}-3-feedback-maths")
    verdict = page.get_by_text("Grade of record").first
    if verdict.count():
        verdict.scroll_into_view_if_needed()
        shot(page, f"{tag}-4-feedback-first-verdict")
    text = page.inner_text("body")
    page.close()
    return text


def test_5_feedback_full_points_and_failed_hidden_cases(hub, sessions):
    alice = fetch_feedback(hub, sessions, "alice", "step5-alice")
    assert "7.0 / 10.0" in alice, alice[:2000]
    bob = fetch_feedback(hub, sessions, "bob", "step5-bob")
    assert "4.0 / 10.0" in bob, bob[:2000]
    assert "sigmoid" in bob and "fail" in bob.lower()
    assert "BEGIN HIDDEN TESTS" not in bob and "run_hidden_tests" not in bob


def write_solutions(hub, user):
    """The fetched notebook of ``user`` with every solution cell filled in, as its owner."""
    notebook = Path(hub["state"]) / "home" / user / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    for index, code in solutions().items():
        nb.cells[index].source = code
    done = as_account(user, "tee", str(notebook), input_text=nbformat.writes(nb))
    assert done.returncode == 0, done.stderr


def test_6_late_submission_is_penalised(hub, sessions):
    """carol submits after the due date (her work written as her: the typing is step 1's)."""
    page = sessions["carol"]
    fetch(page, "step6-carol")
    write_solutions(hub, "carol")
    env = hub["env"]
    due = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 60))
    launch(env, "as", INSTRUCTOR, "--", "sh", "-c",
           f"cd {hub['state']}/course && nbgrader db assignment add {ASSIGNMENT} "
           f"--duedate='{due} UTC'")
    submit(page, 1)
    shot(page, "step6-carol-2-submitted-late")
    launch(env, "instructor", "collect", ASSIGNMENT)
    graded = launch(env, "instructor", "autograde", ASSIGNMENT)
    # The formgrader's grades of record are current: the command line skips them.
    for learner in ("alice", "bob"):
        assert f"unchanged, skipped: {learner}/{ASSIGNMENT}" in graded.stdout, graded.stdout
    assert re.search(rf"{ASSIGNMENT} carol: 7 / 7", graded.stdout), graded.stdout
    launch(env, "instructor", "feedback", ASSIGNMENT)
    carol = fetch_feedback(hub, sessions, "carol", "step6-carol-late")
    assert "late" in carol.lower() and "0.0 / 10.0" in carol, carol[:2000]
