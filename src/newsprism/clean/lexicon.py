"""The boilerplate lexicon (`boilerplate.json`), compiled, and the matchers over it.

Every matcher takes a block's raw text and works on its `key` form: casefolded, quotes
straightened, spaces collapsed, list bullets and end punctuation stripped.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

# What `key` strips: list bullets (and spaces) in front, end punctuation (and spaces) behind.
_LEAD = re.compile(r"[-–—•·*▪►▸◦‣○●■□✓>|\s]*")
_TRAIL = frozenset(":.!?;,|»›>-–—")
_QUOTES = str.maketrans({q: "'" for q in "‘’‛´"} | {q: '"' for q in "“”„«»"})
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_TIME = re.compile(r"\b\d{1,2}[:.h]\d{2}\b")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}\b|\b(19|20)\d{2}\b")
# What may follow a widget prefix ("Read more: ...") and a byline prefix ("By ...").
_SEPARATOR = re.compile(r"^\s*[:|»›>\-–—]\s*")
_NAME = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w.'’-]*$|^(and|y|et|und|e|&|,)$")


def key(text: str) -> str:
    """The comparison form of a block: ``'  • Share This Post:'`` → ``'share this post'``."""
    text = _SPACES.sub(" ", text.translate(_QUOTES)).casefold()
    # A loop from the end, not a `[...]+$` pattern: that one is tried at every position of
    # a run of punctuation (quadratic: 1 MB of "." took minutes).
    end = len(text)
    while end and (text[end - 1] in _TRAIL or text[end - 1] == " "):
        end -= 1
    start = _LEAD.match(text, 0, end).end()  # type: ignore[union-attr]  # `*` always matches
    return text[start:end]


class Lexicon:
    """Compiled patterns of `boilerplate.json`."""

    def __init__(self, data: dict) -> None:
        self.headers = {
            kind: re.compile("|".join(f"(?:{p})" for p in patterns))
            for kind, patterns in data["headers"].items()
        }
        self.phrases = {kind: [re.compile(p) for p in patterns] for kind, patterns in data["phrases"].items()}
        # Searched one by one: Python's re scans for each pattern's literal prefix
        # (~0.1 µs per short block), while one alternation of them all backtracks at
        # every position (~40 µs, measured).
        self.phrase_list = [(kind, p) for kind, patterns in self.phrases.items() for p in patterns]
        self.prefixes = {
            kind: re.compile(r"^(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\b", re.I)
            for kind, patterns in data["prefixes"].items()
        }
        # The separator is part of the pattern so that "leggi anche:" is tried after "leggi".
        self.inline_prefix = re.compile(
            self.prefixes["widget"].pattern + _SEPARATOR.pattern.removeprefix("^"), re.I
        )
        dates = data["dates"]
        self.months = set(dates["months"])
        self.weekdays = set(dates["weekdays"])
        self.date_words = self.months | self.weekdays | set(dates["words"])
        self.ago = re.compile("|".join(f"(?:{p})" for p in dates["ago"]))
        self.stopwords = set(data["stopwords"]["words"].split())

    def header(self, text: str, k: str | None = None) -> str | None:
        """The header kind (list, label, comments, author, disclaimer, error-page) if the
        whole block is one; `k` is the block's `key` when the caller has it."""
        k = key(text) if k is None else k
        if not k or len(k) > 80:
            return None
        for kind, pattern in self.headers.items():
            if pattern.fullmatch(k):
                return kind
        return None

    def hits(self, text: str, k: str | None = None) -> dict[str, int]:
        """Number of phrase matches per category (error-page, disclaimer, promo, consent)."""
        k = key(text) if k is None else k
        found: dict[str, int] = {}
        for kind, pattern in self.phrase_list:
            if pattern.search(k):
                found[kind] = found.get(kind, 0) + 1
        return found

    def inline_widget(self, text: str) -> bool:
        """``Read more: <headline>``: a widget prefix, a separator, then a short link title."""
        return bool(self.inline_prefix.match(text.strip())) and len(_WORD.findall(text)) <= 25

    def byline(self, text: str) -> bool:
        """``By Jane Doe``, ``Author: Marty Kaufmann``, ``Photo: Reuters``: names only."""
        text = text.strip()
        m = self.prefixes["metadata"].match(text)
        if not m:
            return False
        rest = _SEPARATOR.sub("", text[m.end() :], count=1).strip()
        words = rest.replace(",", " , ").split()
        if not words or len(words) > 8:
            return False
        return all(_NAME.match(w) for w in words) and _NAME.match(words[0]) is not None

    def date_line(self, text: str) -> bool:
        """A block that is only a date/time (``Tuesday, June 24``, ``07 Sep 2025, 10:30 GMT``)."""
        k = key(text)
        tokens = _WORD.findall(k)
        if not tokens or len(tokens) > 12:
            return False
        if not all(t.isdigit() or t in self.date_words for t in tokens):
            return False
        has_digit = any(t.isdigit() for t in tokens)
        dated = any(t in self.months or t in self.weekdays for t in tokens)
        return has_digit and (dated or bool(_TIME.search(k)) or bool(_NUMERIC_DATE.search(k)))

    def relative_time(self, text: str) -> bool:
        """Contains an age stamp such as ``4 hours ago`` / ``hace 2 horas``."""
        return bool(self.ago.search(key(text)))


@cache
def lexicon() -> Lexicon:
    """The package lexicon, loaded once."""
    raw = resources.files("newsprism.clean").joinpath("boilerplate.json").read_text(encoding="utf-8")
    return Lexicon(json.loads(raw))
