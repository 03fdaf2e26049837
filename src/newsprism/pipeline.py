"""Runs the stages in order: ingest -> clean -> store -> stories, then builds the report.

Stage functions stay pure; this module only wires them, batches writes and reports
progress. Per-article stages are independent, so `workers > 1` cleans in a process
pool (the same functions run on Ray Data beyond one machine).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import Any

import httpx

from newsprism.clean import clean
from newsprism.config import Settings, load_settings
from newsprism.ingest import ingest
from newsprism.models import Article, RawDocument, Rejection
from newsprism.report import build_report
from newsprism.store import RunSummary, Store
from newsprism.store.stories import IndexUpdate
from newsprism.stories import Story, StoryParams, cluster_stories, load_encoder, load_story_params
from newsprism.stories.embed import Encoder

__all__ = [
    "RunResult", "clean_inputs", "clean_safely", "index_stories", "process", "report_for_run", "run_stories",
]

# One transaction per batch: large enough to amortise SQLite's per-commit sync, small
# enough that a crash loses little. Not tuned: the bench shows cleaning, not storing,
# dominates (ingest+clean+store 22 articles/s vs ingest+clean 26 on the same corpus).
BATCH_SIZE = 200

Progress = Callable[[int, int], None]  # (sources done, sources total)


@dataclass(slots=True)
class RunResult:
    run: RunSummary
    rejected: list[Rejection]


def clean_safely(doc: RawDocument, settings: Settings) -> Article | Rejection:
    """`clean`, with any unexpected failure turned into a per-item rejection so the batch goes on."""
    try:
        return clean(doc, settings)
    except Exception as exc:  # a bug or a pathological input must not stop the batch
        return Rejection(
            id=doc.id,
            origin=doc.origin,
            stage="clean",
            reason="error",
            detail=f"cleaning failed: {type(exc).__name__}: {exc}",
        )


def _clean_chunk(args: tuple[list[RawDocument], Settings]) -> list[Article | Rejection]:
    docs, settings = args
    return [clean_safely(d, settings) for d in docs]


def _cleaned(
    raw: Iterable[RawDocument | Rejection],
    settings: Settings,
    workers: int,
) -> Iterator[Article | Rejection]:
    if workers <= 1:
        for item in raw:
            yield clean_safely(item, settings) if isinstance(item, RawDocument) else item
        return
    it = iter(raw)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        while chunk := list(islice(it, BATCH_SIZE * workers)):
            docs = [x for x in chunk if isinstance(x, RawDocument)]
            parts = [docs[i::workers] for i in range(workers)]
            cleaned = {
                id(d): r
                for part, res in zip(
                    parts, pool.map(_clean_chunk, [(p, settings) for p in parts]), strict=True
                )
                for d, r in zip(part, res, strict=True)
            }
            for x in chunk:
                yield cleaned[id(x)] if isinstance(x, RawDocument) else x


def clean_inputs(
    inputs: Sequence[str],
    *,
    settings: Settings | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
) -> Iterator[Article | Rejection]:
    """Ingest and clean `inputs`: every input item comes out as an article or a rejection.
    `client` fetches URLs (the web app passes one that refuses private addresses)."""
    settings = settings or load_settings()
    return _cleaned(ingest(inputs, settings=settings, progress=progress, client=client), settings, workers)


def process(
    inputs: Sequence[str],
    *,
    store: Store,
    settings: Settings | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
) -> RunResult:
    """Ingest, clean and store `inputs` as one run; every input item ends stored or rejected
    (`rejected` also lists the articles the database refused, reason `store-error`)."""
    settings = settings or load_settings()
    run_id = store.begin_run(inputs)
    rejected: list[Rejection] = []
    batch: list[Article | Rejection] = []
    seq = 0
    try:
        for item in clean_inputs(inputs, settings=settings, workers=workers, progress=progress, client=client):
            batch.append(item)
            if isinstance(item, Rejection):
                rejected.append(item)
            if len(batch) >= BATCH_SIZE:
                rejected += store.save(run_id, batch, first_seq=seq).rejected
                seq += len(batch)
                batch = []
        if batch:
            rejected += store.save(run_id, batch, first_seq=seq).rejected
    except BaseException as exc:
        # stopped (Ctrl-C, exit) is `interrupted`, an error `failed`; a killed process is
        # marked `interrupted` by the next Store that opens the database
        stopped = isinstance(exc, KeyboardInterrupt | SystemExit)
        try:
            store.finish_run(run_id, "interrupted" if stopped else "failed")
        except Exception as again:  # the database went away too: the next start marks the run
            exc.add_note(f"run {run_id} could not be marked ended: {again}")
        raise
    return RunResult(run=store.finish_run(run_id, "done"), rejected=rejected)


@cache
def _encoder(embedder: str, max_tokens: int) -> Encoder:
    return load_encoder(embedder, max_tokens=max_tokens)  # ~2-20 s cold: load once per process


def story_encoder(params: StoryParams) -> Encoder:
    return _encoder(params.embedder, params.max_tokens)


def run_stories(articles: Sequence[Article], params: StoryParams | None = None) -> list[Story]:
    """The stories of one batch of articles, clustered in the order given."""
    params = params or load_story_params()
    if not articles:
        return []
    return cluster_stories(articles, params=params, encoder=story_encoder(params))


def index_stories(store: Store, params: StoryParams | None = None) -> IndexUpdate:
    """Bring the store's story index up to date: every stored article the index does not
    hold yet is assigned to a story (or opens one), without recomputing the rest."""
    params = params or load_story_params()
    return store.update_story_index(params, encoder=story_encoder(params))


def story_reports(articles: Sequence[Article], stories: Sequence[Story],
                  params: StoryParams | None = None, settings: Settings | None = None) -> list[dict[str, Any]]:
    """The report entries of `stories`, with entities, claims, contradictions, per-source framing
    and the brief for every story that has at least two independent origins (one voice has
    nothing to compare). The brief is rewritten for fluency only when `settings.llm_url` is set."""
    from newsprism.brief import compose_brief, rewrite_brief
    from newsprism.claims import story_claims
    from newsprism.entities import report_entities, resolve_entities
    from newsprism.framing import frame_story
    from newsprism.nlp import annotate_parsed

    params = params or load_story_params()
    settings = settings or load_settings()
    entries = [s.to_report() for s in stories]
    by_id = {a.id: a for a in articles}
    for entry, story in zip(entries, stories, strict=True):
        if len(story.origins) < 2:
            continue
        origin_of = {aid: group[0] for group in story.origins for aid in group}
        # one parse per article, read by every stage (framing reads the parse itself); a
        # story's parses are dropped once it is analysed, so memory stays flat on long runs
        story_docs, parsed = map(list, zip(*annotate_parsed([by_id[a] for a in story.articles]), strict=True))
        roster = resolve_entities(story_docs, [by_id[a] for a in story.articles])
        result = story_claims(story_docs, origins=origin_of, encoder=story_encoder(params), roster=roster)
        claims = result.to_report()
        entry["entities"] = report_entities(roster)
        entry["claims"] = claims["claims"]
        # the claims stage folds in the roster's role and name conflicts, so statuses agree with them
        entry["contradictions"] = claims["contradictions"]
        entry["comparison"] = claims["comparison"]
        framing = frame_story(story_docs, roster, result.claims, parsed=parsed)
        entry["sources"] = framing.to_report()
        entry["brief"] = rewrite_brief(compose_brief(story_docs, result, framing), settings).to_report()
    return entries


def report_for_run(store: Store, run_id: int, params: StoryParams | None = None) -> dict[str, Any]:
    """The report document of a stored run: articles and rejections in input order, and
    the stories of the run's articles (clustered in input order)."""
    run = store.run(run_id)
    if run is None:
        raise KeyError(f"no run {run_id} in {store.url}")
    items = [x for it in store.run_items(run_id) if (x := it.article or it.rejection) is not None]
    articles = [x for x in items if isinstance(x, Article)]
    stories = run_stories(articles, params)
    return build_report(
        items,
        stories=story_reports(articles, stories, params),
        run={
            "id": run.id,
            "inputs": run.inputs,
            "ok": run.n_ok,
            "rejected": run.n_rejected,
            "new": run.n_new,
        },
    )
