"""NER gold data: readers for the shared corpora and span-level precision/recall/F1.

Two formats: the joint CoNLL-U files (`NE=B-PER` in MISC; multiword-token ranges and
empty nodes skipped) and two-column CoNLL (word TAB tag; BTC, WNUT-17). Labels are mapped
to ours with `label_map` (PER -> PERSON; a label mapped to None becomes O).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsprism.nlp.ner.decode import spans_from_tags

__all__ = ["UNER_MAP", "WNUT_MAP", "Scores", "Sentence", "read_columns", "read_conllu", "score"]

UNER_MAP: dict[str, str | None] = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}
# WNUT-17: groups and corporations are organisations; products and creative works are not ours.
WNUT_MAP: dict[str, str | None] = {"person": "PERSON", "location": "LOC", "corporation": "ORG", "group": "ORG"}

_NE = re.compile(r"(?:^|\|)NE=([BI])-([^|]+)")


@dataclass(frozen=True, slots=True)
class Sentence:
    words: list[str]
    tags: list[str]  # BIO with our labels


def _map_tag(tag: str, label_map: Mapping[str, str | None]) -> str:
    if tag == "O" or "-" not in tag:
        return "O"
    prefix, label = tag.split("-", 1)
    ours = label_map.get(label)
    return f"{prefix}-{ours}" if ours and prefix in ("B", "I") else "O"


def read_conllu(path: str | Path, label_map: Mapping[str, str | None] = UNER_MAP) -> list[Sentence]:
    out, words, tags = [], [], []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if words:
                out.append(Sentence(words, tags))
                words, tags = [], []
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue
        m = _NE.search(cols[9])
        words.append(cols[1])
        tags.append(_map_tag(f"{m.group(1)}-{m.group(2)}", label_map) if m else "O")
    if words:
        out.append(Sentence(words, tags))
    return out


def read_columns(path: str | Path, label_map: Mapping[str, str | None]) -> list[Sentence]:
    """Two-column CoNLL; blank or whitespace-only lines end a sentence, empty words are dropped."""
    out, words, tags = [], [], []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if not line.strip() or len(cols) < 2:
            if words:
                out.append(Sentence(words, tags))
                words, tags = [], []
            continue
        word = cols[0].strip().replace(" ", "")
        if word:
            words.append(word)
            tags.append(_map_tag(cols[-1].strip(), label_map))
    if words:
        out.append(Sentence(words, tags))
    return out


@dataclass(slots=True)
class Scores:
    """Span-level counts per label; exact match of label and boundaries."""

    counts: dict[str, list[int]] = field(default_factory=dict)  # label -> [tp, fp, fn]

    def add(self, gold: Iterable[tuple[str, int, int]], pred: Iterable[tuple[str, int, int]]) -> None:
        g, p = set(gold), set(pred)
        for label in {s[0] for s in g | p}:
            c = self.counts.setdefault(label, [0, 0, 0])
            gl, pl = {s for s in g if s[0] == label}, {s for s in p if s[0] == label}
            c[0] += len(gl & pl)
            c[1] += len(pl - gl)
            c[2] += len(gl - pl)

    def prf(self, label: str | None = None) -> tuple[float, float, float]:
        """(precision, recall, F1) of one label, or over all labels (micro) when None."""
        rows = [self.counts.get(label, [0, 0, 0])] if label else list(self.counts.values())
        tp, fp, fn = (sum(r[i] for r in rows) for i in range(3))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def table(self) -> dict[str, dict[str, float]]:
        rows = {label: self.prf(label) for label in sorted(self.counts)}
        rows["overall"] = self.prf()
        return {k: {"p": round(v[0], 4), "r": round(v[1], 4), "f": round(v[2], 4)} for k, v in rows.items()}


def score(gold: Iterable[Sentence], pred_spans: Iterable[list[tuple[str, int, int]]]) -> Scores:
    s = Scores()
    for sent, pred in zip(gold, pred_spans, strict=True):
        s.add(spans_from_tags(sent.tags), pred)
    return s
