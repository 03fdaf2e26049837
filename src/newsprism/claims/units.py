"""Annotated article → claim units (sentences, and the clauses of compound sentences)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from newsprism.claims.records import ClaimUnit
from newsprism.nlp.document import AnnotatedDocument, Sentence

__all__ = ["claim_units"]

MIN_WORDS = 4  # shorter units are headings, bylines, captions: nothing to corroborate
HEADING_MAX_WORDS = 15  # a line this short without closing punctuation is a headline or subheading
CLAUSE_MIN_WORDS = 6
# Compound sentences split where a second, independent statement starts.
_CLAUSE_BREAK = re.compile(r";\s+|,\s+(?:but|while|whereas|although|though)\s+", re.I)
_WORD = re.compile(r"\w+")
_REPORTING = re.compile(
    r"\b(?:said|says|say|told|tells|stated|states|cited|cites|claimed|claims|argued|argues|insisted|insists|"
    r"added|adds|noted|notes|warned|warns|denied|denies|accused|accuses|described|describes|called|calls|"
    r"according to)\b", re.I)
_CLOSED = re.compile(r"[.!?…][\"'”’)\]]*$")

T = TypeVar("T")


def _inside(items: Sequence[T], start: int, end: int) -> list[T]:
    return [x for x in items if x.start < end and x.end > start]  # type: ignore[attr-defined]


def _whole_line(text: str, start: int, end: int) -> bool:
    return (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end] == "\n")


def _clauses(text: str, sent: Sentence) -> list[tuple[int, int]]:
    """Spans of the sentence's clauses; the sentence itself when it does not split cleanly."""
    body = text[sent.start:sent.end]
    cuts = [0]
    for m in _CLAUSE_BREAK.finditer(body):
        left, right = body[cuts[-1]:m.start()], body[m.end():]
        if len(_WORD.findall(left)) >= CLAUSE_MIN_WORDS and len(_WORD.findall(right)) >= CLAUSE_MIN_WORDS:
            cuts.append(m.start())
            cuts.append(m.end() if m.group().startswith(";") else m.start() + 1)
    cuts.append(len(body))
    spans = [(sent.start + cuts[i], sent.start + cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    out = []
    for a, b in spans:
        chunk = text[a:b]
        a += len(chunk) - len(chunk.lstrip())
        b -= len(chunk) - len(chunk.rstrip(" ,;"))
        if b > a:
            out.append((a, b))
    return out


def _joined(text: str, sentences: Sequence[Sentence]) -> list[Sentence]:
    """Sentences with the parser's mid-line false breaks undone: a "sentence" that does not
    end in closing punctuation and is followed on the same line by another one ("... Turkish
    President Recep | Tayyip Erdoğan as reasons ...") is one sentence."""
    out: list[Sentence] = []
    for sent in sentences:
        prev = out[-1] if out else None
        if (prev is not None and not _CLOSED.search(text[prev.start:prev.end])
                and "\n" not in text[prev.end:sent.start]):
            out[-1] = Sentence(prev.start, sent.end, sorted(set(prev.modality) | set(sent.modality)), prev.tense)
        else:
            out.append(sent)
    return out


def claim_units(doc: AnnotatedDocument, *, origin: str | None = None) -> list[ClaimUnit]:
    """The claim units of one article, in text order; offsets index `doc.text`."""
    text = doc.text
    units: list[ClaimUnit] = []
    n = max(len(text), 1)
    people = [m for m in doc.mentions if m.label == "PERSON"]
    for sent in _joined(text, doc.sentences):
        for start, end in _clauses(text, sent):
            span = text[start:end]
            words = len(_WORD.findall(span))
            if words < MIN_WORDS or (words <= HEADING_MAX_WORDS and _whole_line(text, start, end)
                                     and not _CLOSED.search(span)):
                continue
            quotes = _inside(doc.quotes, start, end)
            speaker = next((q.speaker for q in quotes if q.speaker), None)
            if speaker is None and _REPORTING.search(span):
                # "he cited respect for ...": the sentence reports someone's words; the
                # speaker is its first person named, else the last person named before it
                speaker = next((m.text for m in _inside(people, start, end)), None) or next(
                    (m.text for m in reversed(people) if m.end <= start), None)
            units.append(ClaimUnit(
                article=doc.id, origin=origin or doc.id, text=span, start=start, end=end,
                position=start / n,
                mentions=_inside(doc.mentions, start, end), numbers=_inside(doc.numbers, start, end),
                dates=_inside(doc.dates, start, end), quotes=quotes, modality=list(sent.modality),
                speaker=speaker,
            ))
    return units
