"""`newsprism` command line: thin commands over importable functions.

Exit codes: 0 every input became an article; 1 some inputs were rejected (the others
were processed and stored); 2 usage error; 3 the database could not be used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsprism import __version__
from newsprism.config import load_settings
from newsprism.pipeline import RunResult, process, report_for_run
from newsprism.report import validate_report, write_html, write_json
from newsprism.store import Store, StoreError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Compare many news reports of the same events, claim by claim.",
)
console = Console(stderr=True)

EXIT_REJECTED = 1
EXIT_STORE = 3

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
WorkersOption = Annotated[int, typer.Option("--workers", "-w", min=1, help="Processes for cleaning.")]


def _open_store(db: str | None) -> Store:
    settings = load_settings(db=db or os.environ.get("NEWSPRISM_DB"))
    try:
        return Store(settings.db)
    except StoreError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_STORE) from exc


def _run(inputs: list[str], db: str | None, workers: int) -> tuple[Store, RunResult]:
    store = _open_store(db)
    settings = load_settings(db=store.url)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("reading and cleaning", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = process(inputs, store=store, settings=settings, workers=workers, progress=advance)
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


@app.command()
def analyze(
    inputs: InputsArg,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the JSON report here.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write the HTML report here.")] = None,
    db: DbOption = None,
    workers: WorkersOption = 1,
) -> None:
    """Read, clean and store INPUTS, then write the report."""
    store, result = _run(inputs, db, workers)
    report = report_for_run(store, result.run.id)
    validate_report(report)
    if json_out:
        console.print(f"JSON report: {write_json(report, json_out)}")
    if html_out:
        console.print(f"HTML report: {write_html(report, html_out)}")
    store.close()
    if result.run.n_rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command()
def ingest(inputs: InputsArg, db: DbOption = None, workers: WorkersOption = 1) -> None:
    """Read, clean and store INPUTS without writing a report."""
    store, result = _run(inputs, db, workers)
    store.close()
    if result.run.n_rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command()
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
        raise typer.Exit(2) from exc
    if json_out:
        console.print(f"JSON report: {write_json(doc, json_out)}")
    if html_out:
        console.print(f"HTML report: {write_html(doc, html_out)}")


@app.command()
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


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)
