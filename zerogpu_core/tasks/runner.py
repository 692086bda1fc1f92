"""Running a task over many documents: bounded concurrency, input order, no loss.

A document is *planned* into jobs (its chunks), every job is one request, and the
job results are *finished* into the document's result. All jobs of all documents
share one concurrency bound, so one long document does not serialise a run. A
failed job fails its document only; the run always completes and reports every
failure with its index and id, so callers can retry just those documents.

A job that is one chat-completions request is a :class:`ChunkCall`: its body and
how the reply becomes the job's result. The batch-API mode
(:mod:`zerogpu_core.tasks.batch_mode`) writes the same bodies as JSONL lines and
feeds the output lines to the same ``resolve`` and ``finish``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tqdm.auto import tqdm

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core._exceptions import ZeroGPUError
from zerogpu_core.types import ChatCompletion

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "BatchResult",
    "BatchTransformError",
    "ChunkCall",
    "DocumentTask",
    "ItemFailure",
    "TransformInterrupted",
    "arun_documents",
    "arun_one",
    "check_texts",
    "run_documents",
    "run_one",
]

DEFAULT_MAX_CONCURRENCY = 8
_LISTED_FAILURES = 3

D = TypeVar("D")
J = TypeVar("J")
P = TypeVar("P")
R = TypeVar("R")
T = TypeVar("T")

logger = logging.getLogger("zerogpu_core.tasks")


@dataclass(frozen=True)
class DocumentTask(Generic[D, J, P, R]):
    """How one document is processed.

    Attributes:
        plan: splits a document (usually its text) into jobs (may raise for bad input).
        finish: builds the result from the document, its jobs and their results.
    """

    plan: Callable[[D], Sequence[J]]
    finish: Callable[[D, Sequence[J], Sequence[P]], R]


@dataclass(frozen=True)
class ChunkCall(Generic[J, P]):
    """A job that is one chat-completions request.

    Attributes:
        body: the request body for a job (also its batch line's ``body``).
        resolve: turns the job and its reply into the job's result (may raise for
            unusable output).
    """

    body: Callable[[J], dict[str, Any]]
    resolve: Callable[[J, ChatCompletion], P]
    resplit: Callable[[J, Exception], Sequence[J] | None] = lambda _job, _error: None
    combine: Callable[[Sequence[P]], P] | None = None

    def halves(self, item: J, error: Exception) -> Sequence[J] | None:
        """Smaller jobs to try instead of ``item`` after ``error``, or ``None``."""
        return self.resplit(item, error) if self.combine is not None else None

    def job(self, client: ZeroGPUClient) -> Callable[[J], P]:
        """A blocking job function sending each request with ``client``.

        A request that fails in a way ``resplit`` answers (the input was too long)
        is replaced by the smaller jobs, recursively, and their results combined.
        """

        def run(item: J) -> P:
            try:
                return self.resolve(item, client.chat_completion(self.body(item)))
            except Exception as error:
                parts = self.halves(item, error)
                if parts is None or self.combine is None:
                    raise
                return self.combine([run(part) for part in parts])

        return run

    def ajob(self, client: AsyncZeroGPUClient) -> Callable[[J], Awaitable[P]]:
        """The async twin of :meth:`job`."""

        async def run(item: J) -> P:
            try:
                return self.resolve(item, await client.chat_completion(self.body(item)))
            except Exception as error:
                parts = self.halves(item, error)
                if parts is None or self.combine is None:
                    raise
                return self.combine([await run(part) for part in parts])

        return run


@dataclass(frozen=True)
class ItemFailure:
    """One document that failed: its position, its id and the cause."""

    index: int
    id: str | None
    error: Exception

    def describe(self) -> str:
        """``#3 (id 'doc-7'): RateLimitError: ...``."""
        where = f"#{self.index}" + (f" (id {self.id!r})" if self.id is not None else "")
        return f"{where}: {type(self.error).__name__}: {self.error}"

    def to_metadata(self) -> dict[str, str]:
        """The cause as plain JSON, for a document kept with its error recorded."""
        return {"type": type(self.error).__name__, "message": str(self.error)}


