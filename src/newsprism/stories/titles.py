"""A story's title: the most shared factual line among its origins' headlines and first sentences.

Candidates are each origin's headline and the first sentence of its text (news writing
states who did what, where and when there). A candidate is dropped when it cannot be a
neutral factual title:

- a label, not a sentence: fewer than `MIN_WORDS` words, or page furniture separators
  ("Foreign Affairs / News", "World | Europe");
- an opinion or a teaser: a question or an exclamation, first or second person ("we",
  "you"), or a label in front ("Opinion:", "Analysis:", "Watch:");
- too long to be a title (more than `MAX_WORDS` words), or cut short: ending on a
  function word ("Spain and Portugal could be").

Among the rest, the one whose content words the *other* origins' texts share most wins
(mean over other origins of the share of its words they contain): the consensus of the
sources, not one outlet's angle. Ties go to the shorter line. A story of one origin, or
where no candidate survives, keeps the most central headline (the former rule).

    >>> neutral_title({"a": "Foreign Affairs / News", "b": "Russia and Ukraine swap prisoners in Istanbul"},
    ...               {}, {"a": {"russia", "ukraine", "swap", "prisoners"}, "b": {"russia", "ukraine", "swap"}})
    'Russia and Ukraine swap prisoners in Istanbul'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping

from newsprism.stories.text import fold

__all__ = ["MAX_WORDS", "MIN_WORDS", "first_sentence", "is_title_like", "neutral_title"]

MIN_WORDS = 5
MAX_WORDS = 30
_FURNITURE = re.compile(r"\s[/|»›>]\s|^\W|\.{3}$|…$")
_PERSON = re.compile(r"\b(i|we|you|my|our|your|us)\b", re.I)
_LABEL = re.compile(r"^\s*(opinion|analysis|editorial|comment(ary)?|watch|video|live|explainer|exclusive|"
                    r"breaking|update[ds]?|photos?|listen|podcast|review)\b\s*[:|–—-]", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ\"“])")
_WORD = re.compile(r"\w+")
_FUNCTION_WORDS = frozenset("""a an the and or but of to in on at by for from with as is are was were be been being
has have had will would could should may might can must that which who whose than their its his her""".split())


def first_sentence(lead: str, title: str = "") -> str:
    """The first sentence of the text part of a lead ("headline. text ..."), at most `MAX_WORDS` + 1 words."""
    body = lead[len(title) + 2:] if title and lead.startswith(title + ". ") else lead
    body = body.strip()
    if not body:
        return ""
    first = _SENTENCE_END.split(body, maxsplit=1)[0].strip()
    return first if len(first.split()) <= MAX_WORDS + 1 else ""


def is_title_like(line: str) -> bool:
    """Whether `line` can stand as a neutral factual title (see the module docstring)."""
    text = line.strip()
    n = len(text.split())
    if n < MIN_WORDS or n > MAX_WORDS:
        return False
    if "?" in text or "!" in text or _FURNITURE.search(text) or _LABEL.search(text):
        return False
    if fold(text.split()[-1].strip(".,;:")) in _FUNCTION_WORDS:
        return False
    return not _PERSON.search(text.replace("U.S.", "US"))


def neutral_title(titles: Mapping[str, str], sentences: Mapping[str, str], words: Mapping[str, set[Hashable]],
                  stop: frozenset[str] = frozenset(), key: Callable[[str], Hashable] = lambda w: w) -> str | None:
    """The best candidate line, or None when no candidate is title-like. `titles` and
    `sentences` map origin keys to headlines and first sentences; `words` maps origin keys
    to the content words of their texts (as `key` gives them: the index keeps hashed terms)."""
    best: tuple[float, int, str] | None = None
    for origin, line in [*titles.items(), *sentences.items()]:
        line = " ".join(line.split()).rstrip(".")
        if not is_title_like(line):
            continue
        mine = {key(w) for w in _WORD.findall(fold(line)) if len(w) > 2 and w not in stop}
        others = [w for k, w in words.items() if k != origin]
        if not mine:
            continue
        shared = sum(len(mine & w) / len(mine) for w in others) / len(others) if others else 0.0
        cand = (-shared, len(line.split()), line)
        if best is None or cand < best:
            best = cand
    return best[2] if best else None
