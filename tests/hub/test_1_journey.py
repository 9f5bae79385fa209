"""A learner's journey on the course hub, in Chromium: fetch, work, validate, submit, feedback.

The steps run in order and share one hub (``conftest.hub``); each leaves a
screenshot in ``test-artifacts/hub/``. Learner ``alice`` hands in correct
solutions, ``bob`` a ``sigmoid`` that overflows at the tails (and submits
twice), ``carol`` submits after the due date.
"""

import json
import re
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from hub_site import ASSIGNMENT, INSTRUCTOR, launch, log_in, open_assignments, shot, solutions

NAIVE_SIGMOID = '''def sigmoid(z):
    """Logistic sigmoid (the naive formula: overflows for large negative z)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))'''

pytestmark = pytest.mark.timeout(300)


def _saved(notebook, code_by_cell):
    cells = json.loads(notebook.read_text())["cells"]
    return all("".join(cells[i]["source"]) == code for i, code in code_by_cell.items())


def work_on_assignment(hub, browser, user, code_by_cell, tag, submissions=1):
    """``user`` logs in, fetches, types ``code_by_cell`` into the notebook, validates, submits."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, hub["url"], user, hub["passwords"][user])
    open_assignments(page)
    page.wait_for_selector(f"#released_assignments_list .list_item:has-text('{ASSIGNMENT}')")
    shot(page, f"{tag}-1-released")
    released = f"#released_assignments_list .list_item:has-text('{ASSIGNMENT}')"
    page.click(f"{released} button:has-text('Fetch')")
    page.wait_for_selector(f"#fetched_assignments_list .list_item:has-text('{ASSIGNMENT}')",
                           timeout=60_000)
    page.goto(f"{hub['url']}/user/{user}/lab/tree/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
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
        time.sleep(0.5)
    assert _saved(notebook, code_by_cell), "the typed cells were not saved"
    page.click(".jp-NotebookPanel:not(.lm-mod-hidden) .validate-button")
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=120_000)
    dialog.locator(".jp-Dialog-content").filter(has_not_text="Validating").wait_for(
        timeout=120_000)
    verdict = dialog.inner_text()
    shot(page, f"{tag}-2-validated")
    dialog.locator("button").last.click()
    open_assignments(page)
    fetched = f"#fetched_assignments_list .list_item:has-text('{ASSIGNMENT}')"
    submit = f"{fetched} button:has-text('Submit')"
    for number in range(1, submissions + 1):
        page.click(submit)
        page.wait_for_function(
            "n => document.querySelectorAll('#submitted_assignments_list .list_item').length >= n",
            arg=number, timeout=60_000)
        time.sleep(1.1)  # submissions are told apart by their time stamps (seconds)
    shot(page, f"{tag}-3-submitted")
    context.close()
    return verdict


def test_1_correct_learner_fetches_validates_submits(hub, browser):
    verdict = work_on_assignment(hub, browser, "alice", solutions(), "step1-alice")
    assert "Success" in verdict, verdict
    inbound = Path(hub["state"]) / "exchange" / "logreg" / "inbound"
    assert len(list(inbound.glob(f"alice+{ASSIGNMENT}+*"))) == 1


def test_2_learner_with_one_wrong_function_submits_twice(hub, browser):
    code = solutions()
    first = min(code)
    code[first] = NAIVE_SIGMOID
    work_on_assignment(hub, browser, "bob", code, "step2-bob", submissions=2)
    inbound = Path(hub["state"]) / "exchange" / "logreg" / "inbound"
    assert len(list(inbound.glob(f"bob+{ASSIGNMENT}+*"))) == 2


def _as(hub, user, *program):
    return launch(hub["env"], "as", user, "--", *program, check=False)


def test_3_learner_cannot_read_others_work_sources_or_gradebook(hub, browser):
    state = Path(hub["state"])
    inbound = state / "exchange" / "logreg" / "inbound"
    alice_submission = next(inbound.glob(f"alice+{ASSIGNMENT}+*"))
    # nbgrader's exchange: the inbound folder is write-only for learners (they cannot
    # list it), and every submission's folder name ends in a random part, so another
    # learner can neither list nor guess it.
    assert re.fullmatch(rf"alice\+{ASSIGNMENT}\+[^+]+\+\w{{6,}}", alice_submission.name), \
        alice_submission.name
    private = [
        state / "home" / "alice" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
        state / "course" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
        state / "course" / "gradebook.db",
        state / "course" / "nbgrader_config.py",
    ]
    for path in private:
        assert path.is_file(), path
        done = _as(hub, "bob", "cat", str(path))
        assert done.returncode != 0, (path, done.stdout[:200])
        assert "Permission denied" in done.stderr, (path, done.stderr)
    listing = _as(hub, "bob", "ls", str(state / "exchange" / "logreg" / "inbound"))
    assert listing.returncode != 0 and "Permission denied" in listing.stderr
    # Through the browser: bob's session cannot open alice's server or the instructor's.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, hub["url"], "bob", hub["passwords"]["bob"])
    for owner in ("alice", INSTRUCTOR):
        answer = page.goto(f"{hub['url']}/user/{owner}/lab/tree/{ASSIGNMENT}")
        page.wait_for_load_state()
        assert answer.status in (403, 404), (owner, answer.status, page.url)
        assert not urlparse(page.url).path.startswith(f"/user/{owner}/"), page.url
        assert "ps1_sigmoid_bce.ipynb" not in page.inner_text("body")
    shot(page, "step3-bob-cannot-open-alice")
    answer = page.goto(f"{hub['url']}/user/bob/api/contents/..%2Falice")
    assert answer.status in (400, 403, 404), answer.status
    context.close()


def test_4_instructor_collects_autogrades_releases_feedback(hub):
    for step in ("collect", "autograde", "feedback"):
        done = launch(hub["env"], "instructor", step, ASSIGNMENT, check=False, timeout=600)
        print(done.stdout, done.stderr)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
        if step == "autograde":
            assert re.search(rf"{ASSIGNMENT} alice: 7 / 7", done.stdout), done.stdout
            assert re.search(rf"{ASSIGNMENT} bob: 4 / 7", done.stdout), done.stdout
    feedback = Path(hub["state"]) / "exchange" / "logreg" / "feedback"
    assert len(list(feedback.glob("*.html"))) == 2


def test_4_formgrader_shows_the_graded_submissions(hub, browser):
    """The instructor's Formgrader (in their JupyterLab) lists the course's submissions."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, hub["url"], INSTRUCTOR, hub["passwords"][INSTRUCTOR])
    page.click(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
    labels = page.locator(".lm-Menu-itemLabel").all_inner_texts()
    assert "Formgrader" in labels and "Assignment List" not in labels, labels
    shot(page, "step4-instructor-menu")
    page.goto(f"{hub['url']}/user/{INSTRUCTOR}/formgrader/manage_students")
    page.wait_for_load_state()
    page.wait_for_timeout(5000)
    shot(page, "step4-instructor-formgrader-students")
    text = page.inner_text("body")
    assert "alice" in text and "bob" in text, text[:1000]
    context.close()


def fetch_feedback(hub, browser, user, tag):
    """``user`` fetches the feedback in the Assignments tab; the page's text."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, hub["url"], user, hub["passwords"][user])
    open_assignments(page)
    row = f"#submitted_assignments_list .list_item:has-text('{ASSIGNMENT}')"
    page.click(f"{row} button:has-text('Fetch Feedback')", timeout=60_000)
    page.wait_for_selector(f"{row} a:has-text('view feedback')", timeout=60_000)
    shot(page, f"{tag}-1-feedback-fetched")
    found = sorted((Path(hub["state"]) / "home" / user / ASSIGNMENT / "feedback").glob(
        f"*/{ASSIGNMENT}.html"))
    assert found, "no feedback fetched"
    relative = found[-1].relative_to(Path(hub["state"]) / "home" / user).as_posix()
    page.goto(f"{hub['url']}/user/{user}/files/{relative}")
    page.wait_for_load_state()
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
    context.close()
    return text


def test_5_feedback_full_points_and_failed_hidden_cases(hub, browser):
    alice = fetch_feedback(hub, browser, "alice", "step5-alice")
    assert "Score: 7.0 / 10.0" in alice or "7.0 / 10.0" in alice, alice[:2000]
    bob = fetch_feedback(hub, browser, "bob", "step5-bob")
    assert "4.0 / 10.0" in bob, bob[:2000]
    assert "sigmoid" in bob and "fail" in bob.lower()
    assert "BEGIN HIDDEN TESTS" not in bob and "run_hidden_tests" not in bob


def test_6_late_submission_is_penalised(hub, browser):
    env = hub["env"]
    due = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 60))
    launch(env, "as", INSTRUCTOR, "--", "sh", "-c",
           f"cd {hub['state']}/course && nbgrader db assignment add {ASSIGNMENT} "
           f"--duedate='{due} UTC'")
    verdict = work_on_assignment(hub, browser, "carol", solutions(), "step6-carol")
    assert "Success" in verdict
    launch(env, "instructor", "collect", ASSIGNMENT)
    graded = launch(env, "instructor", "autograde", ASSIGNMENT)
    assert re.search(rf"{ASSIGNMENT} carol: 7 / 7", graded.stdout), graded.stdout
    launch(env, "instructor", "feedback", ASSIGNMENT)
    carol = fetch_feedback(hub, browser, "carol", "step6-carol")
    assert "late" in carol.lower() and "0.0 / 10.0" in carol, carol[:2000]
