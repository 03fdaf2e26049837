"""Cleaning quality figures: the sample, dev-stories, the ScrapingHub benchmark.

Shared data lives in ``../shared`` next to the repository (override with the
``NEWSPRISM_SHARED`` environment variable). Each ``evaluate_*`` function returns a plain
dict of figures; `main` prints them as Rich tables.

Tokenisation (sample and dev-stories): ``re.findall(r"\\w+", text)``, case kept — the
same tokens as the benchmark's metric. Bag-of-tokens F1 compares token multisets.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import time
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher
from pathlib import Path

from newsprism.clean import clean
from newsprism.models import Article, RawDocument

_TOKEN = re.compile(r"\w+")
REPO_ROOT = Path(__file__).resolve().parents[3]

# dev-stories gold marks more than page furniture as `boilerplate`: headlines, headings,
# standfirsts, dateline prefixes, off-topic sections and the corpus cut-off. The clean
# stage keeps those on purpose (title and headings are article text; a prefix is part of
# a body line), so they are scored apart ("structure"). Each note is classified by the
# first rule that matches; a line is furniture when any of its notes is.
_NOTE_RULES = [
    (
        re.compile(
            r"standfirst|prefix|cut off|cut at|off-topic|list items|bullet points|structure|"
            r"body starts|pull-quote|outlet tag",
            re.I,
        ),
        "structure",
    ),
    (
        re.compile(
            r"duplicate|widget|caption|chrome|masthead|navigation|footer|byline|date line|"
            r"empty|copyright|markup|logo|menu|section label|metadata",
            re.I,
        ),
        "furniture",
    ),
    (re.compile(r"headlines?|(sub)?headings?", re.I), "structure"),
]


def shared_dir() -> Path:
    """The shared data folder: ``$NEWSPRISM_SHARED``, else ``<repo>/../shared``."""
    return Path(os.environ.get("NEWSPRISM_SHARED") or REPO_ROOT.parent / "shared")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def token_f1(predicted: str, gold: str) -> dict[str, float]:
    """Bag-of-tokens precision, recall and F1 of `predicted` against `gold`."""
    p, g = Counter(tokens(predicted)), Counter(tokens(gold))
    tp = sum((p & g).values())
    precision = tp / sum(p.values()) if p else float(not g)
    recall = tp / sum(g.values()) if g else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _article(path: Path) -> RawDocument:
    return RawDocument(id=path.stem, origin=str(path), kind="text", content=path.read_bytes())


def _text_of(result: object) -> str:
    return result.text if isinstance(result, Article) else ""


def evaluate_sample(folder: Path | None = None) -> dict:
    """Token F1 per article of ``istanbul-2025/raw`` against ``clean/``."""
    folder = folder or shared_dir() / "corpus" / "istanbul-2025"
    articles = {}
    for raw in sorted((folder / "raw").glob("*.txt")):
        result = clean(_article(raw))
        gold = (folder / "clean" / raw.name).read_text(encoding="utf-8")
        scores = token_f1(_text_of(result), gold)
        removed = [(r.reason, r.text) for r in result.removed] if isinstance(result, Article) else []
        articles[raw.stem] = {**scores, "removed": removed, "status": type(result).__name__}
    f1s = [a["f1"] for a in articles.values()]
    return {"articles": articles, "min_f1": min(f1s, default=0.0)}


def removed_lines(raw: str, kept: str) -> set[int]:
    """1-based numbers of `raw`'s lines with at least half their tokens absent from `kept`.

    Tokens are aligned in order (difflib), so a repeated paragraph that was dropped
    counts as removed even though its words survive in the first copy.
    """
    line_of: list[int] = []
    raw_tokens: list[str] = []
    for number, line in enumerate(raw.split("\n"), start=1):
        for t in tokens(line):
            raw_tokens.append(t.casefold())
            line_of.append(number)
    matcher = SequenceMatcher(None, raw_tokens, [t.casefold() for t in tokens(kept)], autojunk=False)
    kept_count: Counter[int] = Counter()
    for block in matcher.get_matching_blocks():
        for i in range(block.a, block.a + block.size):
            kept_count[line_of[i]] += 1
    total = Counter(line_of)
    return {n for n, count in total.items() if kept_count[n] * 2 <= count}


def _line_numbers(spec: object) -> set[int]:
    numbers: set[int] = set()
    for part in str(spec).split(","):
        lo, _, hi = part.strip().partition("-")
        numbers.update(range(int(lo), int(hi or lo) + 1))
    return numbers


def gold_boilerplate(story: Path) -> dict[str, dict[int, list[str]]]:
    """``{file: {line: [notes]}}`` from a dev-stories ``gold.yaml`` (both of its layouts)."""
    import yaml

    gold = yaml.safe_load((story / "gold.yaml").read_text(encoding="utf-8"))
    entries: list[dict] = list(gold.get("boilerplate") or [])
    for article in gold.get("articles") or []:
        for entry in article.get("boilerplate") or []:
            entries.append({"file": article["file"], **entry})
    marked: dict[str, dict[int, list[str]]] = {}
    for entry in entries:
        lines = marked.setdefault(entry["file"], {})
        for n in _line_numbers(entry["lines"]):
            lines.setdefault(n, []).append(entry.get("note", ""))
    return marked


def is_furniture(notes: list[str]) -> bool:
    """True when one of a line's gold notes describes page furniture to remove."""
    for note in notes:
        kind = next((k for pattern, k in _NOTE_RULES if pattern.search(note)), "furniture")
        if kind == "furniture":
            return True
    return False


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def evaluate_dev_stories(folder: Path | None = None) -> dict:
    """Line-level precision/recall of boilerplate removal on dev-stories.

    Lines without tokens (blank lines) are not scored. "furniture" scores against the
    gold lines whose note names page furniture; "all" against every gold line.
    """
    folder = folder or shared_dir() / "corpus" / "dev-stories"
    counts = {"furniture": [0, 0, 0], "all": [0, 0, 0]}
    files = {}
    for story in sorted(p for p in folder.iterdir() if (p / "gold.yaml").exists()):
        for name, marked in sorted(gold_boilerplate(story).items()):
            path = story / name
            raw = path.read_text(encoding="utf-8")
            scored = {n for n, line in enumerate(raw.split("\n"), 1) if tokens(line)}
            predicted = removed_lines(raw, _text_of(clean(_article(path)))) & scored
            gold_all = set(marked) & scored
            gold_furniture = {n for n in gold_all if is_furniture(marked[n])}
            # Structure lines are neither rewarded nor punished in the furniture score.
            for label, gold, ignore in (
                ("furniture", gold_furniture, gold_all - gold_furniture),
                ("all", gold_all, set()),
            ):
                pred = predicted - ignore
                counts[label][0] += len(pred & gold)
                counts[label][1] += len(pred - gold)
                counts[label][2] += len(gold - pred)
            files[f"{story.name}/{name}"] = {
                "removed": sorted(predicted),
                "gold_furniture": sorted(gold_furniture),
                "gold_structure": sorted(gold_all - gold_furniture),
            }
    return {label: _prf(*c) for label, c in counts.items()} | {"files": files}


