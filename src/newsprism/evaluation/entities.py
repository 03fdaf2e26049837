"""Entity resolution figures for `make eval`, on the sample (`examples/istanbul-2025/gold.yaml`).

Mentions come from the NLP stage (`annotate`) when its models load; otherwise (`--mentions
gold`, or `auto` when `annotate` fails) every gold variant is located in the clean texts
by string search, typed with the gold type, and given roles by the NLP stage's title and
appositive rules (`nlp.news.roles.attach_roles`) over a tokenised text. The output says
which mentions were used: with gold-located mentions, "variants found" only checks the
gold's file lists against the texts and the other figures measure resolution alone.

Figures (gold occurrences are matched to system mentions by overlapping span):
- variants found: gold (entity, variant, file) triples whose text, somewhere in that file, lies in a
  system mention (the gold lists "Putin" for a file that only writes "Vladimir Putin");
- mention recall: gold occurrences covered by some system mention;
- completeness: per gold entity, the largest share of its matched occurrences in one system
  entity (weighted by occurrences); purity: per system entity, the largest share of its
  gold-matched occurrences from one gold entity; false merges: gold entities beyond the
  first inside one system entity, summed;
- contradictions: gold C1 (role) and C2 (name) found when a system contradiction of that kind
  has, for every `match` regex, a statement it matches; extra = system contradictions
  matching no gold one.

    python -m newsprism.evaluation.entities [--mentions auto|gold|nlp] [--json out/eval_entities.json]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsprism.entities import EntityRoster, resolve_entities
from newsprism.models import Article
from newsprism.nlp.document import AnnotatedDocument, Mention

__all__ = ["GoldEntity", "gold_documents", "load_gold", "main", "run", "score"]

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "examples" / "istanbul-2025"
TARGET = 0.95


@dataclass(slots=True)
class GoldEntity:
    name: str
    type: str
    variants: dict[str, list[str]]  # text -> file prefixes ("000")


def load_gold(root: Path = SAMPLE) -> tuple[list[GoldEntity], list[dict[str, Any]], dict[str, str]]:
    """Gold entities, gold contradictions, and the clean texts by file prefix."""
    import yaml

    gold = yaml.safe_load((root / "gold.yaml").read_text("utf-8"))
    entities = [GoldEntity(e["name"], e["type"], {str(k): [str(a) for a in v] for k, v in e["variants"].items()})
                for e in gold["entities"]]
    texts = {p.stem[:3]: p.read_text("utf-8") for p in sorted((root / "clean").glob("*.txt"))}
    return entities, gold["contradictions"], texts


def _occurrences(text: str, variant: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"(?<!\w)" + re.escape(variant) + r"(?!\w)", text)]


def gold_documents(entities: Sequence[GoldEntity], texts: dict[str, str]) -> list[AnnotatedDocument]:
    """Documents whose mentions are the gold variants found by string search, with roles from the
    NLP stage's title/appositive rules over a blank tokenizer."""
    import spacy

    from newsprism.nlp.news.gazetteer import load_gazetteer
    from newsprism.nlp.news.roles import attach_roles

    nlp = spacy.blank("en")
    gaz = load_gazetteer()
    docs = []
    for prefix, text in texts.items():
        spans: list[tuple[int, int, str]] = []
        for ent in entities:
            for variant in sorted(ent.variants, key=len, reverse=True):
                for s, e in _occurrences(text, variant):
                    if not any(s < e2 and s2 < e for s2, e2, _ in spans):
                        spans.append((s, e, ent.type))
        mentions = [Mention(text[s:e], label, s, e) for s, e, label in sorted(spans)]
        mentions = attach_roles(nlp(text), mentions, gaz)
        docs.append(AnnotatedDocument(id=prefix, text=text, mentions=mentions))
    return docs


def nlp_documents(texts: dict[str, str]) -> list[AnnotatedDocument]:
    from newsprism.nlp import annotate

    return [annotate(Article(id=prefix, origin=prefix, source=prefix, title="", text=text))
            for prefix, text in texts.items()]


