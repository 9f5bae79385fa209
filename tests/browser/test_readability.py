"""Every page of the built book is readable in a 1280 px wide window.

In headless Chromium (viewport 1280 x 900, device pixel ratio 1), with every
folded block opened (``<details>``, toggled cells), each chapter page fails when

- a code cell, a cell output, a literal block, a table or a display equation
  is clipped or needs horizontal scrolling: for the element and for every
  ancestor up to the article whose ``overflow-x`` is not ``visible`` (its
  scrolling container), ``scrollWidth > clientWidth + 1``; MathJax display
  equations (``mjx-container[display=true]``) included. The page itself must
  not scroll sideways either;
- a Matplotlib figure shows text smaller than 9 CSS px. The measurement (see
  ``figure_text.py``): displayed px = s x dpi / 72 x displayed width / natural
  width, with ``s`` the smallest font size of the chapters' figures
  (``figure_text.smallest_font_pt``: Matplotlib's text sizes after
  ``import course_lib`` and the sizes ``course_lib.plotting`` passes), ``dpi``
  from the PNG's ``pHYs`` chunk and the widths from the ``<img>`` as shown. A
  Matplotlib PNG without ``pHYs`` fails (it cannot be measured);
- statically, a chapter's code passes a font size smaller than ``s``.

Code lines longer than 80 characters are ruff's (``book/ruff.toml``), checked
here too so that the rule cannot be loosened silently.

A probe page (the theme of a built chapter, with one overlong code line,
output, table and equation, a shrunken figure, and one well-fitting element of
each kind) shows that each check fails when it should and only then. Crops of
every offending element go to ``test-artifacts/readability/``.
"""

import base64
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import figure_text
import pytest
from book_site import CROPS, HTML, REPO, book_pages, require_built_book

pytestmark = pytest.mark.browser

MIN_TEXT_PX = 9.0
MAX_CODE_LINE = 80
CHAPTER_PAGES = [
    page for page in book_pages() if re.fullmatch(r"book/\d\d_[a-z0-9_]+\.html", page)
] or ["(no built book)"]

UNFOLD = """
() => {
  // Remember what a reader sees before opening anything, then open every fold.
  // (checkVisibility is false inside a closed <details> and under display: none.)
  document.querySelectorAll('article *').forEach(element => {
    if (element.checkVisibility()) { element.setAttribute('data-shown', ''); }
  });
  document.querySelectorAll('details').forEach(element => { element.open = true; });
  document.querySelectorAll('.toggle-hidden').forEach(
    element => element.classList.remove('toggle-hidden'));
  document.querySelectorAll('.toggle-details').forEach(element => { element.open = true; });
}
"""

MEASURE = """
() => {
  const article = document.querySelector('article') || document.body;
  const kinds = [
    ['code', 'div.cell_input pre, div.cell_input .highlight'],
    ['output', 'div.cell_output pre, div.cell_output .output, div.cell_output > div'],
    ['literal block', 'div.highlight pre'],
    ['table', 'table'],
    ['equation', 'mjx-container[display="true"], div.math'],
  ];
  const tex = (element) => {
    try {
      const items = MathJax.startup.document.getMathItemsWithin(element);
      if (items.length) { return items[0].math; }
    } catch (error) { /* no MathJax */ }
    return element.textContent;
  };
  const describe = (kind, element) => {
    if (kind === 'equation') { return tex(element).trim().slice(0, 90); }
    // innerText: the text as shown (no <style> of a pandas table, no hidden parts).
    const lines = (element.innerText || element.textContent).split('\\n');
    const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
    return longest.trim().slice(0, 90);
  };
  const overflowing = (element) => element.scrollWidth > element.clientWidth + 1;
  const seen = new Set();
  const problems = [];
  let index = 0;
  for (const [kind, selector] of kinds) {
    for (const element of article.querySelectorAll(selector)) {
      if (element.getClientRects().length === 0) { continue; }
      const chain = [element];
      for (let node = element.parentElement; node && node !== article.parentElement;
           node = node.parentElement) {
        const overflow = getComputedStyle(node).overflowX;
        if (overflow !== 'visible') { chain.push(node); }
      }
      const culprit = chain.find(overflowing);
      if (!culprit || seen.has(culprit)) { continue; }
      seen.add(culprit);
      const mark = 'readability-' + (index++);
      culprit.setAttribute('data-readability', mark);
      const section = element.closest('section[id]');
      problems.push({
        kind, mark,
        folded: !element.hasAttribute('data-shown'),
        section: section ? section.id : '',
        what: describe(kind, element),
        scrollWidth: culprit.scrollWidth,
        clientWidth: culprit.clientWidth,
        container: culprit === element ? 'itself' : culprit.tagName.toLowerCase() + '.' +
          Array.from(culprit.classList).join('.'),
      });
    }
  }
  const root = document.scrollingElement;
  return {
    problems,
    page: {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth},
    images: Array.from(article.querySelectorAll('img'))
      .filter(img => img.getClientRects().length > 0)
      .map((img, number) => {
        const mark = 'readability-img-' + number;
        img.setAttribute('data-readability', mark);
        const section = img.closest('section[id]');
        return {src: img.currentSrc || img.src, mark, section: section ? section.id : '',
                folded: !img.hasAttribute('data-shown'),
                displayed: img.getBoundingClientRect().width, natural: img.naturalWidth};
      }),
  };
}
"""


