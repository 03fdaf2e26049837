"""Kill and concurrency stress of the store: `newsprism ingest` processes killed with
SIGKILL at random moments, then rounds of four concurrent ingests on the same (existing)
database, then one ingest of everything; checks that every article is stored once and
is a member of the story index once, and tallies exit codes and run statuses.

The processes use the hashed stand-in story encoder of the tests (`tests/store_driver.py`):
what is checked is bookkeeping, not which stories form.

    python scripts/stress_store.py --db sqlite:///out/stress.db [--kills 12] [--rounds 3]
    python scripts/stress_store.py --db postgresql://postgres@127.0.0.1/stress  # an empty database

2026-12-02, 2 shared cores: 12 kills and 3 rounds of 4 per backend, SQLite and PostgreSQL:
40 of 40 articles stored once and indexed once, every concurrent and final exit 0.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402 - after the path set-up
from sqlalchemy.orm import Session  # noqa: E402
from tests.store_support import start_cli, write_inputs  # noqa: E402

from newsprism.store import Store  # noqa: E402
from newsprism.store.tables import ArticleRow, StoryMemberRow  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="an empty database (its tables are created)")
    ap.add_argument("--kills", type=int, default=12, help="ingests killed at a random moment")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of four concurrent ingests")
    ap.add_argument("--max-delay", type=float, default=15.0, help="latest kill, seconds after the start")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        dirs = [Path(tmp) / f"d{k}" for k in range(4)]
        for k, d in enumerate(dirs):
            write_inputs(d, range(10 * k, 10 * k + 10))

        def ingest(parts: list[Path]) -> subprocess.Popen[str]:
            return start_cli(["ingest", *map(str, parts), "--db", args.db])

        killed = Counter[int]()
        for _ in range(args.kills):
            proc = ingest(rng.sample(dirs, 2))
            try:
                proc.wait(timeout=rng.uniform(0.5, args.max_delay))
            except subprocess.TimeoutExpired:
                proc.kill()
            proc.communicate()
            killed[proc.returncode] += 1
        print(f"kill cycles: {args.kills}, exit codes {dict(killed)}")
        concurrent = Counter[int]()
        for _ in range(args.rounds):
            procs = [ingest(rng.sample(dirs, 2)) for _ in range(4)]
            for proc in procs:
                out = proc.communicate()[0]
                concurrent[proc.returncode] += 1
                if proc.returncode not in (0, 1):
                    print(out[-3000:])
        print(f"concurrent: {args.rounds} rounds of 4, exit codes {dict(concurrent)}")
        proc = ingest(dirs)
        out = proc.communicate()[0]
        print(f"final ingest: exit {proc.returncode}")
    with Store(args.db) as store, Session(store.engine) as s:
        articles = s.scalar(select(func.count()).select_from(ArticleRow))
        members = s.scalar(select(func.count(func.distinct(StoryMemberRow.article_pk))))
        rows = s.scalar(select(func.count()).select_from(StoryMemberRow))
        statuses = Counter(r.status for r in store.runs())
    ok = articles == members == rows == 40 and proc.returncode == 0 and set(concurrent) <= {0, 1}
    print(f"articles {articles} (expected 40), indexed {members} in {rows} members; runs {dict(statuses)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
