"""Alerts: rules from a file, raised by the analyses a watcher makes of a growing story,
served once each in `/alerts.atom` and POSTed once each to a local webhook receiver,
signed with HMAC-SHA256."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from newsprism.alerts import RulesError, load_rules
from newsprism.cli import app
from newsprism.config import load_settings
from newsprism.store import Store
from newsprism.watch import watch_once
from tests.web_support import client

from .feed_support import ARTICLES, FeedServer

ATOM = "{http://www.w3.org/2005/Atom}"
SECRET = "a shared secret"


def _rules(tmp_path: Path, hook: str) -> Path:
    path = tmp_path / "alerts.toml"
    path.write_text(f'''
[[rule]]
kind = "contradiction"

[[rule]]
kind = "origins"
at_least = 5

[[rule]]
kind = "entity"
names = ["zelenskyy"]

[webhook]
url = "{hook}"
secret_env = "TEST_HOOK_SECRET"
''', encoding="utf-8")
    return path


def test_rules_files_are_checked(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    for text, message in [('[[rule]]\nkind = "weather"', "use one of"),
                          ('[[rule]]\nkind = "origins"', "at_least"),
                          ('[[rule]]\nkind = "entity"\nnames = []', "names"),
                          ('[webhook]\nurl = "ftp://x"', "http"),
                          ('[webhook]\nurl = "https://x.example/h"', "not set"),
                          ("kind = ", "cannot read")]:
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(RulesError, match=message):
            load_rules(bad, env={})
    result = CliRunner().invoke(app, ["work", "--once", "--alerts", str(bad), "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 2 and "cannot read the alert rules" in result.output


def test_a_growing_story_raises_each_alert_once(tmp_path: Path, feed_server: FeedServer) -> None:
    db = f"sqlite:///{tmp_path / 'alerts.db'}"
    settings = load_settings(db=db, fetch_host_interval=0.0, fetch_timeout=5.0)
    rules = load_rules(_rules(tmp_path, f"{feed_server.base}/hook"), env={"TEST_HOOK_SECRET": SECRET})
    feed = f"{feed_server.base}/feed.xml"
    feed_server.publish(ARTICLES[:3], '"v1"')
    feed_server.hook_status = 503  # the receiver is down at first: nothing is lost
    with Store(db) as store:
        watch_once(store, [feed], settings=settings, alerts=rules)
        first = store.alerts()
        assert first and {a.rule for a in first} <= {"contradiction", "entity"}  # 3 origins: not 5 yet
        assert not any(a.rule == "origins" for a in first)
        assert len(store.undelivered_alerts()) == len(first)
    feed_server.hook_status = 200
    feed_server.publish(ARTICLES, '"v2"')
    with Store(db) as store:  # a restarted watcher
        watch_once(store, [feed], settings=settings, alerts=rules)
        every = store.alerts(limit=1000)
        assert [a.rule for a in every].count("origins") == 1 and [a.rule for a in every].count("entity") == 1
        assert {a.key for a in first} <= {a.key for a in every}
        assert store.undelivered_alerts() == []
        feed_server.publish(ARTICLES, '"v3"')  # the same entries under a new ETag: nothing new
        watch_once(store, [feed], settings=settings, alerts=rules)
        assert len(store.alerts(limit=1000)) == len(every)
    # the webhook took each alert exactly once (the attempts it answered 503 are tried again), signed
    taken = [json.loads(body)["key"] for _, body, status in feed_server.posts if status == 200]
    assert sorted(taken) == sorted(a.key for a in every)
    for headers, body, _ in feed_server.posts:
        sig = {k.lower(): v for k, v in headers.items()}["x-newsprism-signature"]
        assert hmac.compare_digest(sig, "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest())
    # the Atom feed lists each alert once, linked to its story
    atom = client(db).get("/alerts.atom")
    assert atom.status_code == 200 and atom.headers["content-type"].startswith("application/atom+xml")
    feed_doc = ET.fromstring(atom.content)
    entries = feed_doc.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(ids) == len(set(ids)) == len(every)
    assert all("/stories/st-" in e.find(f"{ATOM}link").get("href") for e in entries)
    assert any("independent origins" in (e.findtext(f"{ATOM}title") or "") for e in entries)


def test_views_across_stories(tmp_path: Path, feed_server: FeedServer) -> None:
    """Entities and contradictions across the stories' stored analyses, filtered by name
    (any spelling), kind and date; bad filters are a 422, never a 500."""
    db = f"sqlite:///{tmp_path / 'views.db'}"
    feed_server.publish(ARTICLES, '"v1"')  # every entry dated 2025-05-16
    c = client(db)
    assert c.get("/api/v1/contradictions").json() == {"computed": False, "total": 0, "contradictions": []}
    with Store(db) as store:
        watch_once(store, [f"{feed_server.base}/feed.xml"],
                   settings=load_settings(db=db, fetch_host_interval=0.0, fetch_timeout=5.0))
        [story] = store.story_page()[1]
        stored = store.analysis(story.story_id)
    assert stored is not None
    sid = stored.analysis.story_id
    found = c.get("/api/v1/entities", params={"name": "zelensky"}).json()
    assert found["computed"] and found["entities"]
    top = found["entities"][0]
    assert top["stories"][0]["id"] == sid and len(top["spellings"]) >= 2  # written more than one way
    assert all(any(w in cl["text"].lower() for w in ("zelensky", "zelenskyy")) for cl in top["stories"][0]["claims"])
    assert c.get("/api/v1/entities", params={"name": "Nobody Atall"}).json()["entities"] == []
    everything = c.get("/api/v1/contradictions").json()
    assert everything["total"] == len(stored.analysis.contradictions) > 0
    assert all(x["story"] == sid and x["date"] == "2025-05-16" for x in everything["contradictions"])
    kind = everything["contradictions"][0]["kind"]
    of_kind = c.get("/api/v1/contradictions", params={"kind": kind}).json()
    assert of_kind["total"] == sum(1 for x in stored.analysis.contradictions if x.kind == kind)
    assert c.get("/api/v1/contradictions", params={"since": "2025-05-16", "until": "2025-05-16"}).json()["total"] \
        == everything["total"]
    assert c.get("/api/v1/contradictions", params={"since": "2025-06-01"}).json()["total"] == 0
    assert c.get("/api/v1/contradictions", params={"until": "2025-05-15"}).json()["total"] == 0
    for bad in ({"since": "yesterday"}, {"until": "2025-13-40"}, {"limit": "0"}):
        assert c.get("/api/v1/contradictions", params=bad).status_code == 422
    # the page filters the same way, and dates each contradiction
    page = c.get("/contradictions", params={"since": "2025-05-16", "until": "2025-05-16"}).text
    assert page.count('<div class="contradiction') == everything["total"] and "· 2025-05-16</p>" in page
    assert c.get("/contradictions", params={"since": "2025-06-01"}).text.count('<div class="contradiction') == 0
    assert c.get("/contradictions", params={"until": "2025-13-40"}).status_code == 422


def test_the_store_keeps_each_alert_once(store: Store) -> None:
    from newsprism.models import Alert

    a = Alert("origins:3:st-1", "origins", "st-1", "“Talks” has 3 independent origins", "reached 3")
    b = Alert("entity:x:st-1", "entity", "st-1", "Zelensky in “Talks”", "mentions Zelensky", details={"n": 1})
    assert [x.key for x in store.add_alerts([a, b, a])] == [a.key, b.key]
    assert store.add_alerts([a, b]) == []  # raised again: nothing new
    assert [x.key for x in store.alerts()] == [b.key, a.key]  # newest first
    assert store.alerts()[0].details == {"n": 1} and store.alerts()[0].created_at
    store.mark_delivered([a.key])
    assert [x.key for x in store.undelivered_alerts()] == [b.key]
