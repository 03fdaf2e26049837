"""ONNX Runtime backends of the lead encoder: `onnx` (fp32) and `onnx-int8` (dynamic
int8 quantisation, per channel).

The graph is exported from the same torch module as the `torch` backend on first use
and cached (`$NEWSPRISM_CACHE`, else `$XDG_CACHE_HOME/newsprism`, else
`~/.cache/newsprism`), named after the weights' sha256, with a `.sha256` file beside it
that is checked at every load (a cached graph that does not match is exported again).
Export needs `torch` and `onnx`; running needs only `onnxruntime` and `tokenizers`.

Measured with `python scripts/bench_stories.py --embedders` (256 leads of the bench
corpus, ~180 tokens each; 2 cores with AVX512-BF16; one run, so compare ratios):

    backend        texts/s   cosine to torch fp32 (mean / min)   dev-set story F1
    torch (fp32)     31.1      1.0000 / 1.0000                     0.998
    torch-bf16       54.5      1.0000 / 1.0000 (>= 0.9999)         0.998
    onnx (fp32)      28.7      1.0000 / 1.0000                     0.998
    onnx-int8        53.6      0.9909 / 0.9832                     0.997
    (default `quantize_dynamic`, not per channel: mean 0.947, min 0.734 on the dev
    leads -- not offered)

So on a CPU with bf16 support `torch-bf16` is the fast path (the `auto` default,
1.75x fp32); elsewhere `onnx-int8` is (1.7x fp32 here, within 0.001 F1), and it loads
without torch once exported.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from newsprism.checksums import file_sha256
from newsprism.stories.embed import (
    BATCH,
    MINILM_DIM,
    MINILM_SHA256,
    EncoderError,
    _batches,
    _normalise,
    _padded,
    _tokenizer,
)

__all__ = ["OnnxEncoder", "cache_dir", "export"]


def cache_dir() -> Path:
    base = os.environ.get("NEWSPRISM_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "newsprism")
    return Path(base)


def _export_fp32(target: Path) -> None:
    import torch

    from newsprism.stories.embed import _MiniLM

    model = _MiniLM()

    class Module(torch.nn.Module):  # weights as buffers, so that they become initializers
        def __init__(self) -> None:
            super().__init__()
            self.names = {}
            for i, (k, v) in enumerate(model.w.items()):
                self.register_buffer(f"w{i}", v)
                self.names[k] = f"w{i}"

        def forward(self, ids, mask):  # type: ignore[no-untyped-def]
            model.w = {k: getattr(self, n) for k, n in self.names.items()}
            return model(ids, mask)

    ids = torch.ones((2, 16), dtype=torch.int64)
    mask = ids.clone()
    mask[1, 12:] = 0  # padding in the example: the traced graph keeps the attention mask (`bert.hidden`)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter is deprecated, still exact here
        torch.onnx.export(Module(), (ids, mask), str(target), input_names=["ids", "mask"],
                          output_names=["vec"], opset_version=17, dynamo=False,
                          dynamic_axes={"ids": {0: "n", 1: "t"}, "mask": {0: "n", 1: "t"}, "vec": {0: "n"}})


def export(kind: str, directory: Path | None = None) -> Path:
    """The cached ONNX graph of `kind` (`onnx` or `onnx-int8`), exported when missing or altered."""
    directory = directory or cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"minilm-{MINILM_SHA256[:12]}-{'int8pc' if kind == 'onnx-int8' else 'fp32'}.onnx"
    path = directory / name
    sidecar = path.with_name(name + ".sha256")
    if path.is_file() and sidecar.is_file() and sidecar.read_text().strip() == file_sha256(path):
        return path
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        try:
            _export_fp32(fp32)
            out = fp32
            if kind == "onnx-int8":
                from onnxruntime.quantization import QuantType, quantize_dynamic

                out = Path(tmp) / "int8.onnx"
                root = logging.getLogger()
                level = root.level
                root.setLevel(logging.ERROR)  # "consider pre-processing": not needed for this graph
                try:
                    quantize_dynamic(str(fp32), str(out), per_channel=True, weight_type=QuantType.QInt8)
                finally:
                    root.setLevel(level)
        except ImportError as exc:
            raise EncoderError(f"exporting the {kind} encoder needs torch and onnx: pip install onnx "
                               f"({exc})") from exc
        digest = file_sha256(out)
        os.replace(out, path)  # atomic: a concurrent reader sees the old file or the new one
    sidecar.write_text(digest + "\n")
    return path


class OnnxEncoder:
    def __init__(self, name: str, *, max_tokens: int = 256, cache_dir: Path | None = None,
                 threads: int | None = None) -> None:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise EncoderError("the onnx embedders need onnxruntime: pip install onnxruntime") from exc
        self.name = name
        self.max_tokens = max_tokens
        self.path = export(name, cache_dir)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or os.cpu_count() or 1
        opts.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(self.path), opts, providers=["CPUExecutionProvider"])
        self._tok = _tokenizer(max_tokens)
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), MINILM_DIM), dtype=np.float32)
        if not texts:
            return out
        encs = self._tok.encode_batch(list(texts))
        with self._lock:
            for idx in _batches([len(e.ids) for e in encs], BATCH):
                ids, mask = _padded(encs, idx)
                out[idx] = self._session.run(None, {"ids": ids, "mask": mask})[0]
        return _normalise(out)
