"""Claims and contradictions as tables for people: the claim matrix's cells, check-worthiness,
whole-sentence quotes with the disputed wording marked, and the CSV exports.

One rule decides both a claim's label and its matrix cells, the claims stage's own: a claim
is `disputed` exactly when one of its evidence spans overlaps a statement of a headline
contradiction (confidence >= `claims.contradictions.HEADLINE`); the article of such a span
is the one whose cell reads "contradicts". So a `consensus` row never shows "contradicts"
(before, a cell matched the sentence against every contradiction, headline or not).

    rows = claim_rows(story, articles)      # ClaimRow per claim, check-worthy first
    claims_csv(story, articles)             # text/csv, one row per claim
    contradictions_csv(story, articles)     # text/csv, one row per contradiction
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from newsprism.claims.contradictions import HEADLINE
from newsprism.clean.metadata import is_abbreviation

__all__ = ["ClaimRow", "Quote", "claim_rows", "claims_csv", "contradiction_quotes", "contradictions_csv",
           "merge_rows", "name_outlets", "sentence_around", "write_csv"]

Cell = Literal["states", "omits", "contradicts", ""]
Kind = Literal["figure", "quote", "event", "opinion", "fragment"]


# -- check-worthiness ------------------------------------------------------------------
# Cues of a checkable fact and of commentary; tuned by reading the sample's 80 claims: with
# them all 18 gold consensus facts (examples/istanbul-2025/gold.yaml) have a check-worthy
# row, and 42 of the 70 rows are shown by default (tests/test_web_api.py checks the facts).
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                     r"forty|fifty|hundred|thousand|million|billion|dozens?|half)\b", re.I)
_QUOTE = re.compile(r"[“”\"]|\b(?:said|says|told|stated|remarked|declared|according to|warned|warns|reported|"
                    r"reports|reportedly|claimed|claims|stressed|noted|cited|citing|indicated?|indicates|confirmed|"
                    r"emphasi[sz]ed|underlined|advised)\b", re.I)
_DATE = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
                   r"May|June|July|August|September|October|November|December|yesterday|today|"
                   r"(?:19|20)\d\d)\b")
_ACTION = re.compile(r"\b(?:met|meet|held|hold|agreed|agree|exchange[ds]?|sent|send|led|lead|announced|rejected|"
                     r"refused|signed|called|demanded|proposed|requested|accused|killed|attacked|launched|"
                     r"arrived|left|returned|released|ended|began|started|lasted|reached|headed|dismissed|"
                     r"pushed|insisted|confirmed|denied|took place|taking place|takes place|seiz\w*|withdr\w+|joined|"
                     r"delayed|postponed|approved|imposed)\b", re.I)
_OPINION = re.compile(r"\b(?:could|might|may|would|should|seems?|appears?|likely|perhaps|arguably|undeniably|"
                      r"significant|bleak|troubling|fragile|deemed|reflects?|highlights?|signal(?:s|ing)?|"
                      r"underscores?|suggests?|believe[sd]?|hope[sd]?|opportunity|uncertain|remains to be seen|"
                      r"painted|atmosphere)\b", re.I)
_FRAGMENT_START = re.compile(r"^(?:[a-z]|(?:but|and|or|which|while|whereas|although|though|as|because)\b)")


def claim_kind(text: str) -> tuple[Kind, bool]:
    """The kind of a claim's statement and whether it is check-worthy: a fact someone can
    verify (who did what, a figure, a quote, a date) rather than opinion or a fragment.

    >>> claim_kind("Both sides agreed to exchange 1,000 prisoners of war each.")
    ('figure', True)
    >>> claim_kind("but the atmosphere of distrust painted a bleak picture")
    ('fragment', False)
    """
    t = text.strip()
    words = t.split()
    if len(words) < 4 or _FRAGMENT_START.match(t):
        return "fragment", False
    opinion = len(_OPINION.findall(t))
    if _NUMBER.search(t) and opinion <= 1:
        return "figure", True
    if _QUOTE.search(t):
        return "quote", True
    if (_DATE.search(t) or _ACTION.search(t)) and opinion <= 1:
        return "event", True
    return "opinion", False


# -- sentences ---------------------------------------------------------------------------
_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s|$)|\n")


def _ends(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """(start, end) of sentence ends in text[lo:hi]: a line break, or . ! ? … before a space,
    not after an abbreviation ("U.S. President" goes on)."""
    out = []
    for m in _END.finditer(text, lo, hi):
        if m.group() != "\n":
            word = text[:m.start() + 1].rsplit(None, 1)[-1]
            if is_abbreviation(word):
                continue
        out.append((m.start(), m.end()))
    return out


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the whole sentence(s) holding text[start:end], so a quote is never cut
    mid-word: ``sentence_around("One. Two three. Four.", 9, 12)`` -> ``(5, 15)``."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    before = _ends(text, 0, start)
    left = before[-1][1] if before else 0
    after = _ends(text, max(end - 1, start), len(text))
    right = len(text)
    if end > start and text[start:end].rstrip().rstrip("\"'”’)]").endswith((".", "!", "?", "…")):
        right = end  # the span ends its sentence (`satisfactory.”`)
    elif after:
        a, b = after[0]
        right = a if text[a] == "\n" else b
    while left < start and text[left].isspace():
        left += 1
    while right > max(left, end) and text[right - 1].isspace():
        right -= 1
    return left, max(right, end)


@dataclass(slots=True)
class ClaimRow:
    claim: dict[str, Any]
    cells: list[Cell]  # one per story article, in story order
    evidence: list[dict[str, Any] | None]  # the evidence span shown for each cell (None: none)
    kind: Kind
    check_worthy: bool
    text: str  # the claim as a whole sentence (a fragment shown inside its sentence)
    support: int  # independent origins stating it
    outlets: dict[str, list[str]] = field(default_factory=dict)  # cell -> outlet labels
    merged: list[dict[str, Any]] = field(default_factory=list)  # claims shown in this row too (same sentence)
    labels: list[str] = field(default_factory=list)  # the outlet label of each column

    @property
    def status(self) -> str:
        """The row's label: disputed if any of its claims is, else consensus if any is, else single."""
        statuses = {c["status"] for c in [self.claim, *self.merged]}
        return next((s for s in ("disputed", "consensus", "single") if s in statuses), self.claim["status"])

    @property
    def ids(self) -> list[str]:
        return [c["id"] for c in [self.claim, *self.merged]]


