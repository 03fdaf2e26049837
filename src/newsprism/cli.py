"""`newsprism` command line: thin commands over importable functions.

Exit codes: 0 every input became an article; 1 some inputs were rejected (the others
were processed and stored); 2 usage error; 3 the database could not be used; 4 a model
(stories, NLP) could not be loaded (the articles are stored; `newsprism add` catches up later);
5 the command crashed (an unexpected error; the batches stored before it stay stored and
the run is marked `failed`), or a story's analysis process died twice (the other stories'
analyses are stored).
"""

from __future__ import annotations

import functools
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.exceptions import TyperException

from newsprism import __version__
from newsprism.alerts import AlertRules, RulesError, load_rules
from newsprism.config import load_settings
from newsprism.pipeline import (
    IndexUpdate,
    RunResult,
    StoryWorkerError,
    available_cores,
    index_stories,
    process,
    report_for_run,
)
from newsprism.report import validate_report, write_html, write_json
from newsprism.store import DATABASE_ERRORS, Store, StoreError
from newsprism.stories import EncoderError, load_story_params
from newsprism.worker import WorkDone
from newsprism.worker import work as work_queue

if TYPE_CHECKING:
    from newsprism.watch import FeedReport, RoundReport

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Compare many news reports of the same events, claim by claim.",
)
console = Console(stderr=True)

EXIT_REJECTED = 1
EXIT_USAGE = 2
EXIT_STORE = 3
EXIT_MODEL = 4
EXIT_CRASH = 5

P = ParamSpec("P")
R = TypeVar("R")


def _guarded(command: Callable[P, R]) -> Callable[P, R]:
    """Run a command so that an unexpected error ends in exit 5 (3 for the database)
    with a one-line message and the traceback, never in the exit 1 of rejected inputs."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, TyperException, KeyboardInterrupt):  # exits and usage errors as they are
            raise
        except DATABASE_ERRORS as exc:
            console.print(f"[red]error:[/] the database could not be used: {exc}")
            raise typer.Exit(EXIT_STORE) from exc
        except Exception as exc:
            console.print_exception(max_frames=8)
            console.print(f"[red]error:[/] {command.__name__} crashed: {type(exc).__name__}: {exc}")
            raise typer.Exit(EXIT_CRASH) from exc

    return run

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///FILE or postgresql://...). Default: $NEWSPRISM_DB or sqlite:///newsprism.db",
    ),
]
InputsArg = Annotated[
    list[str],
    typer.Argument(help="Files, directories (recursive), WARC, JSONL, RSS/Atom feeds or http(s) URLs."),
]
WorkersOption = Annotated[int | None, typer.Option(
    "--workers", "-w", min=1, help="Processes for cleaning (and, for analyze, story analysis). Default: the cores "
    "this process may use.")]


def _workers(workers: int | None) -> int:
    """`--workers`, by default the cores this process may run on (its CPU affinity, not the machine's)."""
    return workers if workers is not None else available_cores()


@contextmanager
def _stage(description: str) -> Iterator[Callable[[int, int | None], None]]:
    """A progress bar for one stage of a long run, in a terminal only (nothing otherwise);
    yields `update(done, total)`."""
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


class Engine(StrEnum):
    local = "local"
    ray = "ray"


def _ray_engine(address: str | None) -> ModuleType:
    """The Ray engine, connected to Ray at `address` (None: a new local instance)."""
    try:
        from newsprism import ray_engine
    except ModuleNotFoundError as exc:
        console.print("[red]error:[/] " + escape(f"--engine ray needs Ray Data: pip install 'newsprism[ray]' ({exc})"))
        raise typer.Exit(EXIT_USAGE) from exc
    try:
        ray_engine.connect(address)  # Ray disconnects (and stops an instance it started) at exit
    except (ConnectionError, ValueError) as exc:
        console.print(f"[red]error:[/] could not connect to Ray at {address}: {exc}")
        raise typer.Exit(EXIT_USAGE) from exc
    return ray_engine


def _open_store(db: str | None) -> Store:
    settings = load_settings(db=db or os.environ.get("NEWSPRISM_DB"))
    try:
        return Store(settings.db)
    except StoreError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_STORE) from exc


