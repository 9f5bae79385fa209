"""Every chapter says, in its first code cell, how to install ``course_lib`` outside the repository.

The three comment lines name the wheel the build publishes; its file name comes
from ``pyproject.toml`` (``course_wheel.wheel_name``), so a version bump that
the chapters do not follow fails here.
"""

import json

import pytest
from built_book import REPO, chapter_notebooks, course_wheel

HEADER = (
    "# Needs course_lib: outside the course repository, download the wheel from the",
    "# book's start page and run, in Jupyter, Colab or VS Code:",
    "# %pip install {wheel}",
)


def first_cell_problem(notebook, wheel):
    """Why the first code cell of ``notebook`` (a dict) does not start with HEADER, or None."""
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    if not code:
        return "has no code cell"
    source = code[0]["source"]
    lines = ("".join(source) if isinstance(source, list) else source).splitlines()
    expected = [line.format(wheel=wheel) for line in HEADER]
    for number, (want, got) in enumerate(zip(expected, lines + [""] * 3, strict=False), 1):
        if got != want:
            if number == 3 and got.startswith("# %pip install "):
                named = got.removeprefix("# %pip install ")
                return f"names the wheel {named!r}, the build publishes {wheel!r}"
            return f"first code cell, line {number}: expected {want!r}, found {got!r}"
    return None


@pytest.mark.parametrize("chapter", chapter_notebooks())
def test_first_code_cell_says_how_to_install_course_lib(chapter):
    notebook = json.loads((REPO / chapter).read_text(encoding="utf-8"))
    problem = first_cell_problem(notebook, course_wheel.wheel_name())
    assert problem is None, f"{chapter}: {problem}"


def _notebook(first_cell):
    return {"cells": [{"cell_type": "markdown", "source": "# Title"},
                      {"cell_type": "code", "source": first_cell}]}


def test_check_accepts_the_header_and_refuses_a_stale_version(tmp_path):
    wheel = course_wheel.wheel_name()
    good = "\n".join(HEADER).format(wheel=wheel) + "\nimport numpy as np\n"
    assert first_cell_problem(_notebook(good), wheel) is None
    assert first_cell_problem(_notebook(good.splitlines(keepends=True)), wheel) is None

    # The version bumped in pyproject.toml, not in the chapters.
    pyproject = tmp_path / "pyproject.toml"
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    version = course_wheel.tomllib.loads(text)["project"]["version"]
    pyproject.write_text(text.replace(f'version = "{version}"', 'version = "99.0.1"'))
    bumped = course_wheel.wheel_name(pyproject)
    assert bumped == "course_lib-99.0.1-py3-none-any.whl"
    assert "the build publishes 'course_lib-99.0.1" in first_cell_problem(_notebook(good), bumped)

    assert "line 1" in first_cell_problem(_notebook("import numpy as np\n" + good), wheel)
    assert "line 2" in first_cell_problem(_notebook(HEADER[0] + "\n"), wheel)
    assert first_cell_problem({"cells": []}, wheel) == "has no code cell"


def test_wheel_name_follows_pyproject():
    """The name the chapters must use is the one pip gives the wheel (checked by the build too)."""
    project = course_wheel.tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert course_wheel.wheel_name() == f"course_lib-{project['version']}-py3-none-any.whl"
