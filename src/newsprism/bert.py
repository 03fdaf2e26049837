"""The forward pass of a BERT encoder in plain torch (no transformers), shared by the
sentence encoder of stories and claims (`stories.embed`) and the entity recogniser's torch
backend (`nlp.ner.torch_backend`): both are all-MiniLM-L6-v2 shapes (6 layers, 12 heads, 384 wide).

`weights` takes a state dict named as transformers names a `BertModel` (a prefix such as
`bert.` is dropped), casts the linear layers once to the compute dtype and fuses each
layer's query, key and value into one matrix; the residual stream and its norms stay in
fp32, as under `torch.autocast`, which cast every weight again on every call. Measured on
the 1,144 sentences of the shared corpora, one thread, 2026-12-03: 341-381 sentences per
CPU-second on a first pass, 447-494 once the kernels of the batch shapes exist (autocast:
318-405 on a first pass over a subset); all in bf16 (norms and residuals too) ran at
458-556 but moved enough cosines (min 0.9999 to fp32) to lose two texas-floods facts in
`make eval` (13/16 -> 11/16), so it is not used.

    w = weights(load_file("model.safetensors"), torch.bfloat16)
    states = hidden(w, ids, mask)  # [n, t, 384]
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

__all__ = ["HIDDEN", "PAD_TO", "bf16_supported", "hidden", "packed", "padded_width", "resolve_bf16", "weights"]

LAYERS, HEADS, HIDDEN, EPS = 6, 12, 384, 1e-12
# Batches are padded to a multiple of this many tokens. oneDNN keeps state per input shape:
# with every width seen, a process running the recogniser on 845 sentences grew by 120 MB more
# per pass (504 -> 580 -> 612 -> 636 MB after malloc_trim), padded to 16 it stayed at 437 MB,
# at the same speed (3.7-3.8 CPU-s a pass; /proc/self/status, 2026-12-03).
PAD_TO = 16
# oneDNN keeps up to this many compiled layer kernels (1,024 by default), each with its own
# buffers; read when the first kernel is made, so set before any torch computation. 1,000
# articles of scripts/bench_pipeline.py, --workers 2 (2026-12-03): peak PSS of all processes
# 1,948-2,085 MB with the default (five runs), 1,787 and 1,845 MB at 128, 1,753 MB at 64, at
# the same speed (11.1-11.6 articles/s). A user's own setting wins.
os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "64")
_QKV = ("query", "key", "value")
# The row count oneDNN lays the packed weights out for (`packed`): a batch of 32-64 rows of
# ~30-60 pieces; any other count gives the same results.
PACK_ROWS = 2048


@cache
def bf16_supported() -> bool:
    """Whether the CPU computes bf16 natively (AVX512-BF16 or AMX); elsewhere torch emulates
    it, about 10x slower than fp32."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_bf16(name: str, fallback: str) -> str:
    """A torch backend name made concrete: `auto` is `torch-bf16` where the CPU computes bf16
    natively, else `fallback`; `torch-bf16` is `torch` where it does not (emulated bf16 is
    about 10x slower than fp32); any other name stays."""
    if name == "auto":
        return "torch-bf16" if bf16_supported() else fallback
    if name == "torch-bf16" and not bf16_supported():
        return "torch"
    return name


def padded_width(longest: int) -> int:
    """The padded width of a batch whose longest row has `longest` tokens."""
    return -(-longest // PAD_TO) * PAD_TO


def weights(state: dict[str, Any], dtype: torch.dtype, prefix: str = "") -> dict[str, torch.Tensor]:
    """`state` (tensors) without `prefix`, query/key/value fused per layer; the linear
    layers in `dtype`, the embeddings and norms in fp32."""
    import torch

    def cast(name: str, v: torch.Tensor) -> torch.Tensor:
        linear = "LayerNorm" not in name and "embeddings" not in name
        return v.to(dtype if linear else torch.float32).contiguous()

    w = {k.removeprefix(prefix): cast(k, v) for k, v in state.items()}

    for i in range(LAYERS):
        p = f"encoder.layer.{i}.attention.self."
        for part in ("weight", "bias"):
            w[f"{p}qkv.{part}"] = torch.cat([w.pop(f"{p}{m}.{part}") for m in _QKV])
    return w


def packed(w: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """`w` with its bf16 layer matrices in oneDNN's own layout, as `torch.compile` lays them
    out, where torch has oneDNN, so that no call lays them out again. The outputs are those of
    the plain kernels on batches of the usual sizes (the vectors of the 1,175 sentences of
    `scripts/bench_claims.py --embed-speed` are identical, and so are the recogniser's PUD
    entities); on a batch of a few short rows oneDNN may choose a kernel that rounds the last
    bf16 bit differently. One thread, 2026-12-03: claim-unit embeddings 461-486 sentences per
    CPU-second before, 502-613 after (later passes, five runs); the recogniser 5,741 words per CPU-second
    before, 6,911 after (`scripts/bench_ner.py`). Other dtypes and builds: `w` as it is."""
    import torch

    if not torch.backends.mkldnn.is_available():
        return w
    try:
        return {k: torch.ops.mkldnn._reorder_linear_weight(v, PACK_ROWS)
                if k.startswith("encoder.layer.") and k.endswith(".weight") and "LayerNorm" not in k
                and v.dtype == torch.bfloat16 else v for k, v in w.items()}
    except (RuntimeError, AttributeError):  # a build without these operators
        return w


def hidden(w: dict[str, torch.Tensor], ids: torch.Tensor, mask: torch.Tensor,
           words: torch.Tensor | None = None, extra: torch.Tensor | None = None) -> torch.Tensor:
    """The last hidden states [n, t, HIDDEN] of token ids [n, t] under `mask` (1 = real
    token); `words` [n, t, HIDDEN] replaces the wordpiece embeddings of `ids` (the recogniser
    reads them from its 8-bit table) and `extra` is added to the input embeddings (its case
    shapes)."""
    import torch

    F = torch.nn.functional
    n, t = ids.shape
    if words is None:
        words = w["embeddings.word_embeddings.weight"][ids]
    x = words + w["embeddings.position_embeddings.weight"][:t] + w["embeddings.token_type_embeddings.weight"][0]
    if extra is not None:
        x = x + extra
    x = F.layer_norm(x, (HIDDEN,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], EPS)
    keep = None if bool(mask.all()) else mask.bool()[:, None, None, :]  # (n, 1, 1, t): real tokens only
    hd = HIDDEN // HEADS
    low = w["encoder.layer.0.attention.self.qkv.weight"].dtype  # the matrices' dtype
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."

        def lin(h: torch.Tensor, name: str) -> torch.Tensor:
            weight, bias = w[p + name + ".weight"], w[p + name + ".bias"]  # noqa: B023
            if weight.is_mkldnn:  # `packed`
                return torch.ops.mkldnn._linear_pointwise(h, weight, bias, "none", [], "")
            return F.linear(h, weight, bias)

        # matrices, attention and GELU in `low`; the residual stream and its norms in fp32 (as autocast does)
        q, k, v = lin(x.to(low), "attention.self.qkv").view(n, t, 3, HEADS, hd).permute(2, 0, 3, 1, 4).unbind(0)
        a = F.scaled_dot_product_attention(q, k, v, attn_mask=keep).transpose(1, 2).reshape(n, t, HIDDEN)
        x = F.layer_norm(x + lin(a, "attention.output.dense"), (HIDDEN,),
                         w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], EPS)
        h = lin(F.gelu(lin(x.to(low), "intermediate.dense")), "output.dense")
        x = F.layer_norm(x + h, (HIDDEN,), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"],
                         EPS)
    return x
