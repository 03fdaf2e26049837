"""Entry of the entities stage: the annotated documents of one story -> an `EntityRoster`.

    >>> roster = resolve_entities(docs)          # docs: AnnotatedDocument of one story
    >>> [(e.name, sorted(e.variants)) for e in roster.entities if e.type == "PERSON"][:1]
    [('Volodymyr Zelenskyy', ['Vladimir Zelensky', 'Volodymyr Zelenskyy', 'Zelensky', 'Zelenskyy'])]

People are resolved by `people` (names through `names`/`translit`); places,
organisations and nationalities by their alias key (`places`: Kiev = Kyiv, Türkiye =
Turkey, Ukrainians -> Ukraine) or, for names the alias data does not know, by their
spelling with diacritics folded. Roles come from the NLP stage's `Mention.role`,
`affiliation` and `qualifier`; conflicts between them are `conflicts.find_conflicts`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from newsprism.entities.conflicts import find_conflicts
from newsprism.entities.context import SentenceIndex, SentenceIndexes, acts_as_government
from newsprism.entities.names import PersonName, given_names, parse_person
from newsprism.entities.people import Person, cluster_document, merge_story
from newsprism.entities.places import Places, load_places, strip_article
from newsprism.entities.records import Entity, EntityMention, EntityRoster, Role, Statement
from newsprism.entities.roles import office
from newsprism.entities.titles import title_mentions
from newsprism.entities.translit import fold, word_keys
from newsprism.models import Article
from newsprism.nlp.document import AnnotatedDocument, Mention

__all__ = ["resolve_entities"]

_SLUG = re.compile(r"[^a-z0-9]+")
_CAPITALISED = re.compile(r"(?<![\w-])[A-ZÀ-Þ][\w-]*[a-zà-ÿ](?![\w-])")  # "Putin’s" -> "Putin"


def resolve_entities(
    docs: Sequence[AnnotatedDocument], articles: Sequence[Article] | Mapping[str, Article] | None = None,
) -> EntityRoster:
    """Canonical entities, role/name contradictions and per-article variant choices for one story.

    `articles` (optional) only adds each article's outlet to the notes; every offset
    indexes `doc.text`, which is the article's clean text.
    """
    places = load_places()
    sentences = SentenceIndexes(list(docs))
    texts = {doc.id: doc.text for doc in docs}
    doc_people = []
    for doc in docs:
        people_here = cluster_document(doc.id, doc.mentions)
        for person, mention in title_mentions(doc, people_here, places):
            person.titles.append((doc.id, mention))
        doc_people.append(people_here)
    people = merge_story(doc_people)
    _complete_mentions(docs, people)
    entities = [_person_entity(p, sentences) for p in people]
    entities += _fold_into_people(entities, _named_entities(docs, places, texts), places)
    _assign_ids(entities)
    contradictions = find_conflicts(entities, sentences)
    sources: dict[str, dict[str, list[str]]] = {doc.id: {} for doc in docs}
    for e in entities:
        for variant, arts in e.variants.items():
            for a in arts:
                sources.setdefault(a, {}).setdefault(e.id, []).append(variant)
    return EntityRoster(entities=entities, contradictions=contradictions, sources=sources)


# -- people ----------------------------------------------------------------------------

def _complete_mentions(docs: Sequence[AnnotatedDocument], people: list[Person]) -> None:
    """Adds the names the recogniser missed: every further capitalised word, in any document of the
    story, whose spelling key is the surname of exactly one resolved person ("Zelensky", "Medinski"),
    with the given name before it when that is one of the person's given names."""
    owners: dict[str, set[int]] = defaultdict(set)
    given: dict[int, set[str]] = defaultdict(set)
    for i, person in enumerate(people):
        for _, m in person.mentions:
            name = parse_person(m.text)
            for key in word_keys(name.surname):
                owners[key].add(i)
            given[i] |= {k for w in name.given for k in word_keys(w)}
    table = given_names()
    for doc in docs:
        taken = [(m.start, m.end) for m in doc.mentions]
        previous: re.Match[str] | None = None
        for match in _CAPITALISED.finditer(doc.text):
            prev, previous = previous, match
            s, e = match.span()
            found = {i for k in word_keys(match.group()) for i in owners.get(k, ())}
            if len(found) != 1 or any(a < e and s < b for a, b in taken):
                continue
            i = found.pop()
            if prev is not None and doc.text[prev.end(): s] == " " and not any(
                    a < prev.end() and prev.start() < b for a, b in taken) and (
                    word_keys(prev.group()) & given[i] or any(table.same_name(prev.group(), g) for g in given[i])):
                s = prev.start()
            people[i].mentions.append((doc.id, Mention(doc.text[s:e], "PERSON", s, e)))
            taken.append((s, e))


