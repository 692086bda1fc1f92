"""Running moderation: one text (:func:`moderate`) or many documents
(:func:`moderate_documents`), with either moderation model.

The two models answer on different routes, so one task object each:

- :class:`GuardModerationTask` (``llama-guard-4-12b``) sends chat completions: it is
  a :class:`~zerogpu_core.tasks.runner.ChunkedTask` and runs through the common
  runner, as concurrent requests or as one Batch API job.
- :class:`ScoredModerationTask` (``zlm-v1-moderation-edge`` and its aliases) sends
  ``POST /v1/moderations``, one request per group of chunks. It has the runner's
  ``plan``/``finish`` and its own ``job``/``ajob``, and runs on the concurrent
  runner. The Batch API accepts only ``/v1/chat/completions`` lines, so batch mode
  with this model is refused before any request (never silently run otherwise).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from typing_extensions import Unpack

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.tasks._payload import TaskOutputError
from zerogpu_core.tasks.chunking import TextChunk
from zerogpu_core.tasks.concurrent import DEFAULT_MAX_CONCURRENCY, aiter_concurrent, iter_concurrent
from zerogpu_core.tasks.moderate import (
    ModerationOptions,
    ModerationVerdict,
    guard_verdict,
    plan_moderation,
    request_groups,
    scored_verdict,
)
from zerogpu_core.tasks.moderation import GUARD_MODEL
from zerogpu_core.tasks.outcomes import DocumentOutcome, acollect, collect
from zerogpu_core.tasks.results import DocumentResults, check_texts
from zerogpu_core.tasks.runner import (
    ChunkedTask,
    DocumentRunArgs,
    aiter_documents,
    arun_one,
    iter_documents,
    run_one,
)
from zerogpu_core.tasks.single_turn import chat_answer, chat_request
from zerogpu_core.types import ChatCompletion, ModerationResponse, ModerationResult

__all__ = [
    "GuardModerationTask",
    "ScoredModerationTask",
    "aiter_moderation",
    "amoderate",
    "amoderate_documents",
    "check_batch_moderation",
    "iter_moderation",
    "moderate",
    "moderate_documents",
]


def check_batch_moderation(model: str) -> None:
    """Refuse batch mode for a model the Batch API cannot run.

    Raises:
        ValueError: unless ``model`` is ``llama-guard-4-12b``.
    """
    if model != GUARD_MODEL:
        raise ValueError(
            f"batch mode cannot run {model}: the Batch API accepts only "
            f"/v1/chat/completions lines and {model} answers only on /v1/moderations; "
            f"use model={GUARD_MODEL!r} (judged over chat) or run without batch mode"
        )


class GuardModerationTask(ChunkedTask[str, TextChunk, str, ModerationVerdict]):
    """Llama Guard moderation of a document: each chunk one chat request."""

    desc = "Moderation"

    def __init__(self, options: ModerationOptions) -> None:
        if not options.is_guard:
            raise ValueError(f"GuardModerationTask needs model={GUARD_MODEL!r}")
        self.options = options

    def plan(self, document: str, /) -> list[TextChunk]:
        return plan_moderation(document, self.options)

    def request(self, job: TextChunk, /) -> dict[str, Any]:
        return chat_request(self.options.model, job.text)

    def resolve(self, job: TextChunk, reply: ChatCompletion, /) -> str:
        return chat_answer(reply, self.options.model).answer

    def finish(
        self, document: str, jobs: Sequence[TextChunk], parts: Sequence[str], /
    ) -> ModerationVerdict:
        return guard_verdict(parts, self.options)


@dataclass(frozen=True)
class ScoredPart:
    """The results of one moderations request and the model that answered it."""

    model: str
    results: tuple[ModerationResult, ...]


def _part(response: ModerationResponse, sent: int, options: ModerationOptions) -> ScoredPart:
    if len(response.results) != sent:
        raise TaskOutputError(
            f"{options.model} returned {len(response.results)} moderation results for {sent} inputs"
        )
    return ScoredPart(response.model or options.model, tuple(response.results))


class ScoredModerationTask:
    """Moderations-route moderation of a document: consecutive chunks share one
    request (an array ``input``) while it stays within the request size cap."""

    desc = "Moderation"

    def __init__(self, options: ModerationOptions) -> None:
        if options.is_guard:
            raise ValueError(f"{GUARD_MODEL} is judged over chat: use GuardModerationTask")
        self.options = options

    def plan(self, document: str, /) -> list[list[TextChunk]]:
        return request_groups(plan_moderation(document, self.options))

    def finish(
        self, document: str, jobs: Sequence[list[TextChunk]], parts: Sequence[ScoredPart], /
    ) -> ModerationVerdict:
        results = [result for part in parts for result in part.results]
        model = parts[-1].model if parts else self.options.model
        return scored_verdict(results, self.options, model)

    def job(self, client: ZeroGPUClient) -> Callable[[list[TextChunk]], ScoredPart]:
        """A blocking job function: one moderations request per group."""

        def run(group: list[TextChunk]) -> ScoredPart:
            texts = [c.text for c in group]
            response = client.create_moderation(input=texts, model=self.options.model)
            return _part(response, len(group), self.options)

        return run

    def ajob(
        self, client: AsyncZeroGPUClient
    ) -> Callable[[list[TextChunk]], Awaitable[ScoredPart]]:
        """The async twin of :meth:`job`."""

        async def run(group: list[TextChunk]) -> ScoredPart:
            texts = [c.text for c in group]
            response = await client.create_moderation(input=texts, model=self.options.model)
            return _part(response, len(group), self.options)

        return run


def moderate(
    client: ZeroGPUClient, text: str, options: ModerationOptions | None = None
) -> ModerationVerdict:
    """Judge ``text`` (any length) with a moderation model.

    Example:
        >>> verdict = moderate(client, "I will hurt you")  # doctest: +SKIP
        >>> verdict.flagged, verdict.categories  # doctest: +SKIP
        (True, ('harassment/threatening', 'violence'))

    Raises:
        ValueError: for blank text or bad options (before any request).
        TaskOutputError: when a reply cannot be read as a verdict.
        ZeroGPUError: API errors, after the client's retries.
    """
    options = options or ModerationOptions()
    if options.is_guard:
        return run_one(GuardModerationTask(options), client, text)
    task = ScoredModerationTask(options)
    jobs = task.plan(text)
    job = task.job(client)
    return task.finish(text, jobs, [job(group) for group in jobs])


async def amoderate(
    client: AsyncZeroGPUClient, text: str, options: ModerationOptions | None = None
) -> ModerationVerdict:
    """Async :func:`moderate`."""
    options = options or ModerationOptions()
    if options.is_guard:
        return await arun_one(GuardModerationTask(options), client, text)
    task = ScoredModerationTask(options)
    jobs = task.plan(text)
    job = task.ajob(client)
    return task.finish(text, jobs, [await job(group) for group in jobs])


def iter_moderation(
    client: ZeroGPUClient,
    texts: Sequence[str],
    options: ModerationOptions | None = None,
    **run: Unpack[DocumentRunArgs],
) -> Iterator[DocumentOutcome[ModerationVerdict]]:
    """Each text's verdict as soon as it is finished (see
    :func:`~zerogpu_core.tasks.runner.iter_documents`), with either model.

    Raises:
        ValueError: for ``batch`` with a moderations-route model (before any request).
    """
    options = options or ModerationOptions()
    check_texts(texts)
    if options.is_guard:
        return iter_documents(GuardModerationTask(options), client, texts, **run)
    if run.get("batch") is not None:
        check_batch_moderation(options.model)
    task = ScoredModerationTask(options)
    return iter_concurrent(
        task,
        task.job(client),
        texts,
        ids=run.get("ids"),
        max_concurrency=run.get("max_concurrency", DEFAULT_MAX_CONCURRENCY),
        progress=run.get("progress", False),
        desc=task.desc,
    )


def aiter_moderation(
    client: AsyncZeroGPUClient,
    texts: Sequence[str],
    options: ModerationOptions | None = None,
    **run: Unpack[DocumentRunArgs],
) -> AsyncIterator[DocumentOutcome[ModerationVerdict]]:
    """Async :func:`iter_moderation`."""
    options = options or ModerationOptions()
    check_texts(texts)
    if options.is_guard:
        return aiter_documents(GuardModerationTask(options), client, texts, **run)
    if run.get("batch") is not None:
        check_batch_moderation(options.model)
    task = ScoredModerationTask(options)
    return aiter_concurrent(
        task,
        task.ajob(client),
        texts,
        ids=run.get("ids"),
        max_concurrency=run.get("max_concurrency", DEFAULT_MAX_CONCURRENCY),
        progress=run.get("progress", False),
        desc=task.desc,
    )


def moderate_documents(
    client: ZeroGPUClient,
    texts: Sequence[str],
    options: ModerationOptions | None = None,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[ModerationVerdict]:
    """The verdicts of many texts, concurrently or, with ``llama-guard-4-12b``, as one
    Batch API job (``batch``); failures are returned, never raised.

    Raises:
        ValueError: for ``batch`` with a moderations-route model (before any request).
    """
    return collect(iter_moderation(client, texts, options, **run), len(texts))


async def amoderate_documents(
    client: AsyncZeroGPUClient,
    texts: Sequence[str],
    options: ModerationOptions | None = None,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[ModerationVerdict]:
    """Async :func:`moderate_documents`."""
    return await acollect(aiter_moderation(client, texts, options, **run), len(texts))
