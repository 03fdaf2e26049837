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
from urllib.parse import urlencode

from newsprism.claims.contradictions import HEADLINE
from newsprism.report.tables import ClaimRow, claim_rows, contradiction_quotes, merge_rows, name_outlets

__all__ = ["Chart", "Matrix", "MatrixFilter", "SourceBar", "TimelinePoint", "brief_view", "claim_matrix",
           "computed_sections", "contradictions_view", "source_chart", "story_sections", "timeline"]

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


STATUSES = ("consensus", "disputed", "single")
KINDS = ("figure", "quote", "event", "opinion", "fragment")
SORTS = {"rank": "check-worthy first", "support": "most support first", "order": "story order"}


@dataclass(slots=True)
class MatrixFilter:
    """What the matrix shows: `all` adds opinion and fragments to the check-worthy claims."""
    all: bool = False
    status: str = ""
    kind: str = ""
    source: str = ""  # an article id of the story
    sort: str = "rank"

    def query(self, **change: object) -> str:
        """The query string of this filter with `change` applied (for links that keep the rest)."""
        values = {"all": "1" if self.all else "", "status": self.status,
                  "kind": self.kind, "source": self.source, "sort": "" if self.sort == "rank" else self.sort}
        values.update({k: ("1" if v is True else "" if v is False else str(v)) for k, v in change.items()})
        return urlencode({k: v for k, v in values.items() if v})


@dataclass(slots=True)
class Matrix:
    columns: list[dict[str, str]]  # {article, source (the outlet label), key (content hash)}
    rows: list[tuple[dict[str, Any], list[Cell]]] = field(default_factory=list)  # claim, one cell per column
    details: list[ClaimRow] = field(default_factory=list)  # the same rows: kind, links, whole sentences
    total: int = 0  # rows of the story's claims (claims with one sentence share a row)
    hidden: int = 0  # claims not check-worthy, left out unless `all`
    filter: MatrixFilter = field(default_factory=MatrixFilter)


def claim_matrix(story: dict[str, Any], articles: Sequence[dict[str, Any]],
                 filt: MatrixFilter | None = None) -> Matrix | None:
    """Rows claims, columns the story's articles; a cell says whether the article states
    the claim, omits it (a consensus claim its source profile lists as omitted), or
    contradicts it (its evidence is one side of a headline contradiction: the rule that
    makes the claim `disputed`, see `report.tables`). Check-worthy claims first; `filt`
    filters and sorts (None: every claim, check-worthy first)."""
    if "claims" not in story:
        return None
    filt = filt or MatrixFilter(all=True)
    by_id = {a["id"]: a for a in articles}
    columns = [{"article": a, "source": outlet_of(by_id.get(a), a), "key": by_id.get(a, {}).get("content_hash", "")}
               for a in story["articles"]]
    rows = merge_rows(claim_rows(story, articles))  # one row per sentence shown
    matrix = Matrix(columns, total=len(rows), filter=filt)
    matrix.hidden = sum(not r.check_worthy for r in rows)
    if not filt.all:
        rows = [r for r in rows if r.check_worthy]
    if filt.status:
        rows = [r for r in rows if r.status == filt.status]
    if filt.kind:
        rows = [r for r in rows if r.kind == filt.kind]
    if filt.source in story["articles"]:
        col = story["articles"].index(filt.source)
        rows = [r for r in rows if r.cells[col] in ("states", "contradicts")]
    if filt.sort == "support":
        rows.sort(key=lambda r: (-r.support, not r.check_worthy))
    elif filt.sort == "order":
        order = {c["id"]: i for i, c in enumerate(story["claims"])}
        rows.sort(key=lambda r: order[r.claim["id"]])
    matrix.details = rows
    matrix.rows = [(r.claim, r.cells) for r in rows]
    return matrix


