"""Rules driven by the boilerplate lexicon: error pages, widget headers and their link
lists, disclaimers, promos, cookie notices, and labels left dangling after the body.

Each rule takes the blocks no earlier rule removed, the lexicon, and `flat` (True for
text as crawled; False for text an HTML extractor already cut from its page).
"""

from __future__ import annotations

from newsprism.clean.blocks import Block
from newsprism.clean.layout import drop
from newsprism.clean.lexicon import Lexicon

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


def error_page(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
    """Error-page lines ("403", "Sorry!!", "the page ... doesn't exist"), short ones only."""
    for b in blocks:
        if b.header == "error-page" or ("error-page" in b.hits and b.n_words <= MAX_FURNITURE_WORDS):
            drop(b, "error-page")


def list_like(b: Block, lex: Lexicon, flat: bool) -> bool:
    """An item of a link list: bullet, URL, inline widget, or (flat) a short non-sentence."""
    if b.header in ("comments", "author", "disclaimer"):
        return False
    return (
        b.bullet
        or b.url_share > 0.5
        or lex.inline_widget(b.text)
        or (flat and not b.prose() and b.n_words <= 25)
    )


def headers(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
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
            drop(b, b.header if b.header == "comments" else "widget")
            if before > total / 2:
                for r in rest:
                    drop(r, b.removed or "comments")
                return
            continue
        if b.header == "disclaimer":
            drop(b, "disclaimer")
            for r in rest:
                if "disclaimer" not in r.hits:
                    break
                drop(r, "disclaimer")
            continue
        drop(b, "widget")
        if b.header == "label":
            continue
        if flat and before > total / 2 and not body_after[i + 1]:
            for r in rest:
                if r.header and r.header not in ("list", "label"):
                    break  # its own rule handles it and what follows
                drop(r, phrase_reason(r) or ("link-list" if list_like(r, lex, flat) else "widget"))
            continue
        items: list[Block] = []
        for r in rest:
            if r.removed is not None:
                continue
            if r.header or not list_like(r, lex, flat):
                break
            items.append(r)
        # One plain short line after a header is a section heading ("Advertisement",
        # then "Why Now?"), not a list: it takes bullets, links or two items to be one.
        if len(items) == 1 and not (
            items[0].bullet or items[0].url_share > 0.5 or lex.inline_widget(items[0].text)
        ):
            items = []
        for r in items:
            drop(r, "link-list")


def furniture(blocks: list[Block], lex: Lexicon, flat: bool) -> None:
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
        reason = phrase_reason(b)
        if lex.inline_widget(b.text):
            drop(b, "widget")
        elif not reason or b.n_words > 3 * MAX_FURNITURE_WORDS:
            continue
        elif b.n_words <= SHORT_FURNITURE_WORDS:
            drop(b, reason)
        elif (sum(b.hits.values()) if i > last_strong >= 0 else max(b.hits.values())) >= 2:
            drop(b, reason)
    if not flat or last_strong < 0:
        return
    for b in reversed(live[last_strong + 1 :]):
        if b.removed is not None:
            continue
        if not dangling_label(b, lex):
            break
        drop(b, "widget")


def dangling_label(b: Block, lex: Lexicon) -> bool:
    """A Title Case label with no digits and no sentence end: "Share This Post"."""
    return (
        0 < b.n_words <= 8
        and not b.terminal
        and not any(c.isdigit() for c in b.text)
        and b.title_ratio(lex) >= TITLE_CASE
    )


def phrase_reason(b: Block) -> str | None:
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
