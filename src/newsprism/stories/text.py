"""Text views of an article that the story stage compares.

    >>> words("Erdoğan met Zelenskyy in İstanbul.")
    ['erdogan', 'met', 'zelenskyy', 'in', 'istanbul']
    >>> sorted(names("Russian President Vladimir Putin and Rustem Umerov met. The talks ended."))
    ['russian president vladimir putin', 'rustem umerov']
    >>> sorted(numbers("Russia will hand over 6,000 bodies and 1,000 prisoners on June 2."))
    ['1000', '2', '6000']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

__all__ = ["fold", "lead_text", "names", "numbers", "shingles", "words"]

_WORD = re.compile(r"\w+", re.UNICODE)
# A capitalised word: upper-case letter then letters/apostrophes/hyphens (Al-Udeid, O'Neil).
_CAP = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]*$")
_TOKEN = re.compile(r"[\w'’\-]+|[.!?;:\"“”()\[\]|—–]")
_SENT_END = {".", "!", "?", ";", ":", "\"", "“", "”", "(", ")", "[", "]", "|", "—", "–"}
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\w])|(?<![\w.,])\d+(?:\.\d+)?(?![\w])")
# Capitalised words that start names rarely but sentences often, and calendar words
# that match across unrelated stories (every story has a Monday).
_NOT_NAMES = frozenset("""
a an the this that these those there their they he she it its we our you your i my his her him them
and or but if when while after before as at by for from in into of on to with without about over under
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
january february march april may june july august september october november december
mr mrs ms dr said says according also however meanwhile read more related share photo video image
""".split())


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def fold(text: str) -> str:
    """NFKD, combining marks stripped, case-folded: `Dolmabahçe` and `Dolmabahce` compare equal."""
    if text.isascii():
        return text.casefold()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def words(text: str) -> list[str]:
    """Folded `\\w+` tokens."""
    return _WORD.findall(fold(text))


def shingles(tokens: list[str], k: int) -> Iterator[bytes]:
    """Word k-grams as UTF-8 bytes (a text shorter than k gives one shingle of all its words)."""
    if len(tokens) < k:
        if tokens:
            yield " ".join(tokens).encode()
        return
    for gram in map(" ".join, zip(*(tokens[i:] for i in range(k)), strict=False)):
        yield gram.encode()


def names(text: str) -> set[str]:
    """Runs of capitalised words not at a sentence start, folded: a cheap stand-in for
    named-entity mentions (people, places, organisations) until the NLP stage gives them.
    A sentence-initial capitalised word joins a run only when the next word is capitalised
    too ("Vladimir Putin said" keeps "vladimir putin")."""
    out: set[str] = set()
    run: list[str] = []
    start = True
    toks = _TOKEN.findall(text)

    def flush() -> None:
        if run:
            out.add(fold(" ".join(run)))
            run.clear()

    for i, tok in enumerate(toks):
        if tok in _SENT_END:
            flush()
            start = True
            continue
        low = fold(tok)
        capital = bool(_CAP.match(tok)) and low not in _NOT_NAMES and len(tok) > 1
        if capital and (not start or run or (i + 1 < len(toks) and _CAP.match(toks[i + 1]))):
            run.append(tok)
        else:
            flush()
        start = False
    flush()
    return out


def numbers(text: str) -> set[str]:
    """Numbers as written, thousands separators dropped; years and small counts included."""
    return {m.group().replace(",", "") for m in _NUMBER.finditer(text)}


def lead_text(title: str, text: str, max_words: int) -> str:
    """The headline and the first `max_words` words of the body: what a reader sees first,
    and what the story embedding reads (the body repeats the headline often; kept once)."""
    body = text.strip()
    t = title.strip()
    if t and body.startswith(t):
        body = body[len(t):].lstrip()
    lead = " ".join(body.split()[:max_words])
    return f"{t}. {lead}" if t else lead
