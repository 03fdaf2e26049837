"""The shared BERT forward pass: packed layer matrices change no output beyond bf16 rounding."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from newsprism.bert import HIDDEN, LAYERS, hidden, packed, weights
from newsprism.stories import load_encoder


def _random_state(seed: int = 0) -> dict[str, torch.Tensor]:
    """A BERT state dict of the MiniLM shapes (small vocabulary), named as transformers names it."""
    g = torch.Generator().manual_seed(seed)

    def r(*shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=g) * 0.05

    state = {"embeddings.word_embeddings.weight": r(100, HIDDEN), "embeddings.position_embeddings.weight": r(64, HIDDEN),
             "embeddings.token_type_embeddings.weight": r(2, HIDDEN),
             "embeddings.LayerNorm.weight": 1 + r(HIDDEN), "embeddings.LayerNorm.bias": r(HIDDEN)}
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        for name, out, inp in (("attention.self.query", HIDDEN, HIDDEN), ("attention.self.key", HIDDEN, HIDDEN),
                               ("attention.self.value", HIDDEN, HIDDEN), ("attention.output.dense", HIDDEN, HIDDEN),
                               ("intermediate.dense", 4 * HIDDEN, HIDDEN), ("output.dense", HIDDEN, 4 * HIDDEN)):
            state[p + name + ".weight"], state[p + name + ".bias"] = r(out, inp), r(out)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            state[p + norm + ".weight"], state[p + norm + ".bias"] = 1 + r(HIDDEN), r(HIDDEN)
    return state


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float32])
def test_packed_matrices_give_the_same_states(dtype: torch.dtype) -> None:
    """fp32 is never packed; in bf16 oneDNN may pick another kernel for a small batch, whose
    rounding differs in the last bf16 bit (the bench batches come out identical)."""
    w = weights(_random_state(), dtype)
    ids = torch.randint(1, 100, (5, 23), generator=torch.Generator().manual_seed(1))
    mask = torch.ones_like(ids)
    mask[1, 9:] = 0  # rows of different lengths: the padded positions are masked out
    mask[3, 17:] = 0
    with torch.inference_mode():
        plain = hidden(w, ids, mask)
        fast = hidden(packed(w), ids, mask)
    assert plain.shape == (5, 23, HIDDEN)
    if dtype == torch.float32:
        assert torch.equal(plain, fast)
    else:
        assert (plain - fast).abs().max() < 0.01 * plain.abs().mean()
    assert plain.abs().mean() > 0.1


def test_packing_applies_to_bf16_layer_matrices_only() -> None:
    w = weights(_random_state(), torch.bfloat16)
    p = packed(w)
    assert p.keys() == w.keys()
    if not torch.backends.mkldnn.is_available():
        pytest.skip("torch built without oneDNN: nothing is packed")
    assert p["encoder.layer.0.intermediate.dense.weight"].is_mkldnn
    assert not p["encoder.layer.0.intermediate.dense.bias"].is_mkldnn
    assert not p["encoder.layer.0.output.LayerNorm.weight"].is_mkldnn
    assert not p["embeddings.word_embeddings.weight"].is_mkldnn
    fp32 = weights(_random_state(), torch.float32)
    assert not any(v.is_mkldnn for v in packed(fp32).values())


def test_sentence_vectors_do_not_depend_on_their_batch() -> None:
    """The sentence encoder (packed matrices where bf16 is native) gives a sentence the same
    vector, to bf16 rounding, alone as among others of other lengths."""
    enc = load_encoder()
    texts = ["Talks between Russia and Ukraine resumed in Istanbul on Friday.",
             "The delegations met for less than two hours.",
             "A prisoner exchange of 1,000 people on each side was agreed, officials from both countries said."]
    together = enc.encode(texts)
    alone = np.stack([enc.encode([t])[0] for t in texts])
    assert together.shape == (3, 384)
    np.testing.assert_allclose(together, alone, atol=2e-3)
    assert float(together[0] @ together[1]) < 0.99


@pytest.mark.parametrize(("native", "name", "fallback", "expected"), [
    (True, "auto", "onnx", "torch-bf16"), (False, "auto", "onnx", "onnx"), (False, "auto", "torch", "torch"),
    (False, "torch-bf16", "onnx", "torch"), (True, "torch-bf16", "onnx", "torch-bf16"), (False, "onnx", "torch", "onnx")])
def test_bf16_only_where_the_cpu_computes_it(monkeypatch: pytest.MonkeyPatch, native: bool, name: str, fallback: str,
                                             expected: str) -> None:
    import newsprism.bert
    from newsprism.nlp.ner.model import resolve_backend
    from newsprism.stories.embed import resolve_embedder

    monkeypatch.setattr(newsprism.bert, "bf16_supported", lambda: native)
    assert newsprism.bert.resolve_bf16(name, fallback) == expected
    assert resolve_backend("auto") == ("torch-bf16" if native else "onnx")  # the recogniser keeps its int8 graphs
    assert resolve_embedder("auto") == ("torch-bf16" if native else "torch")
