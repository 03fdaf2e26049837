"""Throughput of the entities stage: mentions resolved per second over a synthetic corpus.

The corpus: `--articles` articles (default 10,000) in stories of `--story-size`
articles. Each story draws its cast from a pool of generated people (given name +
surname, some sharing a surname or a given name), places and organisations; each
article names 8-14 of them, each person first in full (in one of several romanisations:
Zelenskyy/Zelensky/Selenskyj, Volodymyr/Vladimir) then by surname 1-3 times, some with
a title role, places by alias or exonym. Mentions are made directly (no NLP), so the
figure is the entities stage alone: `resolve_entities` per story, then `link_stories`
across all stories. Peak memory is this process's max RSS.

    python scripts/bench_entities.py [--articles 10000] [--story-size 10] [--json out/bench_entities.json]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from pathlib import Path

from newsprism.entities import link_stories, resolve_entities
from newsprism.nlp.document import AnnotatedDocument, Mention

GIVEN = [("Volodymyr", "Vladimir"), ("Mykhailo", "Mikhail"), ("Oleksandr", "Alexander"), ("Dmytro", "Dmitry"),
         ("Serhiy", "Sergey"), ("Andriy", "Andrei"), ("Yuriy", "Jurij"), ("Hakan", "Hakan"), ("Marco", "Marco"),
         ("Maria", "Maria"), ("Keith", "Keith"), ("Rustem", "Roustem"), ("Igor", "Ihor"), ("Recep", "Recep")]
STEMS = ["Zelensk", "Medinsk", "Podolyak", "Umerov", "Peskov", "Lavrov", "Belousov", "Kostyukov", "Galuzin",
         "Fomin", "Zakharov", "Sikorsk", "Tykh", "Kellogg", "Rubio", "Fidan", "Erdogan", "Yermak", "Kuleba",
         "Sybiha", "Shmyhal", "Budanov", "Syrskyi", "Stefanchuk", "Klitschko", "Reznikov", "Danilov", "Arakhamia"]
SPELL = {"sk": ["sky", "skyy", "ski", "skiy", "skij"], "Tykh": ["Tykhy", "Tykhyi", "Tikhiy"]}
ROLES = [("President", "Ukraine"), ("Foreign Minister", "Turkey"), ("Defence Minister", "Russia"),
         ("spokesperson", "Russia"), ("adviser", "Ukraine"), ("envoy", "United States"), (None, None)]
PLACES = ["Kyiv", "Kiev", "Istanbul", "Turkey", "Türkiye", "Moscow", "Kharkiv", "Kharkov", "Sumy", "Washington",
          "Burma", "Myanmar", "Ivory Coast", "Odesa", "Odessa", "Lviv", "Berlin", "Paris", "the Kremlin", "NATO"]
NORPS = ["Ukrainian", "Russian", "Turkish", "American", "Ukrainians"]


def _surname(rng: random.Random, stem: str) -> str:
    if stem in SPELL:
        return rng.choice(SPELL[stem])
    if stem.endswith("sk"):
        return stem + rng.choice(SPELL["sk"])
    return stem


class _Writer:
    """Text made of one sentence per mention, and the mentions with their offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.mentions: list[Mention] = []
        self.pos = 0

    def add(self, text: str, label: str, role: str | None = None, aff: str | None = None, lead: str = "") -> None:
        start = self.pos + len(lead)
        self.parts.append(f"{lead}{text} said something about the talks. ")
        self.mentions.append(Mention(text, label, start, start + len(text), role=role, affiliation=aff))
        self.pos += len(self.parts[-1])


def make_corpus(n_articles: int, story_size: int, seed: int = 7) -> list[list[AnnotatedDocument]]:
    rng = random.Random(seed)
    stories: list[list[AnnotatedDocument]] = []
    for s in range(0, n_articles, story_size):
        cast = [(rng.choice(GIVEN), rng.choice(STEMS), rng.choice(ROLES)) for _ in range(rng.randint(6, 12))]
        docs = []
        for a in range(min(story_size, n_articles - s)):
            w = _Writer()
            for given, stem, (role, aff) in rng.sample(cast, k=min(len(cast), rng.randint(5, 9))):
                surname = _surname(rng, stem)
                lead = f"{aff or ''} {role} ".lstrip() if role else ""
                w.add(f"{rng.choice(given)} {surname}", "PERSON", role, aff, lead)
                for _ in range(rng.randint(1, 3)):
                    w.add(surname, "PERSON")
            for place in rng.sample(PLACES, k=4):
                w.add(place, "GPE")
            w.add(rng.choice(NORPS), "NORP")
            docs.append(AnnotatedDocument(id=f"s{s}/a{a}", text="".join(w.parts), mentions=w.mentions))
        stories.append(docs)
    return stories


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--story-size", type=int, default=10)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    stories = make_corpus(args.articles, args.story_size)
    n_mentions = sum(len(d.mentions) for docs in stories for d in docs)
    resolve_entities(stories[0])  # load the alias and name tables outside the timing
    t0 = time.perf_counter()
    rosters = {docs[0].id.split("/")[0]: resolve_entities(docs) for docs in stories}
    t_resolve = time.perf_counter() - t0
    t0 = time.perf_counter()
    corpus = link_stories(rosters)
    t_link = time.perf_counter() - t0
    figures = {
        "articles": args.articles, "stories": len(stories), "mentions": n_mentions,
        "resolve_seconds": round(t_resolve, 2), "mentions_per_second": round(n_mentions / t_resolve),
        "articles_per_second": round(args.articles / t_resolve),
        "link_seconds": round(t_link, 2), "story_entities": sum(len(r.entities) for r in rosters.values()),
        "corpus_entities": len(corpus),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(f"entities: {n_mentions:,} mentions in {args.articles:,} articles ({len(stories):,} stories) resolved "
          f"in {t_resolve:.1f} s = {figures['mentions_per_second']:,} mentions/s "
          f"({figures['articles_per_second']:,} articles/s); linking {figures['story_entities']:,} story "
          f"entities into {len(corpus):,} corpus entities {t_link:.2f} s; peak RSS {figures['peak_rss_mb']} MB")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