_SEVERITY = {"contradicts": 3, "states": 2, "omits": 1, "": 0}


def merge_rows(rows: Sequence[ClaimRow]) -> list[ClaimRow]:
    """Rows shown as one sentence folded into one row: claims with the same sentence, and a
    fragment into the row of a claim its sentence holds. The row keeps, per article, the
    strongest cell (contradicts > states > omits), so its label (`ClaimRow.status`) and its
    cells still follow the one rule (disputed exactly when a cell contradicts)."""
    out: list[ClaimRow] = []
    by_text: dict[str, ClaimRow] = {}
    for r in rows:
        into = by_text.get(r.text)
        if into is None and r.kind == "fragment":
            into = next((o for o in out if o.claim["text"].strip() and o.claim["text"].strip(" .") in r.text), None)
        if into is None:
            by_text[r.text] = r
            out.append(r)
            continue
        into.merged.append(r.claim)
        into.merged += r.merged
        if len(r.text) > len(into.text):
            into.text = r.text  # the fragment's whole sentence holds the row's claim
        for i, (mine, theirs) in enumerate(zip(into.cells, r.cells, strict=True)):
            if _SEVERITY[theirs] > _SEVERITY[mine]:
                into.cells[i], into.evidence[i] = theirs, r.evidence[i]
        into.support = max(into.support, r.support)
        if r.check_worthy and not into.check_worthy:
            into.kind, into.check_worthy = r.kind, True
        into.outlets = {}
        for cell, label in zip(into.cells, into.labels, strict=True):
            if cell:
                into.outlets.setdefault(cell, []).append(label)
    return out


def _overlaps(span: dict[str, Any], statements: Sequence[dict[str, Any]]) -> bool:
    for st in statements:
        if st["article"] != span["article"]:
            continue
        if "start" in st and "start" in span:
            if st["start"] < span["end"] and st["end"] > span["start"]:
                return True
        elif st["text"] == span["text"]:
            return True
    return False


def headline_statements(story: dict[str, Any]) -> list[dict[str, Any]]:
    """The statements of the story's headline contradictions (those that make a claim disputed)."""
    return [st for c in story.get("contradictions", []) if c.get("confidence", 1.0) >= HEADLINE
            for st in c["statements"]]


