"""The boilerplate cleaner on synthetic texts (not the sample) in several languages."""

from __future__ import annotations

import pytest

from newsprism.clean import clean
from newsprism.clean.text import clean_text
from newsprism.config import Settings
from newsprism.models import Article, RawDocument, Rejection


def _doc(text: str, **kw: object) -> RawDocument:
    return RawDocument(id="t", origin="t.txt", kind="text", content=text, **kw)  # type: ignore[arg-type]


ENGLISH = """Flood waters recede in river town
By Jane Doe
Updated 12 March 2024, 10:30 GMT
Residents of the river town returned to their homes on Tuesday as flood waters receded, officials said, after a week in which the river rose to record levels.
Share this article
The county emergency office said 40 homes were damaged and two bridges were closed pending inspection by engineers from the state transport department.
What Happens Next
Engineers will inspect the levees this week, and the county will decide by Friday whether to reopen the schools that were used as shelters.
Related
- Heavy rain forecast for the weekend
- How to file a flood insurance claim
© 2024 Example News. All rights reserved.
Sign up for our newsletter"""

SPANISH = """Acuerdo de alto el fuego en la frontera
Los gobiernos de ambos países firmaron el martes un acuerdo de alto el fuego que entrará en vigor a medianoche, según informaron fuentes oficiales en la capital.
Lee también: Las claves del conflicto fronterizo
El acuerdo prevé la retirada de las tropas a diez kilómetros de la línea de separación y el intercambio de prisioneros en un plazo de dos semanas.
Noticias relacionadas
- Miles de desplazados regresan a sus hogares
- La ONU celebra el acuerdo
Comparte esta noticia
Comentarios
Deja tu comentario"""

FRENCH = """Les négociations reprennent à Genève
Les délégations se sont retrouvées lundi à Genève pour un nouveau cycle de négociations, le troisième depuis le début de l'année, a annoncé le ministère.
À lire aussi : Ce qu'il faut savoir sur le sommet
Selon plusieurs diplomates, les discussions porteront d'abord sur l'échange de prisonniers et sur la sécurité des centrales nucléaires de la région.
Les plus lus
- Le prix de l'essence atteint un record
- Tempête : trois départements en alerte
Tous droits réservés © 2024"""

GERMAN = """Waffenruhe tritt in Kraft
Die zwischen beiden Seiten vereinbarte Waffenruhe ist in der Nacht zum Dienstag in Kraft getreten, wie die Regierung in einer Mitteilung bestätigte.
Lesen Sie auch: Was die Einigung für die Region bedeutet
Beobachter der Vereinten Nationen sollen die Einhaltung der Vereinbarung überwachen und wöchentlich an den Sicherheitsrat berichten.
Meistgelesene Artikel
- Benzinpreise steigen weiter
- Unwetter im Süden
Artikel teilen
Alle Rechte vorbehalten."""

ITALIAN = """Tregua firmata al confine
I due governi hanno firmato martedì un accordo di tregua che entrerà in vigore a mezzanotte, secondo quanto riferito da fonti ufficiali nella capitale.
Leggi anche: Le tappe del conflitto
L'accordo prevede il ritiro delle truppe a dieci chilometri dalla linea di separazione e lo scambio dei prigionieri entro due settimane.
Articoli correlati
- Migliaia di sfollati tornano a casa
- L'ONU accoglie l'accordo
Riproduzione riservata"""

PORTUGUESE = """Cessar-fogo entra em vigor na fronteira
Os governos dos dois países assinaram na terça-feira um acordo de cessar-fogo que entra em vigor à meia-noite, segundo fontes oficiais da capital.
Leia também: Entenda o conflito na fronteira
O acordo prevê a retirada das tropas para dez quilômetros da linha de separação e a troca de prisioneiros no prazo de duas semanas.
Notícias relacionadas
- Milhares de deslocados voltam para casa
- ONU comemora o acordo
Todos os direitos reservados."""

CASES = {
    "en": (
        ENGLISH,
        [
            "Flood waters recede",
            "Residents of the river town",
            "The county emergency office",
            "What Happens Next",
            "Engineers will inspect",
        ],
    ),
    "es": (SPANISH, ["Acuerdo de alto el fuego en la frontera", "Los gobiernos", "El acuerdo prevé"]),
    "fr": (FRENCH, ["Les négociations reprennent", "Les délégations", "Selon plusieurs diplomates"]),
    "de": (GERMAN, ["Waffenruhe tritt in Kraft", "Die zwischen beiden", "Beobachter der Vereinten"]),
    "it": (ITALIAN, ["Tregua firmata al confine", "I due governi", "L'accordo prevede"]),
    "pt": (PORTUGUESE, ["Cessar-fogo entra em vigor", "Os governos", "O acordo prevê"]),
}