def _run(inputs: list[str], db: str | None, workers: int,
         ray_engine: ModuleType | None = None) -> tuple[Store, RunResult]:
    store = _open_store(db)
    settings = load_settings(db=store.url)
    with _stage("reading and cleaning") as advance:
        try:
            if ray_engine is None:
                result = process(inputs, store=store, settings=settings, workers=workers, progress=advance)
            else:
                result = ray_engine.process_on_ray(inputs, store=store, settings=settings, progress=advance)
        except BaseException:
            store.close()  # the run is marked ended; no connection outlives a crash
            raise
    _summary(result)
    return store, result


def _summary(result: RunResult) -> None:
    run = result.run
    console.print(
        f"run {run.id}: [green]{run.n_ok} articles[/] ({run.n_new} new), "
        f"[{'red' if run.n_rejected else 'green'}]{run.n_rejected} rejected[/]"
    )
    if result.rejected:
        table = Table("input", "stage", "reason", "detail", title="Rejected inputs", title_justify="left")
        for rej in result.rejected[:50]:
            table.add_row(rej.id, rej.stage, rej.reason, rej.detail)
        console.print(table)
        if len(result.rejected) > 50:
            console.print(f"... and {len(result.rejected) - 50} more (see the report)")


def _index(store: Store) -> IndexUpdate:
    """Update the store's story index; a model that cannot load is exit 4 (articles stay stored)."""
    with _stage("assigning stories") as advance:
        try:
            update = index_stories(store, progress=advance)
        except EncoderError as exc:
            console.print(f"[red]error:[/] stories not updated: {exc}")
            store.close()
            raise typer.Exit(EXIT_MODEL) from exc
    if update.rebuilt:
        console.print("[yellow]warning:[/] the story index failed its checks and was rebuilt from the stored "
                      "articles: " + "; ".join(update.problems[:3]))
    return update


@app.command()
@_guarded
def analyze(
    inputs: InputsArg,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the JSON report here.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write the HTML report here.")] = None,
    md_out: Annotated[Path | None, typer.Option("--md", help="Write the briefs and claims as Markdown here.")] = None,
    csv_dir: Annotated[Path | None, typer.Option("--csv", help="Write each compared story's claims and "
                                                  "contradictions as CSV files into this directory.")] = None,
    db: DbOption = None,
    workers: WorkersOption = None,
    engine: Annotated[Engine, typer.Option(
        "--engine", help="local: --workers processes for cleaning and story analysis; ray: cleaning on Ray "
        "Data and one Ray task per story analysis, the database written by this process only.")] = Engine.local,
    ray_address: Annotated[str | None, typer.Option(
        "--ray-address", help="With --engine ray: the Ray cluster to join: 'auto' (started here by `ray "
        "start`) or ray://HOST:10001. Default: a new local Ray instance.")] = None,
) -> None:
    """Read, clean and store INPUTS, then write the report."""
    if engine is Engine.local and ray_address is not None:
        console.print("[red]error:[/] --ray-address needs --engine ray")
        raise typer.Exit(EXIT_USAGE)
    if engine is Engine.ray and workers not in (None, 1):
        console.print("[red]error:[/] --workers is for --engine local; Ray decides how many tasks run")
        raise typer.Exit(EXIT_USAGE)
    ray_engine = _ray_engine(ray_address) if engine is Engine.ray else None
    workers = _workers(workers)
    store, result = _run(inputs, db, workers, ray_engine)
    from newsprism.nlp.pipeline import NLPModelError
    from newsprism.story_pool import StoryPool

    with StoryPool(workers if ray_engine is None else 1) as pool:
        pool.warm(load_story_params(), load_settings(db=store.url), articles=result.run.n_ok)
        _index(store)
        try:
            with _stage("analysing stories") as advance:
                chunk = [0, 0]  # stories done before the chunk under way, stories to analyse

                def analysed(done: int, total: int) -> None:
                    chunk[:] = [done, total]
                    advance(done, total)

                pool.progress = lambda done, _: advance(chunk[0] + done, chunk[1])
                report = report_for_run(store, result.run.id, progress=analysed,
                                        reports=pool if ray_engine is None else ray_engine.story_reports_on_ray)
        except (EncoderError, NLPModelError) as exc:
            console.print(f"[red]error:[/] no report: {exc}")
            raise typer.Exit(EXIT_MODEL) from exc
        except StoryWorkerError as exc:  # the articles and the other stories' analyses are stored
            console.print(f"[red]error:[/] no report: {escape(str(exc))}")
            raise typer.Exit(EXIT_CRASH) from exc
    stories = report["stories"]
    console.print(f"{len(stories)} stories; the largest: " + "; ".join(
        f"{s['title'][:60]!r} ({len(s['articles'])} articles, {len(s['origins'])} origins)"
        for s in sorted(stories, key=lambda s: -len(s["articles"]))[:3]))
    validate_report(report)
    written: list[tuple[str, Path]] = []
    if json_out:
        written.append(("JSON report", write_json(report, json_out)))
    if html_out:
        written.append(("HTML report", write_html(report, html_out)))
    if md_out:
        from newsprism.brief.markdown import report_markdown

        md_out.parent.mkdir(parents=True, exist_ok=True)
        md_out.write_text(report_markdown(report), "utf-8")
        written.append(("Markdown brief", md_out))
    if csv_dir:
        from newsprism.report.tables import write_csv

        written += [("CSV", path) for path in write_csv(report, csv_dir)]
    from newsprism.report.terminal import story_summaries

    for panel in story_summaries(report):  # the brief and headline contradictions, then where the files are
        console.print(panel)
    for what, path in written:
        console.print(f"{what}: {path}")
    store.close()
    if result.run.n_rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command()