def claim_rows(story: dict[str, Any], articles: Sequence[dict[str, Any]]) -> list[ClaimRow]:
    """One row per claim of the story, check-worthy claims first (then by support), each with
    a cell per story article: "contradicts" (its evidence is one side of a headline
    contradiction), "states", "omits" (a consensus claim its source profile omits), or ""."""
    by_id = {a["id"]: a for a in articles}
    labels = {a["id"]: a.get("outlet") or a.get("source") or a["id"] for a in articles}
    omitted = {s["article"]: {c["id"] if isinstance(c, dict) else c for c in s.get("omitted_claims", [])}
               for s in story.get("sources", [])}
    disputed = headline_statements(story)
    rows = []
    for claim in story.get("claims", []):
        evidence: dict[str, list[dict[str, Any]]] = {}
        for e in claim.get("evidence", []):
            evidence.setdefault(e["article"], []).append(e)
        cells: list[Cell] = []
        shown: list[dict[str, Any] | None] = []
        for aid in story["articles"]:
            spans = evidence.get(aid, [])
            hit = next((e for e in spans if _overlaps(e, disputed)), None)
            if hit is not None:
                cells.append("contradicts")
            elif aid in claim.get("sources", []) or spans:
                cells.append("states")
            elif claim["id"] in omitted.get(aid, ()):
                cells.append("omits")
            else:
                cells.append("")
            shown.append(hit or (spans[0] if spans else None))
        kind, worthy = claim_kind(claim["text"])
        text = claim["text"]
        first = next((e for e in claim.get("evidence", []) if e["article"] in by_id and "start" in e), None)
        if kind == "fragment" and first is not None:
            body = by_id[first["article"]].get("text") or ""
            a, b = sentence_around(body, first["start"], first["end"])
            text = body[a:b] or text
        origins = claim.get("origins") or claim.get("sources", [])
        row = ClaimRow(claim, cells, shown, kind, worthy, text, len(set(map(str, origins))),
                       labels=[labels.get(aid, aid) for aid in story["articles"]])
        for aid, cell in zip(story["articles"], cells, strict=True):
            if cell:
                row.outlets.setdefault(cell, []).append(labels.get(aid, aid))
        rows.append(row)
    rank = {"disputed": 0, "consensus": 1, "single": 2}
    rows.sort(key=lambda r: (not r.check_worthy, rank.get(r.claim["status"], 3), -r.support))
    return rows


# -- contradictions ------------------------------------------------------------------------
def name_outlets(text: str, labels: dict[str, str]) -> str:
    """`text` with every article id replaced by its outlet label."""
    for aid in sorted(labels, key=len, reverse=True):
        if aid != labels[aid]:
            text = text.replace(aid, labels[aid])
    return text


@dataclass(slots=True)
class Quote:
    article: str
    outlet: str
    date: str | None
    parts: list[tuple[str, bool]]  # the whole sentence as (text, is the disputed wording)
    start: int | None = None  # offsets of the sentence in the article's clean text
    end: int | None = None

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.parts)

    @property
    def marked(self) -> list[str]:
        return [t for t, m in self.parts if m]


# "value (id, id)" pairs of number and role explanations, quoted words and names
_VALUE_OF = re.compile(r"(?:^|[:;] |and )([^:;()]{1,60}?) \(([^()]+)\)")
_QUOTED = re.compile(r"“([^“”]{1,40})”|(?<!\w)'([^']{1,40})'(?!\w)|‘([^‘’]{1,40})’")


def _disputed_terms(c: dict[str, Any], article: str) -> list[str]:
    explanation = c.get("explanation", "")
    terms = []
    for value, ids in _VALUE_OF.findall(explanation):
        if article in [i.strip() for i in ids.split(",")]:
            terms.append(value.strip())
    terms += [q for groups in _QUOTED.findall(explanation) for q in groups if q and len(q.split()) <= 4]
    return [t for t in dict.fromkeys(terms) if t]


def _mark(sentence: str, terms: Sequence[str]) -> list[tuple[str, bool]]:
    spans: list[tuple[int, int]] = []
    low = sentence.lower()
    for term in terms:
        found = [(m.start(), m.end()) for m in re.finditer(re.escape(term.lower()), low)]
        if not found:  # a name or figure given in another form: its distinctive words
            for word in re.findall(r"[A-Z][\w’'-]{3,}|\d[\d,.]*", term):
                found += [(m.start(), m.end()) for m in re.finditer(rf"\b{re.escape(word.lower())}\b", low)]
        spans += found
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    parts: list[tuple[str, bool]] = []
    pos = 0
    for a, b in merged:
        if a > pos:
            parts.append((sentence[pos:a], False))
        parts.append((sentence[a:b], True))
        pos = b
    if pos < len(sentence):
        parts.append((sentence[pos:], False))
    return parts


