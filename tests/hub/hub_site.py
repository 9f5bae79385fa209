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
UNRELEASED = "ps2_gradient_descent"  # generated, never released

sys.path.insert(0, str(REPO / "hub"))
sys.path.insert(0, str(REPO / "tests" / "browser"))
from accounts import INSTRUCTOR, LEARNERS, OUTSIDER  # noqa: E402,F401
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


def log_in(context, url, user, password):
    """A page of ``user``'s JupyterLab, logged in through the hub's login form (PAM)."""
    page = context.new_page()
    page.goto(f"{url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_selector(".jp-LabShell", timeout=150_000)
    return page


def open_assignments(page):
    """The *Assignments* tab (Nbgrader > Assignment List), once its lists are loaded."""
    page.click(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
    page.click(".lm-Menu-itemLabel:text-is('Assignment List')")
    page.wait_for_selector("#released_assignments_list", timeout=60_000)
    page.wait_for_selector("#released_assignments_list_loading", state="hidden", timeout=60_000)
    return page


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