def _png_bytes(url, page_url, overrides):
    """The bytes of an image the page shows (a built file, a probe file or a data URL)."""
    if url in overrides:
        return overrides[url]
    if url.startswith("data:image/png;base64,"):
        return base64.b64decode(url.split(",", 1)[1])
    if url.startswith("data:"):
        return None
    path = unquote(urlsplit(url).path)
    base = urlsplit(page_url).path
    site = base[: base.rindex("/book/") + 1] if "/book/" in base else "/"
    candidate = HTML / path.removeprefix(site)
    return candidate.read_bytes() if candidate.suffix == ".png" and candidate.is_file() else None


def figure_problems(images, page_url, overrides=None):
    """Matplotlib figures whose smallest text displays below MIN_TEXT_PX, with the numbers."""
    points, source = figure_text.smallest_font_pt()
    problems = []
    for image in images:
        data = _png_bytes(image["src"], page_url, overrides or {})
        if data is None:
            continue
        width, _, dpi, drawn_by_matplotlib = figure_text.png_info(data)
        if not drawn_by_matplotlib:
            continue
        name = f"in #{image['section']}" + (" (folded)" if image["folded"] else "")
        if dpi is None:
            problems.append({"mark": image["mark"], "text": f"{name}: no pHYs chunk, no dpi"})
            continue
        shown = figure_text.displayed_text_px(points, dpi, image["displayed"], width)
        if shown < MIN_TEXT_PX:
            problems.append({
                "mark": image["mark"],
                "text": (
                    f"{name} ({image['src'].rsplit('/', 1)[-1][:12]}): "
                    f"{points} pt text ({source}) at {dpi:.0f} dpi, "
                    f"{width} px shown at {image['displayed']:.0f} px -> {shown:.1f} px "
                    f"< {MIN_TEXT_PX}"
                ),
            })
    return problems


def measure(page, page_url, overrides=None):
    """Every readability problem of a loaded page, as readable lines (and crops saved)."""
    page.evaluate(UNFOLD)
    page.wait_for_timeout(200)
    report = page.evaluate(MEASURE)
    lines = [
        f"{problem['kind']} {problem['scrollWidth']} px wide in {problem['clientWidth']} px "
        f"({problem['container']}) in #{problem['section']}"
        + (" (folded)" if problem["folded"] else "")
        + f": {problem['what']!r}"
        for problem in report["problems"]
    ]
    figures = figure_problems(report["images"], page_url, overrides)
    lines += [f"figure {problem['text']}" for problem in figures]
    if report["page"]["scrollWidth"] > report["page"]["clientWidth"] + 1:
        lines.append(
            f"the page scrolls sideways: {report['page']['scrollWidth']} px "
            f"in a {report['page']['clientWidth']} px window"
        )
    return lines, [problem["mark"] for problem in report["problems"] + figures]


