r"""Sphinx extension: build ``course_lib`` as a wheel and publish it with the book.

A reader who downloads a chapter's ``.ipynb`` needs ``course_lib`` to run it.
Each build makes the wheel from the repository (``pip wheel --no-deps`` on a
copy of ``pyproject.toml``, ``README.md`` and ``course_lib/``, so the working
tree gets no ``build/`` folder), checks that its file name is the one
:func:`wheel_name` derives from ``pyproject.toml``, and copies it to the root of
the HTML output, next to ``index.html``. The role ``{course-wheel}`` writes a
link to it, so the version lives in ``pyproject.toml`` only.

Examples
--------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "pyproject.toml").write_text('[project]\nname = "Course.Lib"\nversion = "1.0"\n')
>>> wheel_name(folder / "pyproject.toml")
'course_lib-1.0-py3-none-any.whl'
"""

import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from docutils import nodes
from packaging.version import Version
from sphinx.errors import ExtensionError

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = REPO / "pyproject.toml"
# What the wheel is built from: the package and the files pyproject.toml names.
WHEEL_SOURCES = ("pyproject.toml", "README.md", "course_lib")


def wheel_name(pyproject=PYPROJECT):
    """File name of the pure-Python wheel that ``pyproject`` describes.

    The distribution name is normalised as in the wheel specification (runs of
    ``-``, ``_`` and ``.`` become one ``_``, lower case), the version as in
    PEP 440; the tags are ``py3-none-any`` (no compiled code).
    """
    project = tomllib.loads(Path(pyproject).read_text(encoding="utf-8"))[
        "project"
    ]
    name = re.sub(r"[-_.]+", "_", project["name"]).lower()
    return f"{name}-{Version(project['version'])}-py3-none-any.whl"


def build_wheel(destination, repo=REPO):
    """Build the wheel of ``repo`` into ``destination`` and return its path.

    Raises
    ------
    sphinx.errors.ExtensionError
        If pip fails, or if the wheel it writes is not named :func:`wheel_name`.
    """
    expected = wheel_name(Path(repo) / "pyproject.toml")
    with tempfile.TemporaryDirectory(prefix="course-wheel-") as scratch:
        source = Path(scratch) / "source"
        for item in WHEEL_SOURCES:
            origin = Path(repo) / item
            if origin.is_dir():
                shutil.copytree(
                    origin,
                    source / item,
                    ignore=shutil.ignore_patterns("__pycache__"),
                )
            else:
                source.mkdir(exist_ok=True)
                shutil.copy2(origin, source / item)
        built = Path(scratch) / "wheel"
        command = [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--wheel-dir",
            str(built),
            str(source),
        ]
        result = subprocess.run(
            command, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise ExtensionError(
                f"building the course_lib wheel failed:\n{result.stderr}"
            )
        wheels = sorted(path.name for path in built.glob("*.whl"))
        if wheels != [expected]:
            raise ExtensionError(
                f"expected the wheel {expected}, pip wrote {wheels}"
            )
        Path(destination).mkdir(parents=True, exist_ok=True)
        return Path(
            shutil.copy2(built / expected, Path(destination) / expected)
        )


def course_wheel_role(
    name, rawtext, text, lineno, inliner, options=None, content=None
):
    """``{course-wheel}`` (any content): a link to the published wheel, named by its file."""
    filename = wheel_name()
    docname = inliner.document.settings.env.docname
    depth = docname.count("/")
    reference = nodes.reference(rawtext, "", refuri="../" * depth + filename)
    reference += nodes.literal(text=filename)
    return [reference], []


def publish_wheel(app, exception):
    if exception is None and app.builder.format == "html":
        build_wheel(app.outdir)


def setup(app):
    app.add_role("course-wheel", course_wheel_role)
    app.connect("build-finished", publish_wheel)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