@pytest.mark.parametrize("lang", sorted(CASES))
def test_widgets_removed_body_kept(lang: str) -> None:
    text, kept = CASES[lang]
    article = clean(_doc(text))
    assert isinstance(article, Article)
    kept_lines = article.text.split("\n")
    # Exactly the title, the body paragraphs and the heading survive, in order.
    assert len(kept_lines) == len(kept), article.text
    for line, start in zip(kept_lines, kept, strict=True):
        assert line.startswith(start)
    assert article.language == lang
    assert {r.reason for r in article.removed} <= {
        "widget",
        "link-list",
        "comments",
        "disclaimer",
        "promo",
        "metadata",
    }


def test_english_removed_spans_and_reasons() -> None:
    result = clean_text(ENGLISH)
    assert [(r.reason, r.text) for r in result.removed] == [
        ("metadata", "By Jane Doe\nUpdated 12 March 2024, 10:30 GMT"),
        ("widget", "Share this article"),
        ("widget", "Related"),
        ("link-list", "- Heavy rain forecast for the weekend\n- How to file a flood insurance claim"),
        ("disclaimer", "© 2024 Example News. All rights reserved."),
        ("promo", "Sign up for our newsletter"),
    ]


def test_wrapped_disclaimer_and_promo_trailer() -> None:
    text = (
        "Markets steady after rate decision\n"
        "Stocks ended the day little changed after the central bank left interest rates on hold, "
        "with investors waiting for inflation figures due on Thursday.\n"
        "Bond yields fell slightly while the currency held near a two-month high against the dollar "
        "in late trading, dealers in the capital said.\n"
        "Disclaimer:\n"
        "The information in this article is provided as is without\n"
        "warranty of any kind and does not constitute investment\n"
        "advice.\n"
        "This story is part of our ongoing coverage of the economy. For more updates, stay tuned."
    )
    result = clean_text(text)
    assert result.text.endswith("dealers in the capital said.")
    reasons = [r.reason for r in result.removed]
    assert reasons == ["disclaimer", "promo"]
    assert "warranty of any kind" in result.removed[0].text


def test_cookie_banner_paywall_and_captions() -> None:
    para = (
        "Regulators fined the company on Wednesday for failing to report the outage to customers "
        "within the legal deadline, the agency said in a statement."
    )
    text = "\n".join(
        [
            "We use cookies to improve your experience. By continuing to use this site you agree to our cookie policy.",
            "Accept all cookies",
            "Company fined over outage",
            "Listen to this article 3 min",
            para,
            "Image caption, The company's headquarters in the capital",
            "Story continues below advertisement",
            para.replace("Wednesday", "Thursday"),
            "Subscribe to continue reading. Already a subscriber? Log in.",
        ]
    )
    result = clean_text(text)
    assert result.text.split("\n") == [
        "Company fined over outage",
        para,
        para.replace("Wednesday", "Thursday"),
    ]
    assert {r.reason for r in result.removed} == {"widget", "promo"}


def test_error_page_preamble_removed_in_spanish() -> None:
    text = (
        "Error 404\n"
        "Lo sentimos, la página que buscas no existe.\n"
        "Inundaciones en el sur del país\n"
        "Las lluvias torrenciales de los últimos días provocaron inundaciones en varias localidades "
        "del sur, donde los servicios de emergencia evacuaron a cientos de vecinos durante la noche."
    )
    article = clean(_doc(text))
    assert isinstance(article, Article)
    assert article.text.startswith("Inundaciones en el sur del país\n")
    assert [r.reason for r in article.removed] == ["error-page"]
    assert any("error-page" in p for p in article.problems)


def test_error_page_only_is_rejected() -> None:
    result = clean(_doc("404\nSorry!\nThe page you were looking for doesn't exist.\nGo to homepage"))
    assert isinstance(result, Rejection)
    assert result.reason == "no-content"
    assert "error page" in result.detail


def test_headings_between_paragraphs_kept() -> None:
    para = (
        "The delegations met for two hours in the palace and agreed to meet again next month, officials said."
    )
    text = f"Talks resume\n{para}\nWhy Now?\n{para.replace('two', 'three')}\nThe Players\n{para.replace('two', 'four')}"
    result = clean_text(text)
    assert result.removed == []
    assert result.text == text


