"""NLP stage: article → sentences, entity mentions with roles, quotes, numbers, dates.

    >>> from newsprism.nlp import annotate
    >>> doc = annotate(article)          # AnnotatedDocument; offsets index article.text

The pipeline (our own trained spaCy models under `nlp/models`) loads once per process
on first use; importing this package does not load spaCy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from newsprism.nlp.document import AnnotatedDocument, DateExpr, Mention, Number, Quote, Sentence

if TYPE_CHECKING:
    from newsprism.models import Article

__all__ = [
    "AnnotatedDocument", "DateExpr", "Mention", "Number", "Quote", "Sentence", "annotate", "annotate_many",
    "annotate_parsed",
]


def annotate(article: Article) -> AnnotatedDocument:
    """Sentences, mentions, quotes, numbers and dates of one cleaned article."""
    from newsprism.nlp.annotation import annotate as _annotate

    return _annotate(article)


def annotate_many(
    articles: Iterable[Article], *, n_process: int = 1, batch_size: int = 32
) -> Iterator[AnnotatedDocument]:
    """`annotate` over a stream of articles, in order; `n_process` > 1 uses worker processes."""
    from newsprism.nlp.annotation import annotate_many as _annotate_many

    return _annotate_many(articles, n_process=n_process, batch_size=batch_size)


def annotate_parsed(articles: Iterable[Article], *, batch_size: int = 32) -> Iterator[tuple[AnnotatedDocument, Any]]:
    """`annotate_many` with each article's spaCy Doc beside its annotation (one parse for the
    stages that read the parse itself, such as framing)."""
    from newsprism.nlp.annotation import annotate_parsed as _annotate_parsed

    return _annotate_parsed(articles, batch_size=batch_size)
