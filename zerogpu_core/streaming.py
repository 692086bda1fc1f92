"""Streaming chat completions: SSE decoding, the JSON fallback, and chunk assembly.

ZeroGPU's public docs do not describe streaming. We ask for OpenAI-style SSE and
accept three answers: a proper ``text/event-stream`` ending in ``data: [DONE]``; a
plain JSON completion, which becomes a single chunk; or an error. A stream that stops
before ``[DONE]`` raises :class:`StreamInterruptedError` and is never passed off as a
shorter answer.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_sse import EventSource, ServerSentEvent
from pydantic import ValidationError

from zerogpu_core._base_client import _shape_problems
from zerogpu_core._exceptions import (
    APIResponseValidationError,
    StreamInterruptedError,
    ZeroGPUError,
    error_from_body,
)
from zerogpu_core.types._base import set_request_id
from zerogpu_core.types.chat import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionMessage,
    Choice,
    ChoiceDelta,
    ChunkChoice,
    FunctionCall,
    FunctionCallDelta,
    ToolCall,
    ToolCallDelta,
)
from zerogpu_core.types.usage import Usage

__all__ = [
    "StreamAccumulator",
    "aopen_chat_chunks",
    "completion_to_chunk",
    "open_chat_chunks",
]

_DONE = "[DONE]"
# The validator itself, without ``model_validate_json``'s Python wrapper (a sixth of
# the validation's cost, paid on every streamed token). Same checks, same model.
_validate_chunk = ChatCompletionChunk.__pydantic_validator__.validate_json


def completion_to_chunk(completion: ChatCompletion) -> ChatCompletionChunk:
    """Turn a whole completion into one chunk (the non-streaming fallback)."""
    choices = []
    for choice in completion.choices:
        message = choice.message
        deltas = [
            ToolCallDelta(
                index=position,
                id=call.id,
                type=call.type,
                function=FunctionCallDelta(
                    name=call.function.name, arguments=call.function.arguments
                ),
            )
            for position, call in enumerate(message.tool_calls)
        ]
        delta = ChoiceDelta(
            role=message.role,
            content=message.content,
            reasoning=message.reasoning,
            reasoning_content=message.reasoning_content,
            refusal=message.refusal,
            tool_calls=deltas,
        )
        choices.append(
            ChunkChoice(index=choice.index, delta=delta, finish_reason=choice.finish_reason)
        )
    return ChatCompletionChunk(
        id=completion.id,
        created=completion.created_time,
        model=completion.model,
        choices=choices,
        usage=completion.usage,
        system_fingerprint=completion.system_fingerprint,
    )


@dataclass
class _ToolIndexer:
    """Gives every tool-call delta of one choice an ``index``.

    OpenAI sends ``index`` on every delta; some compatible servers omit it. Without
    it, a delta that carries a new ``id`` (or a name while the current call already
    has one) starts a new call, and any other delta continues the latest call.
    """

    by_id: dict[str, int] = field(default_factory=dict)
    named: set[int] = field(default_factory=set)
    current: int = -1

    def assign(self, delta: ToolCallDelta) -> None:
        if delta.index is None:
            if delta.id is not None and delta.id in self.by_id:
                delta.index = self.by_id[delta.id]
            elif (
                delta.id is not None
                or self.current < 0
                or (delta.function and delta.function.name and self.current in self.named)
            ):
                delta.index = self.current + 1
            else:
                delta.index = self.current
        if delta.id is not None:
            self.by_id.setdefault(delta.id, delta.index)
        if delta.function and delta.function.name:
            self.named.add(delta.index)
        self.current = max(self.current, delta.index)


class _Decoder:
    """State shared by the sync and async SSE loops."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.done = False
        self.received = 0
        # Read once: the header lookup is not free and every chunk carries the id.
        self.request_id = response.headers.get("x-request-id")
        self._indexers: dict[int, _ToolIndexer] = {}

    def event(self, data: str) -> ChatCompletionChunk | None:
        """Decode one SSE ``data`` field; ``None`` for keep-alives and ``[DONE]``."""
        try:
            # One pass from text to model: pydantic parses the JSON itself. ``[DONE]``
            # and keep-alives are not JSON, so they are told apart only once parsing
            # fails (once per stream), not tested for on every token.
            chunk: ChatCompletionChunk = _validate_chunk(data)
        except ValidationError as exc:
            text = data.strip()
            if text == _DONE:
                self.done = True
                return None
            if not text:
                return None
            raise self._invalid(text, exc) from None
        choices = chunk.choices
        # An error event has no choices: the cheap test first, on every token.
        if not choices and "choices" not in chunk.model_fields_set:
            extra = chunk.model_extra
            if extra and "error" in extra:
                raise self._error(json.loads(data))
        if self.request_id is not None:
            set_request_id(chunk, self.request_id)
        for choice in choices:
            if choice.delta.tool_calls:
                indexer = self._indexers.setdefault(choice.index, _ToolIndexer())
                for delta in choice.delta.tool_calls:
                    indexer.assign(delta)
        self.received += 1
        return chunk

    def _invalid(self, text: str, exc: ValidationError) -> ZeroGPUError:
        """The error for an event that is not JSON, not a chunk, or an error body."""
        try:
            payload = json.loads(text)
        except json.JSONDecodeError:
            return APIResponseValidationError(
                f"Stream event {self.received + 1} is not JSON ({len(text)} characters)",
                status_code=self.response.status_code,
                request_id=self.request_id,
                body=text,
            )
        if isinstance(payload, dict) and "error" in payload and "choices" not in payload:
            return self._error(payload)
        return APIResponseValidationError(
            f"Stream event {self.received + 1} is not a chat completion chunk: "
            f"{_shape_problems(exc)}",
            status_code=self.response.status_code,
            request_id=self.request_id,
            body=payload,
        )

    def _error(self, payload: dict[str, Any]) -> ZeroGPUError:
        """The typed error for an ``{"error": ...}`` event in the stream."""
        status = self.response.status_code if self.response.status_code >= 400 else 500
        return error_from_body(status, payload, request_id=self.request_id)

    def whole(self) -> ChatCompletionChunk:
        """The JSON-fallback chunk from a non-SSE response body."""
        self.done = True
        try:
            completion = ChatCompletion.model_validate_json(self.response.content)
        except ValueError:
            raise APIResponseValidationError(
                "Streaming request answered with a body that is neither SSE nor a chat "
                f"completion ({len(self.response.content)} bytes of "
                f"{self.response.headers.get('content-type', 'unknown type')})",
                status_code=self.response.status_code,
                request_id=self.response.headers.get("x-request-id"),
                body=self.response.text,
            ) from None
        chunk = completion_to_chunk(completion)
        chunk._set_request_id(self.request_id)
        return chunk

    def interrupted(self, cause: BaseException | None = None) -> StreamInterruptedError:
        reason = f" ({type(cause).__name__}: {cause})" if cause else ""
        suffix = f" Request id: {self.request_id}." if self.request_id else ""
        return StreamInterruptedError(
            f"The ZeroGPU stream ended after {self.received} chunk(s) without the final "
            f"[DONE] marker{reason}; the answer is incomplete and was discarded.{suffix}"
        )