def _person_entity(person: Person, sentences: Mapping[str, SentenceIndex]) -> Entity:
    mentions = sorted(person.mentions, key=lambda am: (am[0], am[1].start))
    roles = _roles(mentions, sentences)
    current = Counter(r.affiliation for r in roles if r.affiliation and r.qualifier != "former")
    affiliation = current.most_common(1)[0][0] if current else None
    titles = [_mention(a, m, title=True) for a, m in person.titles]
    entity = Entity(id="", name="", type="PERSON", roles=roles, affiliation=affiliation,
                    variants=_variants(mentions), mentions=[_mention(a, m) for a, m in mentions] + titles)
    entity.name = _person_name(person, entity)
    return entity


def _person_name(person: Person, entity: Entity) -> str:
    """The most complete form, then the most frequent; for a Ukrainian, the Ukrainian given name."""
    freq = {v: len(a) for v, a in entity.variants.items()}
    table = given_names()
    ukrainian = entity.affiliation == "Ukraine" or any(
        table.language(w) == "uk" for n in person.names for w in n.given)
    if not person.names:
        return max(freq, key=lambda v: (freq[v], v)) if freq else ""

    def score(n: PersonName) -> tuple[int, int, int, str]:
        uk = sum(table.language(w) != "ru" for w in n.given) if ukrainian else 0
        count = sum(c for v, c in freq.items() if parse_person(v) == n)
        return (uk, len(n.words), count, n.text)

    best = max(person.names, key=score)
    if ukrainian and best.given and table.language(best.given[0]) is not None:
        first = table.ukrainian_form(best.given[0]) or best.given[0]
        return " ".join((first, *best.given[1:], best.surname))
    return best.text


def _roles(mentions: list[tuple[str, Mention]], sentences: Mapping[str, SentenceIndex]) -> list[Role]:
    by_key: dict[tuple[str, str | None, str | None], Role] = {}
    for article, m in mentions:
        if not m.role:
            continue
        key = (office(m.role), m.affiliation, m.qualifier)
        role = by_key.get(key)
        if role is None:
            role = by_key[key] = Role(office=key[0], written=[], affiliation=m.affiliation, qualifier=m.qualifier)
        if m.role not in role.written:
            role.written.append(m.role)
        statement = Statement(article, sentences[article].sentence(m.start))
        if statement not in role.statements:
            role.statements.append(statement)
    return list(by_key.values())


