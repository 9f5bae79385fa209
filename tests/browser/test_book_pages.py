"""Open every page of the built book in headless Chromium and check what a reader would see.

For each page, over a local HTTP server and over ``file://``:

- no request leaves the machine (any request to a host other than 127.0.0.1 is
  blocked and fails the test: fonts, scripts, MathJax, analytics, anything);
- no local request fails (a missing figure, script or stylesheet) and no
  script raises;
- MathJax (served from the build) has typeset every formula, no formula is a
  TeX error, and no raw TeX (``$$``, ``\\(``, ``\\frac`` ...) is left in the text
  outside code blocks;
- every image has loaded (``naturalWidth > 0``), and every image in a chapter has
  alt text or a caption.

A screenshot of each page (HTTP run) goes to ``test-artifacts/screenshots/``.
Without ``_build/html`` or without Chromium the tests fail and say what to do.
"""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from book_site import HTML, REPO, book_pages, require_built_book

pytestmark = pytest.mark.browser

PAGES = book_pages() or ["(no built book)"]


def _redirect_target(page_path):
    """The URL a bare ``<meta http-equiv="Refresh">`` page forwards to, else None."""
    path = HTML / page_path
    if not path.is_file():
        return None
    match = re.fullmatch(
        r'\s*<meta http-equiv="Refresh" content="0;\s*url=([^"]+)"\s*/?>\s*',
        path.read_text(encoding="utf-8"),
        re.IGNORECASE,
    )
    return match and match.group(1)


# index.html is a bare forward to the first page: it is checked on disk
# (test_forwarding_page_points_to_a_built_page), every other page in the browser.
REDIRECTS = [page for page in PAGES if _redirect_target(page)] or ["index.html"]
BROWSER_PAGES = [page for page in PAGES if not _redirect_target(page)]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Schemes that never touch the network.
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
# TeX that MathJax should have replaced: display/inline delimiters and any
# control word such as \frac, \sigma or \sum.
# Requests the browser must never make: any http(s) or websocket URL whose
# host is not this machine.
REMOTE_URL = re.compile(r"^(https?|wss?)://(?!(127\.0\.0\.1|localhost)(:\d+)?/)", re.IGNORECASE)
RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\[A-Za-z]{2,}")

WAIT_FOR_MATHJAX = """
async () => {
  const script = document.querySelector('script[src*="mathjax"]');
  if (!script) { return "no-mathjax"; }
  const start = Date.now();
  while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
    if (Date.now() - start > 20000) { return "MathJax did not start within 20 s"; }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  await MathJax.startup.promise;
  return "typeset";
}
"""

PAGE_REPORT = """
() => {
  const text_outside_code = (() => {
    const clone = document.body.cloneNode(true);
    clone.querySelectorAll(
      'pre, code, script, style, noscript, textarea, mjx-container, .highlight'
    ).forEach(element => element.remove());
    return clone.textContent;
  })();
  const maths = Array.from(document.querySelectorAll('.math'));
  const article = document.querySelector('article') || document.body;
  return {
    text: text_outside_code,
    unrendered_math: maths
      .filter(element => !element.querySelector('mjx-container'))
      .map(element => element.textContent.slice(0, 80)),
    math_errors: Array.from(document.querySelectorAll('mjx-merror'))
      .map(element => element.getAttribute('data-mjx-error') || element.textContent),
    broken_images: Array.from(document.images)
      .filter(img => !(img.complete && img.naturalWidth > 0))
      .map(img => img.getAttribute('src')),
    images_without_description: Array.from(article.querySelectorAll('img'))
      .filter(img => !(img.getAttribute('alt') || '').trim())
      .filter(img => {
        const figure = img.closest('figure');
        const caption = figure && figure.querySelector('figcaption');
        return !(caption && caption.textContent.trim());
      })
      .map(img => img.getAttribute('src')),
  };
}
"""


def _screenshot_name(page_path):
    return page_path.removesuffix(".html").replace("/", "__") + ".png"


def _is_local(url):
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


def _raw_tex_snippets(text):
    """Short excerpts around each piece of raw TeX (overlapping ones merged)."""
    snippets, last_end = [], -1
    for match in RAW_TEX.finditer(text):
        if match.start() < last_end:
            continue
        start, last_end = max(match.start() - 30, 0), match.end() + 30
        snippets.append(" ".join(text[start:last_end].split()))
    return snippets


