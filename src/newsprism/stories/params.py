"""Settings of the story stage, with the measurements that chose them.

Defaults here, overridden by `NEWSPRISM_STORY_<FIELD>` environment variables (e.g.
`NEWSPRISM_STORY_EMBEDDER=onnx-int8`), then by explicit arguments. A stored story
index records the fingerprint of the settings that shape it and is rebuilt when they
change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace

from newsprism.config import env_overrides

__all__ = ["StoryParams", "load_story_params"]


@dataclass(frozen=True, slots=True)
class StoryParams:
    # Embedding backend: auto | torch | torch-bf16 | onnx | onnx-int8 (see stories.embed).
    embedder: str = "auto"
    # Words of body text after the headline that the embedding reads. On the development
    # set, 120 words separate stories better than 60 (pairs of one story below cosine
    # 0.6: 12 vs 46) and as well as 200, at ~40 % fewer tokens.
    lead_words: int = 120
    max_tokens: int = 256
    # Fewer body words than this: status too-short (a headline, a caption, a teaser).
    min_words: int = 30
    # Languages clustered by content (the embedding model reads English).
    languages: tuple[str, ...] = ("en",)
    # score = mean cosine of lead embeddings to the story's origins
    #         + w_tfidf * TF-IDF cosine of full texts to the story's term centroid
    #         - day_penalty * max(0, days outside the story's publication span - grace_days)
    # and an article joins the best-scoring story when score >= threshold.
    # (w_tfidf, threshold) were chosen on the development set by
    # `python -m newsprism.evaluation.stories --tune`: a grid of w_tfidf 0..1.5 x threshold
    # 0.45..0.90, pairwise F1 per point, the point with the best mean F1 over its 3x3
    # neighbourhood. Good points lie on a ridge threshold ~ 0.5 + 0.2 w_tfidf; at
    # (1.0, 0.70): F1 0.998 on all 253 articles, 1.000 on the 2025 news half, 0.976 on the
    # 2019 web pages (ScrapingHub); neighbourhood mean 0.996. Embeddings alone (w_tfidf 0)
    # peak at 0.998 but on a narrow ridge (0.980 one step either side).
    w_tfidf: float = 1.0
    threshold: float = 0.70
    # Dates decide between events that share actors and place: the 16 May and 2 June
    # 2025 Istanbul rounds merge on content alone (F1 0.76 with every date removed).
    # A story spans days (the Texas floods dev story: reports over 4-8 July), hence the
    # grace; beyond it 0.05 per day makes a two-week gap cost 0.55, more than the margin
    # of any same-story pair in the development set. F1 is flat for 0.02..0.1.
    day_penalty: float = 0.05
    grace_days: float = 3.0
    # Stories considered per article: those of its `neighbours` nearest earlier origins
    # by embedding. Dev-set F1: 0.998 at 20 and at 10, 0.965 at 5; 20 leaves a margin.
    neighbours: int = 20

    def fingerprint(self) -> str:
        """Hash of the settings that change which stories form (not of the backend choice
        alone: vectors of different backends agree to cosine >= 0.99)."""
        shaping = {k: v for k, v in asdict(self).items() if k not in ("embedder",)}
        return hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()[:16]


def load_story_params(**overrides: object) -> StoryParams:
    """Defaults, then `NEWSPRISM_STORY_*` environment variables, then explicit overrides."""
    params = StoryParams()
    env = env_overrides(params, "NEWSPRISM_STORY_")
    params = replace(params, **env)  # type: ignore[arg-type]
    return replace(params, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
