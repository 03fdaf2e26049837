"""`make eval` section `claims`: consensus facts and contradictions against gold.

For each gold story (the sample, and the dev-stories and dev-conflicts events when the
shared corpus is present) the articles are cleaned, annotated, grouped into origins by
the stories stage and passed, with the entity roster, to `story_claims`. Then:

- a gold fact counts as found when some claim with >= 2 sources has evidence in which
  every `match` regex matches at least one sentence, at least half of its evidence
  sentences match one of the regexes (so a claim swallowing the whole story matches
  nothing), and its sources overlap the gold sources with Jaccard >= 0.5;
- a gold contradiction counts as found when a headline contradiction (confidence >=
  HEADLINE) has statements from >= 2 of the gold articles and its statements together
  match every `match` regex; every other headline contradiction is listed for judging;
- a figure or time finding matches a gold contradiction only if its explanation, which
  names the disputed values, names a figure that the regexes pick out of its statements
  (citing the sentences is not enough: "at a depth of 6 miles" and "12:50 p.m." share one);
- a gold non-contradiction (dev-conflicts: two statements that look alike but do not
  conflict) counts as wrongly flagged when one headline contradiction that matches no gold
  contradiction cites both of its statements (each inside, or containing, a cited sentence
  of its article).

What is tuned (the headline cut) is also scored leave-one-story-out: for each story the
cut is chosen on the other stories only, then applied to it.

    python -m newsprism.evaluation.claims [--tune]
"""

from __future__ import annotations

import argparse
import re
import unicodedata
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

__all__ = ["GoldNonContradiction", "GoldStory", "flags_non_contradiction", "leave_one_out", "load_gold", "main",
           "ready_stories", "run", "score_contradictions", "score_story"]

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
class GoldNonContradiction:
    id: str
    topic: str
    statements: list[tuple[str, str]]  # (article id, literal text) x 2


@dataclass(slots=True)
class GoldStory:
    name: str
    articles: list[Article]
    facts: list[GoldFact]
    contradictions: list[GoldContradiction]
    non_contradictions: list[GoldNonContradiction] = field(default_factory=list)
    corpus: str = "sample"  # sample | dev-stories | dev-conflicts
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


def _dev_story(folder: Path, corpus: str = "dev-stories") -> GoldStory:
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
    nons = [GoldNonContradiction(f"N{i + 1}", str(n.get("topic", "")),
                                 [(stem[x["file"]], x["text"]) for x in n["statements"]])
            for i, n in enumerate(gold.get("non_contradictions") or [])]
    return GoldStory(folder.name, arts, facts, contras, nons, corpus)


def load_gold(shared: Path | None = None, conflicts: bool = True) -> tuple[list[GoldStory], list[str]]:
    """The sample, the dev-stories and (with `conflicts`) the dev-conflicts events."""
    stories, notes = [_sample()], []
    shared = shared or shared_dir()
    for corpus in ("dev-stories", "dev-conflicts") if conflicts else ("dev-stories",):
        root = shared / "corpus" / corpus if shared else None
        if root is not None and root.is_dir():
            stories += [_dev_story(p, corpus) for p in sorted(root.iterdir())
                        if p.is_dir() and p.name != "distractors"]
        else:
            notes.append(f"shared corpus/{corpus} not found (set NEWSPRISM_SHARED): left out")
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
    return all(any(_search(p, t) for t in texts) for p in patterns)


def _search(pattern: str, text: str) -> bool:
    """A gold regex on text normalised as the gold files say: accents stripped, quotes and
    dashes folded, lower case, whitespace collapsed."""
    return re.search(pattern, _norm(text), re.I) is not None


