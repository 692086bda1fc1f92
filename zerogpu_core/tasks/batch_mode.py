"""Batch-API mode of the document runner: the same plan, requests and finish, as one job.

The runner (:func:`~zerogpu_core.tasks.runner.process_documents`) chooses this mode
when given :class:`BatchAPIOptions`.

Every chunk the synchronous runner would send becomes one JSONL line whose custom
id encodes its document and chunk (``doc-3-chunk-0``). The job runs through
:class:`~zerogpu_core.batch.BatchRunner`; each output line goes through the same
``resolve`` and each document through the same ``finish`` as in the synchronous
path, so results, metadata and failures are the same. A line the server failed
(a :class:`~zerogpu_core.batch.BatchItemError`) fails its document, with the
document's index and id, exactly like an API error does synchronously.

Errors of the job itself (validation, a rejected create, the connection) are
raised: they concern no single document.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.batch import (
    AsyncBatchRunner,
    BatchItemError,
    BatchResult,
    BatchResults,
    BatchRunner,
)
from zerogpu_core.batch.ids import line_id
from zerogpu_core.batch.job import LOOKUP_GRACE
from zerogpu_core.batch.state import BatchJobState
from zerogpu_core.tasks.batch_lines import LineAssembly, Ready, Resend, missing_in
from zerogpu_core.tasks.batch_plan import BatchPlan, plan_batch
from zerogpu_core.tasks.outcomes import DocumentOutcome, acollect, collect
from zerogpu_core.tasks.results import DocumentResults

if TYPE_CHECKING:
    from zerogpu_core.tasks.runner import ChunkedTask

__all__ = [
    "BatchAPIOptions",
    "BatchPlan",
    "aiter_assembled",
    "aiter_documents_batch",
    "arun_documents_batch",
    "assemble_batch",
    "iter_assembled",
    "iter_documents_batch",
    "line_id",
    "plan_batch",
    "run_documents_batch",
]

D = TypeVar("D")
J = TypeVar("J")
P = TypeVar("P")
R = TypeVar("R")


@dataclass(frozen=True)
class BatchAPIOptions:
    """How a job runs on the Batch API.

    Attributes:
        state_path: where the job is saved after every step. If the file exists,
            the job in it is resumed (nothing is submitted twice) and must have been
            built from the same requests; use a new path for new inputs.
        poll_interval: first delay between status polls, in seconds.
        max_poll_interval: cap of the delay, which grows between polls.
        lookup_grace: seconds a batch create may take to show in the batch list;
            after a lost create answer or a crash, the job waits that long before it
            looks for the batch and only then creates it again (see
            ``docs/guides/batch.md``).
    """

    state_path: str | os.PathLike[str] | None = None
    poll_interval: float = 5.0
    max_poll_interval: float = 60.0
    lookup_grace: float = LOOKUP_GRACE

    def __post_init__(self) -> None:
        if self.poll_interval <= 0 or self.max_poll_interval <= 0:
            raise ValueError(
                f"batch poll intervals must be positive, got poll_interval="
                f"{self.poll_interval} and max_poll_interval={self.max_poll_interval}"
            )

    def _runner_options(self, show_progress: bool) -> dict[str, Any]:
        return {
            "poll_interval": self.poll_interval,
            "max_poll_interval": self.max_poll_interval,
            "lookup_grace": self.lookup_grace,
            "show_progress": show_progress,
        }

    def _saved(self) -> Path | None:
        path = None if self.state_path is None else Path(self.state_path)
        return path if path is not None and path.exists() else None

    def runner(self, client: ZeroGPUClient, *, show_progress: bool = False) -> BatchRunner:
        """A new runner, or the runner of the job saved at ``state_path``."""
        options = self._runner_options(show_progress)
        saved = self._saved()
        if saved is not None:
            return BatchRunner.resume(client, saved, **options)
        return BatchRunner(client, state_path=self.state_path, **options)

    def async_runner(
        self, client: AsyncZeroGPUClient, *, show_progress: bool = False
    ) -> AsyncBatchRunner:
        """The async twin of :meth:`runner`."""
        options = self._runner_options(show_progress)
        saved = self._saved()
        if saved is not None:
            return AsyncBatchRunner.resume(client, saved, **options)
        return AsyncBatchRunner(client, state_path=self.state_path, **options)


def iter_assembled(
    plan: BatchPlan[D, J, P, R],
    task: ChunkedTask[D, J, P, R],
    results: Iterable[BatchResult],
    resend: Callable[[J], P] | None = None,
) -> Iterator[DocumentOutcome[R]]:
    """Each document's outcome from the job's results (see :class:`LineAssembly`).

    A line whose input was too long is split (``task.resplit``) and its parts sent
    with ``resend``, as regular requests; without ``resend`` its document fails. A
    document fails with the first failed line's :class:`BatchItemError`, or with
    the error ``resolve``, ``resend`` or ``finish`` raised.
    """
    yield from _early(plan)
    lines = LineAssembly(plan, task)
    for item in results:
        got = lines.add(item.custom_id, item.completion or _line_error(item.error, item.custom_id))
        if got is not None:
            yield _settled(plan, task, got, resend)
    for got in lines.remaining(lambda custom_id: _line_error(None, custom_id)):
        yield _settled(plan, task, got, resend)


def _settled(
    plan: BatchPlan[D, J, P, R],
    task: ChunkedTask[D, J, P, R],
    got: Ready[J, P] | DocumentOutcome[R],
    resend: Callable[[J], P] | None,
) -> DocumentOutcome[R]:
    if isinstance(got, DocumentOutcome):
        return got
    try:
        done = [_settle(task, out, resend) for out in got.parts]
    except Exception as exc:
        return plan.steps.fail(got.index, exc)
    return plan.steps.finish(got.index, got.jobs, done)


async def _asettled(
    plan: BatchPlan[D, J, P, R],
    task: ChunkedTask[D, J, P, R],
    got: Ready[J, P] | DocumentOutcome[R],
    resend: Callable[[J], Awaitable[P]],
) -> DocumentOutcome[R]:
    if isinstance(got, DocumentOutcome):
        return got
    try:
        # A loop, not a comprehension: Python 3.10 refuses an await inside a
        # comprehension nested in another.
        done = []
        for out in got.parts:
            if isinstance(out, Resend):
                out = task.combine([await resend(part) for part in out.parts])
            done.append(out)
    except Exception as exc:
        return plan.steps.fail(got.index, exc)
    return plan.steps.finish(got.index, got.jobs, done)


async def aiter_assembled(
    plan: BatchPlan[D, J, P, R],
    task: ChunkedTask[D, J, P, R],
    results: Iterable[BatchResult],
    resend: Callable[[J], Awaitable[P]],
) -> AsyncIterator[DocumentOutcome[R]]:
    """Async :func:`iter_assembled`."""
    for early in _early(plan):
        yield early
    lines = LineAssembly(plan, task)
    for item in results:
        got = lines.add(item.custom_id, item.completion or _line_error(item.error, item.custom_id))
        if got is not None:
            yield await _asettled(plan, task, got, resend)
    for got in lines.remaining(lambda custom_id: _line_error(None, custom_id)):
        yield await _asettled(plan, task, got, resend)


def assemble_batch(
    plan: BatchPlan[D, J, P, R],
    task: ChunkedTask[D, J, P, R],
    results: BatchResults,
    resend: Callable[[J], P] | None = None,
) -> DocumentResults[R]:
    """Every document's outcome (see :func:`iter_assembled`), in input order."""
    return collect(iter_assembled(plan, task, results, resend), len(plan.steps.texts))