@_guarded
def ingest(inputs: InputsArg, db: DbOption = None, workers: WorkersOption = None) -> None:
    """Read, clean and store INPUTS without writing a report."""
    store, result = _run(inputs, db, _workers(workers))
    _index(store)
    store.close()
    if result.run.n_rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command()
@_guarded
def add(
    inputs: Annotated[list[str], typer.Argument(help="A file or URL (or several) with new articles.")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the assignments here.")] = None,
    db: DbOption = None,
    workers: WorkersOption = None,
) -> None:
    """Store new articles and assign each to an existing story or a new one, without
    recomputing the stored corpus."""
    store, result = _run(inputs, db, _workers(workers))
    update = _index(store)
    table = Table("article", "story", "how", "score", "status", title=f"Stories ({update.size} articles indexed)",
                  title_justify="left")
    titles = {s.id: s for s in update.stories}
    for a in update.assignments:
        how = f"copy of {a.copy_of}" if a.copy_of else ("new story" if a.new_story else "joined")
        story = titles.get(a.story)
        label = f"{a.story} {story.title[:50]!r} ({len(story.articles)} art., {len(story.origins)} orig.)" \
            if story else a.story
        table.add_row(a.article, label, how, "" if a.score is None else f"{a.score:.2f}", a.status)
    if update.assignments:
        Console().print(table)
    else:
        console.print("no new articles: every input is already stored and assigned")
    if json_out:
        doc = {"assignments": [{"article": a.article, "story": a.story, "new_story": a.new_story,
                                "origin": a.origin, "copy_of": a.copy_of, "score": a.score, "status": a.status,
                                "candidates": [list(c) for c in a.candidates]} for a in update.assignments],
               "stories": [s.to_report() for s in update.stories], "indexed": update.size,
               "rebuilt": update.rebuilt, "problems": update.problems}
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        console.print(f"assignments: {json_out}")
    store.close()
    if result.run.n_rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command()
@_guarded
def report(
    run_id: Annotated[int, typer.Argument(help="Run number (see `newsprism runs`).")],
    json_out: Annotated[Path | None, typer.Option("--json")] = None,
    html_out: Annotated[Path | None, typer.Option("--html")] = None,
    db: DbOption = None,
) -> None:
    """Write the report of an earlier run from the store."""
    store = _open_store(db)
    try:
        doc = report_for_run(store, run_id)
    except KeyError as exc:
        console.print(f"[red]error:[/] {exc.args[0]}")
        raise typer.Exit(EXIT_USAGE) from exc
    if json_out:
        console.print(f"JSON report: {write_json(doc, json_out)}")
    if html_out:
        console.print(f"HTML report: {write_html(doc, html_out)}")


@app.command()
@_guarded
def annotate(
    file: Annotated[str, typer.Argument(help="One article: a text or HTML file (or URL).")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the document here (default: stdout).")] = None,
) -> None:
    """Clean FILE as `analyze` does and write its NLP annotation: sentences, mentions, quotes,
    numbers, dates, with offsets into the clean text."""
    # imported here so that the other commands do not load spaCy
    from newsprism.models import Rejection
    from newsprism.nlp import annotate as annotate_article
    from newsprism.nlp.pipeline import NLPModelError
    from newsprism.pipeline import clean_inputs

    items = list(clean_inputs([file]))
    rejected = [x for x in items if isinstance(x, Rejection)]
    articles = [x for x in items if not isinstance(x, Rejection)]
    for rej in rejected:
        console.print(f"[red]rejected:[/] {rej.id} ({rej.stage}, {rej.reason}): {rej.detail}")
    if not articles:
        raise typer.Exit(EXIT_REJECTED)
    if len(articles) > 1:
        console.print(f"[red]error:[/] {file} holds {len(articles)} articles; annotate takes one "
                      "(split the file, or use `analyze` for many)")
        raise typer.Exit(EXIT_USAGE)
    try:
        doc = annotate_article(articles[0])
    except NLPModelError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_MODEL) from exc
    except Exception as exc:  # a pathological text must end in a clear per-item error, as in analyze
        console.print(f"[red]rejected:[/] {articles[0].id} (nlp, error): annotation failed: "
                      f"{type(exc).__name__}: {exc}")
        raise typer.Exit(EXIT_REJECTED) from exc
    text = json.dumps(doc.to_json(), ensure_ascii=False, indent=2) + "\n"
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(text, encoding="utf-8")
        console.print(f"{articles[0].id}: {len(doc.sentences)} sentences, {len(doc.mentions)} mentions, "
                      f"{len(doc.quotes)} quotes, {len(doc.numbers)} numbers, {len(doc.dates)} dates → {json_out}")
    else:
        typer.echo(text, nl=False)
    if rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command()
@_guarded
def runs(db: DbOption = None) -> None:
    """List the runs in the store."""
    store = _open_store(db)
    table = Table("run", "status", "started", "articles", "new", "rejected", "inputs")
    for r in store.runs():
        table.add_row(
            str(r.id),
            r.status,
            r.started_at.strftime("%Y-%m-%d %H:%M:%S"),
            str(r.n_ok),
            str(r.n_new),
            str(r.n_rejected),
            " ".join(r.inputs)[:60],
        )
    Console().print(table)


def _show_work(done: WorkDone) -> None:
    console.print(escape(_work_line(done)))


IdleOption = Annotated[float, typer.Option("--idle", min=0.1, help="Seconds between looks at an empty queue.")]
AlertsOption = Annotated[Path | None, typer.Option("--alerts", help="Alert rules (TOML; see newsprism.alerts): "
                                                   "alerts go to /alerts.atom and the rules' webhook.")]


def _rules(path: Path | None) -> AlertRules | None:
    """The alert rules of `path` (None without one); a bad file is a usage error (exit 2)."""
    if path is None:
        return None
    try:
        return load_rules(path)
    except RulesError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from exc


@app.command()
@_guarded
def work(
    db: DbOption = None,
    once: Annotated[bool, typer.Option("--once", help="Stop when the queue is empty.")] = False,
    idle: IdleOption = 2.0,
    alerts: AlertsOption = None,
) -> None:
    """Analyse the stories whose articles changed (queued by ingest, add and the web app),
    one at a time, and store the analyses; until stopped, or with --once until the queue is
    empty. Several workers may share a database: each story is claimed by one of them."""
    rules = _rules(alerts)
    store = _open_store(db)
    try:
        taken = work_queue(store, once=once, idle_s=idle, on_done=_show_work, alerts=rules)
    except KeyboardInterrupt:
        console.print("stopped")
        taken = None
    left = store.queue_counts()
    console.print(f"{'' if taken is None else f'{taken} stories taken; '}queue: "
                  + (", ".join(f"{n} {state}" for state, n in sorted(left.items())) or "empty"))
    store.close()


def _feed_line(r: FeedReport) -> str:
    if r.error:
        return f"feed {r.url}: {r.error}"
    return (f"feed {r.url}: {r.status}, {r.listed} listed, {r.new} new ({r.pages} from their pages), {r.stored} stored"
            + (f" (run {r.run})" if r.run else ""))


def _work_line(done: WorkDone) -> str:
    detail = f"failed: {done.error}" if done.error else f"{done.outcome} ({done.articles} articles)"
    return f"story {done.story}: {detail} in {done.seconds:.1f} s"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


class WatchDisplay:
    """What `watch` shows. In a terminal: a Rich progress line for the round under way (feeds
    polled of all, entries new, then stories updated and analysed), with each feed, story
    and finished round printed above it. Otherwise (output to a file, a pipe, a service's
    log): the same as plain lines, timestamped, one per feed, story and round, never
    coloured, wrapped or redrawn."""

    def __init__(self, n_feeds: int, *, every_s: float | None = None, live: bool | None = None) -> None:
        self.n_feeds, self.every_s, self.round_no, self.new, self.analysed = n_feeds, every_s, 1, 0, 0
        if live is None:
            live = console.is_terminal and sys.stdout.isatty()
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[counts]}"), TimeElapsedColumn(), console=console,
                                 transient=True) if live else None
        self.task = self.progress.add_task(self._polling(), total=n_feeds, counts="") if self.progress else None

    def __enter__(self) -> WatchDisplay:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.progress is not None:
            self.progress.stop()

    def _polling(self) -> str:
        return f"round {self.round_no}: polling feeds"

    def line(self, text: str, *, style: str = "") -> None:
        if self.progress is not None:
            self.progress.console.print(escape(text), style=style or None, soft_wrap=True)
        else:
            stream = console.file
            stream.write(f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} {text}\n")
            stream.flush()

    def feed(self, r: FeedReport) -> None:
        self.line(_feed_line(r), style="red" if r.error else "")
        self.new += r.new
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task)
            polled = self.progress.tasks[0].completed
            self.progress.update(self.task, counts=self._counts(),
                                 description=self._polling() if polled < self.n_feeds
                                 else f"round {self.round_no}: updating and analysing stories")
            self.progress.refresh()

    def _counts(self) -> str:
        return _plural(self.new, "entry", "entries") + " new" + (f", {self.analysed} analysed" if self.analysed else "")

    def work(self, done: WorkDone) -> None:
        self.line(_work_line(done), style="red" if done.error else "")
        self.analysed += done.outcome == "analysed"
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, counts=self._counts())
            self.progress.refresh()

    def round(self, r: RoundReport) -> None:
        self.line(f"round {self.round_no}: {_plural(r.feeds, 'feed')} polled ({r.failed} failed), "
                  f"{_plural(r.new, 'entry', 'entries')} new ({r.stored} stored), "
                  f"{_plural(r.stories, 'story', 'stories')} updated, {r.analysed} analysed, in {r.seconds:.1f} s",
                  style="bold")
        self.round_no, self.new, self.analysed = self.round_no + 1, 0, 0
        if self.progress is not None and self.task is not None:
            after = "" if self.every_s is None else \
                f" at {datetime.now().astimezone() + timedelta(seconds=self.every_s):%H:%M:%S}"
            self.progress.reset(self.task, total=self.n_feeds, counts="",
                                description=f"round {self.round_no}: next poll{after}")
            self.progress.refresh()


