"""Sentence-pair inference (entailment / neutral / contradiction) with a small committed cross-encoder.

`load_nli()` reads the artefact in this folder (`nli.onnx`: all-MiniLM-L6-v2 fine-tuned on about
19k NLI pairs, int8; `tokenizer.json`; `nli.json`) once per process and thread count, checks the
graph's sha256 against `nli.json`, and runs it on ONNX Runtime (no torch, no transformers).
Data, figures and caveats (what it catches and misses): `README.md` here.

    >>> nli = load_nli()
    >>> nli.predict([("The president attended the summit.", "The president did not attend the summit.")])
    array([[0.05, 0.09, 0.85]], dtype=float32)
    >>> contradiction_score("The president attended the summit.", "The president did not attend the summit.")
    0.66

Errors: `NliError` (a RuntimeError) when the artefact is missing or altered, or ONNX Runtime is absent.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np

from newsprism.checksums import file_sha256

__all__ = ["DEFAULT_DIR", "LABELS", "NliError", "NliModel", "contradiction_score", "load_nli"]

LABELS = ("entailment", "neutral", "contradiction")  # the column order of every probability array
DEFAULT_DIR = Path(__file__).resolve().parent
MAX_PIECES = 128
# Pairs per ONNX call. The int8 graph quantises activations with one scale per call, so a pair's
# probabilities depend slightly on its batch-mates; see README.md for the speed of each setting.
BATCH = 1


class NliError(RuntimeError):
    """The NLI artefact is missing or altered, or ONNX Runtime cannot load it."""


def load_tokenizer(path: str | os.PathLike[str], max_pieces: int = MAX_PIECES):  # noqa: ANN201 (tokenizers.Tokenizer)
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.no_padding()
    tok.enable_truncation(max_pieces, strategy="longest_first")
    return tok


def encode_pairs(tokenizer, pairs: Sequence[tuple[str, str]]) -> list:  # noqa: ANN001
    """`[CLS] a [SEP] b [SEP]` encodings (ids, type ids), the longer side cut first past `MAX_PIECES`."""
    return tokenizer.encode_batch([(a, b) for a, b in pairs]) if pairs else []


def padded_batches(encs: Sequence, idx: Sequence[int]) -> dict[str, np.ndarray]:
    """The model's three int64 inputs for the encodings `idx`, right-padded to the longest."""
    width = max(len(encs[i].ids) for i in idx)
    arr = {k: np.zeros((len(idx), width), dtype=np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")}
    for r, i in enumerate(idx):
        n = len(encs[i].ids)
        arr["input_ids"][r, :n] = encs[i].ids
        arr["attention_mask"][r, :n] = 1
        arr["token_type_ids"][r, :n] = encs[i].type_ids
    return arr


def _softmax(x: np.ndarray) -> np.ndarray:
    x = np.exp(x - x.max(-1, keepdims=True))
    return x / x.sum(-1, keepdims=True)


class NliModel:
    """Premise-hypothesis pairs in, probabilities (entailment, neutral, contradiction) out."""

    def __init__(self, session, tokenizer, *, batch_size: int = BATCH) -> None:  # noqa: ANN001
        self.session = session
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self._lock = threading.Lock()

    def predict(self, pairs: Sequence[tuple[str, str]], *, batch_size: int | None = None) -> np.ndarray:
        """float32 array (len(pairs), 3): P(entailment), P(neutral), P(contradiction) of each
        (premise, hypothesis), in input order. Pairs run in batches of similar length."""
        out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
        if not len(pairs):
            return out
        for a, b in pairs:
            if not isinstance(a, str) or not isinstance(b, str):
                raise TypeError(f"pairs must be (str, str) tuples, got ({type(a).__name__}, {type(b).__name__})")
        encs = encode_pairs(self.tokenizer, pairs)
        size = batch_size or self.batch_size
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        with self._lock:
            for b in range(0, len(order), size):
                idx = order[b:b + size]
                out[idx] = _softmax(self.session.run(["logits"], padded_batches(encs, idx))[0].astype(np.float32))
        return out

    def contradiction_score(self, a: str, b: str, *, reduce: Literal["mean", "max"] = "mean") -> float:
        """P(contradiction) of `a` against `b` and of `b` against `a`, averaged (or the larger).

        The model reads a premise and a hypothesis; two news sentences have no such order, and a
        contradiction holds both ways, so the two directions are combined. `mean` (default) asks both
        readings to agree, which favours precision; `max` catches more (README.md: measured both)."""
        p = self.predict([(a, b), (b, a)])[:, 2]
        return float(p.max() if reduce == "max" else p.mean())


def load_nli(path: str | os.PathLike[str] = DEFAULT_DIR, *, threads: int = 1) -> NliModel:
    """The artefact at `path` (by default the committed one), loaded once per process and thread count;
    ONNX Runtime on `threads` threads (1 by default: callers parallelise over stories)."""
    return _load(str(Path(path).resolve()), threads)


@lru_cache(maxsize=4)
def _load(path: str, threads: int) -> NliModel:
    folder = Path(path)
    try:
        meta = json.loads((folder / "nli.json").read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise NliError(f"no NLI artefact in {folder} (nli.json missing): run `make train-nli`") from exc
    model = folder / meta["model_file"]
    if not model.is_file():
        raise NliError(f"{model} is missing: reinstall newsprism or run `make train-nli`")
    digest = file_sha256(model)
    if digest != meta["sha256"]:
        raise NliError(f"{model} has sha256 {digest}, expected {meta['sha256']} (nli.json); refusing to load an "
                       "altered or partly copied model: re-install newsprism or run `make train-nli`")
    if tuple(meta["labels"]) != LABELS:
        raise NliError(f"{folder / 'nli.json'} labels {meta['labels']} are not {list(LABELS)}")
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise NliError("the NLI model needs onnxruntime: pip install onnxruntime") from exc
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.enable_cpu_mem_arena = False  # the arena keeps its largest batch's memory for the process's life
    session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
    return NliModel(session, load_tokenizer(folder / "tokenizer.json", meta.get("max_pieces", MAX_PIECES)))


def contradiction_score(a: str, b: str, *, reduce: Literal["mean", "max"] = "mean") -> float:
    """`NliModel.contradiction_score` with the committed model (loaded on first use)."""
    return load_nli().contradiction_score(a, b, reduce=reduce)
