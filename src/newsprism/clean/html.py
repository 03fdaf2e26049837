"""HTML → article text and page metadata, through trafilatura, on hostile input.

Before parsing, `sanitize` removes what can make a parser slow or explosive: a DOCTYPE
internal subset and ENTITY declarations (billion laughs; libxml2's HTML parser does not
expand them, but nothing downstream should see them either) and attribute values over
`MAX_ATTRIBUTE` characters (inline data URIs, a 5 MB attribute: 1.6 s → 0.1 s).
Scripts, styles and comments never reach the text: trafilatura drops those elements,
and `extract` prunes ``<template>``, which it would keep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import trafilatura

# Longer attribute values are dropped before parsing; no attribute trafilatura reads
# (class, id, href, content, datetime...) comes near this on the 181 benchmark pages.
MAX_ATTRIBUTE = 10_000
# favor_precision=True is the better default (benchmark F1 0.964 vs 0.960), but on some
# layouts it keeps next to nothing (one benchmark page: 260 of 2,364 characters). When
# it returns less than this, trafilatura's default extraction is tried and kept if it
# finds over twice as much: the clean stage's benchmark F1 0.9646 → 0.9694, for a
# second parse of 4 pages in 181.
MIN_PRECISE_CHARS = 500
# libxml2 stops building the tree below this depth (it needs XML_PARSE_HUGE for more).
MAX_DEPTH = 255

# Hostile markup is searched with bounded, unambiguous patterns and loops (see
# `_strip_declarations`): `<!DOCTYPE[^>\\[]{0,1000}\\[.*?\\]\\s*>` scanned to the end of the page
# from every DOCTYPE with no end (quadratic), and so did `<!ENTITY[^>]{0,100000}>` up to
# 100k characters from every `<!ENTITY`.
_DOCTYPE_OPEN = re.compile(r"<!DOCTYPE[^>\[]{0,1000}\[", re.I)
_SUBSET_END = re.compile(r"\]\s*>")
_ENTITY_OPEN = re.compile(r"<!ENTITY", re.I)
_HUGE_ATTRIBUTE = re.compile(
    rf"""\s[^\s=<>"'/]{{1,200}}\s*=\s*(?:"[^"]{{{MAX_ATTRIBUTE},}}"|'[^']{{{MAX_ATTRIBUTE},}}')"""
)
# Elements whose text a browser never shows and trafilatura does not already drop.
_NEVER_RENDERED = ["//template"]
# Possessive name and no "<" inside a tag, so that a failing match scans to the next "<"
# at most (`[\\w:-]*[^>]*?` backtracked over the name, to the end of the page).
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*+)[^<>]*?(/?)>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_UNRESOLVED_ENTITY = re.compile(r"&[A-Za-z_][\w.-]{0,40};")


@dataclass(slots=True)
class HtmlResult:
    text: str
    title: str | None = None
    date: str | None = None
    sitename: str | None = None
    url: str | None = None
    problems: list[str] = field(default_factory=list)


def sanitize(html: str, problems: list[str]) -> str:
    """Strip entity declarations and huge attribute values; note what was done."""
    stripped = _strip_declarations(html)
    if len(stripped) != len(html):
        problems.append("removed a DOCTYPE internal subset / ENTITY declarations")
    before = len(stripped)
    stripped = _HUGE_ATTRIBUTE.sub(" ", stripped)
    if len(stripped) != before:
        problems.append(f"dropped attribute values longer than {MAX_ATTRIBUTE:,} characters")
    return stripped


def _strip_declarations(html: str) -> str:
    """The page with every DOCTYPE internal subset (``<!DOCTYPE x [...]>`` → ``<!DOCTYPE html>``)
    and every ``<!ENTITY ...>`` removed; linear: each search starts where the last one ended,
    and a declaration with no end ends the search (no later one can have an end either)."""
    parts: list[str] = []
    pos = 0
    while (m := _DOCTYPE_OPEN.search(html, pos)) is not None:
        end = _SUBSET_END.search(html, m.end())
        if end is None:
            break
        parts += [html[pos : m.start()], "<!DOCTYPE html>"]
        pos = end.end()
    html = "".join(parts) + html[pos:]
    parts, pos = [], 0
    while (m := _ENTITY_OPEN.search(html, pos)) is not None:
        close = html.find(">", m.end())
        if close < 0:
            break
        parts.append(html[pos : m.start()])
        pos = close + 1
    return "".join(parts) + html[pos:]


def nesting_depth(html: str) -> int:
    """Rough maximum element depth (open tags minus close tags), for error messages."""
    depth = deepest = 0
    for closing, name, self_closing in _TAG.findall(html):
        if name.lower() in _VOID or self_closing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def extract(html: str, url: str | None = None) -> HtmlResult:
    """Main text and metadata of a page; `text` is empty when nothing was found.

    Options measured on the ScrapingHub benchmark (181 pages, shingle F1, see
    `newsprism.evaluation.cleaning`): favor_precision=True 0.964 vs default 0.960 (both
    without comments, which are never article text); tables kept (dropping them: 0.957).
    """
    problems: list[str] = []
    html = sanitize(html, problems)
    options = {
        "url": url,
        "include_comments": False,
        "include_tables": True,
        "with_metadata": True,
        "prune_xpath": _NEVER_RENDERED,
    }
    doc = trafilatura.bare_extraction(html, favor_precision=True, **options)
    found = len(doc.text or "") if doc is not None else 0
    if found < MIN_PRECISE_CHARS:
        recall_doc = trafilatura.bare_extraction(html, **options)
        if recall_doc is not None and len(recall_doc.text or "") > 2 * found:
            doc = recall_doc
            problems.append("precise extraction found almost nothing; used trafilatura's default")
    text = _UNRESOLVED_ENTITY.sub("", doc.text or "") if doc is not None else ""
    if not text.strip():
        depth = nesting_depth(html)
        if depth > MAX_DEPTH:
            problems.append(f"elements nested {depth} deep; the parser stops at {MAX_DEPTH}")
    if doc is None:
        return HtmlResult("", problems=problems)
    return HtmlResult(
        text=text,
        title=doc.title or None,
        date=doc.date or None,
        sitename=doc.sitename or None,
        url=doc.url or url,
        problems=problems,
    )