@app.command()
@_guarded
def watch(
    feeds: Annotated[list[str], typer.Argument(help="RSS/Atom feed URLs, or files listing one per line.")],
    every: Annotated[str, typer.Option("--every", help="Time between polls: 90s, 15m, 2h.")] = "15m",
    once: Annotated[bool, typer.Option("--once", help="Poll once, analyse, and stop.")] = False,
    analyse: Annotated[bool, typer.Option("--analyse/--no-analyse", help="Analyse the stories that changed "
                                          "after each round (else leave them to `newsprism work`).")] = True,
    pages: Annotated[bool, typer.Option("--pages/--no-pages", help="Fetch the page each new entry links to "
                                        "(the feed's text when it cannot be had).")] = True,
    alerts: AlertsOption = None,
    db: DbOption = None,
) -> None:
    """Poll FEEDS every --every with conditional GET, store their new entries, assign them to
    stories and analyse the stories that changed. The state is kept in the store: a restart
    resumes without fetching or storing anything twice. A failing feed is logged; the others go on."""
    from newsprism.watch import feed_urls, parse_every, watch_once
    from newsprism.watch import watch as watch_feeds

    try:
        urls, every_s = feed_urls(feeds), parse_every(every)
    except ValueError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_USAGE) from exc
    rules = _rules(alerts)
    store = _open_store(db)
    display = WatchDisplay(len(urls), every_s=None if once else every_s)
    try:
        with display:
            if once:
                watch_once(store, urls, analyse=analyse, pages=pages, alerts=rules, on_feed=display.feed,
                           on_work=display.work, on_round=display.round)
            else:
                display.line(f"watching {_plural(len(urls), 'feed')} every {every} (Ctrl-C stops)")
                watch_feeds(store, urls, every_s=every_s, analyse=analyse, pages=pages, alerts=rules,
                            on_feed=display.feed, on_work=display.work, on_round=display.round)
    except KeyboardInterrupt:
        display.line("stopped")
    finally:
        store.close()


