"""Summaries of documents of any length: ``t5-small``, ``llama-3.1-8b-instruct-fast``
or any other chat model.

``t5-small`` reads at most 512 tokens and silently drops the rest, so a document is
never sent whole when it is longer: it is split into contiguous chunks that each
fit the model's input budget (every character is in exactly one chunk), each chunk
is summarised alone, and the chunk summaries are **concatenated in document order**,
separated by a blank line. The result keeps every chunk's summary with the span it
covers, so a reader can see that each part of the text was summarised. Nothing is
summarised a second time: a second pass would hide which part of the text a
sentence came from, and can be asked for by summarising the result again.

``t5-small`` takes the text alone (no instructions; it answers in lower case).
Every other model gets :data:`~zerogpu_core.tasks.summarize.SUMMARY_INSTRUCTION`
as its system message, because a bare passage draws a conversational reply. A reply
cut at the completion limit (``finish_reason: "length"``) fails its document rather
than passing on half a summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from typing_extensions import Unpack

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core._exceptions import TaskOutputError
from zerogpu_core.catalog import check_model, get_model
from zerogpu_core.tasks.chunking import TextChunk, split_text, token_budget
from zerogpu_core.tasks.results import DocumentResults, check_texts
from zerogpu_core.tasks.runner import (
    ChunkedTask,
    DocumentRunArgs,
    aprocess_documents,
    arun_one,
    process_documents,
    run_one,
)
from zerogpu_core.tasks.single_turn import chat_request
from zerogpu_core.tasks.summarize import SUMMARY_INSTRUCTION, SUMMARY_MODEL
from zerogpu_core.types import ChatCompletion

__all__ = [
    "DEFAULT_SUMMARY_CHUNK_TOKENS",
    "EXTRACTIVE_SUMMARY_MODEL",
    "MAX_REQUEST_CHARS",
    "SectionSummary",
    "SummaryOptions",
    "SummaryResult",
    "SummaryTask",
    "asummarize_documents",
    "asummarize_text",
    "summarize_documents",
    "summarize_text",
]

#: The 60M-parameter summariser with a 512-token input that truncates silently.
EXTRACTIVE_SUMMARY_MODEL = "t5-small"
#: Chunk budget for models with a large context (llama-3.1-8b-instruct-fast reads
#: 128K tokens): long enough for whole articles, short enough that a summary of
#: a few paragraphs still covers its chunk, and well under the request size cap.
DEFAULT_SUMMARY_CHUNK_TOKENS = 16_000
#: The documented cap on one message's text, whatever its token count.
MAX_REQUEST_CHARS = 131_072
_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class SummaryOptions:
    """How documents are summarised.

    Attributes:
        model: ``llama-3.1-8b-instruct-fast`` (default), ``t5-small`` or another
            chat model.
        max_chunk_tokens: input tokens per request (default: 512 for ``t5-small``,
            the catalog limit for small-context models, else
            :data:`DEFAULT_SUMMARY_CHUNK_TOKENS`).
        max_summary_tokens: completion cap sent as ``max_tokens`` (the service
            default when ``None``); not sent to ``t5-small``, which takes none.
    """

    model: str = SUMMARY_MODEL
    max_chunk_tokens: int | None = None
    max_summary_tokens: int | None = None

    def __post_init__(self) -> None:
        check_model(self.model, "chat")
        info = get_model(self.model)
        chunk = self.budget()
        if info is not None and chunk > info.input_token_limit:
            # Over the limit the service truncates (t5-small) or rejects the request.
            raise ValueError(
                f"max_chunk_tokens={chunk} is over the {info.input_token_limit}-token "
                f"input limit of {self.model}"
            )
        if self.max_summary_tokens is not None:
            if self.is_extractive:
                raise ValueError(f"{EXTRACTIVE_SUMMARY_MODEL} takes no max_summary_tokens")
            if self.max_summary_tokens < 1:
                raise ValueError(
                    f"max_summary_tokens must be at least 1, got {self.max_summary_tokens}"
                )

    @property
    def is_extractive(self) -> bool:
        """Whether the model is ``t5-small`` (text only, no instructions)."""
        return self.model == EXTRACTIVE_SUMMARY_MODEL

    def budget(self) -> int:
        """Input tokens per request (the instruction's share taken off for chat models)."""
        if self.max_chunk_tokens is not None or self.is_extractive:
            return token_budget(self.model, self.max_chunk_tokens)
        info = get_model(self.model)
        limit = info.input_token_limit if info is not None else DEFAULT_SUMMARY_CHUNK_TOKENS
        return min(limit // 2, DEFAULT_SUMMARY_CHUNK_TOKENS)


@dataclass(frozen=True)
class SectionSummary:
    """The summary of one chunk and the span of the document it covers."""

    start: int
    end: int
    summary: str

    def to_json(self) -> dict[str, Any]:
        """``{"start", "end", "summary"}``."""
        return {"start": self.start, "end": self.end, "summary": self.summary}


@dataclass(frozen=True)
class SummaryResult:
    """A document's summary: the chunk summaries joined in document order.

    ``sections`` has one entry per chunk sent (none for a blank document, whose
    summary is ``""``).
    """

    model: str
    sections: tuple[SectionSummary, ...] = ()

    @property
    def summary(self) -> str:
        """The section summaries, in order, separated by a blank line."""
        return _SEPARATOR.join(section.summary for section in self.sections)

    @property
    def chunks(self) -> int:
        """How many requests the summary took."""
        return len(self.sections)

    def to_metadata(self) -> dict[str, Any]:
        """``{"summary", "model", "chunks", "sections"}`` (sections only when the
        document took more than one request)."""
        data: dict[str, Any] = {"summary": self.summary, "model": self.model, "chunks": self.chunks}
        if self.chunks > 1:
            data["sections"] = [section.to_json() for section in self.sections]
        return data


def plan_summary(text: str, options: SummaryOptions) -> list[TextChunk]:
    """Contiguous chunks within the model's input budget (blank ones left out).

    Raises:
        ValueError: when a chunk would exceed the request size cap (a
            ``max_chunk_tokens`` too large for this text).
    """
    chunks = [c for c in split_text(text, options.budget()) if not c.is_blank]
    for chunk in chunks:
        if len(chunk.text) > MAX_REQUEST_CHARS:
            raise ValueError(
                f"max_chunk_tokens={options.max_chunk_tokens} gives a chunk of "
                f"{len(chunk.text)} characters, over the {MAX_REQUEST_CHARS}-character "
                "request limit; use a smaller max_chunk_tokens"
            )
    return chunks


def summary_request(chunk: TextChunk, options: SummaryOptions) -> dict[str, Any]:
    """The chat-completions body summarising one chunk (also a batch line's ``body``)."""
    if options.is_extractive:
        return chat_request(options.model, chunk.text)
    body = chat_request(options.model, chunk.text, system=SUMMARY_INSTRUCTION)
    if options.max_summary_tokens is not None:
        body["max_tokens"] = options.max_summary_tokens
    return body


def read_summary(reply: ChatCompletion, *, model: str) -> str:
    """The summary text of a reply.

    Raises:
        TaskOutputError: for a reply without text or one cut at the completion limit.
    """
    if not reply.choices:
        raise TaskOutputError(f"{model} returned a chat completion without choices")
    choice = reply.choices[0]
    text = (choice.message.answer or "").strip()
    if not text:
        raise TaskOutputError(f"{model} returned no summary text")
    if choice.finish_reason == "length":
        raise TaskOutputError(
            f"{model} stopped at its completion limit, so the summary is incomplete; "
            "raise max_summary_tokens or lower max_chunk_tokens"
        )
    return text


class SummaryTask(ChunkedTask[str, TextChunk, str, SummaryResult]):
    """Summarisation of a document: each chunk summarised, summaries joined in order."""

    desc = "Summarisation"

    def __init__(self, options: SummaryOptions) -> None:
        self.options = options

    def plan(self, document: str, /) -> list[TextChunk]:
        return plan_summary(document, self.options)

    def request(self, job: TextChunk, /) -> dict[str, Any]:
        return summary_request(job, self.options)

    def resolve(self, job: TextChunk, reply: ChatCompletion, /) -> str:
        return read_summary(reply, model=self.options.model)

    def finish(
        self, document: str, jobs: Sequence[TextChunk], parts: Sequence[str], /
    ) -> SummaryResult:
        sections = (
            SectionSummary(job.start, job.end, part) for job, part in zip(jobs, parts, strict=True)
        )
        return SummaryResult(self.options.model, tuple(sections))


def summarize_text(
    client: ZeroGPUClient, text: str, options: SummaryOptions | None = None
) -> SummaryResult:
    """Summarise ``text`` of any length (chunk by chunk, in order).

    Raises:
        ZeroGPUError: API errors (after the client's retries) or unusable output.
    """
    return run_one(SummaryTask(options or SummaryOptions()), client, text)


async def asummarize_text(
    client: AsyncZeroGPUClient, text: str, options: SummaryOptions | None = None
) -> SummaryResult:
    """Async :func:`summarize_text`."""
    return await arun_one(SummaryTask(options or SummaryOptions()), client, text)


def summarize_documents(
    client: ZeroGPUClient,
    texts: Sequence[str],
    options: SummaryOptions | None = None,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[SummaryResult]:
    """Summarise many texts, concurrently or as one Batch API job (``batch``);
    failures are returned, never raised."""
    check_texts(texts)
    return process_documents(
        SummaryTask(options or SummaryOptions()),
        client,
        texts,
        **run,
    )


async def asummarize_documents(
    client: AsyncZeroGPUClient,
    texts: Sequence[str],
    options: SummaryOptions | None = None,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[SummaryResult]:
    """Async :func:`summarize_documents`."""
    check_texts(texts)
    return await aprocess_documents(
        SummaryTask(options or SummaryOptions()),
        client,
        texts,
        **run,
    )
