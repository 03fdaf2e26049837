"""What the text around a mention says: its sentence, and whether a place name acts as a government."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from newsprism.nlp.document import AnnotatedDocument

__all__ = ["SentenceIndex", "SentenceIndexes", "acts_as_government"]

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])|\n+")
# Verbs and nouns that make a capital or institution the actor ("Moscow dismissed", "Kyiv's delegation").
_ACTOR_VERBS = frozenset(
    """said says says, told tells warned warns demanded demands rejected rejects dismissed dismisses accepted
    accepts agreed agrees refused refuses insisted insists wants wanted proposed proposes offered offers
    announced announces denied denies claimed claims accused accuses called calls urged urges sent sends
    has had is was will would could should may might must also remained remains appears appeared seems
    seemed has formally requested requests responded responds questioned questions confirmed confirms
    ultimately initially""".split()
)
_GOVERNMENT_NOUNS = frozenset(
    """delegation delegations government intentions intention commitment control demands demand position
    stance proposal proposals offer officials negotiators forces troops army policy response decision
    strategy envoy envoys leadership regime narrative ultimatums ultimatum terms sovereignty""".split()
)
_ABBREVIATION = re.compile(r"(?:\b[A-Z]\.(?:[A-Z]\.)*|\b(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Col|Lt|St|Prof|No|vs)\.)$")
_WORD = re.compile(r"[\w’'-]+")


@dataclass(slots=True)
class SentenceIndex:
    """Sentence spans of one document, from the NLP stage or, when it gave none, from punctuation."""

    text: str
    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, doc: AnnotatedDocument) -> SentenceIndex:
        if doc.sentences:
            spans = sorted((s.start, s.end) for s in doc.sentences)
        else:
            spans, pos = [], 0
            for m in _SENTENCE_END.finditer(doc.text):
                if "\n" not in m.group() and _ABBREVIATION.search(doc.text, max(0, m.start() - 8), m.start()):
                    continue  # "U.S. President", "Gen. Kostyukov"
                spans.append((pos, m.start()))
                pos = m.end()
            spans.append((pos, len(doc.text)))
        return cls(doc.text, [s for s, _ in spans], [e for _, e in spans])

    def sentence(self, offset: int) -> str:
        """The sentence holding character `offset`, stripped."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return self.text[: self.ends[0]].strip() if self.ends else ""
        return self.text[self.starts[i]: self.ends[i]].strip()


class SentenceIndexes(dict[str, SentenceIndex]):
    """Article id -> its SentenceIndex, built on first use (most documents state no role)."""

    def __init__(self, docs: list[AnnotatedDocument]) -> None:
        super().__init__()
        self._docs = {d.id: d for d in docs}

    def __missing__(self, article: str) -> SentenceIndex:
        index = self[article] = SentenceIndex.of(self._docs[article])
        return index


def acts_as_government(text: str, end: int) -> bool:
    """Whether the place name ending at `end` is used for its government: "Moscow dismissed the offer",
    "Kyiv's delegation". A heuristic on the next words; a place after a preposition is a place."""
    rest = text[end: end + 60]
    possessive = rest.startswith(("'s", "’s"))
    words = _WORD.findall(rest[2:] if possessive else rest)[:2]
    if not words:
        return False
    first = words[0].lower()
    if possessive:
        return first in _GOVERNMENT_NOUNS or (len(words) > 1 and words[1].lower() in _GOVERNMENT_NOUNS)
    return first in _ACTOR_VERBS and not rest.lstrip().startswith(("-", "–"))