def _settle(
    task: ChunkedTask[D, J, P, R], out: P | Resend[J], resend: Callable[[J], P] | None
) -> P:
    if not isinstance(out, Resend):
        return out
    if resend is None:
        raise BatchItemError("context_length_exceeded", "a line was too long for the model")
    return task.combine([resend(part) for part in out.parts])


def _line_error(error: BatchItemError | None, custom_id: str) -> BatchItemError:
    return error or BatchItemError("missing_result", "no result line", custom_id=custom_id)


def iter_documents_batch(
    task: ChunkedTask[D, J, P, R],
    client: ZeroGPUClient,
    texts: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    options: BatchAPIOptions | None = None,
    progress: bool = False,
) -> Iterator[DocumentOutcome[R]]:
    """Each document's outcome once the Batch API job is done (it blocks until then).

    Never raises for a failed document (see :func:`~.runner.process_documents`).

    Raises:
        BatchJobError: when the job itself cannot run (see :mod:`zerogpu_core.batch`).
        ZeroGPUError: API errors of the job's own calls, after the client's retries.
    """
    plan = plan_batch(task, texts, ids)
    with plan.bodies:  # deletes the spooled lines once submitted (or abandoned)
        yield from _early(plan)
        if not plan.bodies:
            return
        runner = (options or BatchAPIOptions()).runner(client, show_progress=progress)
        runner.submit(plan.bodies, custom_ids=plan.custom_ids)
    state = runner.wait()
    resend = task.job(client)
    lines = LineAssembly(plan, task)
    for file_id in _result_files(state):
        for line in client.iter_file_lines(file_id):
            got = lines.raw(line)
            if got is not None:
                yield _settled(plan, task, got, resend)
    for got in lines.remaining(missing_in(state, plan)):
        yield _settled(plan, task, got, resend)