def score(roster: EntityRoster, entities: Sequence[GoldEntity], contradictions: Sequence[dict[str, Any]],
          texts: dict[str, str]) -> dict[str, Any]:
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)  # article -> (start, end, entity id)
    for e in roster.entities:
        for m in e.mentions:
            spans[m.article].append((m.start, m.end, e.id))

    triples = found = 0
    missing: list[str] = []
    occ_total = occ_matched = 0
    cells: Counter[tuple[str, str]] = Counter()  # (gold name, system id) -> matched occurrences
    for g in entities:
        occurrences: set[tuple[str, int, int]] = set()
        for variant, files in g.variants.items():
            for prefix in files:
                triples += 1
                occ = _occurrences(texts.get(prefix, ""), variant)
                if any(s < e2 and s2 < e for s, e in occ for s2, e2, _ in spans[prefix]):
                    found += 1
                else:
                    missing.append(f"{variant!r} in {prefix}")
                occurrences |= {(prefix, s, e) for s, e in occ}
        for prefix, s, e in occurrences:
            occ_total += 1
            hits = {eid for s2, e2, eid in spans[prefix] if s < e2 and s2 < e}
            if hits:
                occ_matched += 1
                cells[(g.name, min(hits))] += 1
    per_gold: dict[str, Counter[str]] = defaultdict(Counter)
    per_sys: dict[str, Counter[str]] = defaultdict(Counter)
    for (gname, sid), n in cells.items():
        per_gold[gname][sid] += n
        per_sys[sid][gname] += n
    matched = sum(cells.values()) or 1
    completeness = sum(max(c.values()) for c in per_gold.values()) / matched
    purity = sum(max(c.values()) for c in per_sys.values()) / matched
    merges = {sid: sorted(c) for sid, c in per_sys.items() if len(c) > 1}
    split = {g: sorted(c) for g, c in per_gold.items() if len(c) > 1}

    found_ids, used = [], set()
    for gc in contradictions:
        if gc["kind"] not in ("role", "name"):
            continue
        for i, c in enumerate(roster.contradictions):
            texts_ = [s.text for s in c.statements]
            if c.kind == gc["kind"] and all(any(re.search(p, t, re.I) for t in texts_) for p in gc["match"]):
                found_ids.append(gc["id"])
                used.add(i)
                break
    expected = [gc["id"] for gc in contradictions if gc["kind"] in ("role", "name")]
    return {
        "variants_found": round(found / max(triples, 1), 3),
        "variants_missing": missing,
        "mention_recall": round(occ_matched / max(occ_total, 1), 3),
        "completeness": round(completeness, 3),
        "purity": round(purity, 3),
        "false_merges": sum(len(v) - 1 for v in merges.values()),
        "merged": merges,
        "split": split,
        "contradictions_expected": expected,
        "contradictions_found": found_ids,
        "contradictions_extra": [roster.contradictions[i].explanation for i in range(len(roster.contradictions))
                                 if i not in used],
        "entities": len(roster.entities),
    }


def run(mentions: str = "auto") -> dict[str, Any]:
    entities, contradictions, texts = load_gold()
    notes = []
    docs = None
    if mentions in ("auto", "nlp"):
        try:
            docs = nlp_documents(texts)
            notes.append("mentions from the NLP stage (annotate)")
        except Exception as exc:  # the NLP models are not there or fail to load
            if mentions == "nlp":
                raise
            notes.append(f"annotate() unavailable ({type(exc).__name__}: {exc}); mentions are the gold "
                         "variants located by string search (variants found then only checks the gold lists against the texts), "
                         "roles from the NLP stage's title rules")
    if docs is None:
        docs = gold_documents(entities, texts)
        if mentions == "gold":
            notes.append("mentions are the gold variants located by string search, roles from the NLP stage's "
                         "title rules (variants found then only checks the gold lists against the texts)")
    figures = score(resolve_entities(docs), entities, contradictions, texts)
    figures["notes"] = notes
    return figures


def _table(f: dict[str, Any]) -> Any:
    from rich.table import Table

    t = Table(title="entities (sample, examples/istanbul-2025)")
    t.add_column("figure")
    t.add_column("value", justify="right")
    t.add_column("target", justify="right")
    t.add_row("gold variants found in their files", f"{f['variants_found']:.3f}", "1.000")
    t.add_row("gold occurrences with a mention", f"{f['mention_recall']:.3f}", "")
    t.add_row("entity completeness", f"{f['completeness']:.3f}", f">= {TARGET}")
    t.add_row("entity purity", f"{f['purity']:.3f}", f">= {TARGET}")
    t.add_row("false merges", str(f["false_merges"]), "0")
    t.add_row("contradictions found", f"{', '.join(f['contradictions_found']) or '-'} of "
              f"{', '.join(f['contradictions_expected'])}", "all")
    t.add_row("other role/name contradictions", str(len(f["contradictions_extra"])), "")
    t.add_row("entities", str(f["entities"]), "")
    return t


def main(argv: Sequence[str] | None = None) -> None:
    """Print the figures (`make eval`); `--json PATH` also writes them."""
    from rich.console import Console

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mentions", choices=("auto", "gold", "nlp"), default="auto")
    ap.add_argument("--json", type=Path, default=None)
    args, _ = ap.parse_known_args(argv)
    console = Console()
    figures = run(args.mentions)
    console.print(_table(figures))
    for key in ("variants_missing", "merged", "split", "contradictions_extra"):
        if figures[key]:
            console.print(f"{key.replace('_', ' ')}: {figures[key]}")
    for note in figures["notes"]:
        console.print(f"note: {note}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
        console.print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
