"""Readers and fixed splits of the NLI data in the shared folder (`$NEWSPRISM_SHARED/data/nli`,
default `<repo>/../shared`), for training (`nli.training`) and the reported figures (`nli.evaluate`).

Splits, all deterministic (no random state):

    train   SNLI dev (e-SNLI copy, detokenised), CAD-SNLI train + test, ConjNLI adversarial
            train, TaxiNLI minus its held-out slice
    dev     CAD-SNLI dev + ConjNLI dev (watched during training, never chosen on)
    test    SNLI test; TaxiNLI held-out (every pair whose premise hashes into 1 of 5 buckets, so
            no held-out premise is seen in training); Breaking NLI (never trained on)
    stance  FNC-1 competition test agree/disagree pairs and Emergent test for/against pairs
            (news headline vs article body; evaluation only, never trained on)

Pairs whose premise is an SNLI test premise (784, nearly all in CAD) are dropped from training.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LABELS", "Pair", "StancePair", "data_dir", "detokenise", "splits", "stance_pairs"]

LABELS = ("entailment", "neutral", "contradiction")
ROOT = Path(__file__).resolve().parents[4]
TAXI_HELD_OUT = 0  # the premise-hash bucket (of 5) kept out of training
csv.field_size_limit(1 << 24)


@dataclass(frozen=True, slots=True)
class Pair:
    premise: str
    hypothesis: str
    label: int  # index into LABELS
    source: str


@dataclass(frozen=True, slots=True)
class StancePair:
    headline: str
    body: str
    stance: str  # agree / disagree
    source: str  # fnc1 / emergent


def data_dir() -> Path:
    return Path(os.environ.get("NEWSPRISM_SHARED", ROOT.parent / "shared")) / "data" / "nli"


_DETOK = [(re.compile(r" (n't|'s|'re|'m|'ll|'ve|'d)\b"), r"\1"), (re.compile(r" ([.,!?;:%)])"), r"\1"),
          (re.compile(r"([($]) "), r"\1"), (re.compile(r"\s+"), " ")]


def detokenise(text: str) -> str:
    """Undo the Penn-style tokenisation of the e-SNLI copy: "are n't here ." -> "aren't here."."""
    for pattern, repl in _DETOK:
        text = pattern.sub(repl, text)
    return text.strip()


def _label(name: str) -> int | None:
    name = name.strip().lower()
    return LABELS.index(name) if name in LABELS else None


def _snli(split: str) -> list[Pair]:
    d = data_dir() / "snli_esnli_senteval"
    cols = [(d / f"{k}.{split}").read_text(encoding="utf-8").splitlines() for k in ("s1", "s2", "labels")]
    return [Pair(detokenise(p), detokenise(h), lab, "snli")
            for p, h, y in zip(*cols, strict=True) if (lab := _label(y)) is not None]


def _tsv(path: Path, p_col: str, h_col: str, y_col: str, source: str) -> list[Pair]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Pair(r[p_col].strip(), r[h_col].strip(), lab, source) for r in rows
                if (lab := _label(r[y_col] or "")) is not None and r[p_col] and r[h_col]]


def _taxi_bucket(premise: str) -> int:
    return int(hashlib.sha256(premise.encode("utf-8")).hexdigest(), 16) % 5


def _taxinli() -> list[Pair]:
    return _tsv(data_dir() / "taxinli" / "taxinli10k.tsv", "prem", "hyp", "label", "taxinli")


def _key(p: Pair) -> tuple[str, str]:
    return (re.sub(r"\W+", "", p.premise.lower()), re.sub(r"\W+", "", p.hypothesis.lower()))


def splits() -> dict[str, list[Pair]]:
    """`train`, `dev`, `snli_test`, `taxinli_test`, `breaking_nli` (see the module docstring)."""
    d = data_dir()
    snli_test = _snli("test")
    taxi = _taxinli()
    train = (_snli("dev")
             + _tsv(d / "cad_snli" / "train.tsv", "sentence1", "sentence2", "gold_label", "cad")
             + _tsv(d / "cad_snli" / "test.tsv", "sentence1", "sentence2", "gold_label", "cad")
             + _tsv(d / "conjnli" / "adversarial_train_15k.tsv", "Premise", "Hypothesis", "Label", "conjnli")
             + [p for p in taxi if _taxi_bucket(p.premise) != TAXI_HELD_OUT])
    # CAD's originals include SNLI test items: drop every pair that shares a premise with SNLI test
    held = {_key(p)[0] for p in snli_test}
    train = [p for p in train if _key(p)[0] not in held]
    dev = (_tsv(d / "cad_snli" / "dev.tsv", "sentence1", "sentence2", "gold_label", "cad")
           + _tsv(d / "conjnli" / "conj_dev.tsv", "Premise", "Hypothesis", "Label", "conjnli"))
    return {"train": train, "dev": dev, "snli_test": snli_test,
            "taxinli_test": [p for p in taxi if _taxi_bucket(p.premise) == TAXI_HELD_OUT],
            "breaking_nli": breaking_nli()}


def breaking_nli() -> list[Pair]:
    out = []
    with (data_dir() / "breaking_nli" / "dataset.jsonl").open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if (lab := _label(r["gold_label"])) is not None:
                out.append(Pair(r["sentence1"].strip(), r["sentence2"].strip(), lab, f"breaking:{r['category']}"))
    return out


def stance_pairs() -> list[StancePair]:
    """FNC-1 competition test (agree/disagree) and Emergent test (for/against) headline-body pairs."""
    d = data_dir() / "news_stance_eval_only"
    with (d / "competition_test_bodies.csv").open(encoding="utf-8", newline="") as f:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(f)}
    out = []
    with (d / "competition_test_stances.csv").open(encoding="utf-8", newline="") as f:
        out += [StancePair(r["Headline"], bodies[r["Body ID"]], r["Stance"], "fnc1")
                for r in csv.DictReader(f) if r["Stance"] in ("agree", "disagree")]
    emergent = {"for": "agree", "against": "disagree"}
    with (d / "Emergent_Full_body_test.json").open(encoding="utf-8") as f:
        rows: Iterable[dict] = (json.loads(line) for line in f if line.strip())
        out += [StancePair(r["claim"], r["body"], emergent[r["label"]], "emergent")
                for r in rows if r["label"] in emergent]
    return out
