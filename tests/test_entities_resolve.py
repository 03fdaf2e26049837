"""Resolution within a document, across a story's documents and across stories; conflicts; report entries."""

from __future__ import annotations

import re

from newsprism.entities import link_stories, report_contradictions, report_entities, resolve_entities
from newsprism.evaluation.entities import gold_documents, load_gold
from newsprism.models import Article
from newsprism.nlp.document import AnnotatedDocument, Mention
from newsprism.report import build_report, validate_report


def _doc(doc_id: str, text: str, *spans: tuple[str, str] | tuple[str, str, str, str | None]) -> AnnotatedDocument:
    """A document whose mentions are the given (text, label[, role, affiliation]) at each occurrence."""
    mentions = []
    for span in spans:
        name, label = span[0], span[1]
        role, affiliation = (span[2], span[3]) if len(span) == 4 else (None, None)
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            if not any(x.start < m.end() and m.start() < x.end for x in mentions):
                mentions.append(Mention(name, label, m.start(), m.end(), role=role, affiliation=affiliation))
    return AnnotatedDocument(id=doc_id, text=text, mentions=sorted(mentions, key=lambda m: m.start))


def _person(roster, variant: str):
    found = [e for e in roster.entities if variant in e.variants]
    assert len(found) == 1, f"{variant!r} in {len(found)} entities"
    return found[0]


def test_surname_mentions_join_the_full_name_introduced_earlier() -> None:
    doc = _doc("a", "Volodymyr Zelenskyy arrived in Ankara. Later Zelenskyy said Putin should come. "
               "Vladimir Putin declined.", ("Volodymyr Zelenskyy", "PERSON"), ("Zelenskyy", "PERSON"),
               ("Vladimir Putin", "PERSON"), ("Putin", "PERSON"))
    roster = resolve_entities([doc])
    people = [e for e in roster.entities if e.type == "PERSON"]
    assert sorted(sorted(e.variants) for e in people) == [["Putin", "Vladimir Putin"],
                                                         ["Volodymyr Zelenskyy", "Zelenskyy"]]
    for e in people:
        for m in e.mentions:
            assert doc.text[m.start: m.end] == m.text


def test_two_people_sharing_a_surname_in_one_story_stay_apart() -> None:
    a = _doc("a", "Joe Biden defended Hunter Biden. Biden said the charges were political.",
             ("Joe Biden", "PERSON"), ("Hunter Biden", "PERSON"), ("Biden", "PERSON"))
    b = _doc("b", "Kim Jong Un watched a launch with Kim Yo Jong. Kim Yo Jong later issued a statement. "
             "Kim said more would follow.", ("Kim Jong Un", "PERSON"), ("Kim Yo Jong", "PERSON"), ("Kim", "PERSON"))
    c = _doc("c", "George W. Bush spoke at the funeral of George Bush in Houston.",
             ("George W. Bush", "PERSON"), ("George Bush", "PERSON"))
    d = _doc("d", "Biden was not in court.", ("Biden", "PERSON"))
    roster = resolve_entities([a, b, c, d])
    assert _person(roster, "Joe Biden") is not _person(roster, "Hunter Biden")
    assert _person(roster, "Kim Jong Un") is not _person(roster, "Kim Yo Jong")
    assert _person(roster, "George W. Bush") is not _person(roster, "George Bush")
    # "Kim said" after Kim Yo Jong's statement is the most recent Kim
    assert "b" in _person(roster, "Kim Yo Jong").variants.get("Kim", [])
    # a bare "Biden" in another document cannot be told apart: it joins neither
    assert "d" not in _person(roster, "Joe Biden").variants.get("Biden", [])
    assert "d" not in _person(roster, "Hunter Biden").variants.get("Biden", [])


def test_a_shared_office_decides_which_namesake_a_bare_surname_is() -> None:
    a = _doc("a", "President Joe Biden met Hunter Biden.", ("Joe Biden", "PERSON", "President", "United States"),
             ("Hunter Biden", "PERSON"))
    b = _doc("b", "President Biden signed the bill.", ("Biden", "PERSON", "President", "United States"))
    roster = resolve_entities([a, b])
    assert _person(roster, "Joe Biden").variants["Biden"] == ["b"]


def test_transliterations_and_exonyms_resolve_across_documents() -> None:
    a = _doc("a", "Vladimir Medinski spoke in Kiev and Türkiye.", ("Vladimir Medinski", "PERSON"),
             ("Kiev", "GPE"), ("Türkiye", "GPE"))
    b = _doc("b", "Medinsky left Kyiv for Turkey. Ukrainians and the Ukrainian side waited.",
             ("Medinsky", "PERSON"), ("Kyiv", "GPE"), ("Turkey", "GPE"), ("Ukrainians", "NORP"),
             ("Ukrainian", "NORP"))
    roster = resolve_entities([a, b])
    assert _person(roster, "Medinsky") is _person(roster, "Vladimir Medinski")
    kyiv = _person(roster, "Kiev")
    assert kyiv.name == "Kyiv" and sorted(kyiv.variants) == ["Kiev", "Kyiv"] and kyiv.metonym_of == "Ukraine"
    assert _person(roster, "Türkiye").name == "Turkey"
    norp = _person(roster, "Ukrainians")
    assert norp.type == "NORP" and norp.country == "Ukraine" and "Ukrainian" in norp.variants
    assert roster.sources["a"][kyiv.id] == ["Kiev"] and roster.sources["b"][kyiv.id] == ["Kyiv"]


