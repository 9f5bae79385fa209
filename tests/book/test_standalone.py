"""Every chapter runs from its download, with only the published wheel and the pinned packages.

What a learner without the repository does, done by the test:

1. a fresh virtual environment made with the oldest Python the course supports
   on this machine (``STANDALONE_PYTHON``, Debian 12's ``/usr/bin/python3``,
   3.11.2, by default), so this also checks that ``requirements.txt`` installs
   there (``pip install -r requirements.txt``, then ``pip check``);
2. ``course_lib`` is not importable in it (the repository is not visible);
3. the wheel linked from the book's start page (in ``_build/html``) is
   installed, and imports from the environment's site-packages;
4. each chapter's ``.ipynb``, as its download button offers it, is copied into
   an empty folder and executed there from top to bottom in a kernel of that
   environment, two chapters at a time: every cell must run without error.

Cost: one ``pip install -r requirements.txt`` into the new environment
(dominated by pip reading the package index) and the chapters' execution, two
at a time (about half the book's execution time). The environment, about 750 MB,
is removed afterwards.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from built_book import (
    REPO,
    chapter_notebooks,
    course_wheel,
    downloaded_notebook,
    published_wheel,
    require_built_book,
)

pytestmark = pytest.mark.slow

STANDALONE_PYTHON = os.environ.get("STANDALONE_PYTHON", "/usr/bin/python3")
KERNEL = "course-standalone"
PARALLEL_CHAPTERS = 2
INSTALL_TIMEOUT = 1800
CHAPTER_TIMEOUT = 900

# Runs inside the fresh environment: execute one notebook in KERNEL, in its folder.
EXECUTE = """
import sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient
path = Path(sys.argv[1])
notebook = nbformat.read(path, as_version=4)
NotebookClient(notebook, kernel_name=sys.argv[2], timeout=int(sys.argv[3]),
               allow_errors=False, resources={"metadata": {"path": str(path.parent)}}).execute()
"""


def minimum_python():
    """``(major, minor)`` from pyproject.toml's ``requires-python = ">=X.Y"``."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    spec = project["requires-python"]
    assert spec.startswith(">="), spec
    return tuple(int(part) for part in spec.removeprefix(">=").split("."))


def clean_environment(root, venv):
    """The process environment for the fresh venv: nothing from the repository or the user."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"}
        and not key.startswith(("JUPYTER", "IPYTHON", "MPL"))
    }
    path = [entry for entry in environment.get("PATH", "").split(os.pathsep)
            if not entry.startswith(str(REPO))]
    environment.update(
        PATH=os.pathsep.join([str(venv / "bin"), *path]),
        PYTHONNOUSERSITE="1",
        JUPYTER_PATH=str(root / "jupyter"),
        JUPYTER_DATA_DIR=str(root / "jupyter-data"),
        JUPYTER_CONFIG_DIR=str(root / "jupyter-config"),
        IPYTHONDIR=str(root / "ipython"),
        MPLCONFIGDIR=str(root / "matplotlib"),
    )
    return environment


def run(command, environment, cwd, timeout):
    result = subprocess.run([str(part) for part in command], env=environment, cwd=cwd,
                            capture_output=True, text=True, timeout=timeout, check=False)
    return result


def check(command, environment, cwd, timeout=INSTALL_TIMEOUT):
    result = run(command, environment, cwd, timeout)
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


@pytest.fixture(scope="module")
def standalone_python():
    """The interpreter the fresh environment is made with, checked against the stated minimum."""
    if not (Path(STANDALONE_PYTHON).is_file() and os.access(STANDALONE_PYTHON, os.X_OK)):
        pytest.fail(f"No Python at {STANDALONE_PYTHON}; set STANDALONE_PYTHON to the oldest "
                    f"Python {'.'.join(map(str, minimum_python()))} or newer on this machine.",
                    pytrace=False)
    found = subprocess.run([STANDALONE_PYTHON, "-c", "import sys; print(*sys.version_info[:3])"],
                           capture_output=True, text=True, check=True).stdout.split()
    version = tuple(int(part) for part in found)
    assert version >= minimum_python(), (
        f"{STANDALONE_PYTHON} is Python {version}, older than the stated minimum "
        f"{minimum_python()}: set STANDALONE_PYTHON to a supported interpreter."
    )
    return STANDALONE_PYTHON


@pytest.fixture
def scratch():
    """A temporary folder removed afterwards (the environment takes about 1 GB)."""
    folder = Path(tempfile.mkdtemp(prefix="course-standalone-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_every_chapter_runs_from_its_download_with_the_published_wheel(
    scratch, standalone_python
):
    tmp_path = scratch
    require_built_book()
    wheel = published_wheel()
    assert wheel.name == course_wheel.wheel_name(), (
        f"the start page links to {wheel.name}, pyproject.toml makes {course_wheel.wheel_name()}"
    )
    chapters = chapter_notebooks()
    downloads = {chapter: downloaded_notebook(chapter) for chapter in chapters}

    venv, reader = tmp_path / "venv", tmp_path / "reader"
    reader.mkdir()
    environment = clean_environment(tmp_path, venv)
    python = venv / "bin" / "python"
    check([standalone_python, "-m", "venv", venv], environment, tmp_path)
    check([python, "-m", "pip", "install", "--quiet", "-r", REPO / "requirements.txt"],
          environment, tmp_path)

    missing = run([python, "-c", "import course_lib"], environment, reader, 60)
    assert "ModuleNotFoundError" in missing.stderr, (
        f"course_lib importable before the wheel is installed: {missing.stdout}{missing.stderr}"
    )

    local_wheel = shutil.copy2(wheel, reader / wheel.name)
    check([python, "-m", "pip", "install", "--quiet", local_wheel], environment, reader)
    Path(local_wheel).unlink()
    check([python, "-m", "pip", "check"], environment, reader)
    location = check([python, "-c", "import course_lib; print(course_lib.__file__)"],
                     environment, reader, 60).strip()
    assert Path(location).is_relative_to(venv), f"course_lib imported from {location}"

    kernel_dir = tmp_path / "jupyter" / "kernels" / KERNEL
    kernel_dir.mkdir(parents=True)
    (kernel_dir / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "standalone reader", "language": "python",
    }))

    for download in downloads.values():
        shutil.copy2(download, reader / download.name)
    assert sorted(path.name for path in reader.iterdir()) == sorted(
        download.name for download in downloads.values()
    )

    def execute(chapter):
        notebook = reader / downloads[chapter].name
        result = run([python, "-c", EXECUTE, notebook, KERNEL, CHAPTER_TIMEOUT],
                     environment, reader, CHAPTER_TIMEOUT + 120)
        return chapter, result

    with ThreadPoolExecutor(max_workers=PARALLEL_CHAPTERS) as pool:
        results = list(pool.map(execute, chapters))
    failures = {
        chapter: (result.stderr or result.stdout)[-2500:]
        for chapter, result in results
        if result.returncode != 0
    }
    assert not failures, (
        f"{len(failures)} of {len(chapters)} chapters fail when run on their own "
        f"({sys.platform}, {standalone_python}):\n"
        + "\n".join(f"--- {chapter}\n{error}" for chapter, error in failures.items())
    )
