"""Our cleaner for already-extracted article text.

It drops page furniture that extractors and crawls leave in: error-page preambles,
site chrome and navigation before the title, date lines and bylines, widget headers
with their link lists ("Most popular", "Related", "Share", "Comments"...), disclaimers
and promo trailers, and paragraphs repeated inside the article. It keeps the title (first
line), section headings and every body paragraph.

Rules run in a fixed order over blocks (see `blocks.py`); each rule sees only blocks no
earlier rule removed. Decisions rest on general features (position, length, bullets,
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

from newsprism.clean.blocks import Block, segment
from newsprism.clean.lexicon import Lexicon, lexicon
from newsprism.models import Removed

# A metadata prefix left by crawlers/exporters at the very start: " date 2025-06-02 Text…".
_META_PREFIX = re.compile(
    r"^\s*(?:date|published|updated|posted|fecha|datum|data)\s*:?\s*"
    r"(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?)(?:\s+|$)",
    re.I,
)
_SPLIT_META = re.compile(r"\s+[/|·•]\s+")
_NUMERIC_WIDGET = re.compile(r"^[\W\d_]*(?:[^\W\d_]{1,4}[\W\d_]*)?$")
# Navigation and tab widgets: at least this many short lines in a row. Two short lines
# in a row occur in real articles (title + one-word section label); three did not, in
# the sample and dev-stories, except as menus.
# Date lines, bylines and age stamps ("Business & Markets 4 hours ago") are this short.
MAX_META_WORDS = 8
NAV_RUN = 3
NAV_WORDS = 6
# Shorter repeats are structure, not copy-paste accidents: table headers ("Pos Player
# Plays % Stats"), tweet attributions, "See it now: Amazon" (benchmark ground truths).
# The shortest accidental repeat in sample and dev-stories is an 8-word headline.
MIN_REPEAT_WORDS = 8
# A widget header ("Latest news", "Related") ends the article when it sits in the second
# half of the text and no paragraph of this many words follows it. dev-stories: teasers
# under such headers run 13-21 words; body paragraphs after mid-article widgets
# (texas/05, google/06) 27-60.
BODY_AFTER_WIDGET = 30
# A dangling short line at the end is a label when this share of its content words is
# capitalised ("Share This Post" 1.0); cut-off sentences at the end of the dev-stories
# texts score 0-0.75 ("Plaintiffs, including the Justice D").
TITLE_CASE = 0.8
# Error-page, promo and disclaimer phrases inside a paragraph this long are quoted text,
# not page furniture (the longest error/promo lines in dev-stories have 12-27 words).
MAX_FURNITURE_WORDS = 30
# One phrase is enough to drop a line this short ("Click here to subscribe"); a longer
# one needs two (sample 003's promo trailer has three in 27 words; a quoted "stay tuned"
# in a 28-word paragraph is one).
SHORT_FURNITURE_WORDS = 15


@dataclass(slots=True)
class TextResult:
    text: str
    removed: list[Removed] = field(default_factory=list)
    published: str | None = None  # a date found in a metadata prefix
    error_page: bool = False  # error-page text was found (and removed)


def clean_text(text: str, *, flat: bool = True, lex: Lexicon | None = None) -> TextResult:
    """Remove boilerplate from article text; see the module docstring.

    `flat` is True for text that comes as crawled (lines in page order, menus and
    link lists included). Text from an HTML extractor (`flat=False`) has already lost
    its layout furniture to DOM rules; there the rules that read layout from plain lines
    (menus, link-title runs, date lines, short repeated lines) cost more recall than they
    gain precision on the ScrapingHub benchmark, so only phrase, header and prose-level
    repetition rules run.
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


def _drop(block: Block, reason: str) -> None:
    if block.removed is None:
        block.removed = reason


