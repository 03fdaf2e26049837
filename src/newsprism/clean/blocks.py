"""Text → blocks (paragraphs) with the line-level features the cleaner decides on.

A block is one non-blank line, or several when a paragraph was hard-wrapped: a line
that does not end a sentence followed by a line that starts in lower case continues
the same block (a disclaimer wrapped at 70 columns is then judged as one paragraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsprism.clean.lexicon import Lexicon, key

_WORD = re.compile(r"\w")
_TOKENS = re.compile(r"\w+")
# Longer blocks are body text whatever phrases they quote; matching the lexicon
# against them would only cost time (a 7 MB one-line text: seconds).
MAX_MATCH_CHARS = 3000
_CLOSERS = "\"'”’»)]*"
_BULLET = re.compile(r"^\s*(?:[-–—•·*▪►▸◦‣○●■□✓]|\d{1,2}[.)])\s")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)


@dataclass(slots=True)
class Block:
    start: int  # index of its first line in the text's lines
    end: int  # index after its last line
    text: str
    index: int = 0
    words: list[str] = field(default_factory=list)  # whitespace tokens holding a letter/digit
    hits: dict[str, int] = field(default_factory=dict)  # lexicon phrase hits per category
    header: str | None = None  # lexicon header kind of the whole block
    removed: str | None = None  # reason, once a rule drops it

    @property
    def n_words(self) -> int:
        return len(self.words)

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(t.casefold() for t in _TOKENS.findall(self.text))

    @property
    def last_char(self) -> str:
        return self.text.rstrip().rstrip(_CLOSERS)[-1:]

    @property
    def terminal(self) -> bool:
        """Ends like a sentence (. ! ? … ;), closing quotes and brackets aside."""
        return self.last_char in {".", "!", "?", "…", ";", "。", "！", "？"}

    @property
    def bullet(self) -> bool:
        return bool(_BULLET.match(self.text))

    @property
    def has_words(self) -> bool:
        return bool(_WORD.search(self.text))

    @property
    def url_share(self) -> float:
        return sum(len(m) for m in _URL.findall(self.text)) / max(1, len(self.text))

    def prose(self) -> bool:
        """A sentence of running text (or a long cut-off one), not a title or link."""
        return self.n_words >= 8 and (self.terminal or self.n_words >= 25) and not self.header

    def strong(self) -> bool:
        """Unmistakable body text: long prose with no boilerplate phrase in it.

        20 words: the shortest body paragraphs of the sample articles that end a text
        run 15-20 words, the widget teasers and disclaimers around them 6-19 (dev-stories).
        """
        return self.prose() and self.n_words >= 20 and not self.hits and not self.bullet

    def title_ratio(self, lex: Lexicon) -> float:
        """Share of capitalised words among words that are not function words."""
        content = [w for w in self.words if w[:1].isalpha() and w.casefold() not in lex.stopwords]
        if len(content) < 2:
            return 0.0
        return sum(1 for w in content if w[:1].isupper()) / len(content)


def words(text: str) -> list[str]:
    """Whitespace tokens holding a letter or digit.

    (Not ``re.findall(r"\\S*\\w\\S*")``: that retries from every character of a token
    without one, quadratic in its length: 100k dashes took minutes.)
    """
    return [t for t in text.split() if _WORD.search(t)]


def _continues(previous: str, line: str) -> bool:
    prev = previous.rstrip().rstrip(_CLOSERS)
    return bool(prev) and prev[-1] not in ".!?…:;|" and line[:1].islower()


def segment(text: str, lex: Lexicon) -> tuple[list[str], list[Block]]:
    """Split `text` into lines and blocks; blank lines separate blocks."""
    lines = text.split("\n")
    spans: list[list[int]] = []  # [first line, end line]
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if spans and spans[-1][1] == i and _continues(lines[i - 1], line):
            spans[-1][1] = i + 1
        else:
            spans.append([i, i + 1])
    blocks = []
    for n, (start, end) in enumerate(spans):
        block = Block(start=start, end=end, text="\n".join(lines[start:end]), index=n)
        block.words = words(block.text)
        if len(block.text) <= MAX_MATCH_CHARS:
            k = key(block.text)
            block.hits = lex.hits(block.text, k)
            block.header = lex.header(block.text, k)
        blocks.append(block)
    return lines, blocks
