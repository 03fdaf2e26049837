"""Our cleaner for already-extracted article text.

It drops page furniture that extractors and crawls leave in: error-page preambles,
site chrome and navigation before the title, date lines and bylines, widget headers
with their link lists ("Most popular", "Related", "Share", "Comments"...), disclaimers
and promo trailers, and paragraphs repeated inside the article. It keeps the title (first
line), section headings and every body paragraph.

Rules (`layout.py`, `widgets.py`) run in a fixed order over blocks (`blocks.py`); each
rule sees only blocks no earlier rule removed. Decisions rest on general features (position, length, bullets,
sentence-final punctuation, repetition, the zone after the last body paragraph) plus the
multilingual phrase lexicon in `boilerplate.json`.

>>> r = clean_text("Talks end\\nThe two sides met for an hour and agreed to swap 1,000 prisoners "
...                "each, officials said.\\nShare this article\\nComments\\nNo comments yet")
>>> r.text
'Talks end\\nThe two sides met for an hour and agreed to swap 1,000 prisoners each, officials said.'
>>> [(x.text, x.reason) for x in r.removed]
[('Share this article', 'widget'), ('Comments\\nNo comments yet', 'comments')]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from newsprism.clean import layout, widgets
from newsprism.clean.blocks import Block, segment
from newsprism.clean.lexicon import Lexicon, lexicon
from newsprism.models import Removed

# A metadata prefix left by crawlers/exporters at the very start: " date 2025-06-02 Text…".
_META_PREFIX = re.compile(
    r"^\s*(?:date|published|updated|posted|fecha|datum|data)\s*(?::\s*)?"
    r"(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?)(?:\s+|$)",
    re.I,
)


@dataclass(slots=True)
class TextResult:
    text: str
    removed: list[Removed] = field(default_factory=list)
    published: str | None = None  # a date found in a metadata prefix
    error_page: bool = False  # error-page text was found (and removed)


def clean_text(
    text: str, *, flat: bool = True, lex: Lexicon | None = None, check: Callable[[], None] | None = None
) -> TextResult:
    """Remove boilerplate from article text; see the module docstring.

    `flat` is True for text that comes as crawled (lines in page order, menus and
    link lists included). Text from an HTML extractor (`flat=False`) has already lost
    its layout furniture to DOM rules; there the rules that read layout from plain lines
    (menus, link-title runs, date lines, short repeated lines) cost more recall than they
    gain precision on the ScrapingHub benchmark, so only phrase, header and prose-level
    repetition rules run. `check`, if given, is called between the rules (a time budget).
    """
    lex = lex or lexicon()
    removed_prefix: list[Removed] = []
    published = None
    m = _META_PREFIX.match(text)
    if m:
        published = m.group(1)
        removed_prefix.append(Removed(m.group(0).rstrip(), "metadata"))
        text = text[m.end() :]
    lines, blocks = segment(text, lex)
    for rule in _RULES:
        if check is not None:
            check()
        rule([b for b in blocks if b.removed is None], lex, flat)
    removed = removed_prefix + _removed_spans(blocks)
    kept: list[str] = []
    by_line = {i: b for b in blocks for i in range(b.start, b.end)}
    for i, line in enumerate(lines):
        block = by_line.get(i)
        if block is None or block.removed is None:
            kept.append(line)
    error_page = any(r.reason == "error-page" for r in removed)
    return TextResult("\n".join(kept), removed, published, error_page)


def _removed_spans(blocks: list[Block]) -> list[Removed]:
    """Consecutive blocks removed for the same reason become one `Removed`."""
    spans: list[tuple[str, list[str]]] = []
    previous: Block | None = None
    for b in blocks:
        if b.removed is None:
            previous = None
            continue
        if previous is not None and previous.removed == b.removed:
            spans[-1][1].append(b.text)
        else:
            spans.append((b.removed, [b.text]))
        previous = b
    return [Removed("\n".join(texts), reason) for reason, texts in spans]


# The order matters: each rule sees only what the rules before it kept.
_RULES: list[Callable[[list[Block], Lexicon, bool], None]] = [
    layout.markup,
    widgets.error_page,
    layout.leading_chrome,
    layout.metadata,
    layout.repeated,
    widgets.headers,
    layout.navigation,
    widgets.furniture,
]