@app.command()
@_guarded
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    open_: Annotated[
        bool, typer.Option("--open", help="Allow writes (ingest) without a token; loopback addresses only.")
    ] = False,
    worker: Annotated[bool, typer.Option("--worker/--no-worker", help="Analyse queued stories in the "
                                         "background (as `newsprism work`).")] = True,
    idle: IdleOption = 2.0,
    alerts: AlertsOption = None,
) -> None:
    """Serve the web application and HTTP API on the store. Writes need NEWSPRISM_TOKEN
    (Bearer) unless --open on a loopback address. A background worker analyses the
    stories that ingests change; pages read the stored analyses and never compute one."""
    import ipaddress

    import uvicorn

    from newsprism.web import create_app, load_web_settings

    token = os.environ.get("NEWSPRISM_TOKEN") or None
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if open_ and not loopback:
        console.print(f"[red]error:[/] --open is allowed on a loopback address only (not {host}); set NEWSPRISM_TOKEN")
        raise typer.Exit(EXIT_USAGE)
    rules = _rules(alerts)
    store = _open_store(db)  # fails early, with exit 3, on a bad database
    store.close()
    web = load_web_settings()
    if not open_ and host not in ("0.0.0.0", "::") and host.lower() not in web.allowed_hosts:
        web = replace(web, allowed_hosts=(*web.allowed_hosts, host.lower()))  # the name it is reached by
    web_app = create_app(load_settings(db=store.url), token=token, open_=open_, web=web)
    hosts = "loopback names" if open_ else ", ".join(web.allowed_hosts)
    console.print(f"answers to Host: {hosts} (NEWSPRISM_WEB_ALLOWED_HOSTS; DNS-rebinding guard)")
    writes = "open (no token)" if open_ else ("token required" if token else "disabled (set NEWSPRISM_TOKEN)")
    console.print(f"newsprism web on http://{host}:{port}/  (database {store.url}; writes {writes}; "
                  f"worker {'on' if worker else 'off'})")
    stop = threading.Event()
    if worker:
        def drain() -> None:
            with Store(store.url) as own:  # its own connections: a long analysis holds none of the app's
                work_queue(own, stop=stop, idle_s=idle, on_done=_show_work, alerts=rules)

        threading.Thread(target=drain, name="newsprism-worker", daemon=True).start()
    try:
        uvicorn.run(web_app, host=host, port=port, log_level="warning")
    finally:
        stop.set()  # a story being analysed is left to its claim's lease


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)
