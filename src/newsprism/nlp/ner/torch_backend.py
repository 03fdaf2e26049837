"""The recogniser's members run in torch, batched, in bf16 where the CPU computes it natively.

The shipped artefact stays the int8 ONNX graphs (`nlp/models/ner`); this backend reads each
graph's weights back (dequantised, `state_from_onnx`) into the plain-torch BERT of
`newsprism.bert` plus the case-shape embedding and the classifier, once per process.

Why: the int8 graphs quantise activations with one scale per call, so they must see one
sentence per call (`model.RUN_BATCH`); weights in bf16 have no per-call scale, so sentences
batch freely and a sentence's entities do not depend on its batch-mates (pinned by a test).
Measured on PUD, one thread, a 2-core AMX machine (`scripts/bench_ner.py`, 2026-12-03): the
ensemble at 5,741 words per CPU-second in batches of 32 (the int8 graphs one sentence per call:
4,188), PUD F 0.786 (int8 graphs 0.784); one sentence per call in torch ran at a quarter of that.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from newsprism.bert import hidden, packed, weights

if TYPE_CHECKING:
    import torch

__all__ = ["TORCH_BATCH", "state_from_onnx", "torch_member"]

# Sentences per call in torch: 32 gave 6,110 words per CPU-second against 1,512 at 1 (PUD, all-bf16
# variant); 16 and 64 were 3-4 % slower and 128 13 % slower on dev-story articles
TORCH_BATCH = 32


WORDS = "bert.embeddings.word_embeddings.weight"


def state_from_onnx(path: Path, *, keep_quantized: tuple[str, ...] = ()) -> dict[str, Any]:
    """The torch tagger's state dict from an int8 graph written by `training.ner.export`
    (weights dequantised; names as the tagger's: `bert.…`, `shape.weight`, `classifier.…`).
    A tensor named in `keep_quantized` comes as (its 8-bit tensor, zero point, scale)."""
    import onnx
    import torch
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    init = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    kept = {}
    for name in keep_quantized:
        kept[name] = (torch.from_numpy(init.pop(name + "_quantized").copy()),
                      float(init.pop(name + "_zero_point")), float(init.pop(name + "_scale")))

    def deq(base_name: str, q: np.ndarray) -> np.ndarray:
        zero = init[base_name + "_zero_point"].astype(np.float32)
        return (q.astype(np.float32) - zero) * init[base_name + "_scale"]

    state = {}
    for name, value in init.items():
        if name.startswith("onnx::"):
            continue
        if name.endswith("_quantized"):
            state[name.removesuffix("_quantized")] = deq(name.removesuffix("_quantized"), value)
        elif not name.endswith(("_scale", "_zero_point")):
            state[name] = value
    for node in graph.node:  # a linear layer's weight is anonymous; its node names the module
        if node.op_type == "MatMulInteger":
            weight = node.input[1].removesuffix("_quantized")
            module = node.name.strip("/").removesuffix("/MatMul_quant").replace("/", ".")
            state[module + ".weight"] = deq(weight, init[node.input[1]]).T
    return {k: torch.from_numpy(np.array(v, copy=True)) for k, v in state.items()} | kept


def torch_member(path: Path, dtype: torch.dtype, shared: dict[str, torch.Tensor] | None = None):  # type: ignore[no-untyped-def]
    """A member graph as a forward function (ids, mask, shapes) -> logits [n, pieces, labels].
    A tensor equal to the one of the same name in `shared` is that one (the members were
    trained with the wordpiece table frozen: one 8-bit table of 12 MB instead of two);
    `shared` keeps the first tensor of each name."""
    import torch

    def share(name: str, v: torch.Tensor) -> torch.Tensor:
        if shared is None:
            return v
        have = shared.setdefault(name, v)
        return have if have is v or (have.shape == v.shape and torch.equal(have, v)) else v

    state = state_from_onnx(path, keep_quantized=(WORDS,))
    # the wordpiece table stays 8-bit (12 MB, not 47 in fp32); rows are dequantised as looked up,
    # to the same fp32 values the whole table would have
    table, zero, scale = state.pop(WORDS)
    table = share(WORDS, table)
    head = {k: state.pop(k).float() for k in ("shape.weight", "classifier.weight", "classifier.bias")}
    w = packed({k: share(k, v) for k, v in weights(state, dtype, prefix="bert.").items()})
    del state

    def forward(ids: np.ndarray, mask: np.ndarray, shapes: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            tm = torch.from_numpy(mask)
            ti = torch.from_numpy(ids)
            x = hidden(w, ti, tm, words=(table[ti].float() - zero) * scale,
                       extra=head["shape.weight"][torch.from_numpy(shapes)])
            logits = torch.nn.functional.linear(x, head["classifier.weight"], head["classifier.bias"])
        return logits.float().numpy()

    return forward
