"""Fixtures of the journey test: the course hub (started and stopped here) and Chromium.

The hub needs root (it creates the demo system accounts and starts each
account's server as that account) and Debian's ``chromium``. Either missing is
a failure saying what to do, never a skip.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hub_site import (
    ALL_USERS,
    ARTIFACTS,
    ASSIGNMENT,
    CHROMIUM,
    CHROMIUM_ARGS,
    hub_env,
    launch,
    start_hub,
    start_logging_in,
    stop_hub,
)


@pytest.fixture(scope="session")
def hub():
    """A fresh hub, no assignment generated yet: ``{url, env, state, passwords, log, proc}``."""
    if os.geteuid() != 0:
        pytest.fail("the hub test needs root (make hub creates system accounts); run it as root",
                    pytrace=False)
    if ARTIFACTS.is_dir():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    state = Path(tempfile.mkdtemp(prefix="course-hub-"))
    os.chmod(state, 0o755)
    env = hub_env(state / "state")
    log = open(ARTIFACTS / "hub.log", "w")
    info = {}
    try:
        # The assignment is released once the servers are starting (``sessions``).
        launch(env, "setup", "--release", "--generate")
        info["proc"], url = start_hub(env, log)
        passwords = dict(line.split() for line in
                         (state / "state" / "accounts.txt").read_text().splitlines())
        # A test that restarts the hub puts the new process in info["proc"].
        info.update(url=url, env=env, state=state / "state", passwords=passwords, log=log)
        yield info
    finally:
        if info.get("proc") is not None:
            stop_hub(info["proc"])
        launch(env, "clean", check=False)
        log.close()
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium (a new context per account)."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium not found at {CHROMIUM}; apt-get install chromium", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def sessions(hub, browser):
    """``{user: page}``: one logged-in browser context per account, kept for every test.

    All the accounts log in at once, so their servers start side by side; meanwhile
    the instructor releases ``ps1_sigmoid_bce`` (``make hub-release``), and
    ``ps2_gradient_descent`` stays unreleased.
    """
    pages = {user: start_logging_in(browser, hub["url"], user, hub["passwords"][user])
             for user in ALL_USERS}
    launch(hub["env"], "instructor", "release", ASSIGNMENT)
    yield pages
    for page in pages.values():
        page.context.close()
