"""The built book as a reader gets it: its chapters, their downloads and the published wheel.

Shared by the tests of this folder. Paths come from ``_toc.yml`` and from the
links in the built HTML (the download button of a chapter, the wheel link on
the start page), never from a second list kept here.
"""

import re
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
HTML = REPO / "_build" / "html"

sys.path.insert(0, str(REPO / "book" / "_ext"))
import course_wheel  # noqa: E402  (book/_ext is not a package)
import launch_buttons  # noqa: E402

__all__ = ["REPO", "HTML", "course_wheel", "launch_buttons"]


def toc_files():
    """Every file of ``_toc.yml`` (without suffix, relative to the repository), in book order."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def chapter_notebooks():
    """The chapters of ``_toc.yml`` that are notebooks, as paths relative to the repository."""
    return [f"{name}.ipynb" for name in toc_files() if (REPO / f"{name}.ipynb").is_file()]


def require_built_book():
    """Fail with instructions unless the book has been built."""
    if not (HTML / "index.html").is_file():
        pytest.fail(f"No built book at {HTML}: run `make book` first.", pytrace=False)


def _links(page, suffix):
    """Built files that ``page`` (under ``_build/html``) links to, ending in ``suffix``."""
    source = (HTML / page).read_text(encoding="utf-8")
    pattern = r'href="([^"#?]+\.' + re.escape(suffix) + r')"'
    targets = re.findall(pattern, source)
    return sorted({((HTML / page).parent / unquote(target)).resolve() for target in targets})


def downloaded_notebook(chapter):
    """The ``.ipynb`` that the chapter's page offers for download (its download button)."""
    page = chapter.removesuffix(".ipynb") + ".html"
    links = _links(page, "ipynb")
    assert len(links) == 1, f"{page} should offer one .ipynb download, it links to {links}"
    assert links[0].is_file(), f"{page} offers {links[0]}, which is not in the build"
    return links[0]


def published_wheel():
    """The wheel that the start page links to (the book's root page)."""
    root = toc_files()[0] + ".html"
    links = _links(root, "whl")
    assert len(links) == 1, f"{root} should link to one wheel, it links to {links}"
    assert links[0].is_file(), f"{root} links to {links[0]}, which is not in the build"
    return links[0]
