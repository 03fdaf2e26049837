"""Helpers of the store tests: a cheap stand-in for the story encoder, synthetic
articles, and the `newsprism` command line in a child process (`store_driver`)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from newsprism.models import Article
from newsprism.stories import StoryParams, embed

ROOT = Path(__file__).resolve().parent.parent


class HashEncoder:
    """Hashed word counts scaled to unit length: deterministic and instant. The store
    tests check bookkeeping (every article indexed once), not which stories form."""

    max_tokens = 256

    def __init__(self, params: StoryParams | None = None) -> None:
        params = params or StoryParams()
        self.name = params.model  # stands in for the configured model: the story stage takes it as that
        self.dim = embed.story_dim(params)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, int.from_bytes(hashlib.blake2b(word.encode("utf-8", "replace"), digest_size=4).digest(),
                                        "little") % self.dim] += 1.0
            out[row, 0] += 1e-3  # an empty lead still has a direction
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def article(aid: str, text: str, **fields: object) -> Article:
    """An Article as the cleaner makes it; `fields` override any field (poison included)."""
    values: dict[str, object] = dict(
        id=aid, origin=f"{aid}.txt", source="Example News", title=f"Title {aid}", text=text,
        url=f"https://example.org/{aid}", published="2025-05-16", language="en", word_count=len(text.split()),
        content_hash=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), removed=[], problems=[],
    )
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


TOPICS = ["river flood", "election count", "wheat harvest", "chess final", "bridge repair", "comet sighting"]


def synthetic_text(i: int) -> str:
    """A distinct text of ~40 words on one of a few topics."""
    topic = TOPICS[i % len(TOPICS)]
    return (f"Report {i}: the {topic} dominated the day in town {i % 7}. Officials said the {topic} "
            f"would be reviewed, residents described the {topic} at length, and the council promised "
            f"a statement on the {topic} by Friday, item {i} of the series, with {i * 3} people present.")


def write_inputs(folder: Path, ids: Sequence[int]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in ids:
        path = folder / f"art{i:04d}.txt"
        path.write_text(f"Headline {i}\n\n{synthetic_text(i)}\n", encoding="utf-8")
        paths.append(path)
    return paths


def start_cli(args: Sequence[str], *, kill_at: str | None = None, env: dict[str, str] | None = None,
              ) -> subprocess.Popen[str]:
    """`newsprism ARGS` in a child process, with the hashed encoder; `kill_at` makes the
    child SIGKILL itself at that point (see `store_driver`)."""
    child_env = {**os.environ, **(env or {})}
    child_env.pop("NEWSPRISM_KILL_AT", None)
    if kill_at:
        child_env["NEWSPRISM_KILL_AT"] = kill_at
    return subprocess.Popen([sys.executable, "-m", "tests.store_driver", *args], cwd=ROOT, env=child_env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def run_cli(args: Sequence[str], *, kill_at: str | None = None, timeout: float = 300) -> tuple[int, str]:
    proc = start_cli(args, kill_at=kill_at)
    out, _ = proc.communicate(timeout=timeout)
    return proc.returncode, out
