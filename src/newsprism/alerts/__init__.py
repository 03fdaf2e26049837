"""Alerts: rules over stored analyses, raised once each, read as an Atom feed or pushed
to a webhook.

Rules live in a small TOML file:

    [[rule]]
    kind = "contradiction"          # a new contradiction in any story

    [[rule]]
    kind = "origins"                # a story reaching N independent origins
    at_least = 3

    [[rule]]
    kind = "entity"                 # a story mentioning a watched entity, by any spelling
    names = ["Zelensky"]

    [webhook]                       # optional: POST each alert as JSON, signed
    url = "https://hooks.example.org/newsprism"
    secret_env = "NEWSPRISM_WEBHOOK_SECRET"   # the HMAC-SHA256 key, read from this variable

`story_alerts(rules, analysis)` lists what one analysis raises; each alert's key names
what it is about (the rule, the story, the contradiction's statements, the entity), so
the store keeps it once however often the story is analysed again.

Errors:

    RulesError    the rules file cannot be read or names an unknown rule (says which)
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsprism.analysis import StoryAnalysis
from newsprism.models import Alert

__all__ = ["AlertRules", "Rule", "RulesError", "Webhook", "load_rules", "story_alerts"]

KINDS = ("contradiction", "origins", "entity")


class RulesError(ValueError):
    """The rules file cannot be used."""


@dataclass(slots=True)
class Rule:
    kind: str
    at_least: int = 0  # origins
    names: list[str] = field(default_factory=list)  # entity


@dataclass(slots=True)
class Webhook:
    url: str
    secret: bytes


@dataclass(slots=True)
class AlertRules:
    rules: list[Rule]
    webhook: Webhook | None = None


def load_rules(path: str | Path, env: dict[str, str] | None = None) -> AlertRules:
    """The rules of a TOML file (see the module docstring)."""
    import os

    env = dict(os.environ) if env is None else env
    try:
        doc = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"cannot read the alert rules {path}: {exc}") from exc
    rules = []
    for n, raw in enumerate(doc.get("rule", []), start=1):
        kind = raw.get("kind") if isinstance(raw, dict) else None
        if kind not in KINDS:
            raise RulesError(f"{path}: rule {n} has kind {kind!r}; use one of {', '.join(KINDS)}")
        rule = Rule(kind)
        if kind == "origins":
            rule.at_least = raw.get("at_least")
            if not isinstance(rule.at_least, int) or rule.at_least < 2:
                raise RulesError(f"{path}: rule {n} (origins) needs at_least = a whole number of 2 or more")
        if kind == "entity":
            names = raw.get("names")
            if not isinstance(names, list) or not names or not all(isinstance(x, str) and x.strip() for x in names):
                raise RulesError(f'{path}: rule {n} (entity) needs names = ["a name", ...]')
            rule.names = names
        rules.append(rule)
    hook = doc.get("webhook")
    webhook = None
    if hook is not None:
        url, secret_env = hook.get("url"), hook.get("secret_env", "NEWSPRISM_WEBHOOK_SECRET")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise RulesError(f"{path}: [webhook] needs url = an http(s) URL")
        if not env.get(secret_env):
            raise RulesError(f"{path}: the webhook's secret is read from ${secret_env}, which is not set")
        webhook = Webhook(url, env[secret_env].encode())
    return AlertRules(rules, webhook)


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def story_alerts(rules: Sequence[Rule], analysis: StoryAnalysis, *, title: str, origins: int) -> list[Alert]:
    """The alerts `analysis` of a story (titled `title`, of `origins` independent origins) raises."""
    out: list[Alert] = []
    sid = analysis.story_id
    for rule in rules:
        if rule.kind == "contradiction":
            for c in analysis.contradictions:
                said = sorted(f"{s.article}: {s.text}" for s in c.statements)
                out.append(Alert(f"contradiction:{sid}:{_hash(c.kind, *said)}", "contradiction", sid,
                                 f"{c.kind} contradiction in “{title}”", c.explanation,
                                 details={"kind": c.kind, "statements": [s.to_report() for s in c.statements]}))
        elif rule.kind == "origins" and origins >= rule.at_least:
            out.append(Alert(f"origins:{rule.at_least}:{sid}", "origins", sid,
                             f"“{title}” has {origins} independent origins",
                             f"the story reached {rule.at_least} independent origins ({origins} now, "
                             f"{len(analysis.articles)} articles)", details={"origins": origins}))
        elif rule.kind == "entity":
            for e in analysis.entities:
                hit = next((n for n in rule.names if e.named(n)), None)
                if hit is not None:
                    written = sorted(e.spellings())
                    out.append(Alert(f"entity:{_hash(hit)}:{sid}", "entity", sid, f"{e.name} in “{title}”",
                                     f"the story mentions {e.name} (watched as {hit!r}; written "
                                     f"{', '.join(written)})", details={"entity": e.name, "watched": hit}))
    return out
