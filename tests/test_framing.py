"""Framing: clause-level stance on hand-written minimal pairs (agent and patient swapped),
and the profiles and brief of the five sample articles through the real pipeline."""

from __future__ import annotations

import re
from functools import cache

import pytest
import yaml
from scipy.stats import spearmanr

from newsprism.brief import Brief, compose_brief, overlap
from newsprism.entities import resolve_entities
from newsprism.evaluation.claims import SAMPLE, _sample
from newsprism.framing import Framing, frame_story, load_lexicon
from newsprism.framing.stance import clause_signals, loaded_signals, stance_scores
from newsprism.nlp import annotate_many
from newsprism.nlp.document import AnnotatedDocument, Sentence
from newsprism.nlp.pipeline import parse_texts

from .stories_support import encoder

SIDES = {"Russia": "Red", "Moscow": "Red", "Ukraine": "Blue", "Kyiv": "Blue"}


def _stance(sentence: str) -> dict[str, float]:
    spans = [(m.start(), m.end(), SIDES[m.group()]) for m in re.finditer("|".join(SIDES), sentence)]
    parsed = next(parse_texts([sentence]))
    doc = AnnotatedDocument(id="t", text=sentence, sentences=[Sentence(0, len(sentence))])
    lex = load_lexicon()
    signals = clause_signals(parsed, spans, lex) + [s for s in loaded_signals(doc, parsed, spans, lex) if s.score]
    return stance_scores(signals, ["Red", "Blue"])


@pytest.mark.parametrize(("sentence", "swapped"), [
    ("Russia attacked Ukraine on Tuesday.", "Ukraine attacked Russia on Tuesday."),
    ("Ukraine was attacked by Russia.", "Russia was attacked by Ukraine."),
    ("Moscow rejected the offer from Kyiv.", "Kyiv rejected the offer from Moscow."),
    ("Ukraine accepted the ceasefire that Russia had refused.", "Russia accepted the ceasefire that Ukraine had refused."),
])
def test_swapping_agent_and_patient_swaps_the_stance(sentence: str, swapped: str) -> None:
    """The first sentence blames Red (the side of Russia and Moscow); swapped, it blames Blue."""
    a, b = _stance(sentence), _stance(swapped)
    assert a["Red"] < a["Blue"], a
    assert b["Red"] > b["Blue"], b


def test_negated_credit_is_blame() -> None:
    assert _stance("Russia did not agree to the talks.")["Red"] < 0
    assert _stance("Russia agreed to the talks.")["Red"] > 0


def test_loaded_word_targets_what_it_describes() -> None:
    s = _stance("The illegitimate Russia met Ukraine.")
    assert s["Red"] < 0 and s["Blue"] == 0


def test_what_a_side_is_urged_to_do_is_not_credit() -> None:
    assert _stance("Ukraine urged Russia to accept the ceasefire.") == {"Red": 0.0, "Blue": 0.0}
    assert _stance("Kyiv asked Moscow to release the prisoners.") == {"Red": 0.0, "Blue": 0.0}


def test_object_control_gives_the_object_as_agent() -> None:
    s = _stance("Ukraine persuaded Russia to accept the offer.")
    assert s["Red"] > 0 and s["Blue"] == 0


def test_participle_after_a_reported_clause_does_not_blame_the_speaker() -> None:
    s = _stance("Kyiv said that Russia had attacked the city, undermining the talks.")
    assert s["Red"] < 0 and s["Blue"] == 0


def test_loaded_adjective_targets_the_agent_of_its_clause() -> None:
    s = _stance("Russia is opting for brutal tactics.")
    assert s["Red"] < 0 and s["Blue"] == 0


def test_reduced_passive_has_its_by_phrase_as_agent() -> None:
    """"children abducted by Russia": a participle on a noun is passive, the noun its patient; the
    trained lemmatizer's "abducte" for "abducted" still finds the lexicon's "abduct"."""
    s = _stance("Kyiv gave Moscow a list of children abducted by Russia.")
    assert s["Red"] < 0 and s["Blue"] == 0
    swapped = _stance("Moscow gave Kyiv a list of soldiers abducted by Ukraine.")
    assert swapped["Blue"] < 0 and swapped["Red"] == 0


