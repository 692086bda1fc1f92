"""Running a task's jobs as concurrent requests: bounded, no loss, results as they finish.

All jobs of all documents share one concurrency bound, so one long document does
not serialise a run. A transient failure's wait before the retry is spent outside
that bound (the client's retry policy decides whether and how long; see
:func:`zerogpu_core._retry.deferring_retries`), so a retry never idles a slot, and
a retry whose wait is over is sent before jobs not started yet.

:func:`iter_concurrent` yields each document's :class:`DocumentOutcome` as soon as
it is finished and forgets it: at most ``lookahead`` documents are planned and not
yet handed over at any time, so a run's memory does not grow with its length.
:func:`run_documents` collects the same outcomes into input order.

A failed job fails its document only (its queued siblings are skipped); the run
always completes and reports every failure with its index and id, so callers can
retry just those documents. Closing an iterator early (``break``, an exception in
the consumer, Ctrl-C) sends nothing more: jobs not started are cancelled; in the
blocking runner the at most ``max_concurrency`` requests already sent finish in
the background and are dropped, in the async runner they are cancelled.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import queue
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from zerogpu_core._retry import DeferredRetries, RetryLater, deferring_retries
from zerogpu_core.tasks.outcomes import DocumentOutcome, DocumentSteps, acollect, collect
from zerogpu_core.tasks.results import DocumentResults, Planned, check_ids, progress_bar

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "aiter_concurrent",
    "arun_documents",
    "default_lookahead",
    "iter_concurrent",
    "run_documents",
]

DEFAULT_MAX_CONCURRENCY = 8

D = TypeVar("D")
J = TypeVar("J")
P = TypeVar("P")
R = TypeVar("R")


def default_lookahead(max_concurrency: int) -> int:
    """Documents open at once by default: enough that jobs waiting out a retry
    (up to seconds) do not starve the workers, small enough to stay flat."""
    return max(256, 8 * max_concurrency)


def _check_lookahead(lookahead: int | None, max_concurrency: int) -> int:
    if lookahead is None:
        return default_lookahead(max_concurrency)
    if lookahead < 1:
        raise ValueError(f"lookahead must be at least 1, got {lookahead}")
    return lookahead


def run_documents(
    task: Planned[D, J, P, R],
    job: Callable[[J], P],
    texts: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    progress: bool = False,
    desc: str = "ZeroGPU",
    lookahead: int | None = None,
) -> DocumentResults[R]:
    """Process many documents on a thread pool of ``max_concurrency`` workers.

    Never raises for a failed document; see :meth:`DocumentResults.raise_for_failures`.

    Raises:
        TransformInterrupted: on Ctrl-C; carries the results finished so far.
    """
    outcomes = iter_concurrent(
        task,
        job,
        texts,
        ids=ids,
        max_concurrency=max_concurrency,
        progress=progress,
        desc=desc,
        lookahead=lookahead,
    )
    return collect(outcomes, len(texts))


def iter_concurrent(
    task: Planned[D, J, P, R],
    job: Callable[[J], P],
    texts: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    progress: bool = False,
    desc: str = "ZeroGPU",
    lookahead: int | None = None,
) -> Iterator[DocumentOutcome[R]]:
    """Each document's outcome as it finishes (completion order, with its index and id).

    Arguments are checked here, before anything is sent. Never raises for a failed
    document: its outcome carries the failure.
    """
    doc_ids = check_ids(texts, ids, max_concurrency)
    window = _check_lookahead(lookahead, max_concurrency)
    return _iterate(task, job, texts, doc_ids, max_concurrency, window, progress, desc)


class _Stopped(Exception):
    """A job skipped because the run was stopped."""


def _iterate(
    task: Planned[D, J, P, R],
    job: Callable[[J], P],
    texts: Sequence[D],
    ids: list[str | None],
    max_concurrency: int,
    lookahead: int,
    progress: bool,
    desc: str,
) -> Iterator[DocumentOutcome[R]]:
    with progress_bar(len(texts), progress, desc) as bar:
        pool = ThreadPoolExecutor(max_concurrency)
        stop = threading.Event()

        def unless_stopped(item: J) -> P:
            # A worker may have picked a job up just before the run was stopped.
            if stop.is_set():
                raise _Stopped
            return job(item)

        steps = DocumentSteps(task, texts, ids, bar)
        try:
            yield from _Pool(steps, unless_stopped, pool, max_concurrency, lookahead).run()
        except BaseException:
            # The executor's own exit would wait for every queued job (and so send
            # all of them): cancel what has not started and return at once.
            stop.set()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()


@dataclass
class _Job(Generic[J]):
    """One job of one document, with its retries so far."""

    index: int
    position: int
    item: J
    retries: DeferredRetries = field(default_factory=DeferredRetries)


@dataclass
class _Open(Generic[J, P]):
    """A document whose jobs are not all done: its jobs and the parts so far."""

    jobs: Sequence[J]
    parts: list[P | None]
    pending: int


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


class _Pool(Generic[D, J, P, R]):
    """Feeds jobs to the pool, at most ``max_concurrency`` at a time, and hands each
    document over as soon as its jobs are done; at most ``lookahead`` documents are
    open (planned, not yet handed over) at once.

    A job's transient failure comes back as :class:`RetryLater` (its wait was
    computed by the client's retry policy); the job then waits in the schedule, not
    in a worker, so the slot serves other jobs meanwhile.
    """

    def __init__(
        self,
        steps: DocumentSteps[D, J, P, R],
        job: Callable[[J], P],
        pool: ThreadPoolExecutor,
        max_concurrency: int,
        lookahead: int,
    ) -> None:
        self.steps, self.job, self.pool = steps, job, pool
        self.max_concurrency, self.lookahead = max_concurrency, lookahead
        self.open: dict[int, _Open[J, P]] = {}
        self.schedule: _Schedule[J] = _Schedule()
        self.in_flight: dict[Future[P], _Job[J]] = {}
        # Futures put themselves here when done: waiting for the next one costs the
        # same at any concurrency (``wait()`` hooks into every future in flight).
        self.done: queue.SimpleQueue[Future[P]] = queue.SimpleQueue()
        self.finished: deque[DocumentOutcome[R]] = deque()
        self.next_index = 0

    def run(self) -> Iterator[DocumentOutcome[R]]:
        total = len(self.steps.texts)
        while True:
            self._admit(total)
            while self.finished:
                yield self.finished.popleft()
                self._admit(total)
            self._submit()
            if not self.in_flight:
                delay = self.schedule.wait_time()
                if delay is None:
                    if self.next_index >= total and not self.finished:
                        return
                    continue
                time.sleep(delay)
                continue
            # With every slot taken, a due retry waits for a slot, not for the clock:
            # timing out at its (past) due time would spin, holding the GIL the
            # workers need (10% of requests failing cost 1.7 ms of CPU per document).
            full = len(self.in_flight) >= self.max_concurrency
            self._collect(None if full else self.schedule.wait_time())

    def _admit(self, total: int) -> None:
        """Plan documents while fewer than ``lookahead`` are open."""
        while self.next_index < total and len(self.open) + len(self.finished) < self.lookahead:
            index = self.next_index
            self.next_index += 1
            jobs = self.steps.plan(index)
            if isinstance(jobs, DocumentOutcome):
                self.finished.append(jobs)
            elif not jobs:
                self.finished.append(self.steps.finish(index, jobs, []))
            else:
                self.open[index] = _Open(jobs, [None] * len(jobs), len(jobs))
                self.schedule.new.extend(_Job(index, n, item) for n, item in enumerate(jobs))

    def _attempt(self, entry: _Job[J]) -> P:
        with deferring_retries(entry.retries):
            return self.job(entry.item)

    def _submit(self) -> None:
        while len(self.in_flight) < self.max_concurrency:
            entry = self.schedule.next_ready()
            if entry is None:
                return
            if entry.index in self.open:  # else its document failed meanwhile
                future = self.pool.submit(self._attempt, entry)
                self.in_flight[future] = entry
                future.add_done_callback(self.done.put)

    def _collect(self, timeout: float | None) -> None:
        try:
            done = [self.done.get(timeout=timeout)]
        except queue.Empty:
            return  # a waiting retry is due
        while not self.done.empty():
            done.append(self.done.get_nowait())
        for future in done:
            entry = self.in_flight.pop(future)
            document = self.open.get(entry.index)
            if document is None:
                continue  # a sibling job failed the document; this result is ignored
            try:
                document.parts[entry.position] = future.result()
            except RetryLater as later:
                self.schedule.later(entry, later.delay)
                continue
            except Exception as exc:
                # Its queued siblings are skipped; those in flight are ignored.
                del self.open[entry.index]
                self.finished.append(self.steps.fail(entry.index, exc))
                continue
            document.pending -= 1
            if document.pending == 0:
                del self.open[entry.index]
                parts: list[P] = document.parts  # type: ignore[assignment]
                self.finished.append(self.steps.finish(entry.index, document.jobs, parts))


async def arun_documents(
    task: Planned[D, J, P, R],
    job: Callable[[J], Awaitable[P]],
    texts: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    progress: bool = False,
    desc: str = "ZeroGPU",
    lookahead: int | None = None,
) -> DocumentResults[R]:
    """Async :func:`run_documents`: at most ``max_concurrency`` requests in flight."""
    outcomes = aiter_concurrent(
        task,
        job,
        texts,
        ids=ids,
        max_concurrency=max_concurrency,
        progress=progress,
        desc=desc,
        lookahead=lookahead,
    )
    return await acollect(outcomes, len(texts))


def aiter_concurrent(
    task: Planned[D, J, P, R],
    job: Callable[[J], Awaitable[P]],
    texts: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    progress: bool = False,
    desc: str = "ZeroGPU",
    lookahead: int | None = None,
) -> AsyncIterator[DocumentOutcome[R]]:
    """Async :func:`iter_concurrent` (arguments are checked at the call)."""
    doc_ids = check_ids(texts, ids, max_concurrency)
    window = _check_lookahead(lookahead, max_concurrency)
    return _aiterate(task, job, texts, doc_ids, max_concurrency, window, progress, desc)


class _Slots:
    """A concurrency bound whose waiters are served retries first, then in arrival
    order (an ``asyncio.Semaphore`` would queue a due retry behind every new job)."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def acquire(self, *, retry: bool) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        waiter = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (0 if retry else 1, next(self._order), waiter))
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed a slot just as it was cancelled: pass it on
            raise

    def release(self) -> None:
        while self._waiters:
            waiter = heapq.heappop(self._waiters)[2]
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1


