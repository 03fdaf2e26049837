"""Name matching: transliteration keys, given-name equivalents, pairs that must and must not match."""

from __future__ import annotations

import json

import pytest

from newsprism.entities import compare, parse_person
from newsprism.entities.names import GIVEN_NAMES_PATH, given_names
from newsprism.entities.translit import word_keys

SAME = [
    ("Zelensky", "Zelenskyy"),
    ("Volodymyr Zelenskyy", "Wolodymyr Selenskyj"),  # German press
    ("Volodymyr Zelenskyy", "Volodymyr Zelenskiy"),
    ("Medinsky", "Medinski"),
    ("Vladimir Medinsky", "Vladimir Medinskij"),
    ("Mijailo Podoliak", "Mykhailo Podolyak"),  # Spanish press
    ("Mychajlo Podoljak", "Mykhailo Podolyak"),  # German press
    ("Recep Tayyip Erdoğan", "Recep Tayyip Erdogan"),
    ("Kim Jong-un", "Kim Jong Un"),
    ("Dmitry Peskov", "Dmitri Peskow"),
    ("Rustem Umerov", "Roustem Oumerov"),  # French press
    ("Yuriy Ushakov", "Jurij Uschakow"),
    ("Sergey Lavrov", "Sergei Lawrow"),
]
TRANSLATED = [
    ("Volodymyr Zelenskyy", "Vladimir Zelensky"),
    ("Mykhailo Podolyak", "Mikhail Podoliak"),
    ("Oleksandr Fomin", "Alexander Fomin"),
    ("Serhiy Kyslytsya", "Sergey Kyslytsya"),
    ("Andriy Yermak", "Andrey Yermak"),
    ("Mykola Azarov", "Nikolai Azarov"),
    ("Heorhiy Tykhyi", "Georgiy Tykhy"),
    ("Mohammed bin Salman", "Mohammad bin Salman"),
]
NOT_SAME = [
    ("Kim Jong Un", "Kim Yo Jong"),  # siblings
    ("Abdullah II of Jordan", "Abdullah Abdullah"),  # a king and an Afghan politician
    ("King Abdullah II", "Abdullah Abdullah"),
    ("George Bush", "George W. Bush"),  # father and son with one name
    ("George H. W. Bush", "George W. Bush"),
    ("Joe Biden", "Hunter Biden"),  # surname only
    ("Vladimir Putin", "Vladimir Zelensky"),  # given name only
    ("Mikhail Galuzin", "Mikhail Podoliak"),
    ("Andrey Belousov", "Andriy Yermak"),
    ("Hakan Fidan", "Hakan Fidanov"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_spelling_variants_are_the_same_person(a: str, b: str) -> None:
    match = compare(parse_person(a), parse_person(b))
    assert match.level == "same" and match.translated == ()
    assert compare(parse_person(b), parse_person(a)).level == "same"


@pytest.mark.parametrize(("a", "b"), TRANSLATED)
def test_given_names_in_another_language_match_and_say_so(a: str, b: str) -> None:
    match = compare(parse_person(a), parse_person(b))
    assert match.level == "same"
    assert match.translated == ((a.split()[0], b.split()[0]),)


@pytest.mark.parametrize(("a", "b"), NOT_SAME)
def test_hard_negatives_never_match(a: str, b: str) -> None:
    assert compare(parse_person(a), parse_person(b)).level != "same"
    assert compare(parse_person(b), parse_person(a)).level != "same"


def test_extra_given_names_or_initials_are_only_weak() -> None:
    assert compare(parse_person("Tayyip Erdoğan"), parse_person("Recep Tayyip Erdoğan")).level == "weak"
    assert compare(parse_person("Donald Trump"), parse_person("Donald J. Trump")).level == "weak"
    assert compare(parse_person("Zelensky"), parse_person("Volodymyr Zelensky")).level == "weak"


def test_parse_strips_honorifics_possessives_and_keeps_regnal_numbers() -> None:
    assert parse_person("President Zelensky’s").text == "Zelensky"
    name = parse_person("Abdullah II of Jordan")
    assert (name.given, name.surname, name.regnal) == ((), "Abdullah", "II")
    name = parse_person("Mohammed bin Salman")
    assert (name.given, name.surname) == (("Mohammed",), "bin Salman")


def test_translit_keys_fold_known_romanisations() -> None:
    assert word_keys("Zelenskyy") == word_keys("Zelenski") == {"selenski"}
    assert "selenski" in word_keys("Zelenskij")  # j read as y; the Spanish reading gives a second key
    assert word_keys("Mijailo") & word_keys("Mykhailo") & word_keys("Mychajlo")
    assert word_keys("Kyiv") != word_keys("Kiev")  # exonyms are alias data, not spelling rules
    assert not word_keys("Putin") & word_keys("Peskov")
    assert word_keys("123") == frozenset()


def test_ukrainian_and_russian_forms_are_told_apart() -> None:
    table = given_names()
    assert table.language("Volodymyr") == "uk" and table.language("Wolodymyr") == "uk"
    assert table.language("Vladimir") == "ru"
    assert table.language("Mijailo") == "uk" and table.language("Mikhail") == "ru"
    assert table.language("Ivan") is None  # one spelling in both languages
    assert table.ukrainian_form("Vladimir") == "Volodymyr"


def test_given_name_table_groups_do_not_overlap() -> None:
    groups = json.loads(GIVEN_NAMES_PATH.read_text("utf-8"))["groups"]
    owner: dict[str, int] = {}
    for i, group in enumerate(groups):
        for word in group["uk"] + group["ru"] + group["other"]:
            for key in word_keys(word):
                assert owner.setdefault(key, i) == i, f"{word!r} folds onto a key of group {owner[key]}"


def test_public_api() -> None:
    import newsprism.entities as entities

    assert set(entities.__all__) == {
        "Contradiction", "CorpusEntity", "Entity", "EntityMention", "EntityRoster", "NameMatch", "PersonName",
        "Role", "Statement", "compare", "link_stories", "load_places", "parse_person", "report_contradictions",
        "report_entities", "resolve_entities"}
    assert all(hasattr(entities, name) for name in entities.__all__)
