"""A document task as one object, and the one runner that decides how it is sent.

A :class:`ChunkedTask` says how a document is *planned* into jobs (its chunks),
what *request* each job is (a chat-completions body), how the reply is *resolved*
into the job's result, and how the job results *finish* into the document's
result. :func:`iter_documents` runs it over many documents either as concurrent
requests (:mod:`~zerogpu_core.tasks.concurrent`) or, given ``BatchAPIOptions``, as
one Batch API job (:mod:`~zerogpu_core.tasks.batch_mode`), with the same results,
metadata and failures, yielding each document's outcome as it finishes;
:func:`process_documents` collects them into input order. ``docs/contributing.md``
shows how to add a task kind.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any, Generic, TypedDict, TypeVar

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.tasks.batch_mode import (
    BatchAPIOptions,
    aiter_documents_batch,
    iter_documents_batch,
)
from zerogpu_core.tasks.concurrent import (
    DEFAULT_MAX_CONCURRENCY,
    aiter_concurrent,
    iter_concurrent,
)
from zerogpu_core.tasks.outcomes import DocumentOutcome, acollect, collect
from zerogpu_core.tasks.results import DocumentResults, check_ids
from zerogpu_core.types import ChatCompletion

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "ChunkedTask",
    "DocumentRunArgs",
    "aiter_documents",
    "aprocess_documents",
    "arun_one",
    "iter_documents",
    "process_documents",
    "run_one",
]

D = TypeVar("D")
J = TypeVar("J")
P = TypeVar("P")
R = TypeVar("R")


class DocumentRunArgs(TypedDict, total=False):
    """How many documents are run: the keyword arguments of :func:`process_documents`,
    which every ``*_documents`` function passes through (``**run``) unchanged.

    ``ids`` label the documents in errors; ``max_concurrency`` caps requests in
    flight (default 8); ``progress`` shows a tqdm bar; ``batch`` sends every chunk
    as one line of a Batch API job instead (``max_concurrency`` then does not apply).
    """

    ids: Sequence[str | None] | None
    max_concurrency: int
    progress: bool
    batch: BatchAPIOptions | None


class ChunkedTask(ABC, Generic[D, J, P, R]):
    """One task kind: a document (``D``) becomes jobs (``J``), each one request whose
    reply resolves to a part (``P``); the parts finish into the result (``R``).

    A task whose jobs can fail for being too long overrides :meth:`resplit` and
    :meth:`combine`: the job is then replaced by smaller ones and their parts
    combined, in both running modes.
    """

    #: The progress bar's label.
    desc: str = "ZeroGPU"

    @abstractmethod
    def plan(self, document: D, /) -> Sequence[J]:
        """The document's jobs (none for a blank one); may raise for bad input."""

    @abstractmethod
    def request(self, job: J, /) -> dict[str, Any]:
        """The chat-completions body of a job (also its Batch API line's ``body``)."""

    @abstractmethod
    def resolve(self, job: J, reply: ChatCompletion, /) -> P:
        """The job's part from its reply; raises for unusable output."""

    @abstractmethod
    def finish(self, document: D, jobs: Sequence[J], parts: Sequence[P], /) -> R:
        """The document's result from its jobs' parts."""

    def resplit(self, job: J, error: Exception, /) -> Sequence[J] | None:
        """Smaller jobs to send instead of ``job`` after ``error``, or ``None``."""
        return None

    def combine(self, parts: Sequence[P], /) -> P:
        """One part from the parts of a re-split job (see :meth:`resplit`)."""
        raise NotImplementedError(f"{type(self).__name__} does not re-split jobs")

    def job(self, client: ZeroGPUClient) -> Callable[[J], P]:
        """A blocking job function sending each request with ``client``; a job
        :meth:`resplit` answers is replaced by its parts, recursively."""

        def run(item: J) -> P:
            try:
                return self.resolve(item, client.chat_completion(self.request(item)))
            except Exception as error:
                parts = self.resplit(item, error)
                if parts is None:
                    raise
                return self.combine([run(part) for part in parts])

        return run

    def ajob(self, client: AsyncZeroGPUClient) -> Callable[[J], Awaitable[P]]:
        """The async twin of :meth:`job`."""

        async def run(item: J) -> P:
            try:
                return self.resolve(item, await client.chat_completion(self.request(item)))
            except Exception as error:
                parts = self.resplit(item, error)
                if parts is None:
                    raise
                return self.combine([await run(part) for part in parts])

        return run


