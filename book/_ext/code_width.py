"""Sphinx extension: a code line of 80 characters fits the text column at 1280 px.

The chapters' code lines are held to 80 characters (``book/ruff.toml``). With the
theme's 14 px monospace, a code block of the text column at a 1280 px window
holds about 77 characters (652 px of text at 8.4 px a character, DejaVu Sans
Mono); at 13 px (``static/code-width.css``) it holds about 83, so an 80-character
line fits with room for wider fonts (Menlo, Consolas). The browser test
(``tests/browser/test_readability.py``) measures the result.
"""

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"


def add_static_folder(app):
    app.config.html_static_path.append(str(STATIC))


def setup(app):
    app.connect("builder-inited", add_static_folder)
    app.add_css_file("code-width.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
