"""Running a task's jobs as concurrent requests: bounded, in input order, no loss.

All jobs of all documents share one concurrency bound, so one long document does
not serialise a run. A transient failure's wait before the retry is spent outside
that bound (the client's retry policy decides whether and how long; see
:func:`zerogpu_core._retry.deferring_retries`), so a retry never idles a slot.

A failed job fails its document only (its queued siblings are skipped); the run
always completes and reports every failure with its index and
id, so callers can retry just those documents.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from zerogpu_core._retry import DeferredRetries, RetryLater, deferring_retries
from zerogpu_core.tasks.results import (
    DocumentResults,
    Planned,
    RunState,
    TransformInterrupted,
    check_ids,
    progress_bar,
)

__all__ = ["DEFAULT_MAX_CONCURRENCY", "arun_documents", "run_documents"]

DEFAULT_MAX_CONCURRENCY = 8

D = TypeVar("D")
J = TypeVar("J")
P = TypeVar("P")
R = TypeVar("R")


def run_documents(
    task: Planned[D, J, P, R],
    job: Callable[[J], P],
    texts: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    progress: bool = False,
    desc: str = "ZeroGPU",
) -> DocumentResults[R]:
    """Process many documents on a thread pool of ``max_concurrency`` workers.

    Never raises for a failed document; see :meth:`DocumentResults.raise_for_failures`.

    Raises:
        TransformInterrupted: on Ctrl-C; carries the results finished so far.
    """
    doc_ids = check_ids(texts, ids, max_concurrency)
    with progress_bar(len(texts), progress, desc) as bar:
        run: RunState[D, J, P, R] = RunState(task, texts, doc_ids, bar)
        pool = ThreadPoolExecutor(max_concurrency)
        stop = threading.Event()

        def unless_stopped(item: J) -> P:
            # A worker may have picked a job up just before the interrupt.
            if stop.is_set():
                raise _Stopped
            return job(item)

        try:
            _run_on_pool(run, unless_stopped, pool, max_concurrency)
        except KeyboardInterrupt as interrupt:
            # The executor's own exit would wait for every queued job (and so send
            # all of them): cancel what has not started and return at once.
            stop.set()
            pool.shutdown(wait=False, cancel_futures=True)
            outcome = run.outcome()
            raise TransformInterrupted(outcome.results, outcome.failures) from interrupt
        except BaseException:
            stop.set()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return run.outcome()


class _Stopped(Exception):
    """A job skipped because the run was interrupted."""


@dataclass
class _Job(Generic[J]):
    """One job of one document, with its retries so far."""

    index: int
    position: int
    item: J
    retries: DeferredRetries = field(default_factory=DeferredRetries)


class _Schedule(Generic[J]):
    """Jobs to submit: retries whose wait is over first, then new ones in input
    order; a retry still waiting sits in a time-ordered queue, holding no worker."""

    def __init__(self) -> None:
        self.new: deque[_Job[J]] = deque()
        self.due: deque[_Job[J]] = deque()
        self.waiting: list[tuple[float, int, _Job[J]]] = []
        self._order = itertools.count()

    def later(self, entry: _Job[J], delay: float) -> None:
        heapq.heappush(self.waiting, (time.monotonic() + delay, next(self._order), entry))

    def next_ready(self) -> _Job[J] | None:
        now = time.monotonic()
        while self.waiting and self.waiting[0][0] <= now:
            self.due.append(heapq.heappop(self.waiting)[2])
        if self.due:
            return self.due.popleft()
        return self.new.popleft() if self.new else None

    def wait_time(self) -> float | None:
        """Seconds until the next waiting retry is due (``None``: none waits)."""
        if not self.waiting:
            return None
        return max(0.0, self.waiting[0][0] - time.monotonic())


def _run_on_pool(
    run: RunState[D, J, P, R],
    job: Callable[[J], P],
    pool: ThreadPoolExecutor,
    max_concurrency: int,
) -> None:
    """Feed every document's jobs to the pool, at most ``max_concurrency`` at a time,
    and finish documents as their jobs complete.

    A job's transient failure comes back as :class:`RetryLater` (its wait was
    computed by the client's retry policy); the job then waits in the schedule, not
    in a worker, so the slot serves other jobs meanwhile.
    """
    plans: dict[int, Sequence[J]] = {}
    outputs: dict[int, list[Any]] = {}
    schedule: _Schedule[J] = _Schedule()
    for index in range(len(run.texts)):
        jobs = run.plan(index)
        if jobs is None:
            continue
        if not jobs:
            run.finish(index, jobs, [])
            continue
        plans[index], outputs[index] = jobs, [None] * len(jobs)
        schedule.new.extend(_Job(index, n, item) for n, item in enumerate(jobs))
    pending = {index: len(jobs) for index, jobs in plans.items()}

    def attempt(entry: _Job[J]) -> P:
        with deferring_retries(entry.retries):
            return job(entry.item)

    in_flight: dict[Future[P], _Job[J]] = {}
    while True:
        while len(in_flight) < max_concurrency:
            entry = schedule.next_ready()
            if entry is None:
                break
            if entry.index not in run.failures:
                in_flight[pool.submit(attempt, entry)] = entry
        if not in_flight:
            delay = schedule.wait_time()
            if delay is None:
                return
            time.sleep(delay)
            continue
        done, _ = wait(in_flight, timeout=schedule.wait_time(), return_when=FIRST_COMPLETED)
        for future in done:
            entry = in_flight.pop(future)
            if entry.index in run.failures:
                continue
            try:
                outputs[entry.index][entry.position] = future.result()
            except RetryLater as later:
                schedule.later(entry, later.delay)
                continue
            except Exception as exc:
                # Its queued siblings are skipped; those in flight are ignored.
                run.fail(entry.index, exc)
                continue
            pending[entry.index] -= 1
            if pending[entry.index] == 0:
                run.finish(entry.index, plans[entry.index], outputs.pop(entry.index))


async def arun_documents(
    task: Planned[D, J, P, R],
    job: Callable[[J], Awaitable[P]],
    texts: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    progress: bool = False,
    desc: str = "ZeroGPU",
) -> DocumentResults[R]:
    """Async :func:`run_documents`: at most ``max_concurrency`` requests in flight."""
    doc_ids = check_ids(texts, ids, max_concurrency)
    limit = asyncio.Semaphore(max_concurrency)

    async def bounded(item: J) -> P:
        retries = DeferredRetries()
        while True:
            async with limit:
                try:
                    with deferring_retries(retries):
                        return await job(item)
                except RetryLater as later:
                    delay = later.delay
            # Outside the semaphore: the slot serves other jobs while this one waits.
            await asyncio.sleep(delay)

    with progress_bar(len(texts), progress, desc) as bar:
        run: RunState[D, J, P, R] = RunState(task, texts, doc_ids, bar)

        async def document(index: int) -> None:
            jobs = run.plan(index)
            if jobs is None:
                return
            try:
                outputs = await _all_or_cancel([bounded(item) for item in jobs])
            except Exception as exc:
                run.fail(index, exc)
                return
            run.finish(index, jobs, outputs)

        await asyncio.gather(*(document(i) for i in range(len(texts))))
        return run.outcome()


async def _all_or_cancel(coroutines: list[Awaitable[P]]) -> list[P]:
    """Like ``gather``, but the first failure cancels the siblings before raising."""
    tasks = [asyncio.ensure_future(c) for c in coroutines]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for pending in tasks:
            pending.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
