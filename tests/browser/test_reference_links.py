"""Glossary, notation and citations: every link reaches its target in the built book.

Read from the built HTML (no browser needed): a link to ``page.html#anchor``
must name a page that exists and an element of that page with that id, so a
glossary term or a citation that moved or vanished fails here. Each chapter
cites at least one work and links at least one glossary term, every glossary
term is linked from some chapter, and no role is left unparsed in the text.
"""

import html
import re
from functools import cache
from urllib.parse import unquote, urlsplit

import pytest
from book_site import HTML, book_pages, require_built_book

pytestmark = pytest.mark.browser

CHAPTERS = [page for page in book_pages() if re.fullmatch(r"book/\d\d_.*\.html", page)]
ANCHORED_LINK = re.compile(r'<a [^>]*href="([^"]*#[^"]+)"')


@cache
def _source(page_path):
    return (HTML / page_path).read_text(encoding="utf-8")


@cache
def _ids(page_path):
    return set(re.findall(r'\sid="([^"]+)"', _source(page_path)))


def _links(page_path, to_page=None):
    """(target page, anchor) of every local link with an anchor on ``page_path``."""
    links = []
    for href in ANCHORED_LINK.findall(_source(page_path)):
        parts = urlsplit(html.unescape(href))
        if parts.scheme or parts.netloc:
            continue
        target = page_path
        if parts.path:
            target = (HTML / page_path).parent.joinpath(unquote(parts.path)).resolve()
            target = target.relative_to(HTML.resolve()).as_posix()
        if to_page is None or target == to_page:
            links.append((target, unquote(parts.fragment)))
    return links


def _text(page_path):
    body = re.sub(r"<(script|style|pre)\b.*?</\1>", " ", _source(page_path), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_reference_pages_are_built():
    require_built_book()
    for page in ("book/glossary.html", "book/notation.html", "book/references.html"):
        assert (HTML / page).is_file(), f"{page} is missing: is it in _toc.yml?"
    assert len(CHAPTERS) >= 12


@pytest.mark.parametrize(
    "page_path",
    ["book/glossary.html", "book/notation.html", "book/references.html", *CHAPTERS],
)
def test_every_anchored_link_resolves(page_path):
    require_built_book()
    broken = [
        f"{target}#{anchor}"
        for target, anchor in _links(page_path)
        if not (HTML / target).is_file() or anchor not in _ids(target)
    ]
    assert not broken, f"{page_path} links to anchors that do not exist: {broken}"


@pytest.mark.parametrize("page_path", CHAPTERS)
def test_chapter_cites_and_links_the_glossary_without_raw_roles(page_path):
    require_built_book()
    citations = _links(page_path, "book/references.html")
    terms = _links(page_path, "book/glossary.html")
    assert citations, f"{page_path} cites nothing from the bibliography"
    assert terms, f"{page_path} links no glossary term"
    raw = re.findall(r"\{(?:term|cite(?::[pt])?)\}`[^`]*`", _text(page_path))
    assert not raw, f"{page_path} shows roles that were not parsed: {raw[:5]}"


def test_every_glossary_term_is_linked_from_a_chapter():
    require_built_book()
    glossary = _source("book/glossary.html")
    terms = set(re.findall(r'<dt id="(term-[^"]+)"', glossary))
    assert len(terms) >= 25, f"the glossary defines only {len(terms)} terms"
    linked = {anchor for page in CHAPTERS for _, anchor in _links(page, "book/glossary.html")}
    assert terms - linked == set(), f"glossary terms no chapter links to: {sorted(terms - linked)}"


def test_every_bibliography_entry_is_cited_and_every_citation_listed():
    require_built_book()
    references = _source("book/references.html")
    entries = set(re.findall(r'<div class="citation" id="([^"]+)"', references))
    entries |= set(re.findall(r'<dt class="label" id="([^"]+)"', references))
    assert len(entries) >= 15, f"the references page lists only {len(entries)} works"
    cited = {anchor for page in CHAPTERS for _, anchor in _links(page, "book/references.html")}
    assert cited == entries, (
        f"listed but never cited: {sorted(entries - cited)}; "
        f"cited but not listed: {sorted(cited - entries)}"
    )
