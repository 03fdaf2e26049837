"""Titles and roles around person names: office, affiliation (country or organisation), qualifier.

Two shapes, read off the tokens (no parse needed):

- a title before the name: "Turkish Foreign Minister Hakan Fidan" -> role "Foreign
  Minister", affiliation "Turkey"; "ex-culture minister Vladimir Medinsky" -> role
  "culture minister", qualifier "former"; "Kremlin spokesperson Dmitry Peskov" -> role
  "Kremlin spokesperson", affiliation "Russia" (an institution stands for its country);
- an appositive after it: "Rustem Umerov, Ukraine's defence minister," -> role "defence
  minister", affiliation "Ukraine".

A title must end in an office word (`HEADS`) right before the name; words before it are
taken while they are office modifiers, countries, nationalities, institutions or other
capitalised words (never a sentence-initial capitalised word outside those). When the
recogniser missed the name after a title, the capitalised words there become a PERSON
mention, so the rules also work on a Doc without an entity recogniser.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from newsprism.nlp.document import Mention
from newsprism.nlp.news.gazetteer import Gazetteer

__all__ = ["HEADS", "MODIFIERS", "NOT_NAME", "attach_roles"]

HEADS = frozenset(
    """minister president premier chancellor spokesman spokeswoman spokesperson aide adviser advisor envoy
    ambassador secretary chief head leader general judge director governor mayor senator congressman
    congresswoman representative commander negotiator official king queen prince princess ceo chairman
    chairwoman chair founder lawmaker mp diplomat attorney prosecutor sheriff coordinator correspondent
    editor professor pope archbishop cardinal speaker lieutenant colonel major captain admiral marshal
    superintendent commissioner inspector administrator counsel strategist economist analyst officer
    executive manager president-elect emir sultan sheikh ayatollah deputy gen. sen. rep. gov. lt. col.
    capt. adm. supt.""".split()
)
MODIFIERS = frozenset(
    """foreign defence defense interior finance justice culture health economy economic trade energy prime
    deputy vice acting former ex then interim outgoing incoming senior top chief lead presidential national
    security military intelligence state district county federal supreme regional local armed forces staff
    affairs press executive ministry department office general attorney legislative communications
    emergency management public relations principal assistant special permanent high defense-ministry
    foreign-ministry parliamentary opposition party army navy air force police fire services policy
    education environment agriculture labour labor transport veterans homeland treasury cabinet
    government kremlin presidency white house council committee commission agency union chief's
    republican democratic conservative labour-party first second""".split()
)
QUALIFIERS = {"former": "former", "ex": "former", "then": "former", "acting": "acting", "interim": "acting",
              "outgoing": "outgoing", "incoming": "incoming", "deputy": "deputy", "vice": "deputy"}
_DROP_FROM_ROLE = frozenset({"former", "ex", "then", "acting", "interim", "outgoing", "incoming"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_CONNECTORS = frozenset({"of", "the", "for", "-"})
_NAME_WORD = re.compile(r"^[A-ZÀ-Þ][\w'’.-]*$")
NOT_NAME = frozenset(
    "The A An And But Or Of In On At To For With By From As He She It They We I This That Mr Mrs Ms Mr. Mrs. "
    "Ms. Dr Dr. Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
    "June July August September October November December Today Yesterday Tomorrow".split()
)
_WH = frozenset({"who", "which", "whose", "whom", "that", "where", "when", "while", "said", "says"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their"})


def attach_roles(doc: Doc, mentions: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """Sets role/affiliation/qualifier on PERSON mentions; adds PERSONs found after a title.

    Returns the mention list (sorted by start), which may have grown.
    """
    by_start = {m.start: m for m in mentions}
    covered = [(m.start, m.end) for m in mentions]
    # titles before names, including names the recogniser missed
    for tok in doc:
        if tok.lower_ not in HEADS or not _title_case_ok(tok):
            continue
        nxt = _after_office(doc, tok.i, by_start)
        if nxt >= len(doc):
            continue
        for k in range(tok.i + 1, nxt):  # an office modifier the recogniser took for a name is part of the title
            inner = by_start.get(doc[k].idx)
            if inner is not None and inner.label != "PERSON" and all(w.lower() in MODIFIERS for w in inner.text.split()):
                mentions.remove(inner)
                del by_start[inner.start]
                covered.remove((inner.start, inner.end))
        mention = by_start.get(doc[nxt].idx)
        if mention is None:
            if any(s <= doc[nxt].idx < e for s, e in covered):
                continue
            mention = _name_after(doc, nxt, gaz)
            if mention is None:
                continue
            mentions.append(mention)
            by_start[mention.start] = mention
            covered.append((mention.start, mention.end))
        if mention.label != "PERSON" or mention.role is not None:
            continue
        _set_role(mention, doc, _title_start(doc, tok.i, gaz), nxt, gaz)
    # appositives after names
    ending_at: dict[int, int] | None = None
    for mention in mentions:
        if mention.label != "PERSON" or mention.role is not None:
            continue
        if ending_at is None:
            ending_at = {}
            for tok in doc:
                ending_at.setdefault(tok.idx + len(tok), tok.i)
        end_i = ending_at.get(mention.end)
        if end_i is None:
            continue
        span = _appositive(doc, end_i + 1)
        if span is not None:
            _set_role(mention, doc, *span, gaz)
    mentions.sort(key=lambda m: m.start)
    return mentions


def _after_office(doc: Doc, head: int, by_start: dict[int, Mention]) -> int:
    """Where the name starts after an office word: "Minister of Defense Rustem Umerov" -> "Rustem"."""
    i = head + 1
    if i >= len(doc) or doc[i].lower_ != "of":
        return i
    j = i + 1
    if j < len(doc) and doc[j].lower_ == "the":
        j += 1
    first = j
    while (j < len(doc) and j - first < 3 and doc[j].text[:1].isupper()
           and (doc[j].idx not in by_start or doc[j].lower_ in MODIFIERS)):  # "of [Defense]ORG" is the title's
        if j > first and doc[j].lower_ not in MODIFIERS:
            break
        j += 1
    return j if j > first else head + 1


def _title_case_ok(tok: Token) -> bool:
    """An office word, lower-case or capitalised, not all-caps shouting or part of a longer word."""
    return tok.text[:1].isalpha() and not (tok.text.isupper() and len(tok.text) > 3)


def _allowed_in_title(tok: Token, gaz: Gazetteer) -> bool:
    low = tok.lower_
    if low in HEADS or low in MODIFIERS or low in _POSSESSIVE or low in _CONNECTORS:
        return True
    if gaz.country_of(tok.text) is not None:
        return True
    if tok.text[:1].isupper() and tok.text not in NOT_NAME:
        return not tok.is_sent_start or tok.text in gaz.institutions
    return False


def _title_start(doc: Doc, head: int, gaz: Gazetteer) -> int:
    i = head
    while i > 0:  # a line break is a space token, so the walk stops there
        prev = doc[i - 1]
        if prev.is_space or not _allowed_in_title(prev, gaz):
            break
        # multi-word countries: "United States" -> allow, checked as a whole below
        i -= 1
    while i < head and (doc[i].lower_ in _CONNECTORS or doc[i].lower_ in _POSSESSIVE):
        i += 1
    return i


def _name_after(doc: Doc, i: int, gaz: Gazetteer) -> Mention | None:
    """Capitalised words right after a title (up to four), when the recogniser gave none."""
    j = i
    while j < len(doc) and j - i < 4 and _NAME_WORD.match(doc[j].text) and doc[j].text not in NOT_NAME:
        word = doc[j].text
        if gaz.country_of(word) is not None or doc[j].lower_ in HEADS or doc[j].lower_ in MODIFIERS or (
            gaz.place_label(word) is not None and word not in gaz.cities
        ):
            break
        j += 1
    if j == i or (j == i + 1 and doc[i].text in gaz.cities):  # "to head Kyiv's delegation"
        return None
    span = doc[i:j]
    return Mention(text=span.text, label="PERSON", start=span.start_char, end=span.end_char)


def _appositive(doc: Doc, i: int) -> tuple[int, int] | None:
    """Token range of ", [the] <role phrase>," after a name, or None."""
    if i >= len(doc) or doc[i].text != ",":
        return None
    j = i + 1
    if j < len(doc) and doc[j].lower_ in _WH:
        return None
    start = j
    k = j
    head_seen = False
    while k < len(doc) and k - start < 12:
        tok = doc[k]
        if tok.text in {",", ".", ";", ")", ":", "—", "–"} or "\n" in tok.text or tok.text in {"“", "\"", "”"}:
            break
        if tok.lower_ in HEADS and k - start < 6:
            head_seen = True
        if tok.pos_ in ("VERB", "AUX") or tok.lower_ in _WH:
            return None
        k += 1
    if not head_seen or k == start:
        return None
    while start < k and doc[start].lower_ in _DETERMINERS:
        start += 1
    return start, k


def _set_role(mention: Mention, doc: Doc, start: int, end: int, gaz: Gazetteer) -> None:
    """Splits tokens [start, end) into qualifier, affiliation and office and sets them on the mention."""
    if start >= end:
        return
    toks = list(doc[start:end])
    qualifier = None
    affiliation = None
    keep: list[Token] = []
    k = 0
    while k < len(toks):
        tok = toks[k]
        low = tok.lower_
        if low in QUALIFIERS and qualifier is None or low in QUALIFIERS and QUALIFIERS[low] == "former":
            if qualifier != "former":
                qualifier = QUALIFIERS[low]
        if low in _DROP_FROM_ROLE:
            if k + 1 < len(toks) and toks[k + 1].text == "-":
                k += 1
            k += 1
            continue
        country, width = _country_at(toks, k, gaz)
        if country is not None:
            institution = " ".join(t.text for t in toks[k: k + width]) in gaz.institutions
            if affiliation is None:
                affiliation = country
            if institution:
                keep.extend(toks[k: k + width])
            k += width
            if k < len(toks) and toks[k].text in _POSSESSIVE:
                k += 1
            continue
        keep.append(tok)
        k += 1
    while keep and (keep[0].lower_ in _CONNECTORS or keep[0].lower_ in _DETERMINERS):
        keep.pop(0)
    while keep and keep[-1].lower_ in _CONNECTORS:
        keep.pop()
    if not keep:
        return
    role = doc[keep[0].i: keep[-1].i + 1].text
    role = re.sub(r"\s+", " ", role).strip(" ,")
    if affiliation is None:
        affiliation = _organisation_in(doc, keep, gaz)
    mention.role = role
    mention.affiliation = affiliation
    mention.qualifier = qualifier


def _country_at(toks: list[Token], k: int, gaz: Gazetteer) -> tuple[str | None, int]:
    """The country named by the tokens starting at k (longest first) and how many tokens it spans."""
    for width in range(min(4, len(toks) - k), 0, -1):
        words = toks[k: k + width]
        if not words[0].text[:1].isupper():
            continue
        text = " ".join(t.text for t in words)
        if width > 1 and any(t.text in _POSSESSIVE for t in words):
            continue
        country = gaz.country_of(text)
        if country is not None:
            return country, width
    return None, 1


def _organisation_in(doc: Doc, keep: list[Token], gaz: Gazetteer) -> str | None:
    """An organisation named inside the role phrase ("NATO Secretary General"), from the entities."""
    lo, hi = keep[0].idx, keep[-1].idx + len(keep[-1])
    for ent in doc.ents:
        if ent.label_ == "ORG" and lo <= ent.start_char and ent.end_char <= hi:
            return ent.text
    return None