def _is_sse(response: httpx.Response) -> bool:
    return "text/event-stream" in response.headers.get("content-type", "")


def _drain(events: Iterator[ServerSentEvent]) -> None:
    """Read the body to its end after ``[DONE]``, so httpx pools the connection.

    httpx returns a connection to its pool only when the body was read to the end,
    and the end of a chunked body arrives after ``[DONE]``; stopping there closed
    the socket, and every stream paid a new TCP connection (and a close before its
    last chunk). Events after ``[DONE]`` are not part of the answer and are ignored;
    a transport error here loses only the connection, not the complete answer.
    """
    with contextlib.suppress(httpx.TransportError):
        for _ in events:
            pass


async def _adrain(events: AsyncIterator[ServerSentEvent]) -> None:
    """Async twin of :func:`_drain`."""
    with contextlib.suppress(httpx.TransportError):
        async for _ in events:
            pass


def open_chat_chunks(
    send: Callable[[], httpx.Response],
) -> Generator[ChatCompletionChunk, None, None]:
    """Chunks of the stream that ``send()`` opens on the first ``next()``.

    The response is closed when the iterator ends or is closed. The client's
    ``stream_chat_completion`` returns this generator itself: a generator wrapped
    around another costs a resumption on every streamed token.
    """
    response = send()
    try:
        decoder = _Decoder(response)
        if not _is_sse(response):
            response.read()
            yield decoder.whole()
            return
        events = EventSource(response).iter_sse()
        try:
            for sse in events:
                chunk = decoder.event(sse.data)
                if decoder.done:
                    break
                if chunk is not None:
                    yield chunk
        except httpx.TransportError as exc:
            raise decoder.interrupted(exc) from exc
        if not decoder.done:
            raise decoder.interrupted()
        _drain(events)
    finally:
        response.close()


