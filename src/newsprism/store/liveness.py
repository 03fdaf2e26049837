"""Which process runs a run, whether it is still alive, and its heartbeat.

A run records its host, pid and the pid's start time. At the next start of any
newsprism process, a `running` run is marked `interrupted` when its process is gone:
on the same host, the pid does not exist, is a zombie, or belongs to a process started
at another time (pid reuse); on another host (or for a run recorded before these
columns existed), its heartbeat is older than `STALE_AFTER`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

__all__ = ["HEARTBEAT_S", "STALE_AFTER", "Heartbeat", "is_dead", "this_process"]

log = logging.getLogger("newsprism.store")

# A live run refreshes its heartbeat this often; one silent for STALE_AFTER is taken for
# dead when its host cannot be asked directly (ten missed beats: a loaded machine or a
# database busy for minutes does not make a live run look dead).
HEARTBEAT_S = 60.0
STALE_AFTER = timedelta(minutes=10)


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name, or None (no such process, no /proc)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            raw = f.read()
    except OSError:
        return None
    return raw[raw.rfind(")") + 2:].split()


def _start_token(pid: int) -> str | None:
    fields = _stat(pid)
    return fields[19] if fields and len(fields) > 19 else None  # starttime, clock ticks after boot


def this_process() -> tuple[str, int, str | None]:
    pid = os.getpid()
    return socket.gethostname()[:255], pid, _start_token(pid)


def _pid_alive(pid: int, start: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by another user
    except OSError:
        return False
    fields = _stat(pid)
    if fields is None:
        return not os.path.isdir("/proc")  # without /proc (not Linux), kill(0) has the last word
    if fields[0] in ("Z", "X"):  # zombie or dead, not yet reaped
        return False
    return start is None or (len(fields) > 19 and fields[19] == start)


def is_dead(host: str | None, pid: int | None, pid_start: str | None, last_sign: datetime,
            now: datetime | None = None) -> bool:
    """Whether the process of a `running` run is gone (see the module docstring)."""
    if host is not None and pid is not None and host == socket.gethostname()[:255]:
        return not _pid_alive(pid, pid_start)
    now = now or datetime.now(UTC)
    if last_sign.tzinfo is None:  # SQLite hands back naive datetimes (stored as UTC)
        last_sign = last_sign.replace(tzinfo=UTC)
    return now - last_sign > STALE_AFTER


class Heartbeat:
    """Calls `beat()` every `HEARTBEAT_S` seconds on a daemon thread until stopped."""

    def __init__(self, beat: Callable[[], None], every: float = HEARTBEAT_S) -> None:
        self._beat = beat
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="newsprism-heartbeat", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self._beat()
            except Exception as exc:  # a busy or unreachable database: the next beat tries again
                log.debug("heartbeat not recorded: %s", exc)

    def stop(self) -> None:
        self._stop.set()