def shingle_counts(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    toks = tokens(text)
    return Counter(tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i : i + n])


def shingle_tp_fp_fn(predicted: str, gold: str) -> tuple[float, float, float]:
    """The benchmark's per-document TP/FP/FN over 4-token shingles, normalised to sum 1."""
    p, g = shingle_counts(predicted), shingle_counts(gold)
    tp = sum((p & g).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def benchmark_scores(rows: Iterable[tuple[float, float, float]]) -> dict[str, float]:
    """Macro precision/recall over documents and F1 of the two, as the benchmark does."""
    rows = list(rows)
    ps = [_ratio(tp, fp, fp + fn) for tp, fp, fn in rows if tp + fp > 0]
    rs = [_ratio(tp, fn, fp + fn) for tp, fp, fn in rows if tp + fn > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}


def _ratio(tp: float, wrong: float, errors: float) -> float:
    """tp / (tp + wrong); 1 for a perfect document, as in the benchmark's evaluate.py."""
    if errors == 0:
        return 1.0
    return tp / (tp + wrong) if tp + wrong else 0.0


def evaluate_benchmark(folder: Path | None = None, limit: int | None = None) -> dict:
    """ScrapingHub article-extraction benchmark: our clean stage vs plain trafilatura."""
    import trafilatura

    folder = folder or shared_dir() / "data" / "article-extraction-benchmark"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:limit]
    ours, plain, rejected = [], [], {}
    seconds = {"ours": 0.0, "trafilatura": 0.0}
    for k in keys:
        html = gzip.decompress((folder / "html" / f"{k}.html.gz").read_bytes())
        gold = truth[k].get("articleBody", "")
        start = time.perf_counter()
        result = clean(RawDocument(id=k, origin=k, kind="html", content=html, url=truth[k].get("url")))
        seconds["ours"] += time.perf_counter() - start
        if not isinstance(result, Article):
            rejected[k] = f"{result.reason}: {result.detail}"
        ours.append(shingle_tp_fp_fn(_text_of(result), gold))
        start = time.perf_counter()
        baseline = trafilatura.extract(html.decode("utf-8", "replace")) or ""
        seconds["trafilatura"] += time.perf_counter() - start
        plain.append(shingle_tp_fp_fn(baseline, gold))
    return {
        "pages": len(keys),
        "ours": benchmark_scores(ours),
        "trafilatura": benchmark_scores(plain),
        "pages_per_second": {name: len(keys) / s for name, s in seconds.items() if s},
        "rejected": rejected,
    }