async def aopen_chat_chunks(
    send: Callable[[], Awaitable[httpx.Response]],
) -> AsyncGenerator[ChatCompletionChunk, None]:
    """Async twin of :func:`open_chat_chunks`."""
    response = await send()
    try:
        decoder = _Decoder(response)
        if not _is_sse(response):
            await response.aread()
            yield decoder.whole()
            return
        events = EventSource(response).aiter_sse()
        try:
            async for sse in events:
                chunk = decoder.event(sse.data)
                if decoder.done:
                    break
                if chunk is not None:
                    yield chunk
        except httpx.TransportError as exc:
            raise decoder.interrupted(exc) from exc
        if not decoder.done:
            raise decoder.interrupted()
        await _adrain(events)
    finally:
        await response.aclose()


@dataclass
class _CallParts:
    id: str = ""
    type: str = "function"
    name: str = ""
    arguments: list[str] = field(default_factory=list)


@dataclass
class _ChoiceParts:
    role: str = "assistant"
    content: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    calls: dict[int, _CallParts] = field(default_factory=dict)
    finish_reason: str | None = None


class StreamAccumulator:
    """Folds stream chunks into the :class:`ChatCompletion` they add up to."""

    def __init__(self) -> None:
        self._choices: dict[int, _ChoiceParts] = {}
        self._meta: dict[str, Any] = {"id": "", "model": "", "created": None}
        self.usage: Usage | None = None
        self.request_id: str | None = None
        self.chunks = 0

    def add(self, chunk: ChatCompletionChunk) -> None:
        """Merge one chunk."""
        self.chunks += 1
        for key in ("id", "model", "created"):
            value = getattr(chunk, key)
            if value and not self._meta[key]:
                self._meta[key] = value
        if chunk.usage is not None:
            self.usage = chunk.usage
        self.request_id = self.request_id or chunk.request_id
        for choice in chunk.choices:
            parts = self._choices.setdefault(choice.index, _ChoiceParts())
            delta = choice.delta
            if delta.role:
                parts.role = delta.role
            if delta.content:
                parts.content.append(delta.content)
            reasoning = delta.reasoning or delta.reasoning_content
            if reasoning:
                parts.reasoning.append(reasoning)
            for call in delta.tool_calls:
                slot = parts.calls.setdefault(call.index or 0, _CallParts())
                slot.id = call.id or slot.id
                slot.type = call.type or slot.type
                if call.function is not None:
                    slot.name = slot.name or (call.function.name or "")
                    if call.function.arguments:
                        slot.arguments.append(call.function.arguments)
            if choice.finish_reason:
                parts.finish_reason = choice.finish_reason

    def completion(self) -> ChatCompletion:
        """The completion assembled so far."""
        choices = []
        for index in sorted(self._choices):
            parts = self._choices[index]
            calls = [
                ToolCall(
                    id=c.id,
                    type=c.type,
                    function=FunctionCall(name=c.name, arguments="".join(c.arguments)),
                )
                for _, c in sorted(parts.calls.items())
            ]
            message = ChatCompletionMessage(
                role=parts.role,
                content="".join(parts.content) if parts.content else None,
                reasoning="".join(parts.reasoning) or None,
                tool_calls=calls,
            )
            choices.append(Choice(index=index, message=message, finish_reason=parts.finish_reason))
        completion = ChatCompletion(
            id=self._meta["id"],
            created=self._meta["created"],
            model=self._meta["model"],
            choices=choices,
            usage=self.usage,
        )
        completion._set_request_id(self.request_id)
        return completion