def _markup(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
    """Blocks without a single letter or digit: rules, image markup (``![]() |``)."""
    for b in blocks:
        if not b.has_words:
            _drop(b, "markup")


def _error_page(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
    for b in blocks:
        if b.header == "error-page" or ("error-page" in b.hits and b.n_words <= MAX_FURNITURE_WORDS):
            _drop(b, "error-page")


def _metadata_line(b: Block, lex: Lexicon) -> bool:
    if b.n_words > 2 * MAX_META_WORDS:  # a date and a byline at most
        return False
    parts = _SPLIT_META.split(b.text.strip())
    if all(lex.date_line(p) or lex.byline(p) for p in parts):
        return True
    return b.n_words <= MAX_META_WORDS and lex.relative_time(b.text)


def _numeric_widget(b: Block) -> bool:
    """``3.79 BYN``, ``+0.4%``: a number with at most a unit, as in tickers and rates."""
    return len(b.text) <= 24 and any(c.isdigit() for c in b.text) and bool(_NUMERIC_WIDGET.match(b.text))


def _leading_chrome(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
    """Logos, menus, dates and tickers above the title.

    A run of leading blocks of at most 3 words (or dates, bylines, tickers) goes when it
    has two or more blocks or is a date/byline/ticker; one short line alone is a title.
    """
    if not flat:
        return
    run: list[Block] = []
    for b in blocks:
        special = _metadata_line(b, lex) or _numeric_widget(b)
        if special or (b.n_words <= 3 and not b.terminal and b.last_char != "?"):
            run.append(b)
            continue
        break
    if len(run) == len(blocks):  # nothing but short lines: leave it to the no-content check
        return
    if len(run) >= 2 or (run and (_metadata_line(run[0], lex) or _numeric_widget(run[0]))):
        for b in run:
            _drop(b, "metadata" if _metadata_line(b, lex) else "navigation")


def _body_span(blocks: list[Block]) -> tuple[int, int]:
    """Block indexes of the first and last `strong` block; (-1, -1) when there is none."""
    strong = [b.index for b in blocks if b.strong()]
    return (strong[0], strong[-1]) if strong else (-1, -1)


def _metadata(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
    """Date lines, bylines, age stamps and tickers above or below the body.

    Inside the body they are content: a live blog's "4:14 p.m.", an exhibition's dates.
    """
    if not flat:
        return
    first, last = _body_span(blocks)
    for b in blocks:
        if first <= b.index <= last:
            continue
        if _metadata_line(b, lex):
            _drop(b, "metadata")
        elif _numeric_widget(b):
            _drop(b, "widget")


def _navigation(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
    """Menus, tab widgets, footer links: NAV_RUN+ menu items in a row (short, no sentence
    end, no digits, commas, colons or brackets) above the body, or below it up to the end.

    Runs inside the body, runs introduced by a line ending in ":" and runs followed by
    more text are lists (teams, results, ingredients), and stay.
    """
    if not flat:
        return
    first, _ = _body_span(blocks)
    run: list[Block] = []
    previous: Block | None = blocks[0] if blocks else None
    for b in [*blocks[1:], None]:  # the first block is the title's place
        if b is not None and _menu_item(b) and not (not run and previous and previous.last_char == ":"):
            run.append(b)
            previous = b
            continue
        above = run and run[-1].index < first
        at_end = run and b is None and first >= 0
        if len(run) >= NAV_RUN and (above or at_end):
            for r in run:
                _drop(r, "navigation")
        run = []
        previous = b


def _menu_item(b: Block) -> bool:
    return (
        0 < b.n_words <= NAV_WORDS
        and not b.terminal
        and not b.bullet
        and not any(c.isdigit() or c in ",:;()" for c in b.text)
    )


def _repeated(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
    """A paragraph (MIN_REPEAT_WORDS+ words) seen before in this text: keep the first one.

    Questions (ending in "?") may repeat: interviews ask each guest the same ones.

    Flat text only: in extracted HTML the repeats left are content (meal plans, Q&A
    forms, table rows); on the benchmark this rule cost 0.34 and 0.08 of two pages' F1
    and gained nothing anywhere.
    """
    if not flat:
        return
    seen: set[tuple[str, ...]] = set()
    for b in blocks:
        tokens = b.tokens
        if len(tokens) < MIN_REPEAT_WORDS or b.last_char == "?":
            continue
        if tokens in seen:
            _drop(b, "repeated")
        seen.add(tokens)


def _list_like(b: Block, lex: Lexicon, flat: bool) -> bool:
    """An item of a link list: bullet, URL, inline widget, or (flat) a short non-sentence."""
    if b.header in ("comments", "author", "disclaimer"):
        return False
    return (
        b.bullet
        or b.url_share > 0.5
        or lex.inline_widget(b.text)
        or (flat and not b.prose() and b.n_words <= 25)
    )


def _headers(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
    """Widget headers and what hangs off them.

    - comments / about-the-author: the article is over. Everything after goes when the
      header sits in the second half of the text (by words); earlier, only the header.
    - disclaimer: the header and the following blocks with disclaimer phrases.
    - label ("Share this", "Advertisement"): the line alone.
    - list ("Most popular", "Related", "Read more"...): the header and the link list
      under it; in flat text, everything after it when it sits in the second half of
      the text and no paragraph of BODY_AFTER_WIDGET+ words follows.
    """
    total = sum(b.n_words for b in blocks) or 1
    # body_after[i]: a paragraph of BODY_AFTER_WIDGET+ words follows block i.
    body_after = [False] * (len(blocks) + 1)
    for i in range(len(blocks) - 1, -1, -1):
        b = blocks[i]
        body_after[i] = body_after[i + 1] or (b.prose() and b.n_words >= BODY_AFTER_WIDGET)
    before = 0
    for i, b in enumerate(blocks):
        before += b.n_words
        if b.removed is not None or b.header is None or b.header == "error-page":
            continue
        if i == 0 and b.header in ("list", "label") and len(blocks) > 1 and blocks[1].prose():
            continue  # a title that happens to read like a widget ("Latest on the talks")
        rest = blocks[i + 1 :]
        if b.header in ("comments", "author"):
            _drop(b, b.header if b.header == "comments" else "widget")
            if before > total / 2:
                for r in rest:
                    _drop(r, b.removed or "comments")
                return
            continue
        if b.header == "disclaimer":
            _drop(b, "disclaimer")
            for r in rest:
                if "disclaimer" not in r.hits:
                    break
                _drop(r, "disclaimer")
            continue
        _drop(b, "widget")
        if b.header == "label":
            continue
        if flat and before > total / 2 and not body_after[i + 1]:
            for r in rest:
                if r.header and r.header not in ("list", "label"):
                    break  # its own rule handles it and what follows
                _drop(r, _phrase_reason(r) or ("link-list" if _list_like(r, lex, flat) else "widget"))
            continue
        items: list[Block] = []
        for r in rest:
            if r.removed is not None:
                continue
            if r.header or not _list_like(r, lex, flat):
                break
            items.append(r)
        # One plain short line after a header is a section heading ("Advertisement",
        # then "Why Now?"), not a list: it takes bullets, links or two items to be one.
        if len(items) == 1 and not (
            items[0].bullet or items[0].url_share > 0.5 or lex.inline_widget(items[0].text)
        ):
            items = []
        for r in items:
            _drop(r, "link-list")


def _furniture(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
    """Disclaimers, promos, inline widgets; and the tail after the last body paragraph.

    A block with lexicon phrases goes when it has at most SHORT_FURNITURE_WORDS words,
    or two phrases (in the tail after the last `strong` block: of any kinds; before it:
    of one kind). Paragraphs over three times MAX_FURNITURE_WORDS always stay: there a
    phrase is quoted, not furniture.
    In flat text, Title Case labels left dangling at the very end go too ("Share This
    Post", "Market Research"); lists in the tail stay unless a widget header announced
    them, and a lower-case line that does not end a sentence is a cut-off sentence.
    """
    live = [b for b in blocks if b.removed is None]
    last_strong = max((i for i, b in enumerate(live) if b.strong()), default=-1)
    for i, b in enumerate(live):
        reason = _phrase_reason(b)
        if lex.inline_widget(b.text):
            _drop(b, "widget")
        elif not reason or b.n_words > 3 * MAX_FURNITURE_WORDS:
            continue
        elif b.n_words <= SHORT_FURNITURE_WORDS:
            _drop(b, reason)
        elif (sum(b.hits.values()) if i > last_strong >= 0 else max(b.hits.values())) >= 2:
            _drop(b, reason)
    if not flat or last_strong < 0:
        return
    for b in reversed(live[last_strong + 1 :]):
        if b.removed is not None:
            continue
        if not _dangling_label(b, lex):
            break
        _drop(b, "widget")


def _dangling_label(b: Block, lex: Lexicon) -> bool:
    """A Title Case label with no digits and no sentence end: "Share This Post"."""
    return (
        0 < b.n_words <= 8
        and not b.terminal
        and not any(c.isdigit() for c in b.text)
        and b.title_ratio(lex) >= TITLE_CASE
    )


def _phrase_reason(b: Block) -> str | None:
    """The `Removed.reason` for a block's lexicon phrases (cookie notices are widgets)."""
    for category, reason in (
        ("disclaimer", "disclaimer"),
        ("promo", "promo"),
        ("consent", "widget"),
        ("error-page", "error-page"),
    ):
        if category in b.hits:
            return reason
    return None


_RULES: list[Callable[[list[Block], Lexicon, bool], None]] = [
    _markup,
    _error_page,
    _leading_chrome,
    _metadata,
    _repeated,
    _headers,
    _navigation,
    _furniture,
]
