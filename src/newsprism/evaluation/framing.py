"""`make eval` section `framing`: per-source slant against gold, and brief checks.

Slant: for each gold story with two sides, Spearman correlation between the gold slant and
stance(side A) - stance(side B) of each article's framing profile. The sample's gold gives
numbers (-1 pro-Russian .. +1 pro-Ukrainian); the dev stories' gold gives notes, which
`DEV_SLANT` reads as an ordinal scale (our reading, written down once; the system never sees
it). Stories whose gold has no two sides (a court ruling, a flood) report the sides detected.

Brief: words, sentences, every sentence cited, the lowest support overlap between a sentence
and its cited evidence, and on the sample the facts a reader must get (the prisoner exchange,
no ceasefire, both delegation heads).

    python -m newsprism.evaluation.framing
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table
from scipy.stats import spearmanr

from newsprism.evaluation.claims import SAMPLE, GoldStory, load_gold, prepare, ready_stories

__all__ = ["BRIEF_FACTS", "DEV_SLANT", "main", "run"]

# (side counted positive, side counted negative, {article file stem: ordinal slant}) read
# from the dev gold notes: "pro-Russian" -1, "neutral/balanced" 0, "leaning Ukrainian" 0.5, ...
DEV_SLANT: dict[str, tuple[str, str, dict[str, float]]] = {
    "istanbul-talks-jun2025": ("Ukraine", "Russia", {
        "01_online_ua": 1.0, "02_news-pravda_tass": -1.0, "03_kyivindependent": 1.0, "04_gdnonline": 0.0,
        "05_thepostnews": 0.5, "06_news_by": -1.0}),
    "israel-iran-ceasefire-jun2025": ("Israel", "Iran", {
        "01_overviewpress_reuters": 0.0, "02_humenglish": -1.0, "03_tat_live": 0.5,
        "04_themilitaryreporter": -1.0, "05_israeliherald": 1.0, "06_southshorejournal": 0.0}),
}

# the sample's brief must state these (regexes over the brief's text)
BRIEF_FACTS = {
    "prisoner exchange": [r"prisoner"],
    "no ceasefire": [r"\bno ceasefire|ceasefire\b[^.]*\b(not|no|rejected|declined)\b|"
                     r"\b(no|not|without|rejected|declined|refuses?)\b[^.]*\bceasefire"],
    "Russian delegation head": [r"medinsk"],
    "Ukrainian delegation head": [r"umerov"],
}


def _sample_slant() -> tuple[str, str, dict[str, float]]:
    gold = yaml.safe_load((SAMPLE / "gold.yaml").read_text("utf-8"))
    return "Ukraine", "Russia", {k: float(v) for k, v in gold["slant"].items()}


def run(stories: Sequence[GoldStory] | None = None) -> list[dict[str, Any]]:
    from newsprism.brief import compose_brief, overlap
    from newsprism.claims import story_claims
    from newsprism.entities import resolve_entities
    from newsprism.framing import frame_story
    from newsprism.stories import load_encoder

    encoder = load_encoder()
    out = []
    for s in ready_stories(stories, encoder):
        roster = resolve_entities(s.docs, s.articles)
        claims = story_claims(s.docs, origins=s.origins, encoder=encoder)
        framing = frame_story(s.docs, roster, claims.claims)
        brief = compose_brief(s.docs, claims, framing)
        gold = _sample_slant() if s.name.startswith("istanbul-2025") else DEV_SLANT.get(s.name)
        row: dict[str, Any] = {"story": s, "framing": framing, "brief": brief, "gold": gold,
                               "sides": [x.name for x in framing.sides]}
        if gold is not None:
            plus, minus, slant = gold
            ids = [p.article for p in framing.profiles if p.article in slant]
            got = {p.article: p.stance.get(plus, 0.0) - p.stance.get(minus, 0.0) for p in framing.profiles}
            row["slant"] = got
            row["spearman"] = float(spearmanr([slant[a] for a in ids], [got[a] for a in ids]).statistic)
        text = " ".join(x.text for x in brief.sentences)
        row["brief_words"] = brief.words
        row["cited"] = all(x.citations for x in brief.sentences)
        checked = [x for x in brief.sentences if x.kind != "coverage"]
        row["min_support"] = min((overlap(x.text, x.evidence) for x in checked), default=0.0)
        if s.name.startswith("istanbul-2025"):
            row["facts"] = {k: all(re.search(p, text, re.I) for p in pats) for k, pats in BRIEF_FACTS.items()}
        out.append(row)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    console = Console()
    stories, notes = load_gold(conflicts=False)
    for n in notes:
        console.print(f"[yellow]note:[/] {n}")
    prepare(stories)
    rows = run(stories)
    table = Table("story", "sides detected", "slant Spearman vs gold", "brief words", "all cited",
                  "min support overlap", title="framing: slant vs gold; brief checks", title_justify="left")
    for r in rows:
        table.add_row(r["story"].name, " / ".join(r["sides"]) or "none (stance toward main actors)",
                      f"{r['spearman']:.2f}" if "spearman" in r else "no bipolar gold",
                      str(r["brief_words"]), "yes" if r["cited"] else "NO", f"{r['min_support']:.2f}")
    console.print(table)
    for r in rows:
        if "slant" not in r:
            continue
        plus, minus, gold = r["gold"]
        got = r["slant"]
        lo, hi = min(got, key=got.__getitem__), max(got, key=got.__getitem__)
        glo, ghi = min(gold, key=gold.__getitem__), max(gold, key=gold.__getitem__)
        console.print(f"[bold]{r['story'].name}[/]: most pro-{minus} {lo} (gold {glo}), most pro-{plus} {hi} "
                      f"(gold {ghi}); slant " + ", ".join(f"{a[:6]} {v:+.2f}" for a, v in got.items()))
        for art in (lo, hi):
            prof = next(p for p in r["framing"].profiles if p.article == art)
            top = sorted(prof.signals, key=lambda x: -abs(x.score))[:5]
            console.print(f"  {art} spans: " + "; ".join(f"{x.kind} {x.side} {x.score:+.1f} “{x.text[:70]}”"
                                                         for x in top))
    for r in rows:
        if "facts" in r:
            console.print(f"[bold]brief on {r['story'].name}[/]: " + ", ".join(
                f"{k} {'yes' if v else 'NO'}" for k, v in r["facts"].items()))


if __name__ == "__main__":
    main()