def save_crops(page, name, marks, limit=12):
    CROPS.mkdir(parents=True, exist_ok=True)
    for number, mark in enumerate(marks[:limit]):
        element = page.locator(f'[data-readability="{mark}"]').first
        try:
            element.screenshot(path=str(CROPS / f"{name}__{number:02d}.png"), timeout=5000)
        except Exception:  # noqa: BLE001 - a crop is a convenience, never the verdict
            pass


def _wait_for_mathjax(page):
    page.evaluate(
        """async () => {
          if (!document.querySelector('script[src*="mathjax"]')) { return; }
          const start = Date.now();
          while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
            if (Date.now() - start > 20000) { return; }
            await new Promise(resolve => setTimeout(resolve, 50));
          }
          await MathJax.startup.promise;
        }"""
    )


@pytest.fixture(scope="module")
def crops_dir():
    """``test-artifacts/readability/``, emptied once per run (``conftest.py``)."""
    CROPS.mkdir(parents=True, exist_ok=True)
    return CROPS


@pytest.mark.parametrize("page_path", CHAPTER_PAGES)
def test_chapter_fits_a_1280px_window(page_path, http_root, browser_context, crops_dir):
    require_built_book()
    url = http_root + page_path
    page = browser_context.new_page()
    try:
        page.goto(url, wait_until="load")
        _wait_for_mathjax(page)
        problems, marks = measure(page, url)
        save_crops(page, page_path.removesuffix(".html").replace("/", "__"), marks)
    finally:
        page.close()
    assert not problems, (
        f"{page_path} at 1280 px: {len(problems)} problems\n- " + "\n- ".join(problems)
    )


