"""Article → AnnotatedDocument: the parsed doc, then the news layer on top of it.

The news layer (`newsprism.nlp.news.news_layer`) gives sentences with modality, mentions
with roles, quotes, numbers and dates; without it, sentences and mentions come straight
from the parse and the entity recogniser.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from functools import cache
from itertools import islice
from multiprocessing import get_context
from typing import Any

from spacy.tokens import Doc

from newsprism.models import Article
from newsprism.nlp.document import AnnotatedDocument, Mention, Sentence
from newsprism.nlp.pipeline import parse_texts

__all__ = ["annotate", "annotate_many", "annotate_parsed", "doc_sentences", "document_from_doc"]

NewsLayerFn = Callable[..., Any]  # news_layer(doc, published, *, text)


@cache
def _news_layer() -> NewsLayerFn | None:
    try:
        from newsprism.nlp.news import news_layer
    except ImportError:
        return None
    return news_layer


def doc_sentences(doc: Doc) -> list[Sentence]:
    """The parser's sentences, trimmed of surrounding whitespace; whitespace-only ones dropped."""
    out = []
    for sent in doc.sents:
        words = [t for t in sent if not t.is_space]
        if words:
            out.append(Sentence(start=words[0].idx, end=words[-1].idx + len(words[-1])))
    return out


def document_from_doc(doc: Doc, *, id: str, published: str | None = None) -> AnnotatedDocument:
    result = AnnotatedDocument(id=id, text=doc.text, published=published)
    layer_fn = _news_layer()
    if layer_fn is not None:
        layer = layer_fn(doc, published, text=result.text)
        result.sentences = list(layer.sentences)
        result.mentions = list(layer.mentions)
        result.quotes = list(layer.quotes)
        result.numbers = list(layer.numbers)
        result.dates = list(layer.dates)
    else:
        result.sentences = doc_sentences(doc)
        result.mentions = [Mention(text=e.text, label=e.label_, start=e.start_char, end=e.end_char)
                           for e in doc.ents]
    return result


def annotate(article: Article) -> AnnotatedDocument:
    """Sentences, mentions, quotes, numbers and dates of one article; offsets index `article.text`."""
    doc = next(parse_texts([article.text]))
    return document_from_doc(doc, id=article.id, published=article.published)


def annotate_parsed(articles: Iterable[Article], *, batch_size: int = 32) -> Iterator[tuple[AnnotatedDocument, Doc]]:
    """`annotate_many` that also yields each article's spaCy Doc, for stages that read the
    parse itself (framing's clause-level stance): one parse per article, not two."""
    return _parsed(articles, batch_size)


def annotate_many(
    articles: Iterable[Article], *, n_process: int = 1, batch_size: int = 32
) -> Iterator[AnnotatedDocument]:
    """`annotate` over a stream, in order, batched through `nlp.pipe`.

    `n_process` > 1 runs whole batches (parse and news layer) in that many spawned worker
    processes, each loading the pipeline once.
    """
    if n_process <= 1:
        yield from _annotate_batch(articles, batch_size)
        return
    threads = max(1, (os.cpu_count() or 1) // n_process)
    # spawn, not fork: the parent may hold ONNX Runtime / OpenMP thread pools; an executor,
    # not a Pool: a worker that dies raises BrokenProcessPool instead of being respawned forever
    with ProcessPoolExecutor(n_process, mp_context=get_context("spawn")) as pool:
        pending: deque[Future[list[AnnotatedDocument]]] = deque()
        for batch in _batched(articles, batch_size):
            pending.append(pool.submit(_annotate_list, (batch, batch_size, threads)))
            if len(pending) > 2 * n_process:  # bounded read-ahead keeps memory flat on long streams
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _parsed(
    articles: Iterable[Article], batch_size: int, threads: int | None = None
) -> Iterator[tuple[AnnotatedDocument, Doc]]:
    pending: deque[Article] = deque()

    def texts() -> Iterator[str]:
        for article in articles:
            pending.append(article)
            yield article.text

    for doc in parse_texts(texts(), batch_size=batch_size, threads=threads):
        article = pending.popleft()
        yield document_from_doc(doc, id=article.id, published=article.published), doc


def _annotate_batch(
    articles: Iterable[Article], batch_size: int, threads: int | None = None
) -> Iterator[AnnotatedDocument]:
    return (annotated for annotated, _ in _parsed(articles, batch_size, threads))


def _annotate_list(job: tuple[list[Article], int, int]) -> list[AnnotatedDocument]:
    articles, batch_size, threads = job
    return list(_annotate_batch(articles, batch_size, threads))


def _batched(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch
