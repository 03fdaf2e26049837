"""The long fuzz campaign (`make fuzz`): the fuzz target of tests/test_fuzz_ingest.py
(any file through ingest + clean + Store.save into a SQLite temp database) run in
parallel chunks, one hypothesis seed per chunk, until --inputs inputs have run or
--hours have passed. Findings (uncaught exceptions, internal-error rejections, items
over their time budget, items the store refused) are saved with their input under
out/fuzz/chunk-N/; the totals go to out/fuzz/summary.json.

    python scripts/fuzz.py [--inputs 1000000] [--jobs 2] [--chunk 5000] [--hours 0]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = "tests/test_fuzz_ingest.py"


def _start(chunk: int, size: int, out: Path, scratch: Path, budget: float) -> subprocess.Popen[bytes]:
    folder = out / f"chunk-{chunk}"
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "NEWSPRISM_FUZZ_OUT": str(folder),
        "NEWSPRISM_FUZZ_EXAMPLES": str(size),
        "NEWSPRISM_FUZZ_SEED": str(chunk),
        "NEWSPRISM_FUZZ_BUDGET": str(budget),
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        TARGET,
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:logging",
        f"--basetemp={scratch / f'chunk-{chunk}'}",
    ]
    with open(folder / "pytest.log", "wb") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _collect(chunk: int, proc: subprocess.Popen[bytes], out: Path, scratch: Path) -> dict:
    folder = out / f"chunk-{chunk}"
    shutil.rmtree(scratch / f"chunk-{chunk}", ignore_errors=True)
    summaries = list(folder.glob("summary-*.json"))
    if not summaries:  # the chunk died before writing its figures: that is a finding too
        return {"counts": {"finding:chunk-crashed": 1}, "slowest_s": 0.0, "exit": proc.returncode}
    summary = json.loads(summaries[0].read_text("utf-8"))
    summary["exit"] = proc.returncode
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--chunk", type=int, default=5000, help="inputs per chunk (one process, one seed)")
    parser.add_argument("--hours", type=float, default=0, help="start no chunk after this long (0: no limit)")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds one item may take to clean")
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "fuzz")
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(
        tempfile.mkdtemp(prefix="newsprism-fuzz-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    )
    started = time.monotonic()
    totals: Counter[str] = Counter()
    slowest = 0.0
    planned, chunk = 0, args.first_seed
    running: dict[int, subprocess.Popen[bytes]] = {}
    try:
        while running or planned < args.inputs:
            out_of_time = args.hours and time.monotonic() - started > args.hours * 3600
            while len(running) < args.jobs and planned < args.inputs and not out_of_time:
                size = min(args.chunk, args.inputs - planned)
                running[chunk] = _start(chunk, size, args.out, scratch, args.budget)
                planned += size
                chunk += 1
            if out_of_time and not running:
                break
            time.sleep(1)
            for n, proc in list(running.items()):
                if proc.poll() is None:
                    continue
                del running[n]
                summary = _collect(n, proc, args.out, scratch)
                totals.update(summary["counts"])
                slowest = max(slowest, summary["slowest_s"])
                findings = {k: v for k, v in summary["counts"].items() if k.startswith("finding:")}
                print(
                    f"chunk {n}: {summary['counts'].get('inputs', 0):,} inputs, exit {summary['exit']}, "
                    f"findings {findings or 0}; total {totals['inputs']:,} inputs in "
                    f"{time.monotonic() - started:,.0f} s",
                    flush=True,
                )
    finally:
        for proc in running.values():
            proc.terminate()
        shutil.rmtree(scratch, ignore_errors=True)
    findings = {k: v for k, v in totals.items() if k.startswith("finding:")}
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": totals["inputs"],
        "items": totals["items"],
        "seconds": round(time.monotonic() - started),
        "jobs": args.jobs,
        "budget_s": args.budget,
        "slowest_item_s": slowest,
        "findings": findings,
        "outcomes": {
            k: v for k, v in totals.most_common() if k not in ("inputs", "items") and k not in findings
        },
    }
    (args.out / "summary.json").write_text(json.dumps(result, indent=2), "utf-8")
    print(json.dumps(result, indent=2))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
