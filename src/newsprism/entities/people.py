"""Person mentions into people: within one document, then across the documents of a story.

Within a document, mentions are read in order: a full name joins the earlier cluster it
matches (`names.compare` level `same`; a `weak` match only when it is the one earlier
candidate with that surname), a one-word mention ("Zelensky", "Kim") joins the most
recently mentioned person it can name, else it starts a surname-only cluster.

Across documents, clusters with full names merge when some pair of their names is
`same` and no pair is `none`, and never when the two clusters hold a document's two
different people (a document that kept two Bushes apart keeps them apart story-wide).
Surname-only clusters then join the one story person they can name; with two
candidates (Joe and Hunter Biden) they join the one whose office they share, or stay
apart.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from newsprism.disjoint import DisjointSets
from newsprism.entities.names import PersonName, compare, is_initial, parse_person, surname_keys
from newsprism.entities.roles import office
from newsprism.entities.translit import word_keys
from newsprism.nlp.document import Mention

__all__ = ["Person", "cluster_document", "merge_story"]


@dataclass(slots=True)
class Person:
    """Mentions believed to be one person; `names` holds the parsed multi-word names."""

    mentions: list[tuple[str, Mention]] = field(default_factory=list)  # (article id, mention)
    names: list[PersonName] = field(default_factory=list)
    single_keys: set[str] = field(default_factory=set)  # keys of one-word mentions
    articles: set[str] = field(default_factory=set)
    last: int = -1  # offset of the latest mention (within a document)
    titles: list[tuple[str, Mention]] = field(default_factory=list)  # "the U.S. president" (not a name)

    def add(self, article: str, mention: Mention, name: PersonName) -> None:
        self.mentions.append((article, mention))
        self.articles.add(article)
        self.last = mention.start
        if name.single:
            self.single_keys |= word_keys(name.surname)
        elif name not in self.names:
            self.names.append(name)

    def offices(self) -> set[tuple[str, str | None]]:
        return {(office(m.role), m.affiliation) for _, m in self.mentions if m.role}

    def name_keys(self) -> set[str]:
        """Keys a one-word mention can match: surnames, and the first word of 3+ word names (Kim Jong Un)."""
        keys = set(self.single_keys)
        for n in self.names:
            keys |= surname_keys(n)
            if len(n.words) >= 3:
                keys |= word_keys(n.words[0])
        return keys


def cluster_document(article: str, mentions: list[Mention]) -> list[Person]:
    """The people of one document, from its PERSON mentions in text order."""
    people: list[Person] = []
    for mention in sorted((m for m in mentions if m.label == "PERSON"), key=lambda m: m.start):
        name = parse_person(mention.text)
        if not name.surname.strip():
            continue
        target = _one_word_target(people, name) if name.single else _full_name_target(people, name)
        if target is None:
            target = Person()
            people.append(target)
        target.add(article, mention, name)
    return people


def _full_name_target(people: list[Person], name: PersonName) -> Person | None:
    same, weak = [], []
    for person in people:
        levels = {compare(name, n).level for n in person.names}
        if "same" in levels and "none" not in levels:
            same.append(person)
        elif levels == {"weak"} and not _initials(name, *person.names):
            weak.append(person)  # an initial dropped within one text is another person: George (W.) Bush
    if same:
        return max(same, key=lambda p: p.last)
    keys = surname_keys(name)
    named = [p for p in people if p.names and any(surname_keys(n) & keys for n in p.names)]
    if len(weak) == 1 and named == weak:
        return weak[0]  # "Recep Tayyip Erdoğan ... Tayyip Erdoğan"
    bare = [p for p in people if not p.names and p.single_keys & keys]
    if not named and len(bare) == 1:
        return bare[0]  # "Zelensky ... Volodymyr Zelensky"
    return None


def _initials(*names: PersonName) -> bool:
    return any(is_initial(w) for n in names for w in n.given)


def _one_word_target(people: list[Person], name: PersonName) -> Person | None:
    keys = word_keys(name.surname)
    candidates = [p for p in people if p.name_keys() & keys]
    return max(candidates, key=lambda p: p.last) if candidates else None


def merge_story(doc_people: list[list[Person]]) -> list[Person]:
    """The people of a story from the people of each of its documents (see the module docstring)."""
    clusters = [p for people in doc_people for p in people]
    sets = DisjointSets(len(clusters))
    find = sets.find
    members: dict[int, list[int]] = {i: [i] for i in range(len(clusters))}

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri == rj:
            return
        sets.link(ri, rj)
        members[ri].extend(members.pop(rj))

    def compatible(ri: int, rj: int, need_same: bool) -> bool:
        a, b = members[ri], members[rj]
        if {next(iter(clusters[i].articles)) for i in a} & {next(iter(clusters[j].articles)) for j in b}:
            return False  # a document kept these apart
        levels = {compare(x, y).level for i in a for j in b for x in clusters[i].names for y in clusters[j].names}
        return "none" not in levels and (not need_same or "same" in levels)

    by_surname: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(clusters):
        for key in {k for n in c.names for k in surname_keys(n)}:
            by_surname[key].append(i)
    for idx in by_surname.values():
        for x, i in enumerate(idx):
            for j in idx[x + 1:]:
                ri, rj = find(i), find(j)
                if ri != rj and compatible(ri, rj, need_same=True):
                    union(ri, rj)

    # surname-only clusters: to the one named person they can be, else among themselves
    for i, c in enumerate(clusters):
        if c.names:
            continue
        roots = {find(j) for key in c.single_keys for j in by_surname.get(key, [])}
        roots |= {find(j) for j, d in enumerate(clusters)
                  if d.names and any(len(n.words) >= 3 for n in d.names) and d.name_keys() & c.single_keys}
        roots = {r for r in roots if compatible(r, find(i), need_same=False)}
        if len(roots) > 1:
            mine = c.offices()
            roots = {r for r in roots if mine & {o for m in members[r] for o in clusters[m].offices()}}
        if len(roots) == 1:
            union(roots.pop(), i)
    bare: dict[frozenset[str], int] = {}
    for i, c in enumerate(clusters):
        if find(i) == i and not any(clusters[m].names for m in members[i]):
            key = frozenset(c.single_keys)
            if key in bare and compatible(find(bare[key]), i, need_same=False):
                union(find(bare[key]), i)
            else:
                bare.setdefault(key, i)

    out = []
    for root in sorted(members):
        person = Person()
        for i in members[root]:
            c = clusters[i]
            person.mentions.extend(c.mentions)
            person.titles.extend(c.titles)
            person.articles |= c.articles
            person.single_keys |= c.single_keys
            person.names.extend(n for n in c.names if n not in person.names)
        out.append(person)
    return out
