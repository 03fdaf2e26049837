"""Real sentences as one-sentence articles (each its own origin) through the NLP stage, the
sentence embeddings and the claims stage, for the contradiction tests."""

from __future__ import annotations

from functools import cache

from newsprism.claims import HEADLINE, Contradiction, StoryClaims, story_claims
from newsprism.models import Article
from newsprism.nlp import annotate_many

from .stories_support import encoder


def article(aid: str, text: str, published: str | None = None) -> Article:
    return Article(id=aid, origin=aid, source=aid, title=aid, text=text, published=published,
                   word_count=len(text.split()))


@cache
def claims_of(*texts: tuple[str, str, str | None]) -> StoryClaims:
    """`story_claims` over (id, text, published) articles; cached: several tests share inputs."""
    docs = list(annotate_many([article(a, t, d) for a, t, d in texts]))
    return story_claims(docs, encoder=encoder())


def headline(result: StoryClaims, kind: str) -> list[Contradiction]:
    return [c for c in result.contradictions if c.kind == kind and c.confidence >= HEADLINE]
