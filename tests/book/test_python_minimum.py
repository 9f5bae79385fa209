"""The stated minimum Python is the one checked: pyproject.toml, the README and ``make``.

``make`` refuses an interpreter older than ``requires-python`` before creating
``.venv/``, in one line naming what it needs and what it found. That the pinned
packages install on the oldest supported Python of this machine is shown by
test_standalone.py, which builds its environment with it.
"""

import re
import subprocess

import pytest
from built_book import REPO
from test_standalone import STANDALONE_PYTHON, minimum_python

MINIMUM = ".".join(map(str, minimum_python()))


def test_readme_states_the_minimum_of_pyproject():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    stated = re.findall(r"Python (\d+\.\d+) or newer", readme)
    assert stated and set(stated) == {MINIMUM}, stated


def _check_python(tmp_path, interpreter):
    return subprocess.run(
        ["make", "--no-print-directory", "check-python", f"PYTHON={interpreter}",
         f"VENV={tmp_path / 'no-venv'}"],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )


def test_make_names_what_it_needs_and_what_it_found(tmp_path):
    old = tmp_path / "python3.10"
    old.write_text('#!/bin/sh\nif [ "$1" = -V ]; then echo "Python 3.10.4"; exit 0; fi\nexit 1\n')
    old.chmod(0o755)
    result = _check_python(tmp_path, old)
    assert result.returncode != 0
    assert result.stdout.strip() == (
        f"The course needs Python {MINIMUM} or newer; found Python 3.10.4 at {old} "
        "(set PYTHON=/path/to/python3)."
    )


def test_make_says_when_there_is_no_interpreter(tmp_path):
    result = _check_python(tmp_path, "no-such-python3")
    assert result.returncode != 0
    assert result.stdout.strip() == (
        f"The course needs Python {MINIMUM} or newer; found no 'no-such-python3' "
        "(set PYTHON=/path/to/python3)."
    )


@pytest.mark.parametrize("interpreter", [STANDALONE_PYTHON, "python3"])
def test_make_accepts_a_supported_interpreter(tmp_path, interpreter):
    result = _check_python(tmp_path, interpreter)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
