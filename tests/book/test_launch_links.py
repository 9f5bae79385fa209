"""Launch buttons only for a real repository, and never a placeholder link in the build.

``repository.url`` in ``_config.yml`` is the one setting (book/_ext/launch_buttons.py).
"""

import doctest
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from built_book import HTML, REPO, course_wheel, launch_buttons, require_built_book
from sphinx.errors import ConfigError

# Addresses a launch menu or repository button links to.
LAUNCH_OR_REPOSITORY = re.compile(
    r"https?://(?:[a-z0-9.-]*\.)?(mybinder\.org|colab\.research\.google\.com|github\.com|gitlab\.com)"
    r"[^\"'\s<>]*",
    re.IGNORECASE,
)


def configured_repository():
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    return (config.get("repository", {}).get("url") or "").strip()


def test_configured_repository_is_empty_or_real():
    assert launch_buttons.repository_problem(configured_repository()) is None


def link_problem(address, repository):
    """Why a page must not link to ``address`` when ``repository`` is configured, or None."""
    decoded = unquote(unquote(address))
    if re.search(r"mybinder\.org|colab\.research\.google\.com", decoded):
        if not repository:
            return "a launch link although repository.url is empty"
        owner_and_name = repository.split("://", 1)[1].split("/", 1)[1].removesuffix("/")
        if f"/{owner_and_name}/" not in decoded:
            return f"a launch link to another repository than {repository}"
        return None
    match = re.search(r"(github|gitlab)\.com/([^/?#]+)(?:/([^/?#]+))?", decoded)
    if match and any(
        part and launch_buttons.PLACEHOLDER.fullmatch(part.lower()) for part in match.groups()[1:]
    ):
        return "a placeholder repository"
    return None


def test_link_problem_catches_placeholders_and_stray_launch_links():
    real = "https://github.com/course-authors/logistic-regression"
    binder = "https://mybinder.org/v2/gh/course-authors/logistic-regression/main?urlpath=lab"
    assert link_problem(binder, real) is None
    assert "empty" in link_problem(binder, "")
    assert "another repository" in link_problem(binder, "https://github.com/a/b")
    placeholder = "https://github.com/your-organisation/logistic-regression-course"
    assert link_problem(placeholder, "") == "a placeholder repository"
    assert link_problem("https://github.com/scikit-learn/scikit-learn", "") is None


def test_built_pages_link_to_no_placeholder_and_launch_only_a_real_repository():
    require_built_book()
    repository = configured_repository()
    pages = sorted(HTML.rglob("*.html"))
    assert len(pages) > 10, f"only {len(pages)} pages in {HTML}"
    wrong = {}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for match in LAUNCH_OR_REPOSITORY.finditer(text):
            problem = link_problem(match.group(0), repository)
            if problem:
                wrong.setdefault(page.relative_to(HTML).as_posix(), set()).add(
                    f"{match.group(0)} ({problem})"
                )
        if "your-organisation" in text:
            wrong.setdefault(page.relative_to(HTML).as_posix(), set()).add("your-organisation")
    assert not wrong, f"repository.url={repository!r}, but the build links to: {wrong}"


def _config(url, **launch):
    class Config:
        html_theme_options = {
            "repository_url": url,
            "launch_buttons": {"notebook_interface": "jupyterlab", **launch},
            "use_repository_button": True,
        }
    return Config()


def test_empty_repository_drops_the_launch_buttons():
    config = _config("", binderhub_url="https://mybinder.org",
                     colab_url="https://colab.research.google.com")
    launch_buttons.keep_launch_buttons_for_real_repository(None, config)
    options = config.html_theme_options
    assert options["launch_buttons"] == {"notebook_interface": "jupyterlab"}
    assert options["use_repository_button"] is False


def test_real_repository_keeps_the_launch_buttons():
    config = _config("https://github.com/course-authors/logistic-regression",
                     binderhub_url="https://mybinder.org",
                     colab_url="https://colab.research.google.com")
    launch_buttons.keep_launch_buttons_for_real_repository(None, config)
    assert config.html_theme_options["launch_buttons"]["colab_url"] == (
        "https://colab.research.google.com"
    )
    assert config.html_theme_options["use_repository_button"] is True


@pytest.mark.parametrize("url", [
    "https://github.com/your-organisation/logistic-regression-course",
    "https://github.com/owner/repo",
    "https://github.com/<owner>/course",
    "https://example.org/course",
    "github.com/course-authors/logistic-regression",
    "https://github.com/course-authors",
])
def test_placeholder_or_malformed_repository_stops_the_build(url):
    with pytest.raises(ConfigError, match="repository.url in _config.yml"):
        launch_buttons.keep_launch_buttons_for_real_repository(None, _config(url))


@pytest.mark.parametrize("module", [launch_buttons, course_wheel])
def test_extension_docstring_examples(module):
    failures, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert attempted > 0 and failures == 0


def _build_small_book(folder, url):
    """A one-chapter book with the launch settings of _config.yml and ``repository.url = url``."""
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    small = {
        "title": "Launch probe",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        "launch_buttons": config["launch_buttons"],
        "repository": {**config["repository"], "url": url},
        "html": config["html"] | {"favicon": ""},
        "sphinx": {"local_extensions": {"launch_buttons": str(REPO / "book" / "_ext")}},
    }
    folder.mkdir()
    (folder / "_config.yml").write_text(yaml.safe_dump(small))
    (folder / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: chapter\n")
    (folder / "intro.md").write_text("# Probe\n\nA page.\n")
    (folder / "chapter.ipynb").write_text(json.dumps({
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Chapter\n"},
                  {"cell_type": "code", "execution_count": None, "metadata": {},
                   "outputs": [], "source": "1 + 1"}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }))
    return subprocess.run(
        [Path(sys.executable).with_name("jupyter-book"), "build", str(folder), "-W"],
        capture_output=True, text=True, timeout=600, check=False,
    )


@pytest.mark.slow
def test_a_small_build_shows_launch_buttons_only_for_a_real_repository(tmp_path):
    real = "https://github.com/course-authors/logistic-regression"
    pages = {}
    for name, url in (("empty", ""), ("real", real)):
        result = _build_small_book(tmp_path / name, url)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        pages[name] = (tmp_path / name / "_build" / "html" / "chapter.html").read_text()
    launch = re.compile(r'href="(https://(?:mybinder\.org|colab\.research\.google\.com)[^"]*)"')
    assert launch.findall(pages["empty"]) == []
    links = launch.findall(pages["real"])
    assert any("mybinder.org/v2/gh/course-authors/logistic-regression" in link for link in links)
    assert any("colab.research.google.com/github/course-authors/logistic-regression" in link
               for link in links), links
    assert all(link_problem(unquote(link), real) is None for link in links), links

    placeholder = _build_small_book(
        tmp_path / "placeholder", "https://github.com/your-organisation/logistic-regression-course"
    )
    assert placeholder.returncode != 0
    assert "looks like a placeholder" in placeholder.stdout + placeholder.stderr