def _is_instance(c: Any, gold: GoldContradiction, arts: set[str]) -> bool:
    """`c` reports the gold contradiction: its statements together match every regex, and
    it pits two of the gold articles against each other, or one gold article against
    another article whose statement is itself about the gold topic (gold lists example
    statements, e.g. "000 vs 001/002" with only 000 and 001 quoted)."""
    texts = [s.text for s in c.statements]
    if not _matches(gold.match, texts):
        return False
    if c.frame and not _names_value(c, gold):
        return False  # a figure or time finding must name a disputed value, not only cite its sentences
    shared = len(arts & gold.articles)
    if shared >= 2:
        return True
    # one gold article against others: its own statements must carry every regex (a wrong name
    # flagged against the articles that spell it right), or every statement must be on topic
    own = [s.text for s in c.statements if s.article in gold.articles]
    return shared == 1 and len(arts) >= 2 and (
        _matches(gold.match, own) or all(any(re.search(p, t, re.I) for p in gold.match) for t in texts))


_VALUE = re.compile(r"\d+(?:[.,:]\d+)*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                    r"twenty|thirty|forty|fifty|hundred|thousand|million|billion)\b")


def _names_value(c: Any, gold: GoldContradiction) -> bool:
    """The explanation of `c` names a figure or time that the gold regexes pick out of its
    statements (gold without figures, a name say, passes)."""
    values = {v for p in gold.match for s in c.statements
              for m in re.finditer(p, _norm(s.text), re.I) for v in _VALUE.findall(m.group(0))}
    said = _norm(c.explanation)
    return not values or any(re.search(rf"(?<![\d.,:]){re.escape(v)}(?![\d]|[.,:]\d)", said) for v in values)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_FOLD).lower()
    return " ".join(text.split())


_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "‑": "-", "–": "-", "—": "-",
                       "\u00a0": " "})


def _cites(c: Any, article: str, text: str) -> bool:
    """`c` cites `text` of `article`: a cited sentence of that article contains it or lies in it."""
    want = _norm(text)
    return any(s.article == article and ((got := _norm(s.text)) and (want in got or got in want))
               for s in c.statements)


def flags_non_contradiction(c: Any, gold: GoldNonContradiction) -> bool:
    (a, ta), (b, tb) = gold.statements
    return _cites(c, a, ta) and _cites(c, b, tb)


def score_story(story: GoldStory, result: StoryClaims, cut: float = HEADLINE) -> dict[str, Any]:
    found_facts = {}
    for fact in story.facts:
        best = None
        for c in result.claims:
            if len(c.sources) < 2:
                continue
            texts = [u.text for u in c.units]
            if not _matches(fact.match, texts):
                continue
            hit = sum(any(_search(p, t) for p in fact.match) for t in texts)
            if hit < len(texts) / 2:
                continue
            srcs = set(c.sources)
            jac = len(srcs & fact.sources) / len(srcs | fact.sources)
            if jac >= 0.5 and (best is None or jac > best[1]):
                best = (c, jac)
        found_facts[fact.id] = best
    out = score_contradictions(story, result, cut)
    out.update({
        "facts_found": sum(v is not None for v in found_facts.values()), "facts": len(story.facts),
        "fact_hits": found_facts,
        "claims": len(result.claims), "consensus": sum(c.status == "consensus" for c in result.claims),
    })
    return out


def score_contradictions(story: GoldStory, result: StoryClaims, cut: float = HEADLINE) -> dict[str, Any]:
    """Gold contradictions found, other headline contradictions, non-contradictions flagged,
    for the headline list at confidence >= `cut`."""
    headline = [c for c in result.contradictions if c.confidence >= cut]
    matched: dict[str, Any] = {}
    unmatched = []
    for c in headline:
        arts = {s.article for s in c.statements}
        hit = next((g for g in story.contradictions if _is_instance(c, g, arts)), None)
        if hit is None:
            unmatched.append(c)
        else:
            matched.setdefault(hit.id, c)
    flagged = {n.id: c for n in story.non_contradictions for c in unmatched if flags_non_contradiction(c, n)}
    return {
        "contradictions_found": len(matched), "contradictions": len(story.contradictions),
        "contradiction_hits": matched, "false_contradictions": unmatched,
        "non_contradictions": len(story.non_contradictions), "non_contradictions_flagged": flagged,
    }


CUTS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)


def _utility(scores: Sequence[dict[str, Any]]) -> float:
    """What the cut is chosen for: gold conflicts found, less twice every other headline
    finding (unjudged ones count as false: precision first) and every flagged non-contradiction."""
    return sum(r["contradictions_found"] - 2 * len(r["false_contradictions"])
               - 2 * len(r["non_contradictions_flagged"]) for r in scores)


