"""View models of the story page, built from report-shaped dicts (the report contract).

Sections the store cannot fill yet (brief, claims, contradictions, entities, source
profiles) are absent from the story dict; the page then says "not computed yet" and
never invents them. When a later stage fills them in the report shape, these
functions lay them out: the claim matrix, the source chart, the timeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

__all__ = ["Matrix", "SourceBar", "TimelinePoint", "claim_matrix", "computed_sections", "source_chart", "timeline"]

SECTIONS = ("brief", "claims", "contradictions", "entities", "sources")
Cell = Literal["states", "omits", "contradicts", ""]


def outlet_of(article: dict[str, Any] | None, fallback: str) -> str:
    """The article's outlet label (`outlet`, set by `build_report`), else its source, else `fallback`."""
    if not article:
        return fallback
    return article.get("outlet") or article.get("source") or fallback


def computed_sections(story: dict[str, Any]) -> dict[str, bool]:
    """Which of the later stages' sections the story carries."""
    return {k: k in story for k in SECTIONS}


@dataclass(slots=True)
class Matrix:
    columns: list[dict[str, str]]  # {article, source}
    rows: list[tuple[dict[str, Any], list[Cell]]] = field(default_factory=list)  # claim, one cell per column


def claim_matrix(story: dict[str, Any], articles: Sequence[dict[str, Any]]) -> Matrix | None:
    """Rows claims, columns the story's articles; a cell says whether the article states
    the claim, omits it (a consensus claim its source profile lists as omitted), or
    contradicts it (its evidence for the claim is one side of a contradiction)."""
    if "claims" not in story:
        return None
    by_id = {a["id"]: a for a in articles}
    columns = [{"article": a, "source": outlet_of(by_id.get(a), a)} for a in story["articles"]]
    omitted = {s["article"]: {c["id"] if isinstance(c, dict) else c for c in s.get("omitted_claims", [])}
               for s in story.get("sources", [])}  # framing lists {id, text}; ids alone are accepted too
    disputed = {(st["article"], st["text"]) for c in story.get("contradictions", []) for st in c["statements"]}
    matrix = Matrix(columns)
    for claim in story["claims"]:
        evidence = {(e["article"], e["text"]) for e in claim.get("evidence", [])}
        cells: list[Cell] = []
        for col in columns:
            a = col["article"]
            if any(ev[0] == a and ev in disputed for ev in evidence):
                cells.append("contradicts")
            elif a in claim.get("sources", []):
                cells.append("states")
            elif claim["id"] in omitted.get(a, ()):
                cells.append("omits")
            else:
                cells.append("")
        matrix.rows.append((claim, cells))
    return matrix


@dataclass(slots=True)
class SourceBar:
    article: str
    source: str
    stance: list[tuple[str, float]]  # (side, score in [-1, 1])
    loaded: int  # loaded terms used


def source_chart(story: dict[str, Any], articles: Sequence[dict[str, Any]]) -> list[SourceBar] | None:
    if "sources" not in story:
        return None
    by_id = {a["id"]: a for a in articles}
    return [SourceBar(s["article"], outlet_of(by_id.get(s["article"]), s["article"]),
                      sorted(s.get("stance", {}).items()), len(s.get("loaded_terms", [])))
            for s in story["sources"]]


@dataclass(slots=True)
class TimelinePoint:
    article: str
    key: str  # content hash, for the link
    source: str
    published: str
    x: float  # 0..1 along the story's span
    row: int  # stacking row, for articles on the same day


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def timeline(articles: Sequence[dict[str, Any]]) -> list[TimelinePoint]:
    """Dated articles placed along the story's span (undated ones are left out)."""
    dated = [(d, a) for a in articles if (d := _day(a.get("published"))) is not None]
    if not dated:
        return []
    first = min(d for d, _ in dated)
    span = max((max(d for d, _ in dated) - first).days, 1)
    rows: dict[date, int] = {}
    out = []
    for d, a in sorted(dated, key=lambda x: (x[0], x[1].get("published") or "")):
        rows[d] = rows.get(d, -1) + 1
        out.append(TimelinePoint(a["id"], a.get("content_hash", ""), outlet_of(a, a["id"]), a["published"],
                                 (d - first).days / span, rows[d]))
    return out


@dataclass(slots=True)
class Segment:
    text: str
    marks: tuple[str, ...]  # "evidence", "entity", "loaded": what covers this stretch of text


def article_spans(story: dict[str, Any], article: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of what an analysed story cites in one article: evidence of claims
    stated by two or more origins, entity mentions, loaded terms."""
    spans = [(e["start"], e["end"], "evidence") for c in story.get("claims", []) if c["status"] != "single"
             for e in c.get("evidence", []) if e["article"] == article]
    spans += [(m["start"], m["end"], "entity") for e in story.get("entities", []) for m in e.get("mentions", [])
              if m["article"] == article]
    spans += [(t["start"], t["end"], "loaded") for s in story.get("sources", []) if s["article"] == article
              for t in s.get("loaded_terms", []) if t.get("end", 0) > t.get("start", 0)]
    return spans


def highlighted(text: str, spans: Sequence[tuple[int, int, str]]) -> list[list[Segment]]:
    """The text as paragraphs of segments, each with the kinds of span covering it (spans may
    overlap; the template escapes every segment)."""
    cuts = sorted({0, len(text)} | {min(max(p, 0), len(text)) for s, e, _ in spans for p in (s, e)})
    paragraphs: list[list[Segment]] = [[]]
    for a, b in zip(cuts, cuts[1:], strict=False):
        marks = tuple(sorted({k for s, e, k in spans if s <= a and b <= e}))
        for i, piece in enumerate(text[a:b].split("\n")):
            if i:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(Segment(piece, marks))
    return [p for p in paragraphs if any(seg.text.strip() for seg in p)]