def _probe_png(path, figsize, dpi=100):
    """A Matplotlib figure with 10 pt text, saved as the inline backend does."""
    code = (
        "import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; "
        f"fig, ax = plt.subplots(figsize={figsize!r}, dpi={dpi}); ax.plot([0, 1]); "
        "ax.set_xlabel('x label'); "
        f"fig.savefig({str(path)!r}, dpi={dpi}, bbox_inches='tight')"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    return path.read_bytes()


def _probe_page(chapter_html):
    """The built chapter's page with its article replaced by the probe elements."""
    long_code = "total = " + " + ".join(f"value_{n}" for n in range(40))
    long_output = "0.123456789 " * 40
    long_equation = " + ".join(f"a_{{{n}}} x_{{{n}}}" for n in range(60))
    wide_cell = "w" * 400
    article = f"""
<article class="bd-article" role="main">
<section id="probe"><h1>Probe</h1>
<div class="cell docutils container"><div class="cell_input docutils container">
<div class="highlight-ipython3 notranslate"><div class="highlight"><pre>x = 1</pre></div></div>
</div><div class="cell_output docutils container">
<div class="output stream highlight-myst-ansi notranslate"><div class="highlight"><pre>ok</pre>
</div></div></div></div>
<div class="math notranslate nohighlight">\\[ y = w^\\top x + b \\]</div>
<div class="pst-scrollable-table-container"><table class="table"><tr><td>narrow</td></tr></table>
</div>
<p><img alt="fitting figure" src="probe_fits.png"></p>
<div class="cell docutils container"><div class="cell_input docutils container">
<div class="highlight-ipython3 notranslate"><div class="highlight"><pre>{long_code}</pre></div>
</div></div><div class="cell_output docutils container">
<div class="output stream highlight-myst-ansi notranslate"><div class="highlight">
<pre>{long_output}</pre></div></div></div></div>
<div class="math notranslate nohighlight">\\[ {long_equation} \\]</div>
<div class="pst-scrollable-table-container"><table class="table"><tr><td>{wide_cell}</td></tr>
</table></div>
<p><img alt="shrunken figure" src="probe_tiny.png"></p>
<details class="hide above-input"><summary>Show code cell source</summary>
<div class="cell docutils container"><div class="cell_input docutils container">
<div class="highlight-ipython3 notranslate"><div class="highlight"><pre>folded_{long_code}</pre>
</div></div></div></div></details>
</section></article>"""
    return re.sub(r"<article class=\"bd-article\".*?</article>", lambda _: article,
                  chapter_html, count=1, flags=re.DOTALL)


def _serve(body, content_type):
    def handler(route):
        route.fulfill(body=body, content_type=content_type)

    return handler


def test_each_check_fails_on_a_probe_page_and_passes_what_fits(
    http_root, browser_context, crops_dir, tmp_path
):
    require_built_book()
    chapter = next(page for page in CHAPTER_PAGES if page.startswith("book/"))
    html = _probe_page((HTML / chapter).read_text(encoding="utf-8"))
    assert "Probe" in html, "the chapter page has no <article class=\"bd-article\">"
    base = http_root + "book/"
    # 4 x 3 in at 100 dpi (about 400 px wide) is shown at natural size: 10 pt -> 13.9 px.
    # 24 x 3 in (about 2400 px) is shrunk to the text column (about 700 px): 10 pt -> 4 px.
    files = {
        base + "probe.html": html.encode(),
        base + "probe_fits.png": _probe_png(tmp_path / "fits.png", (4, 3)),
        base + "probe_tiny.png": _probe_png(tmp_path / "tiny.png", (24, 3)),
    }

    page = browser_context.new_page()
    try:
        for url, body in files.items():
            page.route(url, _serve(body, "text/html" if url.endswith(".html") else "image/png"))
        page.goto(base + "probe.html", wait_until="load")
        _wait_for_mathjax(page)
        problems, marks = measure(page, base + "probe.html", overrides=files)
        page.screenshot(path=str(crops_dir / "probe_page.png"), full_page=True)
        save_crops(page, "probe", marks)
    finally:
        page.close()

    kinds = [problem.split(" ", 1)[0] for problem in problems]
    report = "\n".join(problems)
    assert kinds.count("code") == 2 and "total = value_0" in report, report
    assert re.search(r"^code .*\(folded\): 'folded_total = value_0", report, re.MULTILINE), report
    assert kinds.count("output") == 1 and "0.123456789" in report, report
    assert kinds.count("equation") == 1 and "a_{0} x_{0}" in report, report
    assert kinds.count("table") == 1 and "www" in report, report
    assert kinds.count("figure") == 1 and "(probe_tiny.p" in report, report
    assert len(problems) == 6, report  # nothing that fits is reported


def test_no_chapter_passes_a_font_size_below_the_smallest():
    points, source = figure_text.smallest_font_pt()
    too_small = {}
    for chapter in sorted((REPO / "book").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(chapter.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells):
            if cell["cell_type"] != "code":
                continue
            for where, size in figure_text.font_sizes_in_code("".join(cell["source"])):
                if size < points:
                    found = f"cell {number}: {where} = {size} pt"
                    too_small.setdefault(chapter.name, []).append(found)
    assert not too_small, f"font sizes below {points} pt ({source}): {too_small}"


def test_static_font_check_sees_sizes_below_the_smallest():
    points, _ = figure_text.smallest_font_pt()
    code = "ax.legend(fontsize='x-small')\nax.tick_params(labelsize=6)\nax.text(0, 0, 's', size=5)"
    sizes = [size for _, size in figure_text.font_sizes_in_code(code)]
    assert sizes == [6.94, 6.0, 5.0] and all(size < points for size in sizes)


def test_book_code_lines_are_linted_at_80_characters(tmp_path):
    """``ruff check .`` applies book/ruff.toml (80) to the chapters, and it flags 81 characters."""
    ruff = Path(sys.executable).with_name("ruff")
    settings = subprocess.run(
        [ruff, "check", "--show-settings", "book/01_sigmoid.ipynb"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout
    assert re.search(rf"^linter\.line_length = {MAX_CODE_LINE}$", settings, re.MULTILINE)

    fits = "y = 1  # " + "c" * (MAX_CODE_LINE - 9)
    too_long = "x = " + "1 + " * 19 + "12"
    assert (len(fits), len(too_long)) == (MAX_CODE_LINE, MAX_CODE_LINE + 2)
    probe = tmp_path / "probe.ipynb"
    probe.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                   "outputs": [], "source": [fits + "\n", too_long]}],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }))
    result = subprocess.run(
        [ruff, "check", "--no-cache", "--config", REPO / "book" / "ruff.toml",
         "--output-format", "concise", probe],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "cell 1:2:81: E501" in result.stdout, result.stdout
    assert "cell 1:1:" not in result.stdout, result.stdout
