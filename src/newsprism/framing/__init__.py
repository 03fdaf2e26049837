"""Framing: how each article of a story tilts it, with the evidence spans.

    >>> from newsprism.framing import frame_story
    >>> framing = frame_story(docs, roster, claims.claims)       # doctest: +SKIP
    >>> [(p.article, p.stance) for p in framing.profiles][:1]    # doctest: +SKIP
    [('000_...', {'Russia': 0.41, 'Ukraine': -0.38})]

Sides come from the entity roster (`sides`), stance from a dependency parse and the lexicon
(`stance`, `data/lexicon.json`), the rest from the NLP stage's quotes and the claims stage.
`framing.to_report()` is the report's `story.sources[]`.
"""

from __future__ import annotations

from newsprism.framing.lexicon import Lexicon, load_lexicon
from newsprism.framing.profile import Framing, frame_story
from newsprism.framing.records import Side, Signal, SourceProfile
from newsprism.framing.sides import detect_sides, side_of

__all__ = [
    "Framing", "Lexicon", "Side", "Signal", "SourceProfile", "detect_sides", "frame_story", "load_lexicon",
    "side_of",
]
