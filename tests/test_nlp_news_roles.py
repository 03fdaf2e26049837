"""Roles and finer entity types of the news layer, on sentences of the Istanbul sample."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from newsprism.nlp.news import news_layer
from newsprism.nlp.news.entity_types import entity_label, typed_mentions
from newsprism.nlp.news.gazetteer import load_gazetteer
from newsprism.nlp.news.roles import attach_roles

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "istanbul-2025" / "clean"


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _persons(nlp, text):
    doc = nlp(text)
    gaz = load_gazetteer()
    return {m.text: m for m in attach_roles(doc, typed_mentions(doc, gaz), gaz) if m.label == "PERSON"}


@pytest.mark.parametrize(("text", "name", "role", "affiliation", "qualifier"), [
    ("Turkish Foreign Minister Hakan Fidan, who led the session, declared that the parties agreed.",
     "Hakan Fidan", "Foreign Minister", "Turkey", None),
    ("Russian Presidential Aide Vladimir Medinsky, who led Moscow’s delegation, described it.",
     "Vladimir Medinsky", "Presidential Aide", "Russia", None),
    ("Russia sent a junior team led by ex-culture minister Vladimir Medinsky.",
     "Vladimir Medinsky", "culture minister", None, "former"),
    ("Zelensky dispatched a delegation led by Ukrainian Minister of Defense Rustem Umerov to Istanbul.",
     "Rustem Umerov", "Minister of Defense", "Ukraine", None),
    ("Kyiv says Ukraine’s Defence Minister Rustem Umerov will lead.", "Rustem Umerov", "Defence Minister",
     "Ukraine", None),
    ("Kremlin spokesperson Dmitry Peskov confirmed that Putin will not travel to Istanbul.",
     "Dmitry Peskov", "Kremlin spokesperson", "Russia", None),
    ("“We believe it,” Ukrainian Foreign Ministry spokesman Georgiy Tykhy said.", "Georgiy Tykhy",
     "Foreign Ministry spokesman", "Ukraine", None),
    ("Russia accused Ukraine, particularly then-UK Prime Minister Boris Johnson, of it.", "Boris Johnson",
     "Prime Minister", "United Kingdom", "former"),
    ("He is joined by Deputy Foreign Minister Mikhail Galuzin.", "Mikhail Galuzin", "Deputy Foreign Minister",
     None, "deputy"),
    ("Meanwhile, US Secretary of State Marco Rubio has stated that Washington is open.", "Marco Rubio",
     "Secretary of State", "United States", None),
])
def test_title_before_name(nlp, text, name, role, affiliation, qualifier):
    person = _persons(nlp, text)[name]
    assert (person.role, person.affiliation, person.qualifier) == (role, affiliation, qualifier)


def test_appositive_after_a_recognised_name(nlp):
    doc = nlp("The talks were led by Rustem Umerov, Ukraine's defence minister, and lasted two hours.")
    gaz = load_gazetteer()
    start = doc.text.index("Rustem")
    doc.ents = [doc.char_span(start, start + len("Rustem Umerov"), label="PERSON")]
    umerov = [m for m in attach_roles(doc, typed_mentions(doc, gaz), gaz) if m.label == "PERSON"][0]
    assert (umerov.role, umerov.affiliation) == ("defence minister", "Ukraine")


def test_no_role_from_a_relative_clause_or_a_place(nlp):
    persons = _persons(nlp, "Zelensky sent Defence Minister Rustem Umerov to head Kyiv’s delegation.")
    assert set(persons) == {"Rustem Umerov"}  # "Kyiv" after "head" is not a person


def test_places_nationalities_and_facilities(nlp):
    doc = nlp("Russian delegates met at Dolmabahçe Palace in Istanbul, Türkiye, far from Kharkiv and the Middle East.")
    labels = {m.text: m.label for m in typed_mentions(doc, load_gazetteer())}
    assert labels == {"Russian": "NORP", "Dolmabahçe Palace": "FAC", "Istanbul": "GPE", "Türkiye": "GPE",
                      "Kharkiv": "GPE", "Middle East": "LOC"}


def test_city_names_inside_person_names_are_not_places(nlp):
    doc = nlp("A meeting between President Vladimir Putin and Ukrainian President Vladimir Zelensky.")
    assert "Vladimir" not in {m.text for m in typed_mentions(doc, load_gazetteer())}


def test_recogniser_labels_are_retyped():
    gaz = load_gazetteer()
    assert entity_label("Kiev", "LOC", gaz) == "GPE"
    assert entity_label("Moscow", "ORG", gaz) == "GPE"  # "Moscow dismissed the offer"
    assert entity_label("Europe", "LOC", gaz) == "LOC"
    assert entity_label("Ukrainians", "PERSON", gaz) == "NORP"
    assert entity_label("Kremlin", "ORG", gaz) == "ORG"
    assert entity_label("NATO", "ORG", gaz) == "ORG"


def test_gazetteer_normalises_affiliations():
    gaz = load_gazetteer()
    assert [gaz.country_of(w) for w in ("Turkish", "Ukraine’s", "U.S.", "Türkiye", "Kremlin", "Britain")] == [
        "Turkey", "Ukraine", "United States", "Turkey", "Russia", "United Kingdom"]
    assert gaz.country_of("Minister") is None


def test_sample_roles_have_office_and_country(nlp):
    found = {}
    for path in sorted(SAMPLE.glob("*.txt")):
        for m in news_layer(nlp(path.read_text(encoding="utf-8")), None).mentions:
            if m.label == "PERSON" and m.role and m.affiliation:
                found.setdefault(m.text.split()[-1], set()).add((m.role, m.affiliation))
    assert ("Foreign Minister", "Turkey") in found["Fidan"]
    assert ("Presidential Aide", "Russia") in found["Medinsky"]
    assert ("Minister of Defense", "Ukraine") in found["Umerov"]
    assert ("Foreign Ministry spokesman", "Ukraine") in found["Tykhy"]
    assert ("Kremlin spokesperson", "Russia") in found["Peskov"]


def test_a_recogniser_span_running_from_an_office_into_a_name_gives_the_person() -> None:
    import spacy
    from spacy.tokens import Span

    from newsprism.nlp.news.entity_types import typed_mentions
    from newsprism.nlp.news.gazetteer import load_gazetteer

    nlp = spacy.blank("en")
    doc = nlp("He sent Ukrainian Minister of Defense Rustem Umerov to Istanbul.")
    doc.ents = [Span(doc, 5, 8, label="ORG")]  # "Defense Rustem Umerov", as the NER model tags it
    people = [(m.text, m.label) for m in typed_mentions(doc, load_gazetteer()) if m.label == "PERSON"]
    assert people == [("Rustem Umerov", "PERSON")]
    doc.ents = [Span(doc, 5, 6, label="ORG")]  # a lone office word stays what it was
    assert not any(m.label == "PERSON" for m in typed_mentions(doc, load_gazetteer()))


@pytest.mark.parametrize(("text", "ents", "expected"), [
    # both cities read as people by the recogniser: listed together, both are places
    ("Russia threatened Sumy and Kharkiv.", [(2, 3, "PERSON"), (4, 5, "PERSON")], {"Sumy": "GPE", "Kharkiv": "GPE"}),
    # a city-named person listed with a place-named person who is no place stays a person
    ("Paris and Hilton spoke.", [(0, 1, "PERSON"), (2, 3, "PERSON")], {"Paris": "PERSON", "Hilton": "PERSON"}),
    # not listed: the recogniser's PERSON stands
    ("Sumy spoke to Kharkiv.", [(0, 1, "PERSON"), (3, 4, "PERSON")], {"Sumy": "PERSON", "Kharkiv": "PERSON"}),
])
def test_a_place_read_as_a_person_in_a_list_of_places_is_a_place(text, ents, expected) -> None:
    from spacy.tokens import Span

    doc = spacy.blank("en")(text)
    doc.ents = [Span(doc, a, b, label=lab) for a, b, lab in ents]
    got = {m.text: m.label for m in typed_mentions(doc, load_gazetteer()) if m.text in expected}
    assert got == expected


def test_office_modifier_read_as_an_organisation_stays_in_the_title() -> None:
    """"Minister of [Defense]ORG [Rustem Umerov]PERSON": the recogniser's ORG is part of the office."""
    from spacy.tokens import Span

    doc = spacy.blank("en")("He sent Ukrainian Minister of Defense Rustem Umerov to Istanbul.")
    doc.ents = [Span(doc, 5, 6, label="ORG"), Span(doc, 6, 8, label="PERSON")]
    gaz = load_gazetteer()
    mentions = attach_roles(doc, typed_mentions(doc, gaz), gaz)
    umerov = next(m for m in mentions if m.text == "Rustem Umerov")
    assert (umerov.role, umerov.affiliation) == ("Minister of Defense", "Ukraine")
    assert "Defense" not in {m.text for m in mentions}