def leave_one_out(results: Sequence[tuple[GoldStory, StoryClaims]]) -> list[tuple[GoldStory, float, dict[str, Any]]]:
    """Per story: the headline cut chosen on the other stories, and the story scored with it."""
    table = {c: [score_contradictions(s, r, c) for s, r in results] for c in CUTS}
    out = []
    for i, (s, _) in enumerate(results):
        best = max(CUTS, key=lambda c: (_utility([x for j, x in enumerate(table[c]) if j != i]), -abs(c - HEADLINE)))
        out.append((s, best, table[best][i]))
    return out


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


def analyse(stories: Sequence[GoldStory] | None = None, params: AlignParams | None = None,
            encoder: Any = None) -> list[tuple[GoldStory, StoryClaims]]:
    """Each gold story through entities and claims, as the pipeline runs them."""
    from newsprism.entities import resolve_entities
    from newsprism.stories import load_encoder

    encoder = encoder or load_encoder()
    out = []
    for s in ready_stories(stories, encoder):
        roster = resolve_entities(s.docs, s.articles)
        out.append((s, story_claims(s.docs, origins=s.origins, encoder=_Cached(encoder), params=params,
                                    roster=roster)))
    return out


def run(params: AlignParams | None = None, stories: Sequence[GoldStory] | None = None,
        encoder: Any = None) -> list[tuple[GoldStory, dict[str, Any]]]:
    return [(s, score_story(s, r)) for s, r in analyse(stories, params, encoder)]


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


NLI_RELATED = 0.5  # sentence cosine from which two units of different origins are scored as a pair
NLI_CUTS = (0.4, 0.45, 0.5, 0.6, 0.7)


def nli_candidates(results: Sequence[tuple[GoldStory, StoryClaims]], encoder: Any = None) -> list[dict[str, Any]]:
    """What the NLI cross-encoder would add as a finder of its own: every pair of related units
    (cosine >= `NLI_RELATED`) of different origins in the dev stories, scored both ways
    (`contradiction_score`, mean), and per cut the pairs it would flag, the gold conflicts among
    them (and how many of those the other finders miss), and the non-contradictions flagged."""
    import numpy as np

    from newsprism.claims.nli import load_nli
    from newsprism.claims.records import Contradiction, Statement
    from newsprism.stories import load_encoder

    encoder = _Cached(encoder or load_encoder())
    nli = load_nli()
    scored: list[tuple[float, str, str | None, str | None]] = []
    found = {(s.name, g) for s, r in results for g in score_contradictions(s, r)["contradiction_hits"]}
    for s, r in results:
        if s.corpus == "sample":
            continue
        units = r.units
        vec = np.asarray(encoder.encode([u.text for u in units]), dtype=np.float32)
        vec /= np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-9)
        sims = vec @ vec.T
        pairs = [(int(i), int(j)) for i, j in np.argwhere(np.triu(sims >= NLI_RELATED, k=1))
                 if units[i].origin != units[j].origin]
        forward = [(units[i].text, units[j].text) for i, j in pairs]
        probs = nli.predict(forward + [(b, a) for a, b in forward], batch_size=32) if pairs else np.zeros((0, 3))
        for k, (i, j) in enumerate(pairs):
            a, b = units[i], units[j]
            c = Contradiction(kind="statement", explanation="", confidence=0.0,
                              statements=[Statement(a.article, a.text, a.start, a.end),
                                          Statement(b.article, b.text, b.start, b.end)])
            gold = next((g.id for g in s.contradictions if _is_instance(c, g, {a.article, b.article})), None)
            nc = next((n.id for n in s.non_contradictions if flags_non_contradiction(c, n)), None)
            scored.append((float(probs[k, 2] + probs[len(pairs) + k, 2]) / 2, s.name, gold, nc))
    out = []
    for cut in NLI_CUTS:
        sel = [x for x in scored if x[0] >= cut]
        gold = {(name, g) for _, name, g, _ in sel if g}
        out.append({"cut": cut, "pairs": len(sel), "related pairs": len(scored), "gold": len(gold),
                    "gold new": len(gold - found), "non-contradictions": len({(n, x) for _, n, _, x in sel if x})})
    return out


