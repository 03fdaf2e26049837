"""Typed records of a story's analysis (the second half of the pipeline): entities,
claims, contradictions, per-source profiles and the brief, as `analyze` computes them
and the store keeps them per story version.

Each record reads and writes its report shape (DESIGN.md, "The report contract"):
`Record.from_report(entry).to_report() == entry`. Fields a stage adds beyond the
contract are kept in `extra` as they are, so a stored analysis re-renders exactly.

    >>> c = Claim.from_report({"id": "cl-1", "text": "Talks resumed.", "status": "consensus",
    ...                        "sources": ["a", "b"], "evidence": [], "anchored": True})
    >>> c.status, c.extra
    ('consensus', {'anchored': True})
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ANALYSIS_SECTIONS", "Brief", "BriefSentence", "Claim", "Contradiction", "Entity", "Facts", "Span",
           "SourceProfile", "StoryAnalysis", "names", "story_version", "words"]

# the story entry's keys an analysis fills, in report order
ANALYSIS_SECTIONS = ("entities", "claims", "contradictions", "comparison", "sources", "brief")


def story_version(articles: Sequence[tuple[str, str]]) -> str:
    """The version of a story: a hash of its (article id, content hash) pairs in story
    order. Another article, a changed text or another id is another version."""
    h = hashlib.sha256()
    for aid, content_hash in articles:
        h.update(f"{aid}\x1f{content_hash}\x1e".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def words(text: str) -> tuple[str, ...]:
    """The words of `text`, case and accents dropped: how spellings are compared.

    >>> words("Volodymyr Zelenskyy's"), words("Erdoğan")
    (('volodymyr', 'zelenskyy', 's'), ('erdogan',))
    """
    folded = unicodedata.normalize("NFKD", text).casefold()
    return tuple(re.findall(r"\w+", "".join(ch for ch in folded if not unicodedata.combining(ch))))


def names(name: str, spellings: Iterable[str]) -> bool:
    """Whether `name` is one of `spellings`: one of them holds all its words, case and
    accents aside ('Zelensky' names 'Volodymyr Zelensky', not 'Zelenskyy')."""
    want = set(words(name))
    return bool(want) and any(want <= set(words(s)) for s in spellings)


def _rest(entry: dict[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in known}


@dataclass(slots=True)
class Span:
    """A stretch of an article's clean text (evidence, a mention, a statement); `start`
    and `end` index the article's `text` when given."""

    article: str
    text: str
    start: int | None = None
    end: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    KEYS = ("article", "text", "start", "end")

    @classmethod
    def from_report(cls, d: dict[str, Any]) -> Span:
        return cls(d["article"], d["text"], d.get("start"), d.get("end"), _rest(d, cls.KEYS))

    def to_report(self) -> dict[str, Any]:
        out: dict[str, Any] = {"article": self.article, "text": self.text}
        if self.start is not None or self.end is not None:
            out |= {"start": self.start, "end": self.end}
        return out | self.extra


def _spans(items: Sequence[dict[str, Any]]) -> list[Span]:
    return [Span.from_report(x) for x in items]


@dataclass(slots=True)
class Entity:
    id: str
    name: str  # canonical
    type: str
    roles: list[dict[str, Any]]  # office, affiliation, the articles and statements giving it
    mentions: list[Span]
    extra: dict[str, Any] = field(default_factory=dict)  # affiliation, variants, country, ...

    KEYS = ("id", "name", "type", "roles", "mentions")

    @classmethod
    def from_report(cls, d: dict[str, Any]) -> Entity:
        return cls(d["id"], d["name"], d["type"], list(d.get("roles", [])), _spans(d.get("mentions", [])),
                   _rest(d, cls.KEYS))

    def to_report(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "type": self.type, "roles": self.roles, **self.extra,
                "mentions": [m.to_report() for m in self.mentions]}

    def spellings(self) -> dict[str, list[str]]:
        """How the sources write it: spelling -> article ids (the canonical name included)."""
        variants = self.extra.get("variants") or {}
        out = {str(k): list(v) for k, v in variants.items()} if isinstance(variants, dict) else {}
        out.setdefault(self.name, sorted({m.article for m in self.mentions if m.text == self.name}))
        return out

    def named(self, name: str) -> bool:
        """Whether `name` is one of its spellings (see `names`)."""
        return names(name, self.spellings())


@dataclass(slots=True)
class Claim:
    id: str
    text: str
    status: str  # consensus | single | disputed
    sources: list[str]  # article ids
    evidence: list[Span]
    extra: dict[str, Any] = field(default_factory=dict)  # origins, anchored, ...

    KEYS = ("id", "text", "status", "sources", "evidence")

    @classmethod
    def from_report(cls, d: dict[str, Any]) -> Claim:
        return cls(d["id"], d["text"], d["status"], list(d.get("sources", [])), _spans(d.get("evidence", [])),
                   _rest(d, cls.KEYS))

    def to_report(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "status": self.status, "sources": self.sources, **self.extra,
                "evidence": [e.to_report() for e in self.evidence]}


@dataclass(slots=True)
class Contradiction:
    kind: str  # number | role | name | quote | negation | time
    explanation: str
    statements: list[Span]
    extra: dict[str, Any] = field(default_factory=dict)  # confidence, frame, entities, ...

    KEYS = ("kind", "explanation", "statements")

    @classmethod
    def from_report(cls, d: dict[str, Any]) -> Contradiction:
        return cls(d["kind"], d["explanation"], _spans(d.get("statements", [])), _rest(d, cls.KEYS))

    def to_report(self) -> dict[str, Any]:
        return {"kind": self.kind, "explanation": self.explanation, **self.extra,
                "statements": [s.to_report() for s in self.statements]}


