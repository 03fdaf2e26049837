"""Alerts pushed to a webhook: one POST of JSON per alert, signed with HMAC-SHA256.

The body is the alert as JSON (`key`, `rule`, `story`, `title`, `summary`, `created_at`,
`details`); the header `X-Newsprism-Signature: sha256=HEX` is the HMAC-SHA256 of the
exact body under the shared secret, so a receiver checks it before trusting the body:

    hmac.compare_digest(header, "sha256=" + hmac.new(secret, body, "sha256").hexdigest())

An alert is marked delivered when the receiver answers 2xx; one that fails is tried
again on the next delivery. A process killed between the POST and the mark sends it
again, so receivers drop repeats by `key` (the `X-Newsprism-Alert` header).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from typing import Any

import httpx

from newsprism.models import Alert

__all__ = ["alert_json", "deliver", "signature"]

log = logging.getLogger("newsprism.alerts")


def alert_json(a: Alert) -> dict[str, Any]:
    return {"key": a.key, "rule": a.rule, "story": a.story_id, "title": a.title, "summary": a.summary,
            "created_at": a.created_at, "details": a.details}


def signature(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def deliver(alerts: Sequence[Alert], *, url: str, secret: bytes, client: httpx.Client | None = None,
            timeout: float = 10.0) -> list[str]:
    """POST each alert; returns the keys the receiver took (answered 2xx)."""
    own = client is None
    client = client or httpx.Client()
    taken = []
    try:
        for a in alerts:
            body = json.dumps(alert_json(a), ensure_ascii=False, sort_keys=True).encode()
            try:
                r = client.post(url, content=body, timeout=timeout, headers={
                    "Content-Type": "application/json", "X-Newsprism-Signature": signature(secret, body),
                    "X-Newsprism-Alert": a.key})
            except httpx.HTTPError as exc:
                log.warning("webhook %s: alert %s not delivered (%s: %s); tried again next time", url, a.key,
                            type(exc).__name__, exc)
                break  # the receiver is down: the rest waits too, in order
            if r.is_success:
                taken.append(a.key)
            else:
                log.warning("webhook %s answered HTTP %s to alert %s; tried again next time", url, r.status_code,
                            a.key)
    finally:
        if own:
            client.close()
    return taken
