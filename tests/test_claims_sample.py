"""Claims on the five sample articles, through the real NLP stage and sentence embeddings."""

from __future__ import annotations

import re
from functools import cache

import pytest

from newsprism.claims import HEADLINE, StoryClaims, story_claims
from newsprism.claims.contradictions import _negated_keys, _polarity_finding
from newsprism.claims.keys import content_keys
from newsprism.evaluation.claims import _sample
from newsprism.nlp import annotate_many

from .stories_support import encoder


@cache
def sample_claims() -> tuple[StoryClaims, dict[str, str]]:
    story = _sample()
    docs = list(annotate_many(story.articles))
    return story_claims(docs, encoder=encoder()), {d.id: d.text for d in docs}


def _prefixes(ids: list[str]) -> set[str]:
    return {i[:3] for i in ids}


def test_evidence_indexes_the_clean_text() -> None:
    result, texts = sample_claims()
    for claim in result.claims:
        for u in claim.units:
            assert texts[u.article][u.start:u.end] == u.text
    for c in result.contradictions:
        for s in c.statements:
            assert texts[s.article][s.start:s.end] == s.text


def test_no_claim_swallows_the_story() -> None:
    result, _ = sample_claims()
    assert len(result.claims) > 30
    assert max(len(c.units) for c in result.claims) <= 0.1 * len(result.units)


@pytest.mark.parametrize(("pattern", "at_least"), [
    (r"medinsk", {"000", "002", "003"}),  # Medinsky led the Russian delegation
    (r"1,000", {"001", "002"}),  # 1,000 prisoners each
    (r"fidan", {"001", "004"}),  # Fidan mediated
])
def test_facts_several_outlets_state_are_consensus(pattern: str, at_least: set[str]) -> None:
    result, _ = sample_claims()
    best = max((c for c in result.claims if any(re.search(pattern, u.text, re.I) for u in c.units)),
               key=lambda c: len(_prefixes(c.sources) & at_least))
    assert best.status in ("consensus", "disputed") and at_least <= _prefixes(best.sources)


def test_the_duration_conflict_is_reported_and_false_alarms_are_few() -> None:
    result, _ = sample_claims()
    headline = [c for c in result.contradictions if c.confidence >= HEADLINE]
    duration = [c for c in headline if c.kind == "number" and all(re.search("two.hour", s.text) for s in c.statements)]
    assert duration and "000" in _prefixes([s.article for s in duration[0].statements])
    assert len(headline) <= 5  # precision first: a reader who sees false alarms stops reading


def test_zelensky_quoted_against_himself_on_respect() -> None:
    """Gold C3: 002 quotes “I don’t really respect the president”, 003 reports that he cited
    respect for Trump and Erdoğan (speaker given: attributing 003's pronoun needs NER)."""
    result, texts = sample_claims()
    units = [next(u for u in result.units if u.article.startswith(p) and "respect" in u.text) for p in ("002", "003")]
    for u in units:
        assert texts[u.article][u.start:u.end] == u.text
        u.speaker = "Zelensky"
    found = _polarity_finding(units[0], units[1], 0.6, (content_keys(units[0]), content_keys(units[1])),
                              (_negated_keys(units[0]), _negated_keys(units[1])))
    assert found is not None and found.kind == "quote"
    assert "don’t really respect" in next(s.text for s in found.statements if s.article.startswith("002"))


def test_syndicated_copies_are_one_origin() -> None:
    story = _sample()
    docs = list(annotate_many(story.articles[:2]))
    copy = docs[0].__class__(id="copy", text=docs[0].text, published=docs[0].published, sentences=docs[0].sentences,
                             mentions=docs[0].mentions, quotes=docs[0].quotes, numbers=docs[0].numbers,
                             dates=docs[0].dates)
    result = story_claims([docs[0], copy, docs[1]], origins={"copy": docs[0].id}, encoder=encoder())
    # everything the copy says, its original says: no claim gains an origin from the copy
    # (a claim of one origin may still be disputed: another source contradicts it)
    assert all(c.status != "consensus" or len(c.origins) >= 2 and set(c.origins) != {docs[0].id}
               for c in result.claims)
    assert not any(c.status == "consensus" and set(c.origins) == {docs[0].id} for c in result.claims)