def test_heading_after_a_mid_article_widget_kept() -> None:
    para = (
        "The delegations met for two hours in the palace and agreed to meet again next month, "
        "officials from both sides said after the talks."
    )
    text = f"Talks resume\n{para}\nAdvertisement\nWhy Now?\n{para.replace('two', 'three')}\n{para}"
    result = clean_text(text)
    assert result.text == f"Talks resume\n{para}\nWhy Now?\n{para.replace('two', 'three')}"
    assert [r.reason for r in result.removed] == ["widget", "repeated"]


def test_repeated_paragraphs_dropped_once() -> None:
    a = "The first paragraph says that the ministers met on Monday and talked for an hour."
    b = "The second paragraph adds that no agreement was reached on the main questions."
    c = "The third paragraph quotes an official who said more talks would follow soon."
    result = clean_text("\n".join(["Ministers meet", a, b, a, b, c]))
    assert result.text == "\n".join(["Ministers meet", a, b, c])
    assert [r.reason for r in result.removed] == ["repeated"]
    assert result.removed[0].text == f"{a}\n{b}"


def test_metadata_prefix_stripped_and_dated() -> None:
    body = "Ukraine and Russia held a second round of peace talks in Istanbul on Monday, officials said."
    result = clean_text(f" date 2025-06-02 {body}")
    assert result.text == body
    assert result.published == "2025-06-02"
    assert result.removed[0].reason == "metadata"


def test_navigation_menu_tab_widget_and_footer_links() -> None:
    para = (
        "The government confirmed the ceasefire late on Tuesday and said it would hold for as long as "
        "the attacks on border towns stopped."
    )
    later = para.replace("Tuesday", "Monday")
    text = "\n".join(
        [
            "Home",
            "World",
            "Business",
            "Sport",
            "Ceasefire holds on second day",
            "Analysis",
            "Reactions",
            "Timeline",
            "What comes next",
            para,
            later,
            "About us",
            "Contact",
            "Privacy policy",
            "Terms of use",
        ]
    )
    result = clean_text(text)
    assert result.text.split("\n") == ["Ceasefire holds on second day", para, later]
    assert {r.reason for r in result.removed} == {"navigation", "widget"}  # footer links are labels


def test_lists_inside_and_after_the_body_kept() -> None:
    para = (
        "The organisers announced the list of qualified teams on Thursday after the last group games ended."
    )
    text = "\n".join(
        [
            "Teams confirmed for the finals",
            para,
            "Qualified teams:",
            "England",
            "Czech Republic",
            "Switzerland",
            "Denmark",
            para.replace("Thursday", "Friday"),
            "Group winners",
            "England (Group A)",
            "Denmark (Group D)",
            "Spain (Group E)",
        ]
    )
    assert clean_text(text).text == text


def test_cut_off_last_sentence_kept() -> None:
    para = (
        "The river rose more than twenty feet in three hours before dawn, the weather service said on Friday."
    )
    text = f"Floods hit the valley\n{para}\nOfficials said the warning system had failed in several"
    assert clean_text(text).text == text


def test_short_real_article_survives_but_stub_does_not() -> None:
    short = "Quake hits coast\nA magnitude 5.1 earthquake struck off the coast early on Sunday, the geological survey said; no damage was reported."
    article = clean(_doc(short))
    assert isinstance(article, Article) and article.word_count == 22
    stub = clean(_doc("Quake hits coast\nMore soon."))
    assert isinstance(stub, Rejection) and stub.reason == "no-content"
    assert isinstance(clean(_doc(short), Settings(min_words=30)), Rejection)


def test_title_that_reads_like_a_widget_and_quoted_promo_at_the_end() -> None:
    para = (
        "Negotiators from both sides met again on Thursday in the palace and agreed on an "
        "exchange of the bodies of fallen soldiers, officials said."
    )
    last = (
        "“We will stay tuned to every proposal they make,” the foreign minister told reporters "
        "after the meeting, adding that the delegation would return home on Friday."
    )
    text = f"Latest news on the talks\n{para}\n{last}"
    assert clean_text(text).text == text


def test_quoted_phrases_inside_body_not_removed() -> None:
    para = (
        "“We are sorry for the delay, but the page has been turned,” the minister said, adding that "
        "negotiators would stay tuned to every proposal and that all rights reserved by the treaty "
        "would be respected by both governments in the months ahead."
    )
    text = f"Minister apologises for delay\n{para}\nA second paragraph follows with more detail about the talks and the timetable."
    assert clean_text(text).text == text


def test_docstring_examples() -> None:
    import doctest
    import importlib

    for name in ("newsprism.clean.text", "newsprism.clean.normalize"):
        result = doctest.testmod(importlib.import_module(name))
        assert result.attempted > 0 and result.failed == 0
