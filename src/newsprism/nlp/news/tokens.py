"""Small token and sentence helpers shared by the news-layer rules.

Every rule must work on a parsed Doc and on `spacy.blank("en")` with or without a
sentencizer, so sentence spans fall back to line and full-stop splits and nothing here
reads tags unless `has_tags` says they are there.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

__all__ = ["has_deps", "has_tags", "is_capitalised", "sentence_spans", "token_at"]

_SENT_END = re.compile(r"(?<=[.!?…])[\"”’»]?\s+(?=[\"“‘«(]?[A-Z0-9])|\n+")


def has_tags(doc: Doc) -> bool:
    """Whether a tagger ran (a look at the first tokens: `Doc.has_annotation` walks the whole doc)."""
    return any(t.tag_ or t.pos_ for t in doc[:50])


def has_deps(doc: Doc) -> bool:
    return any(t.dep_ for t in doc[:50])


def is_capitalised(tok: Token) -> bool:
    text = tok.text
    return bool(text) and text[0].isupper() and any(c.isalpha() for c in text)


def sentence_spans(doc: Doc) -> list[Span]:
    """The doc's sentences (whitespace-only ones dropped); a regex split when none are set."""
    if doc.has_annotation("SENT_START"):
        sents = list(doc.sents)
    else:
        sents = []
        start = 0
        for m in _SENT_END.finditer(doc.text):
            span = doc.char_span(start, m.start(), alignment_mode="expand")
            if span is not None and len(span):
                sents.append(span)
            start = m.end()
        span = doc.char_span(start, len(doc.text), alignment_mode="expand")
        if span is not None and len(span):
            sents.append(span)
    out = []
    for sent in sents:
        words = [t for t in sent if not t.is_space]
        if words:
            out.append(doc[words[0].i: words[-1].i + 1])
    return out


def token_at(doc: Doc, char: int) -> Token | None:
    """The token covering character offset `char`, if any."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None
