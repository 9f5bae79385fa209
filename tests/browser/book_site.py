"""Where the built book is, which pages it has, and where Chromium is.

Shared by the fixtures (conftest.py) and the browser test.
"""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HTML = REPO / "_build" / "html"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
#: Crops of every element the readability test finds at fault.
CROPS = REPO / "test-artifacts" / "readability"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))

# Flags for a headless Chromium running as root in a container, with every
# background service that could reach the network switched off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]


def book_pages():
    """Paths (relative to ``_build/html``) of every HTML page of the built book."""
    if not HTML.is_dir():
        return []
    skip = {"_static", "_sources", "_images"}
    return sorted(
        path.relative_to(HTML).as_posix()
        for path in HTML.rglob("*.html")
        if not skip.intersection(path.relative_to(HTML).parts)
    )


def require_built_book():
    """Fail with instructions unless the book has been built."""
    if not (HTML / "index.html").is_file():
        pytest.fail(
            f"No built book at {HTML}: run `make book` first (make test does it before this test).",
            pytrace=False,
        )