def _totals(rows: Sequence[dict[str, Any]]) -> str:
    found = sum(r["contradictions_found"] for r in rows)
    gold = sum(r["contradictions"] for r in rows)
    nc = sum(len(r["non_contradictions_flagged"]) for r in rows)
    nct = sum(r["non_contradictions"] for r in rows)
    other = sum(len(r["false_contradictions"]) for r in rows)
    return (f"recall {found}/{gold} = {found / max(gold, 1):.2f}; non-contradictions flagged {nc}/{nct} = "
            f"{nc / max(nct, 1):.2f}; other headline contradictions {other} ({other / max(len(rows), 1):.2f} "
            f"per story)")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m newsprism.evaluation.claims")
    parser.add_argument("--tune", action="store_true", help="grid over the alignment parameters")
    parser.add_argument("--nli", action="store_true",
                        help="also measure the NLI cross-encoder as a finder of its own (several minutes)")
    args = parser.parse_args(argv)
    if args.tune:
        tune()
        return
    console = Console()
    stories, notes = load_gold()
    for n in notes:
        console.print(f"[yellow]note:[/] {n}")
    prepare(stories)
    results = analyse(stories)
    scored = [(s, score_story(s, r)) for s, r in results]
    table = Table("story", "facts found (>= 2 sources, overlap >= 0.5)", "gold contradictions found",
                  "other headline contradictions", "non-contradictions flagged", "claims", "consensus claims",
                  title=f"claims: consensus facts and contradictions vs gold (headline cut {HEADLINE})",
                  title_justify="left")
    for s, r in scored:
        table.add_row(s.name, f"{r['facts_found']}/{r['facts']}", f"{r['contradictions_found']}/{r['contradictions']}",
                      str(len(r["false_contradictions"])),
                      f"{len(r['non_contradictions_flagged'])}/{r['non_contradictions']}" if r["non_contradictions"]
                      else "-", str(r["claims"]), str(r["consensus"]))
    console.print(table)
    dev = [r for s, r in scored if s.corpus != "sample"]
    console.print(f"[bold]dev-stories + dev-conflicts[/] (cut {HEADLINE}): {_totals(dev)}")
    loso = leave_one_out(results)
    console.print(f"[bold]leave-one-story-out[/] (cut chosen on the other stories, "
                  f"{', '.join(f'{s.name[:12]} {c}' for s, c, _ in loso)}): "
                  f"{_totals([r for s, _, r in loso if s.corpus != 'sample'])}")
    if args.nli:
        table = Table("P(contradiction) >=", "pairs flagged", "gold conflicts among them", "of those not found otherwise",
                      "non-contradictions flagged", title="NLI cross-encoder alone on related pairs of different "
                      f"origins (cosine >= {NLI_RELATED}), dev stories", title_justify="left")
        for row in nli_candidates(results):
            table.add_row(str(row["cut"]), f"{row['pairs']}/{row['related pairs']}", str(row["gold"]),
                          str(row["gold new"]), str(row["non-contradictions"]))
        console.print(table)
    for s, r in scored:
        missed = [f.id for f in s.facts if r["fact_hits"][f.id] is None]
        found_c = ", ".join(sorted(r["contradiction_hits"]))
        missed_c = ", ".join(f"{g.id} ({g.note[:40]})" for g in s.contradictions if g.id not in r["contradiction_hits"])
        console.print(f"[bold]{s.name}[/]: facts missed {', '.join(missed) or 'none'}; contradictions found "
                      f"{found_c or 'none'}; missed {missed_c or 'none'}")
        for c in r["false_contradictions"]:
            console.print(f"  not in gold ({c.kind}, {c.confidence:.2f}): {c.explanation[:220]}")
        for nid, c in r["non_contradictions_flagged"].items():
            n = next(x for x in s.non_contradictions if x.id == nid)
            console.print(f"  [red]non-contradiction flagged[/] {nid} ({n.topic}): {c.explanation[:160]}")


if __name__ == "__main__":
    main()
