"""Contextual signals (topics, keywords, intent) with ``zlm-v1-signal-extract``.

The model is used by ``langchain-zerogpu`` 1.2.0 but not described in ZeroGPU's
docs. It is called on ``/v1/responses`` only, as that package does: no source shows
it on chat completions, so it cannot run as Batch API lines (which are chat
completions) and batch mode is refused before anything is sent. The only option
the API reference names for it is ``metadata.max_keywords``.

Its payload is read like the enriched IAB models' signal keys: ``topics``
(``{name, score}`` items), ``keywords`` (strings) and ``user_intent`` (also
accepted as ``intent``; an object ``{name, category, score}`` or a string).

Long text is split into contiguous chunks of at most 400 estimated tokens (the
edge classifiers' limit; this model's is unpublished). Chunk results merge like
IAB chunks: each topic keeps its highest score, topics sorted by score; keywords
in first-seen order without repeats; the intent with the highest score (the
earliest chunk on a tie).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from typing_extensions import Unpack

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.catalog import check_model
from zerogpu_core.tasks._payload import extract_payload
from zerogpu_core.tasks.chunking import TextChunk, split_text, token_budget
from zerogpu_core.tasks.iab import (
    IABCategory,
    IABIntent,
    IABResult,
    merge_iab_results,
    parse_iab_payload,
)
from zerogpu_core.tasks.results import DocumentResults, check_texts
from zerogpu_core.tasks.runner import (
    ChunkedTask,
    DocumentRunArgs,
    aprocess_documents,
    arun_one,
    process_documents,
    run_one,
)
from zerogpu_core.tasks.single_turn import response_request
from zerogpu_core.types import ChatCompletion, Response

__all__ = [
    "SIGNALS_MODEL",
    "SignalsOptions",
    "SignalsResult",
    "SignalsTask",
    "aextract_signals",
    "aextract_signals_documents",
    "check_signals_mode",
    "extract_signals",
    "extract_signals_documents",
    "parse_signals",
    "signals_request",
]

SIGNALS_MODEL = "zlm-v1-signal-extract"
_NO_BATCH = (
    f"{SIGNALS_MODEL} is served on /v1/responses only, and Batch API lines are chat "
    "completions; use mode='sync'"
)


def signals_request(
    text: str, *, model: str = SIGNALS_MODEL, max_keywords: int | None = None
) -> dict[str, Any]:
    """The ``/responses`` body extracting signals from a passage of ``text``."""
    metadata = {"max_keywords": max_keywords} if max_keywords is not None else None
    return response_request(model, text, metadata=metadata)


@dataclass(frozen=True)
class SignalsOptions:
    """The model, an optional keyword cap (``metadata.max_keywords``) and chunk budget."""

    model: str = SIGNALS_MODEL
    max_keywords: int | None = None
    max_chunk_tokens: int | None = None

    def __post_init__(self) -> None:
        check_model(self.model, "signals")
        token_budget(self.model, self.max_chunk_tokens)
        keywords = self.max_keywords
        if keywords is not None and (
            isinstance(keywords, bool) or not isinstance(keywords, int) or keywords < 1
        ):
            raise ValueError(f"max_keywords must be a positive integer, got {keywords!r}")


@dataclass(frozen=True)
class SignalsResult:
    """Topics (highest score first), keywords and the intent of one document."""

    model: str
    topics: tuple[IABCategory, ...] = ()
    keywords: tuple[str, ...] = ()
    intent: IABIntent | None = None
    chunks: int = 0

    def to_metadata(self) -> dict[str, Any]:
        """``{"topics", "keywords", "intent", "model", "chunks"}`` as plain JSON."""
        intent = self.intent.model_dump(mode="json", exclude_none=True) if self.intent else None
        return {
            "topics": [topic.to_json() for topic in self.topics],
            "keywords": list(self.keywords),
            "intent": intent,
            "model": self.model,
            "chunks": self.chunks,
        }


def parse_signals(payload: Mapping[str, Any], *, model: str) -> SignalsResult:
    """One decoded payload as a :class:`SignalsResult` (``chunks=1``)."""
    return _from_iab(_read(payload, model))


def _read(payload: Mapping[str, Any], model: str) -> IABResult:
    # The IAB reader owns the item shapes; only the intent key has a second spelling.
    if "user_intent" not in payload and "intent" in payload:
        payload = {**payload, "user_intent": payload["intent"]}
    return parse_iab_payload(payload, model=model)


def _from_iab(result: IABResult) -> SignalsResult:
    return SignalsResult(
        model=result.model,
        topics=result.topics or (),
        keywords=result.keywords or (),
        intent=result.user_intent,
        chunks=result.chunks,
    )


class SignalsTask(ChunkedTask[str, TextChunk, IABResult, SignalsResult]):
    """Signals of a document: chunks read one by one on ``/responses``, then merged."""

    desc = "Signal extraction"

    def __init__(self, options: SignalsOptions) -> None:
        self.options = options

    def plan(self, document: str, /) -> list[TextChunk]:
        budget = token_budget(self.options.model, self.options.max_chunk_tokens)
        return [c for c in split_text(document, budget) if not c.is_blank]

    def request(self, job: TextChunk, /) -> dict[str, Any]:
        """The job's ``/responses`` body (this model has no chat-completions body)."""
        options = self.options
        return signals_request(job.text, model=options.model, max_keywords=options.max_keywords)

    def resolve(self, job: TextChunk, reply: ChatCompletion | Response, /) -> IABResult:
        return _read(extract_payload(reply, model=self.options.model), self.options.model)

    def finish(
        self, document: str, jobs: Sequence[TextChunk], parts: Sequence[IABResult], /
    ) -> SignalsResult:
        return _from_iab(merge_iab_results(parts, model=self.options.model))

    def job(self, client: ZeroGPUClient) -> Callable[[TextChunk], IABResult]:
        """Each job sent on ``/responses``."""
        return lambda item: self.resolve(item, client.create_response(self.request(item)))

    def ajob(self, client: AsyncZeroGPUClient) -> Callable[[TextChunk], Awaitable[IABResult]]:
        """The async twin of :meth:`job`."""

        async def run(item: TextChunk) -> IABResult:
            return self.resolve(item, await client.create_response(self.request(item)))

        return run


