"""The course hub from a learner's and an instructor's side: start it, log in, click through.

Shared by the fixtures (conftest.py) and the journey test. The hub runs from
``hub/launch.py`` (what ``make hub`` runs) on free loopback ports, with its
state in a temporary folder; the accounts are ``hub/accounts.py``'s.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
LAUNCH = REPO / "hub" / "launch.py"
SOURCE = REPO / "exercises" / "source"
ARTIFACTS = REPO / "test-artifacts" / "hub"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ASSIGNMENT = "ps1_sigmoid_bce"
UNRELEASED = "ps2_gradient_descent"  # never generated nor released

sys.path.insert(0, str(REPO / "hub"))
sys.path.insert(0, str(REPO / "tests" / "browser"))
from accounts import ALL_USERS, INSTRUCTOR, LEARNERS, OUTSIDER  # noqa: E402,F401
from book_site import CHROMIUM_ARGS  # noqa: E402,F401


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hub_env(state):
    """Environment of the launcher: the state folder and three free loopback ports."""
    return dict(os.environ, HUB_STATE=str(state), HUB_PORT=str(free_port()),
                HUB_API_PORT=str(free_port()), HUB_PROXY_API_PORT=str(free_port()))


def launch(env, *args, check=True, timeout=600):
    """``python hub/launch.py ARGS`` (what the make targets run); its output."""
    done = subprocess.run([sys.executable, str(LAUNCH), *args], env=env, capture_output=True,
                          text=True, timeout=timeout)
    if check and done.returncode:
        raise AssertionError(f"launch.py {' '.join(args)} failed ({done.returncode}):\n"
                             f"{done.stdout}\n{done.stderr}")
    return done


def start_hub(env, log):
    """JupyterHub in its own process group; returns (process, base URL) once it answers."""
    proc = subprocess.Popen([sys.executable, str(LAUNCH), "run"], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{env['HUB_PORT']}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the hub exited with status {proc.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(f"{url}/hub/api", timeout=2) as answer:
                if answer.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the hub did not answer within 60 s; see {log.name}")


def stop_hub(proc):
    """Stop the hub and everything it started (its process group)."""
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


def solutions(assignment=ASSIGNMENT):
    """``{cell index: text}`` of the solution cells: reference code, model written answers."""
    nb = nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)
    found = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            lines = [line for line in cell.source.splitlines()
                     if not re.match(r"\s*### (BEGIN|END) SOLUTION", line)]
            found[index] = "\n".join(lines)
    return found


def start_logging_in(browser, url, user, password):
    """A context and page for ``user``, the hub's login form sent without waiting.

    The hub starts the account's server on login; the browser goes on to its
    JupyterLab by itself while the caller logs in the next account, so every
    server starts at once. ``lab`` waits for the page to be ready.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit", no_wait_after=True)
    return page


def lab(page):
    """``page`` once JupyterLab is shown (its server may still be starting)."""
    page.wait_for_selector(".jp-LabShell", timeout=150_000)
    return page


def open_assignments(page):
    """The *Assignments* tab (Nbgrader > Assignment List), its lists loaded afresh.

    The menu opens the tab (which loads its lists) or brings it to the front
    (then its refresh button reloads them); either way the lists' answer from
    the server is awaited, then the end of their loading.
    """
    opened = page.locator("#released_assignments_list").count() > 0
    with page.expect_response(lambda answer: "/assignments?course_id=" in answer.url,
                              timeout=60_000):
        page.click(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
        page.click(".lm-Menu-itemLabel:text-is('Assignment List')")
        if opened:
            page.click("#refresh_assignments_list")
    page.wait_for_selector("#released_assignments_list_loading", state="hidden", timeout=60_000)
    return page


def press_formgrader_button(page, row, column, done_message):
    """Click the formgrader's button in ``column`` of table row ``row``; its dialog's text.

    The formgrader answers each action with a dialog: ``#success-modal`` or
    ``#error-modal`` (with nbgrader's log). The dialog is closed before returning.
    """
    page.locator(f"tr:has-text('{row}') td.{column} a").click()
    dialog = page.locator("#success-modal, #error-modal")
    dialog.wait_for(timeout=180_000)
    page.wait_for_function(  # faded in (for the screenshot)
        "() => getComputedStyle(document.querySelector("
        "'#success-modal, #error-modal')).opacity === '1'")
    text = dialog.inner_text()
    ok = dialog.get_attribute("id") == "success-modal"
    shot(page, f"step4-formgrader-{column}-{row}")
    dialog.locator("button.close").last.click()
    dialog.wait_for(state="detached")
    assert ok and done_message in text, text[:3000]
    return text


def as_account(user, *program, input_text=None):
    """``program`` run as the system account ``user`` with its groups (``setpriv``)."""
    return subprocess.run(["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups",
                           "--", *program], input=input_text, capture_output=True, text=True,
                          timeout=60)


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