async def aiter_documents_batch(
    task: ChunkedTask[D, J, P, R],
    client: AsyncZeroGPUClient,
    texts: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    options: BatchAPIOptions | None = None,
    progress: bool = False,
) -> AsyncIterator[DocumentOutcome[R]]:
    """Async :func:`iter_documents_batch`."""
    plan = plan_batch(task, texts, ids)
    with plan.bodies:  # deletes the spooled lines once submitted (or abandoned)
        for early in _early(plan):
            yield early
        if not plan.bodies:
            return
        runner = (options or BatchAPIOptions()).async_runner(client, show_progress=progress)
        await runner.submit(plan.bodies, custom_ids=plan.custom_ids)
    state = await runner.wait()
    resend = task.ajob(client)
    lines = LineAssembly(plan, task)
    for file_id in _result_files(state):
        async for line in client.iter_file_lines(file_id):
            got = lines.raw(line)
            if got is not None:
                yield await _asettled(plan, task, got, resend)
    for got in lines.remaining(missing_in(state, plan)):
        yield await _asettled(plan, task, got, resend)


def _result_files(state: BatchJobState) -> list[str]:
    """Every part's output file, then its error file (a completion wins over an
    error line for the same request, so errors are settled only at the end)."""
    return [
        file_id
        for part in state.parts
        for file_id in (part.output_file_id, part.error_file_id)
        if file_id
    ]


def _early(plan: BatchPlan[D, J, P, R]) -> list[DocumentOutcome[R]]:
    """The outcomes known before any request (handed over first), which the plan forgets."""
    early, plan.early = plan.early, []
    return early


def run_documents_batch(
    task: ChunkedTask[D, J, P, R],
    client: ZeroGPUClient,
    texts: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    options: BatchAPIOptions | None = None,
    progress: bool = False,
) -> DocumentResults[R]:
    """Every outcome of :func:`iter_documents_batch`, in input order."""
    outcomes = iter_documents_batch(
        task, client, texts, ids=ids, options=options, progress=progress
    )
    return collect(outcomes, len(texts))


async def arun_documents_batch(
    task: ChunkedTask[D, J, P, R],
    client: AsyncZeroGPUClient,
    texts: Sequence[D],
    *,
    ids: Sequence[str | None] | None = None,
    options: BatchAPIOptions | None = None,
    progress: bool = False,
) -> DocumentResults[R]:
    """Async :func:`run_documents_batch`."""
    outcomes = aiter_documents_batch(
        task, client, texts, ids=ids, options=options, progress=progress
    )
    return await acollect(outcomes, len(texts))