class BatchTransformError(ZeroGPUError):
    """Some documents of a run failed; the others finished.

    Attributes:
        results: one entry per input, in input order; ``None`` where it failed.
        failures: the failed inputs with index, id and cause.
    """

    def __init__(
        self, results: Sequence[Any | None], failures: Sequence[ItemFailure], noun: str = "document"
    ) -> None:
        self.results = list(results)
        self.failures = list(failures)
        self.noun = noun
        listed = "; ".join(f.describe() for f in self.failures[:_LISTED_FAILURES])
        more = len(self.failures) - _LISTED_FAILURES
        suffix = f"; and {more} more" if more > 0 else ""
        super().__init__(
            f"{len(self.failures)} of {len(self.results)} {noun}s failed: {listed}{suffix}. "
            "The finished results and every failure are on this error (.results, .failures)."
        )
        if self.failures:
            self.__cause__ = self.failures[0].error

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword state does not survive the default pickling of exceptions, and
        # multi-process pipelines pickle errors back to the parent.
        return (type(self), (self.results, self.failures, self.noun))

    @property
    def failed_indices(self) -> list[int]:
        """Input positions of the failed documents."""
        return [f.index for f in self.failures]

    @property
    def failed_ids(self) -> list[str | None]:
        """Ids of the failed documents (``None`` where a document had none)."""
        return [f.id for f in self.failures]


class TransformInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a blocking run; what had finished is on this error.

    Still a ``KeyboardInterrupt`` (``except Exception`` does not catch it, and an
    uncaught one ends the program as Ctrl-C does). Nothing more is sent after the
    interrupt: jobs not started are cancelled, and the at most ``max_concurrency``
    requests already in flight finish in the background, their results dropped.

    Attributes:
        results: one entry per input, in input order: the task's result (for example
            an ``IABResult`` or ``PIIResult``) where the document had finished,
            ``None`` where it had not or had failed.
        failures: the documents that had failed before the interrupt.
    """

    def __init__(self, results: Sequence[Any | None], failures: Sequence[ItemFailure]) -> None:
        self.results = list(results)
        self.failures = list(failures)
        done = sum(result is not None for result in self.results)
        super().__init__(
            f"Interrupted after {done} of {len(self.results)} documents finished "
            f"({len(self.failures)} failed); nothing more was sent. The finished results "
            "are on this error (.results, .failures, .finished_indices)."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.results, self.failures))

    @property
    def finished_indices(self) -> list[int]:
        """Input positions whose result is on :attr:`results`."""
        return [index for index, result in enumerate(self.results) if result is not None]


@dataclass(frozen=True)
class BatchResult(Generic[R]):
    """What a run produced: results in input order and the failures."""

    results: tuple[R | None, ...]
    failures: tuple[ItemFailure, ...] = ()

    def raise_for_failures(
        self, results: Sequence[Any | None] | None = None, *, noun: str = "document"
    ) -> None:
        """Raise :class:`BatchTransformError` if anything failed.

        Args:
            results: what to put on the error instead of the raw results (adapters
                pass their converted documents).
            noun: what the inputs are called in the message.
        """
        if self.failures:
            raise BatchTransformError(
                self.results if results is None else results, self.failures, noun
            )

    def drop_failed(
        self,
        converted: Sequence[T | None],
        *,
        on_failure: str,
        noun: str = "document",
        action: str = "redacted",
    ) -> list[T]:
        """Apply a raise/drop failure policy to the adapter's converted results.

        Args:
            converted: one item per input, ``None`` where the input failed.
            on_failure: ``"raise"`` raises :class:`BatchTransformError` carrying
                ``converted``; anything else logs each failure and leaves it out.
            noun: what the inputs are called in messages.
            action: what could not be done to a dropped input, for the log line.
        """
        if on_failure == "raise":
            self.raise_for_failures(converted, noun=noun)
        for failure in self.failures:
            logger.warning(
                "Dropped a %s that could not be %s: %s", noun, action, failure.describe()
            )
        return [item for item in converted if item is not None]


def run_one(task: DocumentTask[D, J, P, R], job: Callable[[J], P], text: D) -> R:
    """Process one document, its jobs one after another."""
    jobs = task.plan(text)
    return task.finish(text, jobs, [job(j) for j in jobs])


async def arun_one(task: DocumentTask[D, J, P, R], job: Callable[[J], Awaitable[P]], text: D) -> R:
    """Async :func:`run_one`."""
    jobs = task.plan(text)
    return task.finish(text, jobs, [await job(j) for j in jobs])


def check_texts(texts: Sequence[Any]) -> None:
    """Raise ``TypeError`` for an input that is not text, before any request."""
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{position}] is {type(text).__name__}, expected str")


def _check(texts: Sequence[Any], ids: Sequence[str | None] | None, limit: int) -> list[str | None]:
    if limit < 1:
        raise ValueError(f"max_concurrency must be at least 1, got {limit}")
    if ids is None:
        return [None] * len(texts)
    if len(ids) != len(texts):
        raise ValueError(f"got {len(ids)} ids for {len(texts)} texts")
    return list(ids)


class _Run(Generic[D, J, P, R]):
    """Bookkeeping shared by the blocking and the async runner."""

    def __init__(
        self,
        task: DocumentTask[D, J, P, R],
        texts: Sequence[D],
        ids: list[str | None],
        bar: tqdm[Any],
    ) -> None:
        self.task = task
        self.texts = texts
        self.ids = ids
        self.bar = bar
        self.results: list[R | None] = [None] * len(texts)
        self.failures: dict[int, ItemFailure] = {}

    def plan(self, index: int) -> Sequence[J] | None:
        try:
            return self.task.plan(self.texts[index])
        except Exception as exc:
            self.fail(index, exc)
            return None

    def fail(self, index: int, error: Exception) -> None:
        if index not in self.failures:
            self.failures[index] = ItemFailure(index, self.ids[index], error)
            self.bar.update(1)

    def finish(self, index: int, jobs: Sequence[J], outputs: Sequence[P]) -> None:
        try:
            self.results[index] = self.task.finish(self.texts[index], jobs, outputs)
        except Exception as exc:
            self.fail(index, exc)
            return
        self.bar.update(1)

    def outcome(self) -> BatchResult[R]:
        failures = tuple(self.failures[i] for i in sorted(self.failures))
        return BatchResult(tuple(self.results), failures)


def _bar(total: int, progress: bool, desc: str) -> tqdm[Any]:
    return tqdm(total=total, desc=desc, unit="doc", disable=not progress)


def run_documents(
    task: DocumentTask[D, J, P, R],
    job: Callable[[J], P],
    texts: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    progress: bool = False,
    desc: str = "ZeroGPU",
) -> BatchResult[R]:
    """Process many documents on a thread pool of ``max_concurrency`` workers.

    Never raises for a failed document; see :meth:`BatchResult.raise_for_failures`.

    Raises:
        TransformInterrupted: on Ctrl-C; carries the results finished so far.
    """
    doc_ids = _check(texts, ids, max_concurrency)
    with _bar(len(texts), progress, desc) as bar:
        run: _Run[D, J, P, R] = _Run(task, texts, doc_ids, bar)
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


def _run_on_pool(run: _Run[D, J, P, R], job: Callable[[J], P], pool: ThreadPoolExecutor) -> None:
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
    task: DocumentTask[D, J, P, R],
    job: Callable[[J], Awaitable[P]],
    texts: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    progress: bool = False,
    desc: str = "ZeroGPU",
) -> BatchResult[R]:
    """Async :func:`run_documents`: at most ``max_concurrency`` requests in flight."""
    doc_ids = _check(texts, ids, max_concurrency)
    limit = asyncio.Semaphore(max_concurrency)

    async def bounded(item: J) -> P:
        async with limit:
            return await job(item)

    with _bar(len(texts), progress, desc) as bar:
        run: _Run[D, J, P, R] = _Run(task, texts, doc_ids, bar)

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
