"""Shared helpers of the story tests: the encoder loads once per session for all files."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from newsprism.evaluation.stories import SAMPLE_DATE
from newsprism.models import Article
from newsprism.stories import embed

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "istanbul-2025" / "clean"


@cache
def encoder(name: str = "auto") -> embed.Encoder:
    return embed.load_encoder(name)


@cache
def story_encoder() -> embed.Encoder:
    """The default story model, its MiniLM half shared with `encoder("auto")`."""
    from newsprism.stories import StoryParams

    return embed.load_story_encoder(StoryParams(), encoder("auto"))


def make(aid: str, text: str, *, title: str = "", published: str | None = None, language: str | None = "en",
         ) -> Article:
    return Article(id=aid, origin=aid, source="test", title=title, text=text, published=published,
                   language=language, word_count=len(text.split()),
                   content_hash=hashlib.sha256(text.encode()).hexdigest())


def sample_articles() -> list[Article]:
    """The five sample articles (gold clean text), dated by their event."""
    out = []
    for path in sorted(SAMPLE.glob("*.txt")):
        text = path.read_text("utf-8")
        out.append(make(path.stem, text, title=text.splitlines()[0], published=SAMPLE_DATE))
    return out
