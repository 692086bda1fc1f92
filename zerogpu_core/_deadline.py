"""``timeout`` as a deadline for a whole attempt, not for each network operation.

httpx applies a timeout to each connect, write and read: a server that trickles a
few bytes just inside the read timeout holds a call for as long as it likes. An
attempt here must end ``timeout`` seconds after it started, body included.

The async client runs the attempt under ``asyncio.timeout`` (from Python 3.11;
``asyncio.wait_for`` on 3.10, which runs each attempt as a task of its own, at a
cost on every request). A blocking read cannot be cancelled, so the sync client
hands the response's socket to one shared watchdog thread, which shuts the socket
down at the deadline; the blocked read then fails at once and is reported as a
timeout.
"""

from __future__ import annotations

import asyncio
import functools
import heapq
import itertools
import socket
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from types import TracebackType
from typing import Literal, TypeVar

import httpx

__all__ = ["ReadWithin", "attempt_seconds", "deadline_expired", "within"]

T = TypeVar("T")


def attempt_seconds(timeout: float | httpx.Timeout) -> float | None:
    """The attempt deadline for a ``timeout`` setting.

    A number is the deadline; an ``httpx.Timeout`` keeps httpx's per-operation
    meaning (``None``: no overall deadline), for callers who want exactly that.
    """
    return None if isinstance(timeout, httpx.Timeout) else float(timeout)


if sys.version_info >= (3, 11):

    async def within(awaitable: Awaitable[T], seconds: float) -> T:
        """``awaitable``'s result, or ``asyncio.TimeoutError`` after ``seconds``."""
        async with asyncio.timeout(seconds):
            return await awaitable

else:  # Python 3.10, tested by the suite's lowest-versions run

    async def within(awaitable: Awaitable[T], seconds: float) -> T:
        """``awaitable``'s result, or ``asyncio.TimeoutError`` after ``seconds``."""
        return await asyncio.wait_for(awaitable, seconds)


def deadline_expired(seconds: float) -> httpx.ReadTimeout:
    """The error for an attempt that ran out of time (retried like any timeout)."""
    return httpx.ReadTimeout(f"the attempt did not finish within its {seconds:g} s deadline")


class _Alarm:
    """One armed deadline; ``cancel`` and ``fire`` exclude each other."""

    def __init__(self, action: Callable[[], None]) -> None:
        self._action = action
        self._lock = threading.Lock()
        self._done = False
        self.fired = False

    def fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self._done = self.fired = True
        self._action()

    def cancel(self) -> None:
        with self._lock:
            self._done = True
            self._action = _nothing  # what it would have shut need not stay alive

    @property
    def done(self) -> bool:
        """Fired or cancelled."""
        return self._done


def _nothing() -> None:
    return None


#: Alarms in the heap before cancelled ones are first dropped.
_FIRST_PURGE = 256


class _Watchdog:
    """One daemon thread firing alarms at their time; started on first use."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._heap: list[tuple[float, int, _Alarm]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._purge_at = _FIRST_PURGE

    def arm(self, at: float, action: Callable[[], None]) -> _Alarm:
        alarm = _Alarm(action)
        with self._wake:
            if len(self._heap) >= self._purge_at:
                self._purge()
            entry = (at, next(self._order), alarm)
            heapq.heappush(self._heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="zerogpu-deadlines", daemon=True
                )
                self._thread.start()
            elif self._heap[0] is entry:
                # Only an alarm earlier than all others shortens the thread's wait.
                # Calls with one timeout arm later and later alarms, so the thread
                # sleeps on instead of taking the GIL for a wake-up on every request.
                self._wake.notify()
        return alarm

    def _purge(self) -> None:
        """Drop cancelled alarms. Nearly every alarm is cancelled long before its
        time (the answer came), so without this a bulk run would keep one per
        request made in the last ``timeout`` seconds."""
        self._heap = [entry for entry in self._heap if not entry[2].done]
        heapq.heapify(self._heap)
        # Doubling keeps the purges' cost constant per alarm.
        self._purge_at = max(_FIRST_PURGE, 2 * len(self._heap))

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._wake.wait(wait)
                _, _, alarm = heapq.heappop(self._heap)
            alarm.fire()


_WATCHDOG = _Watchdog()


def _socket_of(response: httpx.Response) -> socket.socket | None:
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    return sock if isinstance(sock, socket.socket) else None


def _shut(sock: socket.socket) -> None:
    # shutdown (unlike close) wakes a read blocked in another thread.
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class ReadWithin:
    """Let the block read ``response`` until the monotonic ``deadline``.

    Past it the connection is shut down and the read's error becomes
    :func:`deadline_expired`. A response without a socket (a mock transport) is
    only checked once the block ends. A class, not ``@contextmanager``: it wraps
    every request, and a generator-based manager costs a generator per call.
    """

    __slots__ = ("_alarm", "_deadline", "_response", "_seconds")

    def __init__(self, response: httpx.Response, deadline: float, seconds: float) -> None:
        self._response = response
        self._deadline = deadline
        self._seconds = seconds
        self._alarm: _Alarm | None = None

    def __enter__(self) -> None:
        sock = _socket_of(self._response)
        if sock is not None:
            self._alarm = _WATCHDOG.arm(self._deadline, functools.partial(_shut, sock))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> Literal[False]:
        alarm = self._alarm
        if alarm is not None:
            fired = alarm.fired
            alarm.cancel()
            if fired and isinstance(error, httpx.TransportError):
                raise deadline_expired(self._seconds) from None
        elif error is None and time.monotonic() > self._deadline:
            raise deadline_expired(self._seconds)
        return False
