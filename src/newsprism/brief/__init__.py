"""The story brief: a short, cited, extractive account of a story (`compose`), optionally
rewritten for fluency by an OpenAI-compatible model with a support check (`rewrite`, off
unless configured).

    >>> from newsprism.brief import compose_brief
    >>> brief = compose_brief(docs, claims, framing)      # doctest: +SKIP
    >>> brief.to_report()["sentences"][0]                 # doctest: +SKIP
    {'text': '...', 'citations': ['001_...', '004_...'], 'kind': 'consensus'}
"""

from __future__ import annotations

from newsprism.brief.compose import MAX_WORDS, compose_brief, overlap
from newsprism.brief.records import Brief, BriefSentence
from newsprism.brief.rewrite import check_rewrite, rewrite_brief

__all__ = ["MAX_WORDS", "Brief", "BriefSentence", "check_rewrite", "compose_brief", "overlap", "rewrite_brief"]
