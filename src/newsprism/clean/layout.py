"""Rules that read page layout from plain lines: markup, site chrome above the title,
date lines and bylines, menus, repeated paragraphs.

Each rule takes the blocks no earlier rule removed, the lexicon, and `flat` (True for
text as crawled; False for text an HTML extractor already cut from its page, where
these rules would only remove content).
"""

from __future__ import annotations

import re

from newsprism.clean.blocks import Block
from newsprism.clean.lexicon import Lexicon

_SPLIT_META = re.compile(r"\s+[/|·•]\s+")
_NUMERIC_WIDGET = re.compile(r"^[\W\d_]*(?:[^\W\d_]{1,4}[\W\d_]*)?$")
# Date lines, bylines and age stamps ("Business & Markets 4 hours ago") are this short.
MAX_META_WORDS = 8
# Navigation and tab widgets: at least this many short lines in a row. Two short lines
# in a row occur in real articles (title + one-word section label); three did not, in
# the sample and dev-stories, except as menus.
NAV_RUN = 3
NAV_WORDS = 6
# Shorter repeats are structure, not copy-paste accidents: table headers ("Pos Player
# Plays % Stats"), tweet attributions, "See it now: Amazon" (benchmark ground truths).
# The shortest accidental repeat in sample and dev-stories is an 8-word headline.
MIN_REPEAT_WORDS = 8


def drop(block: Block, reason: str) -> None:
    """Mark `block` removed for `reason`, unless an earlier rule already did."""
    if block.removed is None:
        block.removed = reason


def markup(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
    """Blocks without a single letter or digit: rules, image markup (``![]() |``)."""
    for b in blocks:
        if not b.has_words:
            drop(b, "markup")


def metadata_line(b: Block, lex: Lexicon) -> bool:
    if b.n_words > 2 * MAX_META_WORDS:  # a date and a byline at most
        return False
    parts = _SPLIT_META.split(b.text.strip())
    if all(lex.date_line(p) or lex.byline(p) for p in parts):
        return True
    return b.n_words <= MAX_META_WORDS and lex.relative_time(b.text)


def numeric_widget(b: Block) -> bool:
    """``3.79 BYN``, ``+0.4%``: a number with at most a unit, as in tickers and rates."""
    return len(b.text) <= 24 and any(c.isdigit() for c in b.text) and bool(_NUMERIC_WIDGET.match(b.text))


def leading_chrome(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
    """Logos, menus, dates and tickers above the title.

    A run of leading blocks of at most 3 words (or dates, bylines, tickers) goes when it
    has two or more blocks or is a date/byline/ticker; one short line alone is a title.
    """
    if not flat:
        return
    run: list[Block] = []
    for b in blocks:
        special = metadata_line(b, lex) or numeric_widget(b)
        if special or (b.n_words <= 3 and not b.terminal and b.last_char != "?"):
            run.append(b)
            continue
        break
    if len(run) == len(blocks):  # nothing but short lines: leave it to the no-content check
        return
    if len(run) >= 2 or (run and (metadata_line(run[0], lex) or numeric_widget(run[0]))):
        for b in run:
            drop(b, "metadata" if metadata_line(b, lex) else "navigation")


def body_span(blocks: list[Block]) -> tuple[int, int]:
    """Block indexes of the first and last `strong` block; (-1, -1) when there is none."""
    strong = [b.index for b in blocks if b.strong()]
    return (strong[0], strong[-1]) if strong else (-1, -1)


def metadata(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
    """Date lines, bylines, age stamps and tickers above or below the body.

    Inside the body they are content: a live blog's "4:14 p.m.", an exhibition's dates.
    """
    if not flat:
        return
    first, last = body_span(blocks)
    for b in blocks:
        if first <= b.index <= last:
            continue
        if metadata_line(b, lex):
            drop(b, "metadata")
        elif numeric_widget(b):
            drop(b, "widget")


def navigation(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
    """Menus, tab widgets, footer links: NAV_RUN+ menu items in a row (short, no sentence
    end, no digits, commas, colons or brackets) above the body, or below it up to the end.

    Runs inside the body, runs introduced by a line ending in ":" and runs followed by
    more text are lists (teams, results, ingredients), and stay.
    """
    if not flat:
        return
    first, _ = body_span(blocks)
    run: list[Block] = []
    previous: Block | None = blocks[0] if blocks else None
    for b in [*blocks[1:], None]:  # the first block is the title's place
        if b is not None and menu_item(b) and not (not run and previous and previous.last_char == ":"):
            run.append(b)
            previous = b
            continue
        above = run and run[-1].index < first
        at_end = run and b is None and first >= 0
        if len(run) >= NAV_RUN and (above or at_end):
            for r in run:
                drop(r, "navigation")
        run = []
        previous = b


def menu_item(b: Block) -> bool:
    return (
        0 < b.n_words <= NAV_WORDS
        and not b.terminal
        and not b.bullet
        and not any(c.isdigit() or c in ",:;()" for c in b.text)
    )


def repeated(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
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
            drop(b, "repeated")
        seen.add(tokens)
