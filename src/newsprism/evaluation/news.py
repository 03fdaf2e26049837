"""News-layer figures for `make eval`: quotes, roles and PERSON variants.

- quotes: precision/recall/F1 on the hand-labelled `tests/fixtures/quotes.yaml` (58
  passages in wire, British, American, broadcast, tabloid, web and translated styles),
  overall and split: the 46 "dev" passages the rules were tuned on, the 12 "heldout" ones
  written afterwards and never tuned on.
  A predicted quote matches a gold one when their words overlap (Jaccard >= 0.5); "span"
  counts that alone, "with speaker" also needs the speaker to match (same name, or the same
  last word: "Rivera" = "Luis Rivera"; None only matches None).
- quotes on the sample: the three quotes the issue names (Tykhy in 004, Zelensky's
  "complete, unconditional, and honest" in 002, the European leader in 002).
- roles on the sample: for Fidan, Medinsky, Umerov, Tykhy and Peskov, whether some mention
  of them carries the expected office and country.
- PERSON variants on the sample (`examples/istanbul-2025/gold.yaml`): the share of gold
  variants found as a PERSON mention in each file that uses them; only when the entity
  recogniser's model is there.

The full pipeline (`nlp.pipeline.load_nlp`) is used when its models are committed, else
`spacy.blank("en")` with a sentencizer (the news layer's fallback mode); the figures say which.

    python -m newsprism.evaluation.news [--blank] [--json out/eval_news.json]
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from newsprism.evaluation.ner import person_variant_pairs
from newsprism.nlp.document import Quote

__all__ = ["EXPECTED_ROLES", "load_parser", "main", "match_quotes", "run", "same_speaker"]

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "tests" / "fixtures" / "quotes.yaml"
SAMPLE = ROOT / "examples" / "istanbul-2025"

# (surname, office pattern, country) the acceptance names for the sample.
EXPECTED_ROLES: list[tuple[str, str, str]] = [
    ("Fidan", r"foreign minister|minister", "Turkey"),
    ("Medinsky", r"presidential aide", "Russia"),
    ("Umerov", r"defen[cs]e minister|minister of defen[cs]e", "Ukraine"),
    ("Tykhy", r"spokesman", "Ukraine"),
    ("Peskov", r"spokesperson", "Russia"),
]
# (file prefix, words of the quote, expected speaker) the acceptance names.
SAMPLE_QUOTES: list[tuple[str, str, str]] = [
    ("004", "We believe that if we want to be able to progress", "Georgiy Tykhy"),
    ("002", "complete, unconditional, and honest", "Zelensky"),
    ("002", "We have just talked regarding our meetings", "one of the leaders"),
]


def load_parser(blank: bool = False) -> tuple[Callable[[str], Any], str]:
    """The NLP stage's spaCy pipeline when its models load, else a blank English sentencizer."""
    import spacy

    if not blank:
        try:
            from newsprism.nlp.pipeline import load_nlp

            nlp = load_nlp()
            return nlp, "trained pipeline" + (" + NER" if "newsprism_ner" in nlp.pipe_names else " (no NER)")
        except Exception as exc:  # no committed model: the fallback is what we measure then
            reason = f"{type(exc).__name__}"
    else:
        reason = "--blank"
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp, f"blank English + sentencizer ({reason})"


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / len(wa | wb) if wa | wb else 0.0


def same_speaker(pred: str | None, gold: str | None) -> bool:
    if pred is None or gold is None:
        return pred is gold
    p, g = pred.lower().strip(), gold.lower().strip()
    return p == g or p.split()[-1] == g.split()[-1]


