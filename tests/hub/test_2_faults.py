"""Bad input and faults on the course hub: each gets a clear message and no work is lost.

Runs after the journey (``test_1_journey.py``), on the same hub: ``carol`` has
fetched and submitted ``ps1_sigmoid_bce`` late; ``dave`` is in no course.
"""

import json
import os
import pwd
import shutil
from pathlib import Path

import pytest
from hub_site import (
    ASSIGNMENT,
    UNRELEASED,
    lab,
    launch,
    shot,
    start_hub,
    stop_hub,
)

pytestmark = pytest.mark.timeout(300)

CALL = """async ([base, action, body]) => {
    const cookie = document.cookie.split('; ').find(c => c.startsWith('_xsrf=')) || '=';
    const xsrf = cookie.split('=')[1];
    const answer = await fetch(base + action, {method: body ? 'POST' : 'GET',
        body: body ? JSON.stringify(body) : undefined,
        headers: {'X-XSRFToken': decodeURIComponent(xsrf)}});
    return {status: answer.status, body: await answer.text()};
}"""


def call(page, hub, user, action, assignment=None):
    """What the Assignments tab's buttons call on ``user``'s server: (status, JSON)."""
    body = {"course_id": "logreg", "assignment_id": assignment} if assignment else None
    answer = page.evaluate(CALL, [f"{hub['url']}/user/{user}/", action, body])
    return answer["status"], json.loads(answer["body"])


@pytest.fixture(scope="module")
def carol(sessions):
    return lab(sessions["carol"])


def inbound(hub, user):
    return sorted((Path(hub["state"]) / "exchange" / "logreg" / "inbound").glob(f"{user}+*"))


def test_fetching_twice_keeps_the_learners_work(hub, carol):
    notebook = Path(hub["state"]) / "home" / "carol" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    before = notebook.read_bytes()
    assert b"np.exp(-np.abs(z))" in before  # carol's own work (the journey's step 6)
    status, listing = call(carol, hub, "carol", "assignments/fetch", ASSIGNMENT)
    assert status == 200
    assert notebook.read_bytes() == before
    assert [a["status"] for a in listing["value"] if a["assignment_id"] == ASSIGNMENT] == \
        ["fetched"] or "fetched" in [a["status"] for a in listing["value"]]
    log = (Path(hub["log"].name)).read_text()
    assert "You already have a copy of the assignment in this directory" in log


def test_a_notebook_with_a_wrong_name_is_refused_and_kept(hub, carol):
    folder = Path(hub["state"]) / "home" / "carol" / ASSIGNMENT
    wrong = folder / "ps1 copy.ipynb"
    os.rename(folder / f"{ASSIGNMENT}.ipynb", wrong)
    try:
        before = inbound(hub, "carol")
        status, answer = call(carol, hub, "carol", "assignments/submit", ASSIGNMENT)
        assert status == 200 and answer["success"] is False, answer
        assert f"{ASSIGNMENT}.ipynb: MISSING" in answer["value"], answer["value"]
        assert "ps1 copy.ipynb: EXTRA" in answer["value"]
        assert inbound(hub, "carol") == before
        assert wrong.is_file()
    finally:
        os.rename(wrong, folder / f"{ASSIGNMENT}.ipynb")


def test_submitting_an_unreleased_assignment_is_refused(hub, carol):
    home = Path(hub["state"]) / "home" / "carol"
    folder = home / UNRELEASED
    folder.mkdir()
    shutil.copy(home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", folder / f"{UNRELEASED}.ipynb")
    entry = pwd.getpwnam("carol")
    for path in (folder, folder / f"{UNRELEASED}.ipynb"):
        os.chown(path, entry.pw_uid, entry.pw_gid)
    status, answer = call(carol, hub, "carol", "assignments/submit", UNRELEASED)
    assert status == 200 and answer["success"] is False, answer
    assert "Assignment not found" in answer["value"], answer["value"]
    assert not list((Path(hub["state"]) / "exchange" / "logreg" / "inbound").glob(
        f"carol+{UNRELEASED}+*"))
    assert (folder / f"{UNRELEASED}.ipynb").is_file()


def test_a_learner_not_in_the_course_sees_no_course_and_cannot_submit(hub, sessions):
    page = lab(sessions["dave"])
    status, courses = call(page, hub, "dave", "courses")
    assert status == 200 and courses["value"] == [], courses
    page.click(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
    page.click(".lm-Menu-itemLabel:text-is('Assignment List')")
    page.wait_for_function("() => document.body.innerText.includes('No courses found.')",
                           timeout=60_000)
    assert not page.locator("#released_assignments_list .list_item").count()
    shot(page, "fault-outsider-assignments")
    home = Path(hub["state"]) / "home" / "dave"
    folder = home / ASSIGNMENT
    folder.mkdir()
    (folder / f"{ASSIGNMENT}.ipynb").write_text("{}")
    entry = pwd.getpwnam("dave")
    for path in (folder, folder / f"{ASSIGNMENT}.ipynb"):
        os.chown(path, entry.pw_uid, entry.pw_gid)
    status, answer = call(page, hub, "dave", "assignments/submit", ASSIGNMENT)
    assert answer["success"] is False and "You do not have access to this course" in answer["value"]
    assert not inbound(hub, "dave")


def test_hub_restart_between_submit_and_collect_loses_nothing(hub, carol):
    status, answer = call(carol, hub, "carol", "assignments/submit", ASSIGNMENT)
    assert status == 200 and "value" in answer, answer
    submitted = inbound(hub, "carol")[-1]
    stop_hub(hub["proc"])
    hub["proc"], _ = start_hub(hub["env"], hub["log"])
    assert submitted.is_dir()
    done = launch(hub["env"], "instructor", "collect", ASSIGNMENT)
    stamp = (submitted / "timestamp.txt").read_text().strip()
    collected = Path(hub["state"]) / "course" / "submitted" / "carol" / ASSIGNMENT
    assert (collected / "timestamp.txt").read_text().strip() == stamp, done.stdout