def test_pronoun_takes_the_one_side_of_the_sentences_before() -> None:
    assert _stance("Russia sent a small delegation. They later rejected the ceasefire.")["Red"] < 0
    # both sides in the sentence before: "they" is ambiguous and blames no one
    assert _stance("Kyiv sent a delegation to meet Russia. They later rejected the ceasefire.") == {"Red": 0.0,
                                                                                                  "Blue": 0.0}


@cache
def sample() -> tuple[Framing, Brief, dict[str, str]]:
    story = _sample()
    docs = list(annotate_many(story.articles))
    from newsprism.claims import story_claims

    claims = story_claims(docs, encoder=encoder())
    roster = resolve_entities(docs, story.articles)
    framing = frame_story(docs, roster, claims.claims)
    return framing, compose_brief(docs, claims, framing), {d.id: d.text for d in docs}


def test_sides_of_the_sample_come_from_the_roster() -> None:
    framing, _, _ = sample()
    assert sorted(s.name for s in framing.sides) == ["Russia", "Ukraine"]


def _sample_slant() -> dict[str, float]:
    framing, _, _ = sample()
    return {p.article[:3]: p.stance["Ukraine"] - p.stance["Russia"] for p in framing.profiles}


def test_sample_slant_follows_gold() -> None:
    """Issue 7's acceptance: Spearman >= 0.8 against the gold slant, 000 most pro-Russian, 001 most pro-Ukrainian."""
    gold = yaml.safe_load((SAMPLE / "gold.yaml").read_text("utf-8"))["slant"]
    slant = _sample_slant()
    keys = sorted(slant)
    rho = spearmanr([gold[next(g for g in gold if g.startswith(k))] for k in keys], [slant[k] for k in keys]).statistic
    assert rho >= 0.8, (rho, slant)
    assert max(slant, key=slant.__getitem__) == "001", slant


def test_sample_extremes_and_their_spans() -> None:
    framing, _, texts = sample()
    slant = _sample_slant()
    assert min(slant, key=slant.__getitem__) == "000"
    assert slant["001"] > max(slant["003"], slant["004"])  # 001 still above the neutral pieces
    for p in framing.profiles:
        for s in p.signals + p.loaded_terms:
            assert texts[p.article][s.start:s.end] == s.text


def test_naming_and_voices_of_the_sample() -> None:
    framing, _, _ = sample()
    by = {p.article[:3]: p for p in framing.profiles}
    for p in framing.profiles:  # every quote of a side's speaker is one voice signal toward that side
        voiced = [s for s in p.signals if s.kind == "voice"]
        assert all(s.quoted and s.score > 0 for s in voiced)
        assert {side: sum(s.side == side for s in voiced) for side in ("Russia", "Ukraine")} == {
            side: p.voices.get(side, 0) for side in ("Russia", "Ukraine")}
    assert any("Kiev" in v for v in by["001"].naming.values())
    assert any("Kyiv" in v for v in by["004"].naming.values())
    assert by["000"].voices.get("Russia", 0) > by["000"].voices.get("Ukraine", 0)


def test_brief_is_short_cited_and_supported() -> None:
    _, brief, _ = sample()
    assert 0 < brief.words <= 260
    for s in brief.sentences:
        assert s.citations
        if s.kind != "coverage":
            assert overlap(s.text, s.evidence) >= 0.4, s.text


def test_brief_states_the_outcome_and_both_heads() -> None:
    _, brief, _ = sample()
    text = " ".join(s.text for s in brief.sentences).lower()
    assert "prisoner" in text
    assert re.search(r"\bno ceasefire|\bnot\b[^.]*\bceasefire", text), text
    assert "medinsk" in text and "umerov" in text
