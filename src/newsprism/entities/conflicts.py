"""Role and name conflicts among a story's entities -> contradictions of kind `role` and `name`.

- `role`: an exclusive office (`roles.EXCLUSIVE`: president, foreign minister, ...) of one
  country given to two people ("Ukrainian President" for Zelenskyy and for Trump), or
  one person given the same exclusive office of two countries (Trump as "Ukrainian
  President" and "U.S. President").
- `role` too: one person called an office's holder in some articles and its former holder
  in others.
- `name`: a person named with a given name that is not a variant of the canonical one,
  or with the Russian form of a Ukrainian's given name ("Vladimir Zelensky"); and two
  people the resolver kept apart who are one person written two ways: named in disjoint
  sets of articles, sharing one name word, the other word differing beyond a known
  variant, and either holding the same office ("Interior Minister Lauren Nunez" /
  "interior minister Laurent Nuñez", "Takahiro Mori" / "Takashi Mori", vice chairmen) or
  spelt nearly alike ("Maly Socheata" / "Maly Scheata").
- `name` too: two organisations named alike but for the noun of their kind, each in its own
  articles ("National Weather Service" / "National Weather Agency").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from difflib import SequenceMatcher

from newsprism.entities.context import SentenceIndex
from newsprism.entities.names import given_names, is_initial, parse_person
from newsprism.entities.places import load_places
from newsprism.entities.records import Contradiction, Entity, Role, Statement
from newsprism.entities.roles import exclusive
from newsprism.entities.translit import word_keys

__all__ = ["find_conflicts"]

MAX_STATEMENTS_PER_SIDE = 2


def find_conflicts(entities: list[Entity], sentences: Mapping[str, SentenceIndex]) -> list[Contradiction]:
    people = [e for e in entities if e.type == "PERSON"]
    bodies = [e for e in entities if e.type == "ORG"]
    return (_office_conflicts(people) + [c for e in people for c in _former_conflicts(e)]
            + [c for e in people for c in _name_conflicts(e, sentences)] + _spelling_conflicts(people, sentences)
            + _body_name_conflicts(bodies, sentences))


def _former_conflicts(e: Entity) -> list[Contradiction]:
    """One person called the holder of an exclusive office in some articles and its former
    holder in others ("former U.S. President Donald Trump" / "US President Donald Trump").
    An article that says "former" once is on that side, whatever else it says."""
    out = []
    offices = {(r.office, r.affiliation) for r in e.roles if r.qualifier == "former" and exclusive(r.office, None)}
    for office_name, affiliation in sorted(offices, key=str):
        same = [r for r in e.roles if r.office == office_name
                and (r.affiliation is None or affiliation is None or r.affiliation == affiliation)]
        former, current = [r for r in same if r.qualifier == "former"], [r for r in same if r.qualifier is None]
        fa = {a for r in former for a in r.articles}
        ca = {a for r in current for a in r.articles} - fa
        if not fa or not ca:
            continue
        statements = [s for r in former for s in r.statements[:MAX_STATEMENTS_PER_SIDE]] + [
            s for r in current for s in r.statements if s.article in ca][:MAX_STATEMENTS_PER_SIDE]
        where = f" of {affiliation}" if affiliation else ""
        out.append(Contradiction(
            "role", f"{e.name} is called former {office_name}{where} ({', '.join(sorted(fa))}) and "
                    f"{office_name}{where} ({', '.join(sorted(ca))})", _unique(statements), [e.id]))
    return out


SPELLING_MIN = 0.75  # difflib ratio of the differing name word: "Socheata"/"Scheata" 0.93, "Simone"/"Filippo" 0.15
_OFFICE_STOP = frozenset("of the for and a an to in on at 's s".split())


def _office_words(e: Entity) -> set[str]:
    return {w for r in e.roles for w in r.office.lower().replace("'", " ").split() if w not in _OFFICE_STOP}


_POSSESSIVE = re.compile(r"['’‘`]s?$")


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _spelling_conflicts(people: list[Entity], sentences: Mapping[str, SentenceIndex]) -> list[Contradiction]:
    out = []
    for i, a in enumerate(people):
        na = parse_person(a.name)
        for b in people[i + 1:]:
            nb = parse_person(b.name)
            words_a, words_b = [*na.given, na.surname], [*nb.given, nb.surname]
            if len(words_a) != 2 or len(words_b) != 2 or {x for ar in a.variants.values() for x in ar} & {
                    x for ar in b.variants.values() for x in ar}:
                continue
            same = [k for k in range(2) if word_keys(words_a[k]) & word_keys(words_b[k])]
            if len(same) != 1:
                continue
            k = 1 - same[0]
            x, y = words_a[k], words_b[k]
            if is_initial(x) or is_initial(y) or given_names().same_name(x, y):
                continue
            x, y = _POSSESSIVE.sub("", x), _POSSESSIVE.sub("", y)
            if word_keys(x) & word_keys(y):
                continue
            shared_office = _office_words(a) & _office_words(b)
            # a letter dropped or added ("Socheata"/"Scheata") is a slip; letters exchanged
            # ("Araghchi"/"Araqchi") are usually two transliterations, both in use
            alike = SequenceMatcher(None, x.lower(), y.lower()).ratio() >= SPELLING_MIN and (
                _subsequence(x.lower(), y.lower()) or _subsequence(y.lower(), x.lower()))
            if not (shared_office or alike):
                continue
            statements = [Statement(m.article, sentences[m.article].sentence(m.start))
                          for e in (a, b) for m in _first_per_article(e.mentions)[:MAX_STATEMENTS_PER_SIDE]
                          if m.article in sentences]
            if len(statements) < 2:
                continue
            why = f"both {' '.join(sorted(shared_office))}" if shared_office else "spelt nearly alike"
            arts_a = ", ".join(sorted({x for ar in a.variants.values() for x in ar}))
            arts_b = ", ".join(sorted({x for ar in b.variants.values() for x in ar}))
            out.append(Contradiction(
                "name", f"{a.name} ({arts_a}) and {b.name} ({arts_b}) look like one person whose name is "
                        f"written two ways ({why}): {x!r} against {y!r}", _unique(statements), [a.id, b.id]))
    return out


# The nouns that say what kind of body an organisation is. One body is not an "Agency" in one
# report and an "Authority" in another: the rest of its name alike, one of the two is wrong.
BODY_NOUNS = frozenset("""agency authority ministry department office commission council service bureau administration
institute committee board directorate organisation organization corporation association federation union court
tribunal command centre center foundation fund bank party league alliance coalition front movement""".split())
_NAME_STOP = frozenset("of the for and on in at de".split())


def _body_name_conflicts(bodies: list[Entity], sentences: Mapping[str, SentenceIndex]) -> list[Contradiction]:
    """Two organisations the resolver kept apart whose names differ in one word only, a noun of
    the body's kind ("National Weather Service" / "National Weather Agency"), each named in its
    own articles, with at least two name words besides it in common."""
    out = []
    for i, a in enumerate(bodies):
        arts_a = {x for ar in a.variants.values() for x in ar}
        for b in bodies[i + 1:]:
            arts_b = {x for ar in b.variants.values() for x in ar}
            wa, wb = a.name.split(), b.name.split()
            if arts_a & arts_b or len(wa) != len(wb):
                continue
            diff = [(x, y) for x, y in zip(wa, wb, strict=True) if x.lower() != y.lower()]
            shared = [x for x, y in zip(wa, wb, strict=True) if x.lower() == y.lower() and x.lower() not in _NAME_STOP]
            if len(diff) != 1 or len(shared) < 2 or not {diff[0][0].lower(), diff[0][1].lower()} <= BODY_NOUNS:
                continue
            statements = [Statement(m.article, sentences[m.article].sentence(m.start))
                          for e in (a, b) for m in _first_per_article(e.mentions)[:MAX_STATEMENTS_PER_SIDE]]
            x, y = diff[0]
            out.append(Contradiction(
                "name", f"{a.name} ({', '.join(sorted(arts_a))}) and {b.name} ({', '.join(sorted(arts_b))}) look like "
                        f"one organisation named two ways: {x!r} against {y!r}", _unique(statements), [a.id, b.id]))
    return out


def _office_conflicts(people: list[Entity]) -> list[Contradiction]:
    holders: dict[tuple[str, str], list[tuple[Entity, Role]]] = defaultdict(list)
    for e in people:
        for r in e.roles:
            if r.affiliation and exclusive(r.office, r.qualifier):
                holders[(r.office, r.affiliation)].append((e, r))
    out: list[Contradiction] = []
    reported: set[tuple[str, str]] = set()  # (entity id, office) already explained
    for (office_name, affiliation), held in sorted(holders.items()):
        if len({e.id for e, _ in held}) < 2:
            continue
        statements: list[Statement] = []
        parts, elsewhere = [], []
        for e, r in held:
            statements += r.statements[:MAX_STATEMENTS_PER_SIDE]
            parts.append(f"{e.name} ({', '.join(r.articles)})")
            for other in _same_office_elsewhere(e, office_name, affiliation):
                statements += other.statements[:MAX_STATEMENTS_PER_SIDE]
                elsewhere.append(f"{e.name} is {office_name} of {other.affiliation} in "
                                 f"{', '.join(other.articles)}")
            reported.add((e.id, office_name))
        explanation = f"{office_name} of {affiliation} is given to {len(parts)} people: {' and '.join(parts)}"
        if elsewhere:
            explanation += "; " + "; ".join(elsewhere)
        out.append(Contradiction("role", explanation, _unique(statements), sorted({e.id for e, _ in held})))
    places = load_places()
    for e in people:  # one person, one exclusive office, two countries
        by_office: dict[str, list[Role]] = defaultdict(list)
        for r in e.roles:
            # only a place can make one office two offices ("of Defense" vs "of Defence" is a
            # department spelled two ways, not two countries)
            if r.affiliation and exclusive(r.office, r.qualifier) and places.lookup(r.affiliation):
                by_office[r.office].append(r)
        for office_name, roles in sorted(by_office.items()):
            if len({r.affiliation for r in roles}) < 2 or (e.id, office_name) in reported:
                continue
            statements = [s for r in roles for s in r.statements[:MAX_STATEMENTS_PER_SIDE]]
            sides = " and ".join(f"of {r.affiliation} ({', '.join(r.articles)})" for r in roles)
            out.append(Contradiction("role", f"{e.name} is called {office_name} {sides}", _unique(statements),
                                     [e.id]))
    return out


def _same_office_elsewhere(e: Entity, office_name: str, affiliation: str) -> list[Role]:
    return [r for r in e.roles if r.office == office_name and r.affiliation not in (None, affiliation)
            and exclusive(r.office, r.qualifier)]


def _name_conflicts(e: Entity, sentences: Mapping[str, SentenceIndex]) -> list[Contradiction]:
    canonical = parse_person(e.name)
    if not canonical.given:
        return []
    table = given_names()
    first = canonical.given[0]
    ukrainian = e.affiliation == "Ukraine" or any(r.affiliation == "Ukraine" for r in e.roles) or \
        table.language(first) == "uk"
    odd: dict[str, str] = {}  # variant -> why
    for variant in e.variants:
        name = parse_person(variant)
        if not name.given or is_initial(name.given[0]):
            continue
        given = name.given[0]
        if word_keys(given) & word_keys(first):
            continue
        if table.same_name(given, first):
            if ukrainian and table.language(given) == "ru":
                odd[variant] = f"the Russian form {given!r} of the Ukrainian given name {first!r}"
        elif not any(word_keys(given) & word_keys(w) for w in canonical.given):
            odd[variant] = f"the given name {given!r}, not a known variant of {first!r}"
    if not odd:
        return []
    proper = [m for m in e.mentions if m.text not in odd and parse_person(m.text).given
              and word_keys(parse_person(m.text).given[0]) & word_keys(first)]
    out = []
    for variant, why in odd.items():
        wrong = [m for m in e.mentions if parse_person(m.text).text == variant]
        arts = sorted(e.variants[variant])
        statements = [Statement(m.article, sentences[m.article].sentence(m.start))
                      for m in _first_per_article(wrong)][:MAX_STATEMENTS_PER_SIDE]
        statements += [Statement(m.article, sentences[m.article].sentence(m.start))
                       for m in _first_per_article([m for m in proper if m.article not in arts])
                       ][:MAX_STATEMENTS_PER_SIDE]
        if len(statements) < 2:
            continue
        out.append(Contradiction(
            "name", f"{', '.join(arts)} call {e.name} {variant!r}: {why}", _unique(statements), [e.id]))
    return out


def _first_per_article(mentions: list) -> list:
    seen, out = set(), []
    for m in mentions:
        if m.article not in seen:
            seen.add(m.article)
            out.append(m)
    return out


def _unique(statements: list[Statement]) -> list[Statement]:
    out: list[Statement] = []
    for s in statements:
        if s not in out:
            out.append(s)
    return out