@dataclass(slots=True)
class SourceProfile:
    article: str
    stance: dict[str, float]  # side -> score in [-1, 1]
    loaded_terms: list[dict[str, Any]]  # kind, text, start, end, side, score, cue
    omitted_claims: list[dict[str, Any]]  # {id, text} of consensus claims the source leaves out
    extra: dict[str, Any] = field(default_factory=dict)  # voices, speakers, naming, evidence, ...

    KEYS = ("article", "stance", "loaded_terms", "omitted_claims")

    @classmethod
    def from_report(cls, d: dict[str, Any]) -> SourceProfile:
        return cls(d["article"], dict(d.get("stance", {})), list(d.get("loaded_terms", [])),
                   list(d.get("omitted_claims", [])), _rest(d, cls.KEYS))

    def to_report(self) -> dict[str, Any]:
        return {"article": self.article, "stance": self.stance, "loaded_terms": self.loaded_terms,
                "omitted_claims": self.omitted_claims, **self.extra}


@dataclass(slots=True)
class BriefSentence:
    text: str
    citations: list[str]  # article ids
    extra: dict[str, Any] = field(default_factory=dict)  # kind, ...

    @classmethod
    def from_report(cls, d: dict[str, Any]) -> BriefSentence:
        return cls(d["text"], list(d.get("citations", [])), _rest(d, ("text", "citations")))

    def to_report(self) -> dict[str, Any]:
        return {"text": self.text, "citations": self.citations, **self.extra}


@dataclass(slots=True)
class Brief:
    sentences: list[BriefSentence]
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_report(cls, d: dict[str, Any]) -> Brief:
        return cls([BriefSentence.from_report(s) for s in d.get("sentences", [])], _rest(d, ("sentences",)))

    def to_report(self) -> dict[str, Any]:
        return {"sentences": [s.to_report() for s in self.sentences], **self.extra}


@dataclass(slots=True)
class Facts:
    """What the stories stage read off one article (the story entry's `members[]`)."""

    id: str
    language: str | None
    event_date: dict[str, Any]  # value, source, evidence
    status: str
    reason: str | None

    @classmethod
    def from_report(cls, d: dict[str, Any]) -> Facts:
        return cls(d["id"], d.get("language"), dict(d.get("event_date") or {}), d.get("status", "ok"), d.get("reason"))

    def to_report(self) -> dict[str, Any]:
        return {"id": self.id, "language": self.language, "event_date": self.event_date, "status": self.status,
                "reason": self.reason}


@dataclass(slots=True)
class StoryAnalysis:
    """The analysis of one version of a story (`story_version`), with the versions of the
    models that made it. A story of fewer than two independent origins has nothing to
    compare: `compared` is False and the sections are empty."""

    story_id: str
    version: str
    articles: list[str]  # article ids, in story order
    models: dict[str, str]  # component -> version or hash (see `pipeline.analysis_models`)
    compared: bool = False
    members: list[Facts] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    comparison: str | None = None
    sources: list[SourceProfile] = field(default_factory=list)
    brief: Brief | None = None

    @classmethod
    def from_report(cls, entry: dict[str, Any], *, version: str, models: dict[str, str]) -> StoryAnalysis:
        """The analysis held by a report's story entry (`stories[]` of the report contract)."""
        return cls(
            story_id=entry["id"], version=version, articles=list(entry["articles"]), models=dict(models),
            compared="claims" in entry, members=[Facts.from_report(m) for m in entry.get("members", [])],
            entities=[Entity.from_report(e) for e in entry.get("entities", [])],
            claims=[Claim.from_report(c) for c in entry.get("claims", [])],
            contradictions=[Contradiction.from_report(c) for c in entry.get("contradictions", [])],
            comparison=entry.get("comparison"),
            sources=[SourceProfile.from_report(s) for s in entry.get("sources", [])],
            brief=Brief.from_report(entry["brief"]) if "brief" in entry else None)

    def to_report(self) -> dict[str, Any]:
        """The keys this analysis adds to the story entry: `members`, and the sections when compared."""
        out: dict[str, Any] = {"members": [m.to_report() for m in self.members]}
        if not self.compared:
            return out
        out |= {"entities": [e.to_report() for e in self.entities], "claims": [c.to_report() for c in self.claims],
                "contradictions": [c.to_report() for c in self.contradictions]}
        if self.comparison is not None:
            out["comparison"] = self.comparison
        out["sources"] = [s.to_report() for s in self.sources]
        if self.brief is not None:
            out["brief"] = self.brief.to_report()
        return out

    def entity_views(self) -> list[dict[str, Any]]:
        """Per entity, what a view across stories shows: its spellings (with the articles
        writing each), its roles, and the claims naming it in any spelling."""
        out = []
        claim_words = [set(words(c.text)) for c in self.claims]
        for e in self.entities:
            spellings = e.spellings()
            wanted = [set(w) for s in spellings if (w := words(s))]
            claims = [{"id": c.id, "text": c.text, "status": c.status, "sources": c.sources}
                      for c, have in zip(self.claims, claim_words, strict=True) if any(w <= have for w in wanted)]
            out.append({"entity": e.id, "name": e.name, "type": e.type, "spellings": spellings, "roles": e.roles,
                        "claims": claims})
        return out

    def to_json(self) -> dict[str, Any]:
        """Everything, for storing."""
        return {"story_id": self.story_id, "version": self.version, "articles": self.articles,
                "models": self.models, "compared": self.compared, **self.to_report()}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> StoryAnalysis:
        entry = {k: v for k, v in doc.items() if k in ANALYSIS_SECTIONS or k == "members"}
        found = cls.from_report({"id": doc["story_id"], "articles": doc["articles"], **entry},
                                version=doc["version"], models=doc["models"])
        found.compared = bool(doc.get("compared"))
        return found