def match_quotes(pred: Sequence[Quote], gold: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(span matches, span-and-speaker matches), one-to-one, best overlap first."""
    pairs = sorted(((_overlap(p.text, g["text"]), i, j) for i, p in enumerate(pred) for j, g in enumerate(gold)),
                   reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    span = with_speaker = 0
    for score, i, j in pairs:
        if score < 0.5 or i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        span += 1
        with_speaker += same_speaker(pred[i].speaker, gold[j]["speaker"])
    return span, with_speaker


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def run(blank: bool = False) -> dict[str, Any]:
    from newsprism.nlp.news import news_layer

    nlp, mode = load_parser(blank)
    figures: dict[str, Any] = {"mode": mode, "errors": []}
    passages = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    for split in ("all", "dev", "heldout"):
        chosen = [p for p in passages if split == "all" or p.get("split", "dev") == split]
        n_pred = n_gold = span_tp = speaker_tp = 0
        for passage in chosen:
            quotes = news_layer(nlp(passage["text"]), None).quotes
            gold = passage["quotes"]
            span, with_speaker = match_quotes(quotes, gold)
            n_pred += len(quotes)
            n_gold += len(gold)
            span_tp += span
            speaker_tp += with_speaker
            if split == "all" and (span < len(gold) or with_speaker < len(gold) or len(quotes) > len(gold)):
                figures["errors"].append({"id": passage["id"], "pred": [(q.text, q.speaker, q.direct) for q in quotes],
                                          "gold": [(g["text"], g["speaker"], g["direct"]) for g in gold]})
        figures["quotes" if split == "all" else f"quotes_{split}"] = {
            "passages": len(chosen), "gold": n_gold, "predicted": n_pred,
            "span": _prf(span_tp, n_pred, n_gold), "with_speaker": _prf(speaker_tp, n_pred, n_gold)}
    figures.update(_sample(nlp, news_layer, mode))
    return figures


def _sample(nlp: Callable[[str], Any], news_layer: Callable[..., Any], mode: str) -> dict[str, Any]:
    layers = {}
    for path in sorted((SAMPLE / "clean").glob("*.txt")):
        doc = nlp(path.read_text(encoding="utf-8"))
        layers[path.name[:3]] = (doc, news_layer(doc, None))
    roles = {}
    for surname, office, country in EXPECTED_ROLES:
        found = [(m.role, m.affiliation) for _, layer in layers.values() for m in layer.mentions
                 if m.label == "PERSON" and surname in m.text and m.role]
        ok = any(re.search(office, role, re.I) and aff == country for role, aff in found)
        roles[surname] = {"found": ok, "roles": sorted({f"{r} ({a})" for r, a in found})}
    sample_quotes = {}
    for prefix, words, speaker in SAMPLE_QUOTES:
        hits = [q for q in layers[prefix][1].quotes if words.lower() in q.text.lower()]
        sample_quotes[f"{prefix}: {words[:40]}"] = {
            "found": bool(hits), "speaker": hits[0].speaker if hits else None,
            "right_speaker": bool(hits) and same_speaker(hits[0].speaker, speaker)}
    out: dict[str, Any] = {"sample_roles": roles, "sample_quotes": sample_quotes}
    has_ner = any(len(doc.ents) for doc, _ in layers.values())
    if has_ner:
        gold = yaml.safe_load((SAMPLE / "gold.yaml").read_text(encoding="utf-8"))
        total = hit = 0
        missed = []
        for variant, prefix in person_variant_pairs(gold):
            total += 1
            names = [m.text for m in layers[prefix][1].mentions if m.label == "PERSON"]
            if any(re.search(rf"(?<!\w){re.escape(variant)}(?!\w)", n) for n in names):
                hit += 1
            else:
                missed.append(f"{prefix}: {variant}")
        out["person_variants"] = {"recall": round(hit / total, 3), "found": hit, "total": total, "missed": missed}
    else:
        out["person_variants"] = {"skipped": f"no entity recogniser in this run ({mode})"}
    return out


def _print(figures: dict[str, Any], show_errors: bool) -> None:
    print(f"news layer ({figures['mode']})")
    for name, label in (("quotes", "all"), ("quotes_dev", "dev (rules tuned on it)"),
                        ("quotes_heldout", "held out")):
        q = figures[name]
        print(f"  quotes.yaml {label}: {q['passages']} passages, {q['gold']} gold quotes, {q['predicted']} predicted")
        for key in ("span", "with_speaker"):
            s = q[key]
            print(f"    {key:<13} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}")
    print("  sample quotes named in the acceptance:")
    for name, row in figures["sample_quotes"].items():
        print(f"    {name:<50} found={row['found']} speaker={row['speaker']!r} ok={row['right_speaker']}")
    print("  sample roles (office and country):")
    for name, row in figures["sample_roles"].items():
        print(f"    {name:<10} {'ok ' if row['found'] else 'MISSING'} {'; '.join(row['roles'])}")
    pv = figures["person_variants"]
    if "recall" in pv:
        print(f"  sample PERSON variants: recall {pv['recall']:.3f} ({pv['found']}/{pv['total']})"
              + (f"; missed {', '.join(pv['missed'])}" if pv["missed"] else ""))
    else:
        print(f"  sample PERSON variants: skipped, {pv['skipped']}")
    if show_errors:
        for err in figures["errors"]:
            print(f"  ERR {err['id']}\n      pred {err['pred']}\n      gold {err['gold']}")


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--blank", action="store_true", help="measure the fallback on spacy.blank('en')")
    ap.add_argument("--errors", action="store_true", help="list the passages with a wrong or missed quote")
    ap.add_argument("--json", type=Path, default=None)
    args, _ = ap.parse_known_args(argv)
    figures = run(blank=args.blank)
    _print(figures, args.errors)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
