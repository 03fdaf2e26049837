"""The NER model at run time: wordpieces in, entity spans per word sequence out.

`NerModel.load()` reads the committed artefact (`nlp/models/ner/`: one int8 ONNX graph, or
several whose log-probabilities are averaged (`model_files` in `ner.json`), `tokenizer.json`,
`ner.json`) once per process and per path. Inference runs on ONNX Runtime, one sentence
per call, or, where the CPU computes bf16 natively, on the same weights in torch, batched
(`torch_backend`; 1.4x the words per CPU-second); transformers is never imported. Sequences
longer than the model's window are cut into overlapping windows at word boundaries
(`features.windows`).

    >>> NerModel.load().predict([["Hakan", "Fidan", "met", "officials", "in", "Istanbul", "."]])
    [[('PERSON', 0, 2), ('LOC', 5, 6)]]
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from newsprism.bert import padded_width, resolve_bf16
from newsprism.nlp.ner.decode import spans_from_tags, strip_titles, viterbi
from newsprism.nlp.ner.features import encode_words, load_tokenizer, windows

__all__ = ["BACKENDS", "DEFAULT_DIR", "RUN_BATCH", "Forward", "NerModel", "log_softmax", "mean_log_probs",
           "resolve_backend"]

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "models" / "ner"
# `onnx`: the int8 graphs on ONNX Runtime; `torch-bf16` / `torch`: their weights in torch
# (`torch_backend`), batched; `auto`: torch-bf16 where the CPU has native bf16, else onnx.
BACKENDS = ("auto", "onnx", "torch-bf16", "torch")
# Sequences per ONNX call at run time. The int8 graph quantises activations with one scale per
# call, so in a batch a sentence's entities would depend on its batch-mates (and on how a text
# is split over worker processes); one sequence per call keeps them a function of the sentence
# alone. Measured on PUD, int8, 2 threads: 7.5k words/s at 1 against 11.7k at 32.
RUN_BATCH = 1

# (input_ids, attention_mask, shape_ids) -> logits [batch, pieces, labels]
Forward = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(-1, keepdims=True)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


def mean_log_probs(logits: Iterable[np.ndarray]) -> np.ndarray:
    """An ensemble's output: the mean of its members' log-probabilities (a normalised geometric mean)."""
    return np.mean([log_softmax(o.astype(np.float32)) for o in logits], axis=0)


class NerModel:
    """Label word sequences with BIO tags and return spans; `forward` is the network (ONNX or torch)."""

    def __init__(self, tokenizer: Tokenizer, labels: list[str], forward: Forward, *, max_pieces: int = 128,
                 overlap: int = 32, batch_size: int = 32, cls_id: int = 101, sep_id: int = 102,
                 width: Callable[[int], int] | None = None) -> None:
        if overlap * 2 >= max_pieces:
            raise ValueError(f"overlap {overlap} must be under half of max_pieces {max_pieces}")
        self.tokenizer = tokenizer
        self.labels = labels
        self.forward = forward
        self.max_pieces = max_pieces
        self.overlap = overlap
        self.batch_size = batch_size
        self.cls_id, self.sep_id = cls_id, sep_id
        self.width = width or (lambda n: n)  # the padded width of a batch from its longest row

    @classmethod
    def load(cls, path: str | os.PathLike[str] = DEFAULT_DIR, threads: int | None = None,
             backend: str | None = None) -> NerModel:
        """The artefact at `path` on `backend` (`resolve_backend`), loaded once per process
        (and per thread count: ONNX Runtime's own; the torch backends use torch's)."""
        return _load(str(Path(path).resolve()), threads, resolve_backend(backend))

    def word_scores(self, word_lists: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Log-probabilities [n_words, n_labels] for each sequence (pieceless words are O).
        A sequence given twice is labelled once (copies of a wire story repeat most of their
        sentences); the scores of a sequence do not depend on the others given with it."""
        keys = [tuple(w) for w in word_lists]
        distinct = list(dict.fromkeys(keys))
        if len(distinct) < len(keys):
            scores = dict(zip(distinct, self._word_scores(distinct), strict=True))
            return [scores[k].copy() for k in keys]
        return self._word_scores(keys)

    def _word_scores(self, word_lists: Sequence[Sequence[str]]) -> list[np.ndarray]:
        lists = [list(w) for w in word_lists]
        encs = encode_words(self.tokenizer, lists)
        out = []
        jobs = []  # (sequence, window)
        for k, (words, enc) in enumerate(zip(lists, encs, strict=True)):
            scores = np.full((len(words), len(self.labels)), -30.0, dtype=np.float32)
            scores[:, 0] = 0.0
            out.append(scores)
            if enc.ids:
                jobs.extend((k, win) for win in windows(enc, len(words), self.max_pieces - 2, self.overlap))
        jobs.sort(key=lambda j: j[1].piece_end - j[1].piece_start)
        for b in range(0, len(jobs), self.batch_size):
            batch = jobs[b:b + self.batch_size]
            width = self.width(max(w.piece_end - w.piece_start for _, w in batch) + 2)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            shapes = np.zeros_like(ids)
            for r, (k, w) in enumerate(batch):
                enc, n = encs[k], w.piece_end - w.piece_start
                ids[r, :n + 2] = [self.cls_id, *enc.ids[w.piece_start:w.piece_end], self.sep_id]
                shapes[r, 1:n + 1] = enc.shapes[w.piece_start:w.piece_end]
                mask[r, :n + 2] = 1
            logp = log_softmax(self.forward(ids, mask, shapes).astype(np.float32))
            for r, (k, w) in enumerate(batch):
                enc = encs[k]
                for word in range(w.own_start, w.own_end):
                    p = enc.first[word]
                    if w.piece_start <= p < w.piece_end:
                        out[k][word] = logp[r, p - w.piece_start + 1]
        return out

    def predict(self, word_lists: Sequence[Sequence[str]]) -> list[list[tuple[str, int, int]]]:
        """Entity spans (label, first word, end word) per sequence, BIO-constrained, titles outside
        PERSON spans (`decode.strip_titles`)."""
        return [strip_titles(list(words), spans_from_tags([self.labels[i] for i in viterbi(s, self.labels)]))
                for words, s in zip(word_lists, self.word_scores(word_lists), strict=True)]


