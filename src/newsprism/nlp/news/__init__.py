"""The news layer: what generic models lack, on top of a spaCy Doc.

    >>> layer = news_layer(doc, published="2025-05-16")
    >>> layer.mentions, layer.quotes, layer.numbers, layer.dates, layer.sentences

Reads the Doc's tokens, sentence boundaries and entities (PERSON/ORG/LOC from the
recogniser) and, where present, tags and the parse; works on `spacy.blank("en")` with or
without a sentencizer too. Writes nothing to the Doc. One module per job:

- `entity_types`: GPE/LOC/FAC/NORP from the bundled gazetteer (`gazetteer`);
- `roles`: titles and appositives around PERSON mentions (role, affiliation, qualifier);
- `quotes`: direct quotes and reported speech with resolved speakers;
- `numbers`: quantities with values, units, bounds and ranges;
- `dates`: absolute and relative dates resolved against the publication date;
- `modality`: reported/hedged/conditional/future/negated/question and tense per sentence.

Every offset indexes `doc.text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from newsprism.nlp.document import DateExpr, Mention, Number, Quote, Sentence
from newsprism.nlp.news.dates import find_dates
from newsprism.nlp.news.entity_types import typed_mentions
from newsprism.nlp.news.gazetteer import load_gazetteer
from newsprism.nlp.news.modality import sentence_modality
from newsprism.nlp.news.numbers import find_numbers
from newsprism.nlp.news.quotes import find_quotes
from newsprism.nlp.news.roles import attach_roles
from newsprism.nlp.news.tokens import sentence_spans

__all__ = ["NewsLayer", "news_layer"]


@dataclass(slots=True)
class NewsLayer:
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)
    dates: list[DateExpr] = field(default_factory=list)


def news_layer(doc: Doc, published: str | None = None, *, text: str | None = None) -> NewsLayer:
    """Sentences with modality, typed mentions with roles, quotes, numbers and dates of one Doc
    (`text`: `doc.text` when the caller has it; spaCy rebuilds it from every token on each read)."""
    text = doc.text if text is None else text
    gaz = load_gazetteer()
    sents = sentence_spans(doc)
    mentions = attach_roles(doc, typed_mentions(doc, gaz), gaz)
    dates = find_dates(doc, published, text=text)
    return NewsLayer(
        sentences=[sentence_modality(sent) for sent in sents],
        mentions=mentions,
        quotes=find_quotes(doc, mentions, sents, text=text),
        numbers=find_numbers(doc, [(d.start, d.end) for d in dates], text=text),
        dates=dates,
    )