def contradictions_view(story: dict[str, Any], articles: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The story's contradictions, headline ones first: explanation with outlets named, and
    each side as a whole sentence with the disputed wording marked, its outlet and date."""
    labels = {a["id"]: outlet_of(a, a["id"]) for a in articles}
    keys = {a["id"]: a.get("content_hash", "") for a in articles}
    out = []
    for c in sorted(story.get("contradictions", []), key=lambda c: -c.get("confidence", 1.0)):
        quotes = contradiction_quotes(c, articles)
        out.append({"kind": c["kind"], "confidence": c.get("confidence"),
                    "headline": c.get("confidence", 1.0) >= HEADLINE,
                    "explanation": name_outlets(c["explanation"], labels),
                    "quotes": [(q, keys.get(q.article, "")) for q in quotes]})
    return out


def brief_view(story: dict[str, Any], articles: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The brief's sentences, each citation a link to the cited article with the sentence that
    backs it highlighted where one is known (the evidence of the claim, or the contradiction
    statement, the brief sentence quotes), else to the whole article."""
    by_id = {a["id"]: a for a in articles}
    spans = [e for c in story.get("claims", []) for e in c.get("evidence", []) if "start" in e]
    spans += [st for c in story.get("contradictions", []) for st in c["statements"] if "start" in st]
    claims = story.get("claims", [])
    out = []
    for sentence in (story.get("brief") or {}).get("sentences", []):
        text = sentence["text"]
        backing = [e for c in claims
                   if c["text"] in text or any(e["text"] in text for e in c.get("evidence", []))
                   for e in c.get("evidence", []) if "start" in e]
        backing += [sp for sp in spans if sp["text"] in text]
        cites = []
        for aid in sentence["citations"]:
            a = by_id.get(aid)
            if a is None:
                cites.append({"label": aid, "href": None, "title": aid})
                continue
            span = next((sp for sp in backing if sp["article"] == aid), None)
            href = f"/articles/{a.get('content_hash', '')}"
            if span is not None:
                href += f"?hl={span['start']}-{span['end']}#hl"
            cites.append({"label": outlet_of(a, aid), "href": href, "title": span["text"] if span else aid})
        out.append({"text": text, "extract": sentence.get("extract"), "cites": cites})
    return out


def story_sections(story: dict[str, Any], articles: Sequence[dict[str, Any]],
                   filt: MatrixFilter | None = None) -> dict[str, Any]:
    """The story page's laid-out sections (template context): matrix, chart, contradictions,
    timeline, and the filter choices."""
    return {"matrix": claim_matrix(story, articles, filt or MatrixFilter()), "chart": source_chart(story, articles),
            "contradictions": contradictions_view(story, articles), "timeline": timeline(articles),
            "brief": brief_view(story, articles),
            "statuses": STATUSES, "kinds": KINDS, "sorts": SORTS}


@dataclass(slots=True)
class SourceBar:
    article: str
    source: str
    stance: list[tuple[str, float]]  # (side, score in [-1, 1]), one per side of the story, in `Chart.sides` order
    loaded: int  # loaded terms used
    lean: str | None = None  # the side it leans toward, by the brief's rule (`brief.compose.LEAN`)
    key: str = ""  # content hash, for the link


@dataclass(slots=True)
class Chart:
    """Stance per source and side, with the brief's count of who leans where."""
    sides: list[str]
    bars: list[SourceBar]
    summary: str  # "1 of 5 sources lean toward Russia; 3 of 5 sources lean toward Ukraine", as the brief says
    threshold: float = 0.0  # the stance difference above which a source leans


def source_chart(story: dict[str, Any], articles: Sequence[dict[str, Any]]) -> Chart | None:
    """Every source's stance toward every side; with two sides, each source's lean by the
    rule the brief's "Coverage differs" sentence uses, so chart and brief give the same counts."""
    if "sources" not in story:
        return None
    from newsprism.brief.compose import LEAN

    by_id = {a["id"]: a for a in articles}
    sides = sorted({side for s in story["sources"] for side in s.get("stance", {})})
    bars = []
    for s in story["sources"]:
        stance = s.get("stance", {})
        lean = None
        if len(sides) == 2:
            d = stance.get(sides[0], 0.0) - stance.get(sides[1], 0.0)
            lean = (sides[0] if d > 0 else sides[1]) if abs(d) > LEAN else None
        a = by_id.get(s["article"], {})
        bars.append(SourceBar(s["article"], outlet_of(a or None, s["article"]),
                              [(side, float(stance.get(side, 0.0))) for side in sides],
                              len(s.get("loaded_terms", [])), lean, a.get("content_hash", "")))
    counts = [(side, sum(b.lean == side for b in bars)) for side in sides]
    summary = "; ".join(f"{n} of {len(bars)} sources lean toward {side}" for side, n in counts if n)
    return Chart(sides, bars, summary or "no source leans toward a side", LEAN)


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
    marks: tuple[str, ...]  # "evidence", "entity", "loaded", "assertion", "focus": what covers this stretch
    notes: tuple[str, ...] = ()  # what the marks are, for a tooltip: the technique of a loaded term, ...


Span = tuple[int, int, str] | tuple[int, int, str, str]  # start, end, kind[, note]


def _technique(t: dict[str, Any]) -> str:
    """"exaggeration: “undeniably”, toward Ukraine" for a loaded term."""
    note = str(t.get("kind") or "loaded term").replace("_", " ")
    cue = t.get("cue") or t.get("text") or ""
    if cue and len(cue) <= 40:
        note += f": “{cue}”"
    return note + (f", toward {t['side']}" if t.get("side") else "")


def article_spans(story: dict[str, Any], article: str) -> list[Span]:
    """(start, end, kind, note) of what an analysed story cites in one article: evidence of
    claims stated by two or more origins, entity mentions (with their type), loaded terms
    (with their technique), and unattributed assertions (whole sentences: marked apart,
    not as loaded terms)."""
    spans: list[Span] = [(e["start"], e["end"], "evidence", f"evidence of a {c['status']} claim")
                         for c in story.get("claims", []) if c["status"] != "single"
                         for e in c.get("evidence", []) if e["article"] == article]
    spans += [(m["start"], m["end"], "entity", f"{e.get('name', '')} ({e.get('type', '')})".strip())
              for e in story.get("entities", []) for m in e.get("mentions", []) if m["article"] == article]
    for s in story.get("sources", []):
        if s["article"] != article:
            continue
        for t in s.get("loaded_terms", []):
            if t.get("end", 0) <= t.get("start", 0):
                continue
            if t.get("kind") == "unattributed_assertion":
                spans.append((t["start"], t["end"], "assertion", "unattributed assertion: no source is named"))
            else:
                spans.append((t["start"], t["end"], "loaded", _technique(t)))
    return spans


def highlighted(text: str, spans: Sequence[Span]) -> list[list[Segment]]:
    """The text as paragraphs of segments, each with the kinds (and notes) of the spans
    covering it (spans may overlap; the template escapes every segment)."""
    cuts = sorted({0, len(text)} | {min(max(sp[0], 0), len(text)) for sp in spans}
                  | {min(max(sp[1], 0), len(text)) for sp in spans})
    paragraphs: list[list[Segment]] = [[]]
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [sp for sp in spans if sp[0] <= a and b <= sp[1]]
        marks = tuple(sorted({sp[2] for sp in covering}))
        notes = tuple(dict.fromkeys(sp[3] for sp in covering if len(sp) > 3 and sp[3]))  # type: ignore[misc]
        for i, piece in enumerate(text[a:b].split("\n")):
            if i:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(Segment(piece, marks, notes))
    return [p for p in paragraphs if any(seg.text.strip() for seg in p)]
