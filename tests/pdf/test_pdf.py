"""The PDF of the book (``make pdf``): LaTeX ran clean, nothing is missing, the pages render.

The test reads what ``make pdf`` built (``_build/latex/``): the LaTeX log, the
``.tex`` source and the PDF, with poppler's ``pdfinfo``, ``pdftotext`` and
``pdftoppm``. The first pages and the pages of two figures are rendered to PNG
in ``test-artifacts/pdf/`` for a person to look at. Without the PDF, or without
poppler, the tests fail and say what to do.
"""

import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
LATEX = REPO / "_build" / "latex"
PDF = LATEX / "book.pdf"
LOG = LATEX / "book.log"
TEX = LATEX / "book.tex"
ARTIFACTS = REPO / "test-artifacts" / "pdf"

# A chapter is 10 to 25 pages, the front matter and the reference pages about 25.
PAGE_RANGE = (150, 400)
FIRST_PAGES = 4

# LaTeX log lines that mean something is wrong in the PDF.
LOG_PROBLEMS = re.compile(
    r"^! .*"  # a LaTeX error
    r"|LaTeX Warning: (?:Reference|Citation|Hyper reference) .* undefined.*"
    r"|LaTeX Warning: There were undefined references.*"
    r"|LaTeX Warning: Label\(s\) may have changed.*"
    r"|LaTeX Warning: File .* not found.*"
    r"|.*Error: File .* not found.*"
    r"|^Missing character: There is no .*",
    re.MULTILINE,
)
GRAPHICS = re.compile(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{([^}]*)\}(\.[a-z]+)\}")


def _require(tool):
    if shutil.which(tool) is None:
        pytest.fail(
            f"{tool} not found: install Debian's poppler-utils (.ci/run does).", pytrace=False
        )


def _require_pdf():
    if not PDF.is_file():
        pytest.fail(f"No PDF at {PDF}: run `make pdf` first (make test does).", pytrace=False)


