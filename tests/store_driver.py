"""`python -m tests.store_driver ARGS`: the `newsprism` command line with the hashed
story encoder (no model to load), for the multi-process store tests.

`NEWSPRISM_KILL_AT` makes the process SIGKILL itself at a chosen point, so that a test
kills it exactly there rather than after a guessed delay:

    migration    after the first table of the first migration is created
    batch        after the first batch of items is committed
    index        while writing the first batch of story-index members (uncommitted)
    poll         after a watcher stored a feed's new entries, before it recorded the poll
"""

from __future__ import annotations

import os
import signal

from newsprism import pipeline
from tests.store_support import HashEncoder


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _after(owner: object, name: str) -> None:
    original = getattr(owner, name)

    def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = original(*args, **kwargs)
        _die()
        return result

    setattr(owner, name, wrapped)


def main() -> None:
    pipeline.story_encoder = lambda params: HashEncoder(params)  # type: ignore[assignment]
    kill_at = os.environ.get("NEWSPRISM_KILL_AT")
    if kill_at == "migration":
        from alembic.operations import Operations

        _after(Operations, "create_table")
    elif kill_at == "batch":
        from newsprism.store import Store

        _after(Store, "save")
    elif kill_at == "index":
        from newsprism.store import stories

        _after(stories, "_set_meta")
    elif kill_at == "poll":
        from newsprism import watch

        _after(watch, "process")
    elif kill_at:
        raise SystemExit(f"unknown NEWSPRISM_KILL_AT {kill_at!r}")
    from newsprism.cli import app

    app(prog_name="newsprism")


if __name__ == "__main__":
    main()