async def _aiterate(
    task: Planned[D, J, P, R],
    job: Callable[[J], Awaitable[P]],
    texts: Sequence[D],
    ids: list[str | None],
    max_concurrency: int,
    lookahead: int,
    progress: bool,
    desc: str,
) -> AsyncIterator[DocumentOutcome[R]]:
    slots = _Slots(max_concurrency)

    async def bounded(item: J) -> P:
        retries = DeferredRetries()
        retrying = False
        while True:
            await slots.acquire(retry=retrying)
            try:
                with deferring_retries(retries):
                    return await job(item)
            except RetryLater as later:
                delay, retrying = later.delay, True
            finally:
                slots.release()
            # Outside the bound: the slot serves other jobs while this one waits.
            await asyncio.sleep(delay)

    with progress_bar(len(texts), progress, desc) as bar:
        steps = DocumentSteps(task, texts, ids, bar)
        finished: asyncio.Queue[DocumentOutcome[R]] = asyncio.Queue()

        async def document(index: int) -> None:
            jobs = steps.plan(index)
            if isinstance(jobs, DocumentOutcome):
                finished.put_nowait(jobs)
                return
            try:
                # Most documents are one request: awaited in this task, not another.
                parts = (
                    [await bounded(jobs[0])]
                    if len(jobs) == 1
                    else await _all_or_cancel([bounded(item) for item in jobs])
                )
            except Exception as exc:
                finished.put_nowait(steps.fail(index, exc))
                return
            finished.put_nowait(steps.finish(index, jobs, parts))

        running: set[asyncio.Task[None]] = set()
        admitted = handed = 0
        try:
            while handed < len(texts):
                while admitted < len(texts) and admitted - handed < lookahead:
                    started = asyncio.ensure_future(document(admitted))
                    running.add(started)
                    started.add_done_callback(running.discard)
                    admitted += 1
                outcome = await finished.get()
                handed += 1
                yield outcome
        finally:
            for pending in running:
                pending.cancel()
            await asyncio.gather(*running, return_exceptions=True)


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