def contradiction_quotes(c: dict[str, Any], articles: Sequence[dict[str, Any]]) -> list[Quote]:
    """Each statement of a contradiction as a whole sentence of its article, the disputed
    figure or wording marked, with the outlet and the article's date."""
    by_id = {a["id"]: a for a in articles}
    out = []
    for st in c["statements"]:
        a = by_id.get(st["article"], {})
        body = a.get("text") or ""
        start, end = st.get("start"), st.get("end")
        if start is not None and end is not None and body[start:end] == st["text"]:
            start, end = sentence_around(body, start, end)
            sentence = body[start:end]
        else:
            sentence, start, end = st["text"], None, None
        date = (a.get("published") or (a.get("event_date") or {}).get("value") or None)
        out.append(Quote(st["article"], a.get("outlet") or a.get("source") or st["article"],
                         str(date)[:10] if date else None, _mark(sentence, _disputed_terms(c, st["article"])),
                         start, end))
    return out


# -- CSV -------------------------------------------------------------------------------------
CLAIM_COLUMNS = ["claim_id", "status", "kind", "check_worthy", "origins", "claim", "states", "contradicts",
                 "omits", "silent", "evidence"]
CONTRADICTION_COLUMNS = ["n", "kind", "confidence", "headline", "explanation", "outlets", "quotes"]


def _csv(header: list[str], rows: list[list[object]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def claims_csv(story: dict[str, Any], articles: Sequence[dict[str, Any]]) -> str:
    """One row per claim: status, kind, support, the outlets per matrix cell, and each quoted
    evidence sentence with its outlet (`outlet: “…”`, separated by ` | `)."""
    labels = {a["id"]: a.get("outlet") or a.get("source") or a["id"] for a in articles}
    rows = []
    for r in claim_rows(story, articles):
        silent = [labels.get(aid, aid) for aid, cell in zip(story["articles"], r.cells, strict=True) if not cell]
        evidence = " | ".join(f"{labels.get(e['article'], e['article'])}: “{e['text']}”"
                              for e in r.claim.get("evidence", []))
        rows.append([r.claim["id"], r.claim["status"], r.kind, "yes" if r.check_worthy else "no", r.support,
                     r.text, "; ".join(r.outlets.get("states", [])), "; ".join(r.outlets.get("contradicts", [])),
                     "; ".join(r.outlets.get("omits", [])), "; ".join(silent), evidence])
    return _csv(CLAIM_COLUMNS, rows)


def contradictions_csv(story: dict[str, Any], articles: Sequence[dict[str, Any]]) -> str:
    """One row per contradiction: kind, confidence, whether it is a headline one, the
    explanation with outlets named, and each side as a whole quoted sentence
    (`outlet (date): “…”`, separated by ` | `)."""
    labels = {a["id"]: a.get("outlet") or a.get("source") or a["id"] for a in articles}
    rows = []
    for i, c in enumerate(story.get("contradictions", []), 1):
        quotes = contradiction_quotes(c, articles)
        rows.append([i, c["kind"], c.get("confidence", ""), "yes" if c.get("confidence", 1.0) >= HEADLINE else "no",
                     name_outlets(c["explanation"], labels), "; ".join(dict.fromkeys(q.outlet for q in quotes)),
                     " | ".join(f"{q.outlet}{f' ({q.date})' if q.date else ''}: “{q.text}”" for q in quotes)])
    return _csv(CONTRADICTION_COLUMNS, rows)


def write_csv(report: dict[str, Any], directory: str | Path) -> list[Path]:
    """`{story id}-claims.csv` and `{story id}-contradictions.csv` in `directory` for every
    story of `report` that has claims (what the web app serves at
    `/api/v1/stories/{id}/claims.csv` and `.../contradictions.csv`); the paths written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for story in report.get("stories", []):
        if "claims" not in story:
            continue
        safe = re.sub(r"[^\w.-]+", "_", story["id"])
        for name, body in (("claims", claims_csv(story, report["articles"])),
                           ("contradictions", contradictions_csv(story, report["articles"]))):
            path = directory / f"{safe}-{name}.csv"
            path.write_text(body, encoding="utf-8", newline="")
            written.append(path)
    return written
