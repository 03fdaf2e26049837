"""The analysis queue in the store: each story claimed by one worker at a time, stories
that change while computed queued again, failures retried then parked, dead claims
taken over (SQLite, and PostgreSQL when NEWSPRISM_TEST_PG is set)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from threading import Barrier

from sqlalchemy import update

from newsprism.store import Store
from newsprism.store.queue import LEASE, MAX_ATTEMPTS
from newsprism.store.tables import StoryQueueRow


def test_enqueue_claim_finish(store: Store) -> None:
    assert store.enqueue_stories(["st-b", "st-a", "st-b"]) == 2
    assert store.enqueue_stories(["st-a"]) == 0  # already queued
    assert store.queue_counts() == {"queued": 2}
    assert store.claim_story("w1") == "st-a"  # longest queued first; queued together: by id
    entry = store.queue_entry("st-a")
    assert entry is not None and (entry.state, entry.claimed_by, entry.attempts) == ("computing", "w1", 1)
    assert store.claim_story("w2") == "st-b"
    assert store.claim_story("w3") is None
    store.finish_story("st-a", "w1")
    assert store.queue_entry("st-a") is None
    store.finish_story("st-b", "someone-else")  # not its claim: nothing changes
    assert store.queue_entry("st-b").state == "computing"


def test_a_story_changed_while_computed_is_queued_again(store: Store) -> None:
    store.enqueue_stories(["st-a"])
    assert store.claim_story("w1") == "st-a"
    assert store.enqueue_stories(["st-a"]) == 0  # a new article arrives meanwhile
    assert store.claim_story("w2") is None  # still one worker on it
    store.finish_story("st-a", "w1")
    assert store.queue_entry("st-a").state == "queued"
    assert store.claim_story("w2") == "st-a"


def test_failures_are_retried_then_parked_until_the_story_changes(store: Store) -> None:
    store.enqueue_stories(["st-a"])
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert store.claim_story("w") == "st-a", attempt
        store.finish_story("st-a", "w", error="ValueError: bad input")
    entry = store.queue_entry("st-a")
    assert entry.state == "failed" and entry.attempts == MAX_ATTEMPTS and entry.error == "ValueError: bad input"
    assert store.claim_story("w") is None
    assert store.enqueue_stories(["st-a"]) == 1  # it changed: worth another try
    assert store.claim_story("w") == "st-a"


def test_a_dead_workers_claim_is_taken_over_after_the_lease(store: Store) -> None:
    store.enqueue_stories(["st-a"])
    assert store.claim_story("dead") == "st-a"
    assert store.claim_story("alive") is None
    with store.engine.begin() as conn:
        conn.execute(update(StoryQueueRow).values(claimed_at=datetime.now(UTC) - LEASE * 2))
    assert store.claim_story("alive") == "st-a"
    store.finish_story("st-a", "dead")  # the late one changes nothing
    assert store.queue_entry("st-a").claimed_by == "alive"


def test_concurrent_workers_never_take_the_same_story(db_url: str) -> None:
    """Four workers, each with its own Store (own connections), start claiming at the same
    moment: every story is taken exactly once."""
    ids = [f"st-{i:03d}" for i in range(40)]
    with Store(db_url) as store:
        store.enqueue_stories(ids)
    ready = Barrier(4)

    def worker(n: int) -> list[str]:
        taken = []
        with Store(db_url) as own:
            ready.wait(timeout=60)
            while (sid := own.claim_story(f"w{n}")) is not None:
                taken.append(sid)
                own.finish_story(sid, f"w{n}")
        return taken

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(worker, range(4)))
    everything = [sid for r in results for sid in r]
    assert sorted(everything) == ids  # each once: none twice, none lost
    with Store(db_url) as store:
        assert store.queue_counts() == {}


def _analysis(story: str, version: str, variants: list[str], kinds: list[str]):  # type: ignore[no-untyped-def]
    from newsprism.analysis import Contradiction, Entity, Span, StoryAnalysis

    mention = Span("a1", variants[0], 0, len(variants[0]))
    return StoryAnalysis(story, version, ["a1", "a2"], {"m": "1"}, compared=True,
                         entities=[Entity("person:z", variants[-1], "PERSON", [], [mention],
                                          {"variants": {v: ["a1"] for v in variants}})],
                         contradictions=[Contradiction(k, f"{k} differs", [mention]) for k in kinds])


def test_views_across_stories_read_the_latest_analysis_of_each_story(store: Store) -> None:
    store.save_analysis(_analysis("st-1", "v1", ["Zelensky"], ["number"]))
    store.save_analysis(_analysis("st-1", "v2", ["Zelensky", "Volodymyr Zelenskyy"], ["number", "role"]))
    store.save_analysis(_analysis("st-2", "v1", ["Zelenskyi_100%"], ["role"]))
    store.save_analysis(_analysis("st-3", "v1", ["Zelenskyix100"], []))
    store.save_analysis(_analysis("st-1", "v2", ["Zelensky", "Volodymyr Zelenskyy"], ["number", "role"]))  # again
    assert store.analysed_count() == 3
    found = store.latest_entities(name="zelenskyy volodymyr")
    assert [(f.story_id, f.name) for f in found] == [("st-1", "Volodymyr Zelenskyy")]
    assert found[0].detail["spellings"] == {"Zelensky": ["a1"], "Volodymyr Zelenskyy": ["a1"]}
    assert sorted(f.story_id for f in store.latest_entities(name="100%")) == ["st-2", "st-3"]  # a superset
    assert [f.story_id for f in store.latest_entities(name="yi_1")] == ["st-2"]  # '_' is no LIKE wildcard
    assert store.latest_entities(name="nobody") == []
    assert sorted(f.story_id for f in store.latest_entities(detail=False)) == ["st-1", "st-2", "st-3"]
    assert sorted((f.story_id, f.name) for f in store.latest_contradictions()) == [
        ("st-1", "number"), ("st-1", "role"), ("st-2", "role")]
    assert [f.story_id for f in store.latest_contradictions(kind="number")] == ["st-1"]