def test_place_used_for_its_government_is_flagged() -> None:
    doc = _doc("a", "Moscow dismissed the offer. Talks were held in Moscow on Friday.", ("Moscow", "GPE"))
    (moscow,) = resolve_entities([doc]).entities
    assert [m.metonym for m in moscow.mentions] == [True, False]


def test_role_conflicts_two_holders_and_two_countries() -> None:
    a = _doc("a", "Ukrainian President Volodymyr Zelenskyy met U.S. President Donald Trump.",
             ("Volodymyr Zelenskyy", "PERSON", "President", "Ukraine"),
             ("Donald Trump", "PERSON", "President", "United States"))
    b = _doc("b", "Under pressure from Ukrainian President Donald Trump, Zelenskyy agreed.",
             ("Donald Trump", "PERSON", "President", "Ukraine"), ("Zelenskyy", "PERSON"))
    roster = resolve_entities([a, b])
    (conflict,) = [c for c in roster.contradictions if c.kind == "role"]
    assert sorted(conflict.entities) == sorted([_person(roster, "Donald Trump").id,
                                                _person(roster, "Volodymyr Zelenskyy").id])
    texts = {(s.article, s.text) for s in conflict.statements}
    assert ("b", "Under pressure from Ukrainian President Donald Trump, Zelenskyy agreed.") in texts
    assert any(art == "a" for art, _ in texts)


def test_compatible_roles_do_not_conflict() -> None:
    a = _doc("a", "Presidential Aide Vladimir Medinsky led the delegation.",
             ("Vladimir Medinsky", "PERSON", "Presidential Aide", "Russia"))
    b = _doc("b", "Former culture minister Vladimir Medinsky spoke.", ("Vladimir Medinsky", "PERSON"))
    b.mentions[0].role, b.mentions[0].qualifier = "culture minister", "former"
    c = _doc("c", "Former President Petro Poroshenko and President Volodymyr Zelenskyy met.",
             ("Petro Poroshenko", "PERSON"), ("Volodymyr Zelenskyy", "PERSON", "President", "Ukraine"))
    c.mentions[0].role, c.mentions[0].affiliation, c.mentions[0].qualifier = "President", "Ukraine", "former"
    roster = resolve_entities([a, b, c])
    assert roster.contradictions == []
    assert {r.office for r in _person(roster, "Vladimir Medinsky").roles} == {"presidential aide", "culture minister"}


def test_a_current_holder_called_former_elsewhere_is_a_role_conflict() -> None:
    a = _doc("a", "Iran agreed to a ceasefire proposal brokered by former U.S. President Donald Trump.",
             ("Donald Trump", "PERSON", "President", "United States"))
    a.mentions[0].qualifier = "former"
    b = _doc("b", "U.S. President Donald Trump announced the ceasefire on Monday.",
             ("Donald Trump", "PERSON", "President", "United States"))
    c = _doc("c", "President Donald Trump said the truce was in force.", ("Donald Trump", "PERSON", "President", None))
    roster = resolve_entities([a, b, c])
    (conflict,) = [c for c in roster.contradictions if c.kind == "role"]
    assert "former president" in conflict.explanation and "(a)" in conflict.explanation
    assert {s.article for s in conflict.statements} >= {"a", "b"}
    # a former holder called former everywhere is no conflict (Poroshenko above)
    only_former = resolve_entities([a])
    assert [c for c in only_former.contradictions if c.kind == "role"] == []


def test_sample_contradictions_c1_and_c2() -> None:
    entities, contradictions, texts = load_gold()
    roster = resolve_entities(gold_documents(entities, texts))
    statements = {c.kind: [s.text for s in c.statements] for c in roster.contradictions}
    for gold in contradictions:
        if gold["kind"] in ("role", "name"):
            found = [c for c in roster.contradictions if c.kind == gold["kind"] and all(
                any(re.search(p, s.text, re.I) for s in c.statements) for p in gold["match"])]
            assert found, f"{gold['id']} not found in {statements}"
    zelensky = _person(roster, "Vladimir Zelensky")
    assert zelensky.name.startswith("Volodymyr ")  # the Ukrainian form, though one source writes Vladimir
    assert _person(roster, "Mikhail Podoliak").name.startswith("Mykhailo ")


