"""Optional fluency rewrite of an extractive brief by an OpenAI-compatible chat endpoint, with a
check that every rewritten sentence still says only what its cited evidence says.

Off unless configured (`NEWSPRISM_LLM_URL`, `NEWSPRISM_LLM_MODEL`, optional `NEWSPRISM_LLM_API_KEY`).
Only the sources' own sentences are rewritten (consensus and single-source lines; the "Accounts
differ" and coverage lines are ours and stay). A rewrite is kept only when

- its content words are found in the evidence and the extract it replaces (`MIN_SUPPORT` of them),
- every figure and every capitalised name in it appears there too,
- it denies exactly what the extract denies (no negation dropped or added),
- it is not much longer than the extract (`MAX_GROWTH`);

otherwise, or when the endpoint fails, the extract stays. Kept rewrites carry the extract
(`extract` in the report), so a reader can always see the sources' wording.

    >>> brief = rewrite_brief(compose_brief(docs, claims, framing), load_settings())  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import httpx

from newsprism.brief.compose import overlap
from newsprism.brief.records import Brief, BriefSentence
from newsprism.config import Settings

__all__ = ["MAX_GROWTH", "MIN_SUPPORT", "Rewrite", "check_rewrite", "rewrite_brief"]

log = logging.getLogger(__name__)

MIN_SUPPORT = 0.7
MAX_GROWTH = 1.3
SINGLE_PREFIX = "Reported by one source only: "
PROMPT = ("You edit news briefs. Rewrite the sentence you are given as one fluent, neutral sentence of plain "
          "news prose. Keep every fact, name, figure and negation; add nothing that the sentence and its "
          "evidence do not say; drop rhetorical openers such as 'Notably' or 'Meanwhile'. Answer with the "
          "sentence only.")

_FIGURE = re.compile(r"\d[\d,.]*")
_WORD = re.compile(r"[\w’'-]+")
_NEGATION = re.compile(r"\b(?:no|not|never|none|neither|nor|without)\b|n[’']t\b", re.I)


@dataclass(frozen=True, slots=True)
class Rewrite:
    text: str
    accepted: bool
    reason: str = ""  # why a rewrite was refused


def check_rewrite(text: str, extract: str, evidence: Sequence[str]) -> str:
    """'' when `text` may replace `extract`, else the reason it may not."""
    sources = [extract, *evidence]
    pool = " ".join(sources)
    if not text or "\n" in text.strip():
        return "not one sentence"
    if len(text.split()) > MAX_GROWTH * len(extract.split()) + 2:
        return "longer than the extract"
    if (support := overlap(text, sources)) < MIN_SUPPORT:
        return f"support {support:.2f} < {MIN_SUPPORT}"
    figures = {f.rstrip(".,") for f in _FIGURE.findall(text)} - {f.rstrip(".,") for f in _FIGURE.findall(pool)}
    if figures:
        return f"figures not in the evidence: {', '.join(sorted(figures))}"
    names = {w for w in _WORD.findall(text)[1:] if w[:1].isupper() and w not in pool}
    if names:
        return f"names not in the evidence: {', '.join(sorted(names))}"
    if len(_NEGATION.findall(text)) != len(_NEGATION.findall(extract)):
        return "negation changed"
    return ""


def _ask(client: httpx.Client, settings: Settings, sentence: str, evidence: Sequence[str]) -> str:
    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
    context = "\n".join(f"- {e}" for e in dict.fromkeys(evidence) if e != sentence)
    body = {"model": settings.llm_model, "temperature": 0, "messages": [
        {"role": "system", "content": PROMPT},
        {"role": "user", "content": f"Sentence: {sentence}\nEvidence from the cited sources:\n{context or '-'}"},
    ]}
    response = client.post(f"{settings.llm_url.rstrip('/')}/chat/completions", json=body, headers=headers,
                           timeout=settings.llm_timeout)
    response.raise_for_status()
    return str(response.json()["choices"][0]["message"]["content"]).strip().strip('"')


def rewrite_sentence(client: httpx.Client, settings: Settings, sentence: BriefSentence) -> Rewrite:
    prefix = SINGLE_PREFIX if sentence.text.startswith(SINGLE_PREFIX) else ""
    extract = sentence.text[len(prefix):]
    try:
        text = _ask(client, settings, extract, sentence.evidence)
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
        return Rewrite(sentence.text, False, f"endpoint: {type(exc).__name__}: {exc}")
    if reason := check_rewrite(text, extract, sentence.evidence):
        return Rewrite(sentence.text, False, reason)
    return Rewrite(prefix + text, True)


def rewrite_brief(brief: Brief, settings: Settings, client: httpx.Client | None = None) -> Brief:
    """`brief` with its source sentences rewritten where the rewrite passes the check; unchanged
    when no endpoint is configured."""
    if not settings.llm_url:
        return brief
    own = client is None
    client = client or httpx.Client()
    try:
        out = []
        for s in brief.sentences:
            if s.kind not in ("consensus", "single"):
                out.append(s)
                continue
            result = rewrite_sentence(client, settings, s)
            if result.accepted:
                out.append(replace(s, text=result.text, extract=s.text))
            else:
                log.info("brief rewrite kept the extract (%s): %s", result.reason, s.text[:80])
                out.append(s)
        return Brief(out)
    finally:
        if own:
            client.close()
