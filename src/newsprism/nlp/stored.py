"""Parsed articles as bytes and back, so that a text is parsed once per model version
and its parse read again later (the pipeline keeps the bytes in the store).

    blob = parse_to_bytes(annotated, doc)
    annotated, doc = parse_from_bytes(blob, article)  # what `annotate_parsed` gives for it

A blob is msgpack of the spaCy Doc as a `DocBin` (words and spaces, tags, POS, morphology,
lemmas, norms, heads and dependency labels, sentence starts, entities: what the news
layer and framing read; no tensor, no user data, which nothing reads) and of the
AnnotatedDocument made from it, less its id and text (the article's own). Restored docs
share one blank English vocabulary: token flags (`is_punct`, `like_num`, ...) come from
the language's defaults, as in the loaded pipeline, whose model has no vectors or lookups.

`parse_version` names what a fresh parse depends on; a blob is read back only under
the version it was made by. `parse_articles` is `annotate_parsed` over a `StoredParses`:
it reads the parses it holds and adds the ones it makes.

Errors:

    StoredParseError  a blob that cannot be read back: damaged, another format, or the
                      parse of another text
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import spacy
import srsly
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from newsprism.models import Article
from newsprism.nlp.annotation import annotate_parsed, document_from_doc
from newsprism.nlp.document import AnnotatedDocument

__all__ = ["FORMAT", "Parsed", "StoredParseError", "StoredParses", "parse_articles", "parse_from_bytes",
           "parse_to_bytes", "parse_version", "text_key"]

log = logging.getLogger(__name__)

FORMAT = 1  # the blob layout; another value is another `parse_version`
DOC_ATTRS = ["ORTH", "NORM", "TAG", "POS", "MORPH", "LEMMA", "HEAD", "DEP", "SENT_START", "ENT_IOB", "ENT_TYPE",
             "ENT_KB_ID", "ENT_ID"]
NLP_DIR = Path(__file__).resolve().parent

Parsed = tuple[AnnotatedDocument, Doc]


class StoredParseError(ValueError):
    """A stored parse that cannot be read back (the text is parsed again instead)."""


@dataclass(slots=True)
class StoredParses:
    """Parses kept by clean-text hash (`text_key`) under one `parse_version`: `found` as
    read from the store, `made` since by `parse_articles` (new ones, and those replacing
    a found blob that could not be read, listed in `unreadable`), for the caller to keep."""

    version: str
    found: dict[str, bytes] = field(default_factory=dict)
    made: dict[str, bytes] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)


def text_key(article: Article) -> str:
    """The key of an article's parse: the sha256 of its clean text (its `content_hash`)."""
    return article.content_hash or hashlib.sha256(article.text.encode("utf-8", "surrogatepass")).hexdigest()


def parse_version(syntax: str, ner: str) -> str:
    """The version stored parses are kept under, from the descriptors of the syntax and
    entity models (`pipeline.analysis_models`), spaCy's version, the NLP stage's own code
    and data (sentence rules, entity decoding, the news layer) and `FORMAT`: a change to
    any of them changes what a fresh parse gives, so every stored parse is missed."""
    return hashlib.sha256(f"{syntax}\x1f{ner}\x1f{spacy.__version__}\x1f{_code_digest()}\x1f{FORMAT}"
                          .encode()).hexdigest()[:32]


@cache
def _code_digest() -> str:
    h = hashlib.sha256()
    for path in sorted(NLP_DIR.rglob("*")):
        rel = path.relative_to(NLP_DIR)
        if path.suffix in (".py", ".json") and rel.parts[0] not in ("models", "training"):
            h.update(str(rel.as_posix()).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


@cache
def _vocab() -> Vocab:
    return spacy.blank("en").vocab


def parse_to_bytes(annotated: AnnotatedDocument, doc: Doc) -> bytes:
    """`annotated` and `doc` (its parse) as one blob."""
    docs = DocBin(attrs=DOC_ATTRS, store_user_data=False)
    docs.add(doc)
    fields = annotated.to_json()
    del fields["id"], fields["text"]
    return zlib.compress(srsly.msgpack_dumps({"format": FORMAT, "doc": docs.to_bytes(), "annotated": fields}))


def parse_from_bytes(blob: bytes, article: Article) -> Parsed:
    """The AnnotatedDocument and Doc of `article` from its blob. The document is made
    again from the restored Doc when the blob was made under another publication date
    (relative dates resolve against it)."""
    try:
        data: dict[str, Any] = srsly.msgpack_loads(zlib.decompress(blob))
        if data["format"] != FORMAT:
            raise StoredParseError(f"blob format {data['format']!r}, expected {FORMAT}")
        [doc] = DocBin(store_user_data=False).from_bytes(data["doc"]).get_docs(_vocab())
        if doc.text != article.text:
            raise StoredParseError("the blob is the parse of another text")
        if data["annotated"]["published"] != article.published:
            return document_from_doc(doc, id=article.id, published=article.published), doc
        return AnnotatedDocument.from_json({**data["annotated"], "id": article.id, "text": article.text}), doc
    except StoredParseError:
        raise
    except Exception as exc:  # damaged bytes make zlib, msgpack or spaCy raise nearly anything
        raise StoredParseError(f"{type(exc).__name__}: {exc}") from exc


def parse_articles(articles: Sequence[Article], parses: StoredParses | None = None) -> list[Parsed]:
    """`annotate_parsed(articles)` as a list, one parse per distinct text: an article whose
    parse `parses` holds is read from it, the others are parsed (in one batch) and their
    blobs added to `parses.made`. A blob that cannot be read is logged and parsed again."""
    out: dict[int, Parsed] = {}
    todo: dict[str, list[int]] = {}  # text key -> positions of the articles that need its parse
    for i, article in enumerate(articles):
        key = text_key(article)
        blob = None if parses is None else parses.made.get(key) or parses.found.get(key)
        if blob is not None and parses is not None:
            try:
                out[i] = parse_from_bytes(blob, article)
                continue
            except StoredParseError as exc:
                log.warning("stored parse of article %s (text %s) cannot be read, parsing it again: %s",
                            article.id, key[:12], exc)
                parses.found.pop(key, None)
                parses.unreadable.append(key)
        todo.setdefault(key, []).append(i)
    firsts = [articles[at[0]] for at in todo.values()]
    for (key, at), (annotated, doc) in zip(todo.items(), annotate_parsed(firsts), strict=True):
        out[at[0]] = annotated, doc
        for j in at[1:]:  # the same text under another id (or date): its own document, the one Doc
            out[j] = document_from_doc(doc, id=articles[j].id, published=articles[j].published), doc
        if parses is not None:
            parses.made[key] = parse_to_bytes(annotated, doc)
    return [out[i] for i in range(len(articles))]