def _variants(mentions: list[tuple[str, Mention]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for article, m in mentions:
        text = strip_article(m.text) if m.label != "PERSON" else parse_person(m.text).text
        if article not in out[text]:
            out[text].append(article)
    return dict(out)


def _mention(article: str, m: Mention, metonym: bool = False, title: bool = False) -> EntityMention:
    return EntityMention(article=article, text=m.text, start=m.start, end=m.end, label=m.label, metonym=metonym,
                         title=title)


# -- places, organisations, nationalities ----------------------------------------------

def _named_entities(docs: Sequence[AnnotatedDocument], places: Places, texts: Mapping[str, str]) -> list[Entity]:
    groups: dict[tuple[str, str], list[tuple[str, Mention]]] = defaultdict(list)
    for doc in docs:
        for m in doc.mentions:
            if m.label == "PERSON":
                continue
            country = places.demonym(m.text)
            if m.label == "NORP" or (country is not None and places.lookup(m.text) is None):
                if country is not None:
                    groups[("NORP", country)].append((doc.id, m))
                else:
                    groups[("NORP", fold(strip_article(m.text)))].append((doc.id, m))
                continue
            place = places.lookup(m.text)
            key = place.name if place is not None else fold(strip_article(m.text))
            if key:
                groups[("NAME", key)].append((doc.id, m))
    out = []
    for (kind, _key), members in groups.items():
        members.sort(key=lambda am: (am[0], am[1].start))
        variants = _variants(members)
        labels = Counter(m.label for _, m in members)
        place = places.lookup(members[0][1].text) if kind == "NAME" else None
        if kind == "NORP":
            name = max(variants, key=lambda v: (len(variants[v]), v))
            entity = Entity(id="", name=name, type="NORP", variants=variants,
                            country=places.demonym(name))
        else:
            name = place.name if place is not None else max(variants, key=lambda v: (len(variants[v]), v))
            # a known place keeps its alias-data type whatever the recogniser said ("Turkey" as ORG)
            etype = place.type if place is not None else labels.most_common(1)[0][0]
            entity = Entity(id="", name=name, type=etype, variants=variants,
                            country=place.country if place is not None else None,
                            metonym_of=places.metonyms.get(place.name) if place is not None else None)
        entity.mentions = [
            _mention(a, m, metonym=bool(entity.metonym_of) and acts_as_government(texts[a], m.end))
            for a, m in members]
        out.append(entity)
    return out


def _fold_into_people(people: list[Entity], named: list[Entity], places: Places) -> list[Entity]:
    """`named` less the names the recogniser typed as a place or organisation that are written as
    one resolved person of the story is (a name, or the surname alone) and that no place data
    knows: "Zelenskyy" (LOC) beside the person Volodymyr Zelenskyy is that person, and its
    mentions join the person's (sample: entity completeness 0.994 -> 1.000, nothing else moved)."""
    by_variant: dict[str, list[Entity]] = defaultdict(list)
    for p in people:
        keys = {fold(v) for v in p.variants} | {fold(v.split()[-1]) for v in p.variants if len(v.split()) > 1}
        for key in keys:  # the names as written, and the surname alone
            by_variant[key].append(p)
    kept = []
    for e in named:
        owners = {id(p): p for v in e.variants for p in by_variant.get(fold(v), [])}
        unknown_place = places.lookup(e.name) is None and all(places.lookup(v) is None for v in e.variants)
        if (e.type not in ("LOC", "GPE", "ORG", "FAC") or not unknown_place or len(owners) != 1
                or not all(fold(v) in by_variant for v in e.variants)):
            kept.append(e)
            continue
        [person] = owners.values()
        seen = {(m.article, m.start, m.end) for m in person.mentions}
        person.mentions += [m for m in e.mentions if (m.article, m.start, m.end) not in seen]
        person.mentions.sort(key=lambda m: (m.article, m.start))
        for v, arts in e.variants.items():
            person.variants[v] = sorted({*person.variants.get(v, []), *arts})
    return kept


def _assign_ids(entities: list[Entity]) -> None:
    """Readable ids unique in the story: "person:volodymyr-zelenskyy", "gpe:kyiv"."""
    entities.sort(key=lambda e: (-len(e.mentions), e.type, e.name))
    seen: Counter[str] = Counter()
    for e in entities:
        base = f"{e.type.lower()}:{_SLUG.sub('-', fold_keep_spaces(e.name)).strip('-') or 'x'}"
        seen[base] += 1
        e.id = base if seen[base] == 1 else f"{base}-{seen[base]}"


def fold_keep_spaces(text: str) -> str:
    return " ".join(fold(w) for w in text.split())