def _open(context, url):
    """Load ``url`` and return the page with the problems seen while loading."""
    problems = {"remote": [], "failed": [], "errors": []}
    page = context.new_page()

    def block_remote(route):
        problems["remote"].append(route.request.url)
        route.abort()

    def note_remote_request(request):
        if not _is_local(request.url):
            problems["remote"].append(request.url)

    def note_failed_request(request):
        if _is_local(request.url):
            problems["failed"].append(f"{request.url} ({request.failure})")

    def note_error_status(response):
        if response.status >= 400:
            problems["failed"].append(f"{response.url} (HTTP {response.status})")

    page.route(REMOTE_URL, block_remote)
    page.on("request", note_remote_request)
    page.on("pageerror", lambda error: problems["errors"].append(str(error)))
    page.on("requestfailed", note_failed_request)
    page.on("response", note_error_status)
    page.goto(url, wait_until="load")
    return page, problems


@pytest.mark.parametrize("scheme", ["http", "file"])
@pytest.mark.parametrize("page_path", BROWSER_PAGES)
def test_page_renders_offline(page_path, scheme, request, browser_context):
    require_built_book()
    if scheme == "http":
        url = request.getfixturevalue("http_root") + page_path
    else:
        url = (HTML / page_path).as_uri()

    page, problems = _open(browser_context, url)
    try:
        mathjax = page.evaluate(WAIT_FOR_MATHJAX)
        report = page.evaluate(PAGE_REPORT)
        if scheme == "http":
            screenshots = request.getfixturevalue("screenshot_dir")
            page.screenshot(path=str(screenshots / _screenshot_name(page_path)), full_page=True)
    finally:
        page.close()

    failures = []
    if problems["remote"]:
        failures.append(f"requests to remote hosts: {sorted(set(problems['remote']))}")
    if problems["failed"]:
        failures.append(f"local requests that failed: {problems['failed']}")
    if problems["errors"]:
        failures.append(f"script errors: {problems['errors']}")
    if mathjax not in ("typeset", "no-mathjax"):
        failures.append(mathjax)
    if report["unrendered_math"]:
        failures.append(f"formulas MathJax did not render: {report['unrendered_math'][:5]}")
    if report["math_errors"]:
        failures.append(f"TeX errors in formulas: {report['math_errors'][:5]}")
    raw_tex = _raw_tex_snippets(report["text"])
    if raw_tex:
        failures.append(f"raw TeX left in the text: {raw_tex[:5]}")
    if report["broken_images"]:
        failures.append(f"images that did not load: {report['broken_images']}")
    if report["images_without_description"]:
        failures.append(
            f"images with neither alt text nor a caption: {report['images_without_description']}"
        )
    assert not failures, f"{page_path} over {scheme}:\n- " + "\n- ".join(failures)


@pytest.mark.parametrize("page_path", PAGES)
def test_local_links_resolve(page_path):
    """Every relative link and source (including the .ipynb download) names a built file."""
    require_built_book()
    source = (HTML / page_path).read_text(encoding="utf-8")
    targets = re.findall(r'(?:href|src)="([^"#?]+)[^"]*"', source)
    missing = []
    for target in targets:
        if urlsplit(target).scheme or target.startswith("//"):
            continue  # external links are allowed; only loading them is not
        resolved = (HTML / page_path).parent / unquote(target)
        if not resolved.exists():
            missing.append(target)
    assert not missing, f"{page_path} links to files that are not in the build: {missing}"


@pytest.mark.parametrize("page_path", REDIRECTS)
def test_forwarding_page_points_to_a_built_page(page_path):
    require_built_book()
    target = _redirect_target(page_path)
    assert (HTML / page_path).parent.joinpath(target).is_file(), f"{page_path} forwards to {target}"


def test_every_toc_entry_is_built():
    """Each file listed in _toc.yml has a page, and each chapter notebook a download."""
    require_built_book()
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [
        chapter["file"] for part in toc.get("parts", []) for chapter in part["chapters"]
    ]
    missing_pages = [name for name in files if not (HTML / f"{name}.html").is_file()]
    missing_downloads = [
        name
        for name in files
        if (REPO / f"{name}.ipynb").is_file()
        and not (HTML / "_sources" / f"{name}.ipynb").is_file()
    ]
    assert not missing_pages, f"toc entries without a built page: {missing_pages}"
    assert not missing_downloads, f"chapters without a .ipynb download: {missing_downloads}"


def test_mathjax_is_served_from_the_build():
    require_built_book()
    assert Path(HTML / "_static" / "mathjax" / "tex-chtml.js").is_file(), (
        "MathJax is not in _build/html/_static/mathjax: is sphinx-mathjax-offline loaded?"
    )
