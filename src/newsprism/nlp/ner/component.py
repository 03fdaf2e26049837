"""spaCy component `newsprism_ner`: sets `doc.ents` (PERSON, ORG, LOC) from the MiniLM tagger.

    nlp = spacy.blank("en"); nlp.add_pipe("sentencizer"); nlp.add_pipe("newsprism_ner")
    [(e.text, e.label_) for e in nlp("Hakan Fidan spoke in Istanbul.").ents]
    # [('Hakan Fidan', 'PERSON'), ('Istanbul', 'LOC')]

Each sentence is one input sequence when the Doc has sentence boundaries (the model was
trained on sentences); otherwise the whole Doc is, cut into overlapping windows. Existing
entities are replaced. The model loads on first use, once per process, so the component
pickles cheaply for `nlp.pipe(n_process=...)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from newsprism.nlp.ner.model import DEFAULT_DIR, NerModel

__all__ = ["NerComponent"]


class NerComponent:
    def __init__(self, name: str = "newsprism_ner", model_dir: str | None = None, batch_size: int = 64,
                 threads: int | None = None) -> None:
        self.name = name
        self.model_dir = Path(model_dir) if model_dir else DEFAULT_DIR
        self.batch_size = batch_size
        self.threads = threads

    @property
    def model(self) -> NerModel:
        return NerModel.load(self.model_dir, threads=self.threads)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(sorted({lab[2:] for lab in self.model.labels if lab != "O"}))

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, stream: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        for docs in minibatch(stream, size=batch_size or self.batch_size):
            segments = [(doc, seg.start, seg.end) for doc in docs for seg in _segments(doc)]
            found = self.model.predict([[t.text for t in doc[a:b]] for doc, a, b in segments])
            ents: dict[int, list[Span]] = {id(doc): [] for doc in docs}
            for (doc, a, _), spans in zip(segments, found, strict=True):
                ents[id(doc)].extend(Span(doc, a + s, a + e, label=label) for label, s, e in spans)
            for doc in docs:
                doc.ents = ents[id(doc)]
                yield doc


def _segments(doc: Doc) -> list[Span]:
    if len(doc) == 0:
        return []
    if doc.has_annotation("SENT_START"):
        return list(doc.sents)
    return [doc[:]]


@Language.factory("newsprism_ner", assigns=["doc.ents"],
                  default_config={"model_dir": None, "batch_size": 64, "threads": None})
def make_ner(nlp: Language, name: str, model_dir: str | None, batch_size: int, threads: int | None) -> Any:
    return NerComponent(name, model_dir, batch_size, threads)
