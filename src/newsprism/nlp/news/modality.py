"""Modality and tense of a sentence, from cue words (and the parse's main verb when present).

Tags, several per sentence (none = plain assertion):

- reported: said, told, according to, claimed, ... ("Peskov said Putin will not travel")
- hedged: reportedly, allegedly, apparently, said to, may have, might, possibly, likely
- conditional: if, unless, would, could, should ... ("if Russia refuses ...")
- future: will, 'll, is set to, plans to, is going to, is expected to
- negated: not, n't, never, no, none, nothing, neither, nor, without, denied, refused, rejected
- question: ends in "?"

Tense: with tags, from the root verb and its auxiliaries (will -> future, VBD/past
auxiliary -> past, else present); without tags, from the first strong cue word.

    >>> sentence_modality(nlp("Russia reportedly would not attend if talks fail.")[:]).modality
    ['hedged', 'conditional', 'negated']
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from newsprism.nlp.document import Sentence
from newsprism.nlp.news.tokens import has_tags

__all__ = ["CUES", "sentence_modality"]

CUES: dict[str, re.Pattern[str]] = {
    "reported": re.compile(
        r"\b(?:said|says|say|told|tells|stated|claimed|claims|according to|announced|confirmed|insisted|argued|"
        r"added|noted|declared|warned|stressed|asserted|reiterated|remarked|mentioned|quoted)\b", re.I),
    "hedged": re.compile(
        r"\b(?:reportedly|allegedly|apparently|purportedly|supposedly|possibly|probably|likely|unlikely|perhaps|"
        r"seem(?:s|ed)?|appear(?:s|ed)?|(?:is|are|was|were) (?:said|believed|thought|understood|reported) to|"
        r"may|might|may have|might have|unconfirmed|unverified|rumou?red)\b", re.I),
    "conditional": re.compile(r"\b(?:if|unless|would|could|should|provided that|in case|otherwise)\b", re.I),
    "future": re.compile(
        r"\b(?:will|shall|won't|'ll|(?:is|are|was|were) (?:set|due|expected|scheduled|going|poised|slated) to|"
        r"plans? to|planning to|intends? to|tomorrow|next (?:week|month|year))\b|’ll\b", re.I),
    "negated": re.compile(
        r"\b(?:not|never|no|none|nothing|neither|nor|nobody|without|denied|denies|deny|refused|refuses|"
        r"rejected|rejects)\b|n['’]t\b", re.I),
}
_PAST_AUX = frozenset({"was", "were", "had", "did"})


def sentence_modality(sent: Span) -> Sentence:
    text = sent.text
    tags = [name for name, pattern in CUES.items() if pattern.search(text)]
    if text.rstrip(" \"”’»)").endswith("?"):
        tags.append("question")
    return Sentence(start=sent.start_char, end=sent.end_char, modality=tags, tense=_tense(sent, tags))


def _tense(sent: Span, tags: list[str]) -> str | None:
    if has_tags(sent.doc):
        root = sent.root
        verb = root if root.pos_ in ("VERB", "AUX") else None
        if verb is None:
            return None
        auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
        if any(a.lower_ in ("will", "shall", "'ll", "’ll", "wo") for a in auxes):
            return "future"
        if "Past" in verb.morph.get("Tense") and "Part" not in verb.morph.get("VerbForm") \
                or any(a.lower_ in _PAST_AUX for a in auxes) or verb.tag_ == "VBD":
            return "past"
        return "present"
    if "future" in tags:
        return "future"
    return None