def run_one(task: ChunkedTask[D, J, P, R], client: ZeroGPUClient, document: D) -> R:
    """Process one document, its jobs one after another (errors raise)."""
    jobs = task.plan(document)
    job = task.job(client)
    return task.finish(document, jobs, [job(j) for j in jobs])


async def arun_one(task: ChunkedTask[D, J, P, R], client: AsyncZeroGPUClient, document: D) -> R:
    """Async :func:`run_one`."""
    jobs = task.plan(document)
    job = task.ajob(client)
    return task.finish(document, jobs, [await job(j) for j in jobs])


def iter_documents(
    task: ChunkedTask[D, J, P, R],
    client: ZeroGPUClient,
    documents: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    progress: bool = False,
    batch: BatchAPIOptions | None = None,
    lookahead: int | None = None,
) -> Iterator[DocumentOutcome[R]]:
    """Each document's outcome as soon as it is finished, in completion order.

    Concurrent requests keep at most ``lookahead`` documents planned and not yet
    handed over (default: :func:`~.concurrent.default_lookahead`), so memory stays
    flat however many documents there are; nothing of a document is kept once its
    outcome is yielded. With ``batch`` the outcomes come once the job is done.
    Closing the iterator early sends nothing more (see
    :mod:`~zerogpu_core.tasks.concurrent` for requests already sent).

    Never raises for a failed document: its outcome carries the failure.

    Raises:
        ValueError: for bad ids, concurrency or lookahead (at the call).
        BatchJobError: when a Batch API job itself cannot run.
    """
    if batch is None:
        return iter_concurrent(
            task,
            task.job(client),
            documents,
            ids=ids,
            max_concurrency=max_concurrency,
            progress=progress,
            desc=task.desc,
            lookahead=lookahead,
        )
    check_ids(documents, ids, max_concurrency)
    return iter_documents_batch(task, client, documents, ids=ids, options=batch, progress=progress)


def aiter_documents(
    task: ChunkedTask[D, J, P, R],
    client: AsyncZeroGPUClient,
    documents: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    progress: bool = False,
    batch: BatchAPIOptions | None = None,
    lookahead: int | None = None,
) -> AsyncIterator[DocumentOutcome[R]]:
    """Async :func:`iter_documents`; closing it early cancels the requests in flight."""
    if batch is None:
        return aiter_concurrent(
            task,
            task.ajob(client),
            documents,
            ids=ids,
            max_concurrency=max_concurrency,
            progress=progress,
            desc=task.desc,
            lookahead=lookahead,
        )
    check_ids(documents, ids, max_concurrency)
    return aiter_documents_batch(task, client, documents, ids=ids, options=batch, progress=progress)


def process_documents(
    task: ChunkedTask[D, J, P, R],
    client: ZeroGPUClient,
    documents: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    progress: bool = False,
    batch: BatchAPIOptions | None = None,
) -> DocumentResults[R]:
    """Run ``task`` over ``documents``: concurrent requests, or one Batch API job
    when ``batch`` is given (``max_concurrency`` then does not apply).

    Every outcome of :func:`iter_documents`, in input order. Never raises for a
    failed document; see :class:`DocumentResults`.

    Raises:
        TransformInterrupted: on Ctrl-C (concurrent mode); carries what finished.
        BatchJobError: when a Batch API job itself cannot run.
    """
    outcomes = iter_documents(
        task,
        client,
        documents,
        ids=ids,
        max_concurrency=max_concurrency,
        progress=progress,
        batch=batch,
    )
    return collect(outcomes, len(documents))


async def aprocess_documents(
    task: ChunkedTask[D, J, P, R],
    client: AsyncZeroGPUClient,
    documents: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    progress: bool = False,
    batch: BatchAPIOptions | None = None,
) -> DocumentResults[R]:
    """Async :func:`process_documents`."""
    outcomes = aiter_documents(
        task,
        client,
        documents,
        ids=ids,
        max_concurrency=max_concurrency,
        progress=progress,
        batch=batch,
    )
    return await acollect(outcomes, len(documents))
