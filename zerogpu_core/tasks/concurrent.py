"""Running a task's jobs as concurrent requests: bounded, in input order, no loss.

All jobs of all documents share one concurrency bound, so one long document does
not serialise a run. A failed job fails its document only (its queued siblings are
cancelled); the run always completes and reports every failure with its index and
id, so callers can retry just those documents.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any, TypeVar

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
            _run_on_pool(run, unless_stopped, pool)
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


def _run_on_pool(
    run: RunState[D, J, P, R], job: Callable[[J], P], pool: ThreadPoolExecutor
) -> None:
    """Submit every document's jobs and finish documents as their jobs complete."""
    plans: dict[int, Sequence[J]] = {}
    outputs: dict[int, list[Any]] = {}
    futures: dict[Future[P], tuple[int, int]] = {}
    by_document: dict[int, list[Future[P]]] = {}
    for index in range(len(run.texts)):
        jobs = run.plan(index)
        if jobs is None:
            continue
        if not jobs:
            run.finish(index, jobs, [])
            continue
        plans[index], outputs[index] = jobs, [None] * len(jobs)
        by_document[index] = [pool.submit(job, item) for item in jobs]
        futures.update((f, (index, n)) for n, f in enumerate(by_document[index]))
    pending = {index: len(jobs) for index, jobs in plans.items()}
    for future in as_completed(futures):
        index, position = futures[future]
        if index in run.failures or future.cancelled():
            continue
        try:
            outputs[index][position] = future.result()
        except Exception as exc:
            run.fail(index, exc)
            for sibling in by_document[index]:
                sibling.cancel()
            continue
        pending[index] -= 1
        if pending[index] == 0:
            run.finish(index, plans[index], outputs.pop(index))


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
        async with limit:
            return await job(item)

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
