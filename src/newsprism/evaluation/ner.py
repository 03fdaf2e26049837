"""NER figures for `make eval`: the shipped `newsprism_ner` component on gold sentences and on the sample.

- UNER English PUD (news and Wikipedia, never trained on) and UNER English EWT test, from the
  joint files of the shared folder: Docs are built from the gold words (so tokenisation does not
  blur the score), one sentence per Doc; span-level P/R/F1 per label (exact boundaries and label)
  and overall, plus words per second of the component.
- The sample (`examples/istanbul-2025`): the clean texts through the pipeline `annotate` uses
  (committed syntax model, sentence rules, the component); recall of the PERSON name variants of `gold.yaml`
  (`sample_person_recall`).

    python -m newsprism.evaluation.ner [--json out/eval_ner.json] [--model DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from newsprism.evaluation.stories import ROOT, shared_dir
from newsprism.nlp.ner.corpus import Scores, read_conllu
from newsprism.nlp.ner.decode import spans_from_tags
from newsprism.nlp.ner.model import DEFAULT_DIR

__all__ = ["TEST_SETS", "main", "person_variant_pairs", "run", "sample_person_recall", "score_gold"]

SAMPLE = ROOT / "examples" / "istanbul-2025"
TEST_SETS = {"pud": "joint/en_pud-uner-test.conllu", "ewt-test": "joint/en_ewt-uner-test.conllu"}


def _pipeline(sentences: bool, model_dir: Path | None = None):  # noqa: ANN202 (spacy.Language)
    """Tokenizer + entity recogniser; with `sentences`, the committed syntax model and the sentence
    rules first, as `newsprism.nlp.pipeline.load_nlp` builds them (a rule sentencizer without it)."""
    import spacy

    import newsprism.nlp.ner  # noqa: F401 (registers the factory)
    from newsprism.nlp import pipeline

    if sentences and (pipeline.SYNTAX_DIR / "config.cfg").is_file():
        nlp = spacy.load(pipeline.SYNTAX_DIR)
        nlp.add_pipe("newsprism_sentence_rules", before="parser")
        nlp.add_pipe("newsprism_sentence_repair", after="parser")
    else:
        nlp = spacy.blank("en")
        if sentences:
            nlp.add_pipe("sentencizer")
            nlp.add_pipe("newsprism_sentence_rules")
    nlp.add_pipe("newsprism_ner", config={"model_dir": str(model_dir) if model_dir else None})
    return nlp


def score_gold(path: Path, model_dir: Path | None = None) -> dict[str, Any]:
    """P/R/F per label of the component on one gold file (Docs from gold words)."""
    from spacy.tokens import Doc

    gold = read_conllu(path)
    nlp = _pipeline(sentences=False, model_dir=model_dir)
    docs = [Doc(nlp.vocab, words=s.words) for s in gold]
    ner = nlp.get_pipe("newsprism_ner")
    ner.model  # noqa: B018 (load before timing)
    t0 = time.perf_counter()
    docs = list(ner.pipe(docs))
    seconds = time.perf_counter() - t0
    scores = Scores()
    for sent, doc in zip(gold, docs, strict=True):
        scores.add(spans_from_tags(sent.tags), [(e.label_, e.start, e.end) for e in doc.ents])
    n_words = sum(len(s.words) for s in gold)
    return {"sentences": len(gold), "words": n_words, "words_per_s": round(n_words / seconds),
            "scores": scores.table()}


def person_variant_pairs(gold: dict[str, Any]) -> list[tuple[str, str]]:
    """(variant, file prefix) of every PERSON name variant `gold.yaml` lists, in its order."""
    return [(variant, prefix) for ent in gold["entities"] if ent["type"] == "PERSON"
            for variant, prefixes in ent["variants"].items() for prefix in prefixes]


def sample_person_recall(model_dir: Path | None = None) -> dict[str, Any]:
    """Recall of the PERSON variants of gold.yaml in the files that list them.

    A (variant, file) pair counts when the variant occurs in that file (whole words) and one of its
    occurrences lies inside a PERSON mention ("Putin" inside "Vladimir Putin" counts); pairs whose
    variant is not in the text are reported apart. `occurrences` is the stricter share of every
    occurrence of a variant that lies inside a PERSON mention.
    """
    gold = yaml.safe_load((SAMPLE / "gold.yaml").read_text(encoding="utf-8"))
    files = {p.name[:3]: p for p in sorted((SAMPLE / "clean").glob("*.txt"))}
    nlp = _pipeline(sentences=True, model_dir=model_dir)
    docs = dict(zip(files, nlp.pipe(p.read_text(encoding="utf-8") for p in files.values()), strict=True))
    missed, absent = [], []
    pairs = found = occ_total = occ_found = 0
    for variant, prefix in person_variant_pairs(gold):
        doc = docs[prefix]
        persons = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
        hits = [any(a <= m.start() and m.end() <= b for a, b in persons)
                for m in re.finditer(rf"(?<!\w){re.escape(variant)}(?!\w)", doc.text)]
        if not hits:
            absent.append(f"{variant} ({prefix})")
            continue
        pairs += 1
        found += any(hits)
        occ_total += len(hits)
        occ_found += sum(hits)
        if not any(hits):
            missed.append(f"{variant} ({prefix})")
    return {"pairs": pairs, "recall": round(found / pairs, 4), "missed": missed, "not_in_text": absent,
            "occurrences": occ_total, "occurrence_recall": round(occ_found / occ_total, 4)}


def run(model_dir: Path | None = None) -> dict[str, Any]:
    """Figures of the shipped model, or of the artefact in `model_dir`."""
    figures: dict[str, Any] = {}
    shared = shared_dir()
    data = shared / "data" / "nlp" if shared else None
    for name, rel in TEST_SETS.items():
        if data is None or not (data / rel).is_file():
            figures[name] = None
            continue
        figures[name] = score_gold(data / rel, model_dir)
    figures["sample"] = sample_person_recall(model_dir)
    return figures


def _print(figures: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for name in TEST_SETS:
        fig = figures[name]
        if fig is None:
            console.print(f"ner: {name}: shared data not found (set NEWSPRISM_SHARED); skipped")
            continue
        table = Table(title=f"NER on {name} ({fig['sentences']} sentences, gold words, "
                            f"{fig['words_per_s']:,} words/s)")
        for col in ("label", "P", "R", "F1"):
            table.add_column(col, justify="left" if col == "label" else "right")
        for label, row in fig["scores"].items():
            table.add_row(label, f"{row['p']:.3f}", f"{row['r']:.3f}", f"{row['f']:.3f}")
        console.print(table)
    sample = figures["sample"]
    console.print(f"ner: sample PERSON variants found {sample['recall']:.3f} of {sample['pairs']} (variant, file) "
                  f"pairs, {sample['occurrence_recall']:.3f} of {sample['occurrences']} occurrences; missed: "
                  f"{', '.join(sample['missed']) or 'none'}; listed but not in the text: "
                  f"{', '.join(sample['not_in_text']) or 'none'}")


def main(argv: Sequence[str] | None = None) -> None:
    """Print the figures (`make eval`); `--json PATH` also writes them."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--model", type=Path, default=None, help="an artefact directory other than the shipped one")
    args, _ = ap.parse_known_args(argv)
    if not ((args.model or DEFAULT_DIR) / "ner.json").is_file():
        print(f"ner: no model at {args.model or DEFAULT_DIR} (python -m newsprism.nlp.training.ner); skipped")
        return
    figures = run(args.model)
    _print(figures)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
