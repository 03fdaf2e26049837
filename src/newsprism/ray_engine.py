"""The `analyze` run on Ray (`newsprism analyze --engine ray`): the local engine's stage
functions, scheduled by Ray instead of one process.

    started = connect(None)             # a new local instance; "auto" or "ray://head:10001" joins a cluster
    result = process_on_ray(inputs, store=store, settings=settings)
    index_stories(store)
    report = report_for_run(store, result.run.id, reports=story_reports_on_ray)

- The driver reads the inputs (`ingest`: ids unique across the run, one fetcher keeping
  the per-host interval and robots.txt) and cleans them on Ray Data, in blocks of
  documents through `clean_safely`; the cleaned items come back in input order and are
  stored by `pipeline.process`.
- The story index update and every database write stay in the driver: only the store
  touches the database, and workers never open it.
- Each story's analysis is one Ray task running `story_reports` on that story alone (a
  story's analysis reads nothing of the others), so the report equals the local one.

Workers need newsprism installed at the driver's version (the models ship in the package)
and nothing else: no input files, no database access.

Errors: `ModuleNotFoundError` (name `ray`) on import when Ray is not installed
(`pip install 'newsprism[ray]'`); a task's error is raised in the driver as its own type.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

import httpx
import numpy as np
import ray
from ray.data import DataContext

from newsprism.config import Settings, load_settings
from newsprism.ingest import ingest
from newsprism.models import Article, RawDocument, Rejection
from newsprism.nlp.stored import StoredParses, text_key
from newsprism.pipeline import Progress, RunResult, clean_safely, process, story_reports
from newsprism.store import Store
from newsprism.stories import Story, StoryParams

__all__ = ["clean_on_ray", "connect", "process_on_ray", "story_reports_on_ray"]

# Documents per Ray Data block: a few seconds of cleaning (21-26 articles/s on 2 cores in
# `make bench`), far above Ray's per-task overhead of milliseconds.
BLOCK = 32
# Documents read ahead and cleaned as one dataset: bounds what the driver and the object
# store hold at once (news HTML is ~100 kB a page: ~100 MB) on a stream of any length.
WINDOW = 1000


def connect(address: str | None = None, *, num_cpus: int | None = None,
            object_store_memory: int | None = None) -> bool:
    """Connect this process to Ray: `address` None starts a new local instance (with
    `num_cpus` and `object_store_memory`, Ray's defaults when None); `auto` joins the
    cluster started on this machine with `ray start`, `ray://host:10001` a remote one
    through Ray Client. A process already connected keeps its connection. True when this
    call connected (Ray disconnects at exit; a caller that goes on calls `ray.shutdown()`)."""
    if ray.is_initialized():
        return False
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # a line per dataset and progress every 10 s
    if address is None:
        ray.init(address="local", num_cpus=num_cpus, object_store_memory=object_store_memory,
                 include_dashboard=False, logging_level=logging.WARNING)
    else:
        ray.init(address=address, logging_level=logging.WARNING)
    return True


def _clean_block(batch: dict[str, np.ndarray], settings: Settings) -> dict[str, Any]:
    return {"seq": batch["seq"], "item": [clean_safely(doc, settings) for doc in batch["doc"]]}


def clean_on_ray(raw: Iterable[RawDocument | Article | Rejection],
                 settings: Settings) -> Iterator[Article | Rejection]:
    """`raw` with every document cleaned on Ray Data (`clean_safely`), in the order given;
    rejections and articles pass through."""
    context = DataContext.get_current()
    # typed records travel pickled; saying so explicitly silences Ray's per-dataset warning
    context.enable_fallback_to_arrow_object_ext_type = True
    items = iter(raw)
    while window := list(islice(items, WINDOW)):
        docs = [{"seq": i, "doc": x} for i, x in enumerate(window) if isinstance(x, RawDocument)]
        cleaned: dict[int, Article | Rejection] = {}
        if docs:
            # blocks of up to BLOCK documents, at least one per CPU of the cluster
            n_blocks = max(-(-len(docs) // BLOCK), min(len(docs), int(ray.cluster_resources().get("CPU", 1))))
            size = -(-len(docs) // n_blocks)
            blocks = ray.data.from_items(docs, override_num_blocks=n_blocks)
            for row in blocks.map_batches(_clean_block, batch_size=size, fn_kwargs={"settings": settings},
                                          num_cpus=1).iter_rows():
                cleaned[int(row["seq"])] = row["item"]
        for i, x in enumerate(window):
            yield cleaned[i] if isinstance(x, RawDocument) else x


def process_on_ray(inputs: Sequence[str], *, store: Store, settings: Settings | None = None,
                   progress: Progress | None = None, client: httpx.Client | None = None) -> RunResult:
    """`pipeline.process` with the cleaning done on Ray: one run, stored by this process."""
    settings = settings or load_settings()
    documents = clean_on_ray(ingest(inputs, settings=settings, progress=progress, client=client), settings)
    return process(inputs, store=store, settings=settings, documents=documents)


@ray.remote(num_cpus=1)
def _story_report(articles: list[Article], story: Story, params: StoryParams, settings: Settings,
                  parses: StoredParses | None) -> tuple[dict[str, Any], StoredParses | None]:
    entry = story_reports(articles, [story], params, settings, parses=parses)[0]
    return entry, parses


def story_reports_on_ray(articles: Sequence[Article], stories: Sequence[Story], params: StoryParams,
                         settings: Settings, *, parses: StoredParses | None = None) -> list[dict[str, Any]]:
    """`pipeline.story_reports`, one Ray task per story (each gets its own articles only, and
    of `parses` the stored parses of those; the parses a task makes come back to `parses`
    for the driver to save)."""
    by_id = {a.id: a for a in articles}
    params_ref, settings_ref = ray.put(params), ray.put(settings)
    calls = []
    for st in stories:
        mine = [by_id[aid] for aid in st.articles]
        sub = None if parses is None else StoredParses(
            parses.version, {k: parses.found[k] for a in mine if (k := text_key(a)) in parses.found})
        calls.append(_story_report.remote(mine, st, params_ref, settings_ref, sub))
    entries = []
    for entry, sub in ray.get(calls):
        entries.append(entry)
        if parses is not None and sub is not None:
            parses.made.update(sub.made)
            parses.unreadable.extend(k for k in sub.unreadable if k not in parses.unreadable)
    return entries
