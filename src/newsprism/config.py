"""Settings: package defaults, overlaid by environment variables.

Every tunable limit lives here so that CLI, web app and tests read one place.
Environment overrides use the `NEWSPRISM_` prefix and the upper-case field name,
e.g. `NEWSPRISM_MAX_BYTES=1000000`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any

DEFAULT_DB = "sqlite:///newsprism.db"


@dataclass(frozen=True, slots=True)
class Settings:
    db: str = DEFAULT_DB
    # Inputs larger than this are rejected unread (news articles are < 1 MB of HTML;
    # 50 MB leaves room for WARC/JSONL bundles, which are streamed record by record).
    max_bytes: int = 50_000_000
    # Per-record cap inside WARC/JSONL/feeds and for fetched pages.
    max_record_bytes: int = 10_000_000
    fetch_timeout: float = 15.0
    fetch_max_redirects: int = 5
    # Seconds between two requests to the same host.
    fetch_host_interval: float = 1.0
    fetch_obey_robots: bool = True
    user_agent: str = "newsprism/0.1 (+https://github.com/newsprism/newsprism; news analysis)"
    # Cleaning: texts with fewer words than this after cleaning are rejected as no-content.
    min_words: int = 20
    # Seconds one document may take to clean before it is rejected as `timeout` (0: no limit).
    # The 181 benchmark pages take 16 s in all, the slowest 2.0 s (597 kB, the first one
    # cleaned, models loading) and then 0.44 s; 400 kB of empty <p> take trafilatura 16 s.
    clean_timeout: float = 20.0
    # Optional brief rewriting by an OpenAI-compatible chat endpoint (off while llm_url is empty),
    # e.g. NEWSPRISM_LLM_URL=http://127.0.0.1:8080/v1 NEWSPRISM_LLM_MODEL=... (see brief/rewrite.py).
    llm_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout: float = 60.0


def env_overrides(defaults: Any, prefix: str) -> dict[str, object]:
    """Fields of the dataclass instance `defaults` set by `{prefix}{FIELD}` environment
    variables, parsed to the default's type (bool: true/false/1/0/yes/no; tuple: commas)."""
    env: dict[str, object] = {}
    for f in fields(defaults):
        name = f"{prefix}{f.name.upper()}"
        raw = os.environ.get(name)
        if raw is None:
            continue
        current = getattr(defaults, f.name)
        kind = type(current)
        if kind is bool:
            if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError(f"{name}={raw!r} is not a boolean (true/false)")
            env[f.name] = raw.lower() in ("1", "true", "yes")
        elif kind is tuple:
            env[f.name] = tuple(x.strip() for x in raw.split(",") if x.strip())
        else:
            try:
                env[f.name] = kind(raw)
            except ValueError as exc:
                raise ValueError(f"{name}={raw!r} is not a valid {kind.__name__}") from exc
    return env


def load_settings(**overrides: object) -> Settings:
    """Defaults, then `NEWSPRISM_*` environment variables, then explicit overrides."""
    settings = Settings()
    settings = replace(settings, **env_overrides(settings, "NEWSPRISM_"))  # type: ignore[arg-type]
    given = {k: v for k, v in overrides.items() if v is not None}
    return replace(settings, **given)  # type: ignore[arg-type]