def main() -> None:
    """Print all three evaluations (skipping those whose data is absent)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    base = shared_dir()
    sample = base / "corpus" / "istanbul-2025"
    if not sample.exists():
        sample = REPO_ROOT / "examples" / "istanbul-2025"
    if (sample / "raw").exists():
        figures = evaluate_sample(sample)
        table = Table(title="Cleaning: sample articles, bag-of-\\w+-tokens vs clean/ (target F1 ≥ 0.98)")
        for column in ("article", "P", "R", "F1", "removed (reason: first words)"):
            table.add_column(column)
        for name, a in figures["articles"].items():
            removed = "\n".join(f"{reason}: {text[:60]!r}" for reason, text in a["removed"]) or "-"
            table.add_row(name, f"{a['precision']:.3f}", f"{a['recall']:.3f}", f"{a['f1']:.3f}", removed)
        console.print(table)
    else:
        console.print(f"[yellow]skipped sample: no {sample}/raw (set NEWSPRISM_SHARED)")
    dev = base / "corpus" / "dev-stories"
    if dev.exists():
        figures = evaluate_dev_stories(dev)
        table = Table(title="Cleaning: dev-stories, line-level boilerplate removal")
        for column in ("gold lines", "P", "R", "F1", "TP", "FP", "FN"):
            table.add_column(column)
        for label in ("furniture", "all"):
            s = figures[label]
            table.add_row(
                label,
                *(f"{s[k]:.3f}" for k in ("precision", "recall", "f1")),
                *(str(s[k]) for k in ("tp", "fp", "fn")),
            )
        console.print(table)
    else:
        console.print(f"[yellow]skipped dev-stories: no {dev} (set NEWSPRISM_SHARED)")
    bench = base / "data" / "article-extraction-benchmark"
    if bench.exists():
        figures = evaluate_benchmark(bench)
        table = Table(title=f"Cleaning: ScrapingHub benchmark, {figures['pages']} pages, 4-token shingles")
        for column in ("extractor", "F1", "P", "R", "pages/s"):
            table.add_column(column)
        for name in ("ours", "trafilatura"):
            s = figures[name]
            speed = figures["pages_per_second"].get(name, 0.0)
            scores = (f"{s[k]:.4f}" for k in ("f1", "precision", "recall"))
            table.add_row(name, *scores, f"{speed:.0f}")
        console.print(table)
        for k, why in figures["rejected"].items():
            console.print(f"  rejected {k}: {why}")
    else:
        console.print(f"[yellow]skipped benchmark: no {bench} (set NEWSPRISM_SHARED)")


if __name__ == "__main__":
    main()