@cache
def _pages_text():
    _require_pdf()
    _require("pdftotext")
    text = subprocess.run(
        ["pdftotext", "-layout", str(PDF), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def _chapter_titles():
    """The first heading of every chapter notebook in _toc.yml, in book order."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    titles = []
    for part in toc["parts"]:
        for entry in part["chapters"]:
            notebook = REPO / f"{entry['file']}.ipynb"
            if notebook.is_file():
                cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
                first = "".join(cells[0]["source"]).splitlines()[0]
                titles.append(first.lstrip("# ").strip())
    return titles


def _page_of(needle, pages_text):
    """The last page holding ``needle`` (the first ones are the table of contents)."""
    found = [n for n, page in enumerate(pages_text, start=1) if needle in page]
    assert found, f"{needle!r} is not in the PDF"
    return found[-1]


def _pages_with_images():
    _require("pdfimages")
    listing = subprocess.run(
        ["pdfimages", "-list", str(PDF)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return sorted({int(line.split()[0]) for line in listing if line.strip()})


def _render(page, name):
    """Render one page to PNG in the artifacts folder and return its path."""
    _require("pdftoppm")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTIFACTS / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", str(page), "-l", str(page),
         str(PDF), str(prefix)],
        check=True,
    )
    return prefix.with_suffix(".png")


def test_latex_log_has_no_errors_undefined_references_or_missing_files():
    _require_pdf()
    log = LOG.read_text(encoding="latin-1")
    assert "Output written on book.pdf" in log, "the last LaTeX run wrote no PDF"
    problems = LOG_PROBLEMS.findall(log)
    assert not problems, "LaTeX reported:\n" + "\n".join(problems[:20])


def test_every_figure_of_the_chapters_is_in_the_pdf():
    _require_pdf()
    tex = TEX.read_text(encoding="utf-8")
    included = [stem + suffix for stem, suffix in GRAPHICS.findall(tex)]
    missing = [name for name in included if not (LATEX / name).is_file()]
    assert not missing, f"figures the PDF includes but LaTeX did not get: {missing}"
    # every image output a reader sees in a chapter (cells not removed from the page)
    shown = 0
    for notebook in sorted((REPO / "book").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            tags = set(cell.get("metadata", {}).get("tags", []))
            if cell["cell_type"] == "code" and not tags & {"remove-cell", "remove-output"}:
                shown += sum("image/png" in output.get("data", {}) for output in cell["outputs"])
    assert shown > 20 and len(included) >= shown, (
        f"{shown} figures in the chapters, {len(included)} in the PDF"
    )


def test_page_count_and_every_chapter_present():
    _require_pdf()
    _require("pdfinfo")
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))
    assert PAGE_RANGE[0] <= pages <= PAGE_RANGE[1], f"{pages} pages"
    # typographic quotes and dashes back to the notebooks' ASCII
    text = " ".join(" ".join(page.split()) for page in _pages_text())
    ascii_marks = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-"})
    text = text.translate(ascii_marks)
    titles = [title.translate(ascii_marks) for title in _chapter_titles()]
    assert len(titles) >= 12
    missing = [title for title in titles if title not in text]
    assert not missing, f"chapters whose title is not in the PDF: {missing}"
    for reference_page in ("Glossary", "Notation", "Bibliography"):
        assert reference_page in text


def test_no_markup_left_unrendered():
    """No MyST role, directive or TeX delimiter is printed as text."""
    leftovers = []
    for number, page in enumerate(_pages_text(), start=1):
        for pattern in (r"\{(?:term|cite(?::[pt])?|doc|ref)\}`", r"```\{", r"\$\$", r"\\frac"):
            if re.search(pattern, page):
                leftovers.append((number, pattern))
    assert not leftovers, f"markup printed as text (page, pattern): {leftovers[:10]}"


def test_first_pages_and_figure_pages_render():
    pages_text = _pages_text()
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    # the first pages with text (the back of the title page is blank by design)
    with_text = [n for n, page in enumerate(pages_text, start=1) if page.strip()]
    pages = {f"page-{n:03d}": n for n in with_text[:FIRST_PAGES]}
    # the still frame of chapter 9's threshold slider (the first image after the page of
    # its section heading, which shows the cost figure before it)
    # and a page of maths in chapter 3
    section = _page_of("Move the threshold", pages_text)
    pages["threshold-slider"] = min(n for n in _pages_with_images() if n > section)
    pages["gradient-maths"] = _page_of("All examples at once", pages_text)
    for name, page in pages.items():
        png = _render(page, name)
        with Image.open(png) as image:
            grey = image.convert("L")
            width, height = grey.size
            dark = sum(grey.histogram()[:128])
        assert width > 300 and height > 400, f"{png} is {width}x{height}"
        assert dark > 0.001 * width * height, f"{png} (page {page}) is blank"


@pytest.mark.parametrize(
    "line",
    [
        "! LaTeX Error: File `bbm.sty' not found.",
        "! Undefined control sequence.",
        "LaTeX Warning: Reference `book/glossary:term-sigmoid' on page 3 undefined on input line 9",
        "LaTeX Warning: Citation `bishop2006' on page 12 undefined on input line 40.",
        "LaTeX Warning: Hyper reference `book/notation::doc' on page 5 undefined on input line 1.",
        "LaTeX Warning: There were undefined references.",
        "LaTeX Warning: File `figure.png' not found on input line 88.",
        "! Package pdftex.def Error: File `missing.png' not found: using draft setting.",
        "Missing character: There is no ≥ in font cmr10!",
    ],
)
def test_log_check_catches_each_kind_of_problem(line):
    log = f"(./book.tex\n{line}\n)\nOutput written on book.pdf (3 pages, 100 bytes).\n"
    assert LOG_PROBLEMS.findall(log), line


def test_log_check_passes_harmless_warnings():
    log = "LaTeX Warning: Float too large for page by 5.68427pt on input line 6034.\n"
    assert not LOG_PROBLEMS.findall(log)
