"""Fixtures for the browser test: the built book, a local web server and headless Chromium.

The test needs ``_build/html`` (``make book``) and Debian's ``chromium``
(``.ci/run`` installs it when absent). Either one missing is a failure with a
message saying what to do, never a skip.
"""

import functools
import os
import shutil
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from book_site import CHROMIUM, CHROMIUM_ARGS, CROPS, HTML, SCREENSHOTS, require_built_book


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="session")
def http_root():
    """Base URL of a local HTTP server serving ``_build/html`` (127.0.0.1, free port)."""
    require_built_book()
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="session")
def browser_context():
    """A headless Chromium context with a throw-away profile directory."""
    require_built_book()
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}; install Debian's chromium "
            "(apt-get install chromium, which .ci/run does), or set CHROMIUM to its path.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="book-browser-test-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 900},
                service_workers="block",
            )
            yield context
            context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def pytest_sessionstart(session):
    """Empty the artefact folders once per run: in the controlling process only, so that
    one pytest-xdist worker never removes what another has saved."""
    if hasattr(session.config, "workerinput"):
        return
    for folder in (SCREENSHOTS, CROPS):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)


@pytest.fixture(scope="session")
def screenshot_dir():
    """``test-artifacts/screenshots/``, emptied once per run (``pytest_sessionstart``)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
