"""Alerts as an Atom feed (RFC 4287), readable by any feed reader."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from newsprism.models import Alert

__all__ = ["alerts_atom"]

ATOM = "http://www.w3.org/2005/Atom"


def _text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (control characters, lone surrogates)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ("\x20" <= ch <= "\ud7ff") or ("\ue000" <= ch <= "\ufffd")
                   or ch >= "\U00010000")


def alerts_atom(alerts: Sequence[Alert], *, base_url: str, feed_id: str = "urn:newsprism:alerts") -> bytes:
    """The feed of `alerts` (newest first); entries link to their story under `base_url`."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "newsprism alerts"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_id
    updated = max((a.created_at for a in alerts), default="") or datetime.now(UTC).isoformat(timespec="seconds")
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{base_url.rstrip('/')}/alerts.atom")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "newsprism"
    for a in alerts:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:newsprism:alert:{_text(a.key)}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = _text(a.title)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = a.created_at
        ET.SubElement(entry, f"{{{ATOM}}}category", term=a.rule)
        ET.SubElement(entry, f"{{{ATOM}}}link", href=f"{base_url.rstrip('/')}/stories/{a.story_id}")
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = _text(a.summary)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
