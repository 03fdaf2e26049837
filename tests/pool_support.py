"""Story tasks for `StoryPool` whose worker process dies, for the retry tests. They run in
spawned children, so they are importable functions; the parent process never kills itself."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path
from typing import Any

from newsprism.story_pool import Made, analyse_story

KILL_MARK = "NEWSPRISM_TEST_KILL_MARK"  # a file: absent, the next child's first story kills it


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def killed_once(*args: Any) -> Made:
    """`analyse_story`; the first call in any child (the mark file absent) kills that child."""
    mark = Path(os.environ[KILL_MARK])
    if multiprocessing.parent_process() is not None and not mark.exists():
        mark.touch()
        _die()
    return analyse_story(*args)


def killed_always(*args: Any) -> Made:
    """`analyse_story` in this process; every child that is given a story dies."""
    if multiprocessing.parent_process() is not None:
        _die()
    return analyse_story(*args)


def threads_used(articles: list[Any], story: Any, *rest: Any) -> Made:
    """No analysis: the story's entry says which process ran it and with how many BLAS
    threads (numpy's) it ran."""
    from threadpoolctl import threadpool_info

    blas = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    return {"id": story.id, "child": multiprocessing.parent_process() is not None, "blas": blas}, {}, []


def does_nothing(*args: Any) -> None:
    """A warm-up that loads nothing."""


def dies_warming(*args: Any) -> None:
    """A warm-up that kills its child."""
    if multiprocessing.parent_process() is not None:
        _die()


def loaded_models() -> set[str]:
    """What this process has loaded already (run in the child after its warm-up)."""
    from newsprism.nlp.pipeline import _load_nlp
    from newsprism.pipeline import _encoder

    return ({"syntax"} if _load_nlp.cache_info().currsize else set()) | (
        {"encoder"} if _encoder.cache_info().currsize else set())