def check_signals_mode(batch: bool) -> None:
    """Refuse Batch API mode for the signal model (see the module docstring).

    Raises:
        ValueError: when ``batch`` is true.
    """
    if batch:
        raise ValueError(_NO_BATCH)


def extract_signals(
    client: ZeroGPUClient, text: str, options: SignalsOptions | None = None
) -> SignalsResult:
    """Topics, keywords and intent of ``text`` (any length; chunks merged).

    Raises:
        ZeroGPUError: API errors (after the client's retries) or unusable output.
    """
    return run_one(SignalsTask(options or SignalsOptions()), client, text)


async def aextract_signals(
    client: AsyncZeroGPUClient, text: str, options: SignalsOptions | None = None
) -> SignalsResult:
    """Async :func:`extract_signals`."""
    return await arun_one(SignalsTask(options or SignalsOptions()), client, text)


def extract_signals_documents(
    client: ZeroGPUClient,
    texts: Sequence[str],
    options: SignalsOptions | None = None,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[SignalsResult]:
    """Signals of many texts, concurrently; failures are returned, never raised.

    Raises:
        ValueError: for ``batch`` (this model has no Batch API route).
    """
    check_signals_mode(run.get("batch") is not None)
    check_texts(texts)
    return process_documents(
        SignalsTask(options or SignalsOptions()),
        client,
        texts,
        **run,
    )


async def aextract_signals_documents(
    client: AsyncZeroGPUClient,
    texts: Sequence[str],
    options: SignalsOptions | None = None,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[SignalsResult]:
    """Async :func:`extract_signals_documents`."""
    check_signals_mode(run.get("batch") is not None)
    check_texts(texts)
    return await aprocess_documents(
        SignalsTask(options or SignalsOptions()),
        client,
        texts,
        **run,
    )