def resolve_backend(name: str | None = None) -> str:
    """The backend the recogniser runs on: `name`, else `NEWSPRISM_NER_BACKEND`, else `auto`
    (`torch-bf16` where the CPU computes bf16 natively, else `onnx`)."""
    name = name or os.environ.get("NEWSPRISM_NER_BACKEND") or "auto"
    if name not in BACKENDS:
        raise ValueError(f"unknown NER backend {name!r}: choose one of {', '.join(BACKENDS)}")
    return resolve_bf16(name, "onnx")


@lru_cache(maxsize=4)
def _load(path: str, threads: int | None, backend: str) -> NerModel:
    meta = json.loads(Path(path, "ner.json").read_text(encoding="utf-8"))
    files = meta.get("model_files") or [meta["model_file"]]
    tokenizer = load_tokenizer(str(Path(path, "tokenizer.json")))
    if backend != "onnx":
        if threads is not None:  # a worker process's share of the cores (torch's count is per process)
            import torch

            torch.set_num_threads(threads)
        try:
            return _torch_model(path, files, meta, tokenizer, backend)
        except KeyError as exc:  # a graph whose layers are not the tagger's (a fused student): run it as it is
            logging.getLogger(__name__).warning("%s: %s cannot be read back into torch (%s); using ONNX Runtime",
                                                path, files, exc)
    import onnxruntime as ort

    threads = threads if threads is not None else min(2, os.cpu_count() or 1)
    opts = ort.SessionOptions()
    # an ensemble runs its members side by side, one thread each (measured on 2 cores, PUD: 2.4k words/s,
    # against 1.3-1.4k with the members in turn on 2 threads each, whose idle pools spin on the same cores)
    opts.intra_op_num_threads = max(1, threads // len(files))
    opts.inter_op_num_threads = 1
    sessions = [ort.InferenceSession(str(Path(path, f)), opts, providers=["CPUExecutionProvider"]) for f in files]
    pools: dict[int, ThreadPoolExecutor] = {}  # per process: threads do not survive a fork

    def forward(ids: np.ndarray, mask: np.ndarray, shapes: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask, "shape_ids": shapes}
        if len(sessions) == 1:
            return sessions[0].run(["logits"], feed)[0]
        pool = pools.get(os.getpid()) or pools.setdefault(os.getpid(), ThreadPoolExecutor(len(sessions)))
        return mean_log_probs(pool.map(lambda s: s.run(["logits"], feed)[0], sessions))

    return NerModel(tokenizer, meta["labels"], forward, max_pieces=meta["max_pieces"], batch_size=RUN_BATCH,
                    cls_id=tokenizer.token_to_id("[CLS]"), sep_id=tokenizer.token_to_id("[SEP]"))


def _torch_model(path: str, files: list[str], meta: dict, tokenizer: Tokenizer, backend: str) -> NerModel:
    import torch

    from newsprism.nlp.ner.torch_backend import TORCH_BATCH, torch_member

    shared: dict[str, torch.Tensor] = {}
    members = [torch_member(Path(path, f), torch.bfloat16 if backend == "torch-bf16" else torch.float32, shared)
               for f in files]
    del shared

    def forward(ids: np.ndarray, mask: np.ndarray, shapes: np.ndarray) -> np.ndarray:
        if len(members) == 1:
            return members[0](ids, mask, shapes)
        return mean_log_probs(m(ids, mask, shapes) for m in members)

    return NerModel(tokenizer, meta["labels"], forward, max_pieces=meta["max_pieces"], batch_size=TORCH_BATCH,
                    cls_id=tokenizer.token_to_id("[CLS]"), sep_id=tokenizer.token_to_id("[SEP]"), width=padded_width)
