"""A time budget for one document: `with deadline(seconds) as d:` raises `CleanTimeout`
inside the block once `seconds` have passed.

How the overrun is noticed, cheapest first:

- in the main thread of a process (the CLI, and every worker of a `ProcessPoolExecutor`),
  a one-shot ``SIGALRM`` timer (`signal.setitimer`) interrupts the work wherever it is,
  regular expressions included (CPython's `re` checks for signals while it matches);
  arming and disarming it costs ~40 µs a document (13 µs for the watchdog), measured on
  a busy 2-core machine, against milliseconds for cleaning it;
- in another thread (the web app cleans in a thread pool), one shared watchdog thread
  raises the exception asynchronously in the working thread; it takes effect at the
  next Python instruction, so a single long call into C (one regular expression, one
  lxml parse) runs to its end first;
- everywhere, `Deadline.check()` between the steps of the clean stage.

`CleanTimeout` derives from BaseException, like KeyboardInterrupt, so that libraries'
``except Exception`` blocks (trafilatura has many) do not swallow it.

    >>> with deadline(5.0) as d:
    ...     d.check()  # raises CleanTimeout after 5 s
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["CleanTimeout", "Deadline", "deadline"]


class CleanTimeout(BaseException):
    """The document's time budget ran out."""


class Deadline:
    """When the budget runs out; `check()` raises `CleanTimeout` once it has."""

    __slots__ = ("active", "expires", "fired", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires = time.monotonic() + seconds if seconds > 0 else float("inf")
        self.active = True
        self.fired = False

    def expired(self) -> bool:
        return time.monotonic() >= self.expires

    def check(self) -> None:
        if self.active and time.monotonic() >= self.expires:
            raise CleanTimeout(f"over the {self.seconds:g}-second budget")


def _signal_usable() -> bool:
    """SIGALRM is ours to use: main thread, POSIX, no handler or timer of someone else's."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return False
    if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None):
        return False
    return signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


class _Watchdog:
    """One daemon thread that raises `CleanTimeout` in threads whose deadline passed."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Deadline, int]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, d: Deadline) -> None:
        with self._cond:
            heapq.heappush(self._heap, (d.expires, next(self._order), d, threading.get_ident()))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="newsprism-clean-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()

    def disarm(self, d: Deadline) -> None:
        with self._cond:
            d.active = False
            fired = d.fired
        if fired:  # an exception may still be pending in this thread: take it back
            _set_async_exc(threading.get_ident(), None)

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._heap and not self._heap[0][2].active:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                _, _, d, ident = heapq.heappop(self._heap)
                if d.active:
                    d.fired = True
                    _set_async_exc(ident, CleanTimeout)


def _set_async_exc(ident: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc) if exc else None)


_watchdog = _Watchdog()


def _on_alarm(current: Deadline) -> Callable[[int, object], None]:
    def handler(_signum: int, _frame: object) -> None:
        if current.active:
            current.fired = True
            raise CleanTimeout(f"over the {current.seconds:g}-second budget")

    return handler


@contextmanager
def deadline(seconds: float) -> Iterator[Deadline]:
    """Run the block under a budget of `seconds` (none when `seconds` <= 0); see the module docstring."""
    d = Deadline(seconds)
    if seconds <= 0:
        yield d
        return
    if _signal_usable():
        previous = signal.signal(signal.SIGALRM, _on_alarm(d))
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            yield d
        finally:
            d.active = False  # an alarm between here and the disarm is ignored
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    _watchdog.arm(d)
    try:
        yield d
    finally:
        _watchdog.disarm(d)
    if d.fired:
        raise CleanTimeout(f"over the {seconds:g}-second budget")
