"""`make eval` section `claims`: consensus facts and contradictions against gold.

For each gold story (the sample, and the four dev-stories when the shared corpus is
present) the articles are cleaned, annotated, grouped into origins by the stories stage
and passed to `story_claims`. Then:

- a gold fact counts as found when some claim with >= 2 sources has evidence in which
  every `match` regex matches at least one sentence, at least half of its evidence
  sentences match one of the regexes (so a claim swallowing the whole story matches
  nothing), and its sources overlap the gold sources with Jaccard >= 0.5;
- a gold contradiction counts as found when a headline contradiction (confidence >=
  HEADLINE) has statements from >= 2 of the gold articles and its statements together
  match every `match` regex; every other headline contradiction is listed for judging.

    python -m newsprism.evaluation.claims [--tune]
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from newsprism.claims import HEADLINE, AlignParams, StoryClaims, story_claims
from newsprism.evaluation.stories import ROOT, shared_dir
from newsprism.models import Article, RawDocument

__all__ = ["GoldStory", "load_gold", "main", "ready_stories", "run", "score_story"]

SAMPLE = ROOT / "examples" / "istanbul-2025"


@dataclass(slots=True)
class GoldFact:
    id: str
    fact: str
    sources: set[str]
    match: list[str]


@dataclass(slots=True)
class GoldContradiction:
    id: str
    note: str
    articles: set[str]
    match: list[str]


@dataclass(slots=True)
class GoldStory:
    name: str
    articles: list[Article]
    facts: list[GoldFact]
    contradictions: list[GoldContradiction]
    published: str | None = None
    docs: list[Any] = field(default_factory=list)  # annotated, filled by `prepare`
    origins: dict[str, str] = field(default_factory=dict)  # article id -> origin, filled by `run`


def _clean_text(aid: str, text: str, published: str | None) -> Article:
    from newsprism.clean import clean
    from newsprism.config import load_settings

    result = clean(RawDocument(id=aid, origin=aid, kind="text", content=text, published=published),
                   load_settings(min_words=1))
    if not isinstance(result, Article):
        raise ValueError(f"{aid}: cleaning rejected it: {result.detail}")
    return result


def _sample() -> GoldStory:
    gold = yaml.safe_load((SAMPLE / "gold.yaml").read_text("utf-8"))
    paths = sorted((SAMPLE / "clean").glob("*.txt"))
    by_prefix = {p.stem[:3]: p.stem for p in paths}
    arts = [_clean_text(p.stem, p.read_text("utf-8"), "2025-05-16") for p in paths]
    facts = [GoldFact(f["id"], f["fact"], {by_prefix[s] for s in f["sources"]}, f["match"])
             for f in gold["consensus_facts"]]
    contras = [GoldContradiction(c["id"], c.get("note", ""), {by_prefix[k] for k in c["statements"]}, c["match"])
               for c in gold["contradictions"]]
    return GoldStory("istanbul-2025 (sample)", arts, facts, contras)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _dev_story(folder: Path) -> GoldStory:
    gold = yaml.safe_load((folder / "gold.yaml").read_text("utf-8"))
    arts = []
    for entry in gold["articles"]:
        path = folder / entry["file"]
        m = _DATE.search(str(entry.get("date", "")))
        arts.append(_clean_text(path.stem, path.read_text("utf-8"), m.group() if m else None))
    stem = {e["file"]: Path(e["file"]).stem for e in gold["articles"]}
    facts = [GoldFact(f"F{i + 1}", f["fact"], {stem[x] for x in f["files"]}, f["match"])
             for i, f in enumerate(gold.get("consensus_facts", []))]
    contras = [GoldContradiction(f"C{i + 1}", str(c.get("topic", "")), {stem[s["file"]] for s in c["statements"]},
                                 c["match"])
               for i, c in enumerate(gold.get("contradictions", []))]
    return GoldStory(folder.name, arts, facts, contras)


def load_gold(shared: Path | None = None) -> tuple[list[GoldStory], list[str]]:
    stories, notes = [_sample()], []
    shared = shared or shared_dir()
    root = shared / "corpus" / "dev-stories" if shared else None
    if root is not None and root.is_dir():
        stories += [_dev_story(p) for p in sorted(root.iterdir()) if p.is_dir() and p.name != "distractors"]
    else:
        notes.append("shared corpus/dev-stories not found (set NEWSPRISM_SHARED): sample only")
    return stories, notes


def prepare(stories: Sequence[GoldStory]) -> None:
    from newsprism.nlp import annotate_many

    for s in stories:
        s.docs = list(annotate_many(s.articles))


def ready_stories(stories: Sequence[GoldStory] | None, encoder: Any) -> Sequence[GoldStory]:
    """The gold stories (all of them, annotated, when `stories` is None), each with its origins."""
    if stories is None:
        stories, _ = load_gold()
        prepare(stories)
    for s in stories:
        s.origins = s.origins or _origins(s, encoder)
    return stories


def _origins(story: GoldStory, encoder: Any) -> dict[str, str]:
    from newsprism.stories import cluster_stories

    out = {}
    for st in cluster_stories(story.articles, encoder=encoder):
        for group in st.origins:
            for aid in group:
                out[aid] = group[0]
    return out


def _matches(patterns: Sequence[str], texts: Sequence[str]) -> bool:
    return all(any(re.search(p, t, re.I) for t in texts) for p in patterns)


def _is_instance(c: Any, gold: GoldContradiction, arts: set[str]) -> bool:
    """`c` reports the gold contradiction: its statements together match every regex, and
    it pits two of the gold articles against each other, or one gold article against
    another article whose statement is itself about the gold topic (gold lists example
    statements, e.g. "000 vs 001/002" with only 000 and 001 quoted)."""
    texts = [s.text for s in c.statements]
    if not _matches(gold.match, texts):
        return False
    shared = len(arts & gold.articles)
    return shared >= 2 or (shared == 1 and all(any(re.search(p, t, re.I) for p in gold.match) for t in texts))


def score_story(story: GoldStory, result: StoryClaims) -> dict[str, Any]:
    found_facts = {}
    for fact in story.facts:
        best = None
        for c in result.claims:
            if len(c.sources) < 2:
                continue
            texts = [u.text for u in c.units]
            if not _matches(fact.match, texts):
                continue
            hit = sum(any(re.search(p, t, re.I) for p in fact.match) for t in texts)
            if hit < len(texts) / 2:
                continue
            srcs = set(c.sources)
            jac = len(srcs & fact.sources) / len(srcs | fact.sources)
            if jac >= 0.5 and (best is None or jac > best[1]):
                best = (c, jac)
        found_facts[fact.id] = best
    headline = [c for c in result.contradictions if c.confidence >= HEADLINE]
    matched: dict[str, Any] = {}
    unmatched = []
    for c in headline:
        arts = {s.article for s in c.statements}
        hit = next((g for g in story.contradictions if _is_instance(c, g, arts)), None)
        if hit is None:
            unmatched.append(c)
        else:
            matched.setdefault(hit.id, c)
    return {
        "facts_found": sum(v is not None for v in found_facts.values()), "facts": len(story.facts),
        "fact_hits": found_facts, "contradictions_found": len(matched), "contradictions": len(story.contradictions),
        "contradiction_hits": matched, "false_contradictions": unmatched,
        "claims": len(result.claims), "consensus": sum(c.status == "consensus" for c in result.claims),
    }


class _Cached:
    """Embeddings memoised by text: the grid re-aligns the same units many times."""

    cache: dict[str, Any] = {}

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder

    def encode(self, texts: Sequence[str]) -> Any:
        import numpy as np

        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            self.cache.update(zip(todo, self.encoder.encode(todo), strict=True))
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)


def run(params: AlignParams | None = None, stories: Sequence[GoldStory] | None = None,
        encoder: Any = None) -> list[tuple[GoldStory, dict[str, Any]]]:
    from newsprism.stories import load_encoder

    encoder = encoder or load_encoder()
    out = []
    for s in ready_stories(stories, encoder):
        result = story_claims(s.docs, origins=s.origins, encoder=_Cached(encoder), params=params)
        out.append((s, score_story(s, result)))
    return out


def tune() -> None:
    from newsprism.stories import load_encoder

    encoder = load_encoder()
    stories, _ = load_gold()
    prepare(stories)
    console = Console()
    table = Table("w_lexical", "pair", "link", "sample facts", "facts found", "contradictions found",
                  "false contradictions")
    base = AlignParams()
    for w in (0.25, 0.5, 1.0):
        for pair in (0.5, 0.55, 0.6, 0.7, 0.8):
            for link in (0.5, 0.55, 0.6):
                params = replace(base, w_lexical=w, pair_threshold=pair, link_threshold=link)
                res = run(params, stories, encoder)
                table.add_row(str(w), str(pair), str(link), str(res[0][1]["facts_found"]),
                              str(sum(r["facts_found"] for _, r in res)),
                              str(sum(r["contradictions_found"] for _, r in res)),
                              str(sum(len(r["false_contradictions"]) for _, r in res)))
    console.print(table)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m newsprism.evaluation.claims")
    parser.add_argument("--tune", action="store_true", help="grid over the alignment parameters")
    args = parser.parse_args(argv)
    if args.tune:
        tune()
        return
    console = Console()
    stories, notes = load_gold()
    for n in notes:
        console.print(f"[yellow]note:[/] {n}")
    prepare(stories)
    table = Table("story", "facts found (>= 2 sources, overlap >= 0.5)", "gold contradictions found",
                  "other headline contradictions", "claims", "consensus claims",
                  title="claims: consensus facts and contradictions vs gold", title_justify="left")
    results = run(stories=stories)
    for s, r in results:
        table.add_row(s.name, f"{r['facts_found']}/{r['facts']}", f"{r['contradictions_found']}/{r['contradictions']}",
                      str(len(r["false_contradictions"])), str(r["claims"]), str(r["consensus"]))
    console.print(table)
    for s, r in results:
        missed = [f.id for f in s.facts if r["fact_hits"][f.id] is None]
        found_c = ", ".join(sorted(r["contradiction_hits"]))
        console.print(f"[bold]{s.name}[/]: facts missed {', '.join(missed) or 'none'}; contradictions found "
                      f"{found_c or 'none'}")
        for c in r["false_contradictions"]:
            console.print(f"  not in gold ({c.kind}, {c.confidence:.2f}): {c.explanation[:220]}")


if __name__ == "__main__":
    main()