def test_report_entries_validate_against_the_schema() -> None:
    entities, _, texts = load_gold()
    roster = resolve_entities(gold_documents(entities, texts))
    articles = [Article(id=k, origin=k, source=k, title="", text=t) for k, t in texts.items()]
    story = {"id": "s1", "title": "t", "articles": list(texts), "origins": [[k] for k in texts],
             "entities": report_entities(roster), "contradictions": report_contradictions(roster)}
    validate_report(build_report(articles, stories=[story]))
    entry = next(e for e in story["entities"] if "Kiev" in e["variants"])
    assert entry["variants"]["Kiev"] and entry["metonym_of"] == "Ukraine"


def test_stories_link_by_full_name_only() -> None:
    s1 = resolve_entities([_doc("a", "Volodymyr Zelenskyy and Joe Biden met in Kyiv.",
                                ("Volodymyr Zelenskyy", "PERSON"), ("Joe Biden", "PERSON"), ("Kyiv", "GPE"))])
    s2 = resolve_entities([_doc("b", "Vladimir Zelensky spoke in Kiev; Biden was absent.",
                                ("Vladimir Zelensky", "PERSON"), ("Biden", "PERSON"), ("Kiev", "GPE"))])
    corpus = link_stories({"s1": s1, "s2": s2})
    linked = [c for c in corpus if len(c.members) > 1]
    assert sorted(c.name for c in linked) == ["Kyiv", "Volodymyr Zelenskyy"]
    assert all(sorted(s for s, _ in c.members) == ["s1", "s2"] for c in linked)


def test_title_only_mentions_join_the_person_given_that_office() -> None:
    doc = _doc("a", "U.S. President Donald Trump called. Zelenskyy thanked the U.S. president. "
               "The Turkish president said nothing.",
               ("Donald Trump", "PERSON", "President", "United States"), ("Zelenskyy", "PERSON"))
    roster = resolve_entities([doc])
    trump = _person(roster, "Donald Trump")
    titles = [m for m in trump.mentions if m.title]
    assert [(m.text, doc.text[m.start: m.end]) for m in titles] == [("the U.S. president",) * 2]
    assert "the U.S. president" not in trump.variants
    assert not any(m.title for e in roster.entities if e is not trump for m in e.mentions)


def test_names_the_recogniser_missed_are_added_for_a_unique_person() -> None:
    a = _doc("a", "Vladimir Medinsky and Joe Biden spoke.", ("Vladimir Medinsky", "PERSON"), ("Joe Biden", "PERSON"),
             ("Hunter Biden", "PERSON"))
    b = _doc("b", "Later Vladimir Medinski’s team left, and Biden stayed. Hunter Biden too.",
             ("Hunter Biden", "PERSON"))
    roster = resolve_entities([a, b])
    medinsky = _person(roster, "Vladimir Medinsky")
    assert medinsky.variants["Vladimir Medinski"] == ["b"]
    assert all(b.text[m.start: m.end] == m.text for m in medinsky.mentions if m.article == "b")
    assert "b" not in _person(roster, "Joe Biden").variants.get("Biden", [])  # two Bidens: left alone


def test_a_person_the_recogniser_typed_as_a_place_is_that_person() -> None:
    a = _doc("a", "Volodymyr Zelenskyy arrived in Ankara on Friday.", ("Volodymyr Zelenskyy", "PERSON"),
             ("Ankara", "GPE"))
    b = _doc("b", "Zelenskyy sent a delegation. Zelenskyy stayed in Kyiv.", ("Zelenskyy", "LOC"), ("Kyiv", "GPE"))
    roster = resolve_entities([a, b])
    person = _person(roster, "Zelenskyy")
    assert person.type == "PERSON" and person.name == "Volodymyr Zelenskyy"
    assert [(m.article, b.text[m.start:m.end]) for m in person.mentions if m.article == "b"] == [
        ("b", "Zelenskyy"), ("b", "Zelenskyy")]
    assert {e.name: e.type for e in roster.entities if e.type != "PERSON"} == {"Ankara": "GPE", "Kyiv": "GPE"}
    # a name that is a place too stays a place (no person called so here)
    c = _doc("c", "Jordan met officials in Jordan.", ("Jordan", "GPE"))
    assert [e.type for e in resolve_entities([c]).entities] == ["GPE"]


def test_one_body_named_agency_and_authority_is_a_name_conflict_and_two_ministries_are_not() -> None:
    a = _doc("a", "The Federal Emergency Management Agency sent teams to Kerr County on Saturday.",
             ("Federal Emergency Management Agency", "ORG"))
    b = _doc("b", "The Federal Emergency Management Authority said its teams reached Kerr County.",
             ("Federal Emergency Management Authority", "ORG"))
    c = _doc("c", "Cambodia's Defence Ministry condemned the air strike. The Foreign Ministry said nothing.",
             ("Defence Ministry", "ORG"), ("Foreign Ministry", "ORG"))
    d = _doc("d", "The Foreign Ministry of Cambodia condemned the air strike.", ("Foreign Ministry", "ORG"))
    conflicts = [x for x in resolve_entities([a, b, c, d]).contradictions if x.kind == "name"]
    assert len(conflicts) == 1
    assert "'Agency' against 'Authority'" in conflicts[0].explanation
    assert {s.article for s in conflicts[0].statements} == {"a", "b"}
