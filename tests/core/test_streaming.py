"""SSE decoding, the JSON fallback, cut streams and tool-call assembly."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.core._scripted import COMPLETION, Script, json_response, sse_response
from zerogpu_core import (
    APIResponseValidationError,
    AsyncZeroGPUClient,
    RateLimitError,
    StreamAccumulator,
    StreamInterruptedError,
    ZeroGPUClient,
)
from zerogpu_core.types import ChatCompletionChunk

MESSAGES = [{"role": "user", "content": "Hi"}]


def chunk(delta: dict[str, object], finish: str | None = None, **extra: object) -> str:
    body: dict[str, object] = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    body.update(extra)
    return json.dumps(body)


USAGE = json.dumps(
    {
        "id": "c1",
        "object": "chat.completion.chunk",
        "choices": [],
        "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
    }
)


def client_for(script: Script) -> ZeroGPUClient:
    client = ZeroGPUClient(
        api_key="k",
        base_url="https://example.test/v1",
        http_client=httpx.Client(transport=httpx.MockTransport(script)),
    )
    client._sleep = lambda _: None
    return client


def collect(client: ZeroGPUClient) -> list[ChatCompletionChunk]:
    return list(client.stream_chat_completion(model="m", messages=MESSAGES))


def test_sse_stream_yields_chunks_and_requests_usage() -> None:
    script = Script(
        sse_response(
            chunk({"role": "assistant", "content": ""}),
            chunk({"content": "Hel"}),
            chunk({"content": "lo"}),
            chunk({}, "stop"),
            USAGE,
            "[DONE]",
            request_id="req_s",
        )
    )
    chunks = collect(client_for(script))
    assert {c.request_id for c in chunks} == {"req_s"}  # every chunk, not only the first
    body = json.loads(script.requests[0].content)
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    accumulator = StreamAccumulator()
    for item in chunks:
        accumulator.add(item)
    completion = accumulator.completion()
    assert completion.request_id == "req_s"
    assert completion.message.content == "Hello"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.total == 7


def test_plain_json_answer_becomes_one_chunk() -> None:
    script = Script(json_response(200, COMPLETION))
    chunks = collect(client_for(script))
    assert len(chunks) == 1
    assert chunks[0].choices[0].delta.content == "hi"
    assert chunks[0].choices[0].finish_reason == "stop"
    assert chunks[0].usage is not None
    assert chunks[0].usage.total == 4


def test_stream_without_done_raises() -> None:
    script = Script(sse_response(chunk({"content": "Hel"}), chunk({"content": "lo"})))
    with pytest.raises(StreamInterruptedError, match="after 2 chunk"):
        collect(client_for(script))


def test_stream_broken_mid_body_raises() -> None:
    class Broken(httpx.SyncByteStream):
        def __iter__(self):  # type: ignore[no-untyped-def]
            yield f"data: {chunk({'content': 'partial'})}\n\n".encode()
            raise httpx.RemoteProtocolError("peer closed connection")

    script = Script(
        httpx.Response(200, stream=Broken(), headers={"content-type": "text/event-stream"})
    )
    received: list[ChatCompletionChunk] = []
    with pytest.raises(StreamInterruptedError, match="RemoteProtocolError"):
        for item in client_for(script).stream_chat_completion(model="m", messages=MESSAGES):
            received.append(item)
    assert len(received) == 1
    assert len(script.requests) == 1  # never retried after a chunk was yielded


def test_status_errors_before_the_stream_are_retried() -> None:
    script = Script(
        json_response(429, {"error": {"message": "slow"}}, **{"Retry-After": "0"}),
        sse_response(chunk({"content": "ok"}, "stop"), "[DONE]"),
    )
    chunks = collect(client_for(script))
    assert len(script.requests) == 2
    assert chunks[0].choices[0].delta.content == "ok"


def test_error_event_inside_stream_raises_typed_error() -> None:
    error = json.dumps({"error": {"message": "slow", "code": "rate_limit_exceeded"}})
    script = Script(sse_response(chunk({"content": "a"}), error))
    with pytest.raises(Exception, match="slow"):
        collect(client_for(script))


def test_rate_limit_exhausted_raises_before_any_chunk() -> None:
    script = Script(json_response(429, {"error": {"message": "slow"}}, **{"Retry-After": "0"}))
    with pytest.raises(RateLimitError):
        collect(client_for(script))


def test_non_json_event_is_a_clear_error() -> None:
    script = Script(sse_response("not json", "[DONE]"))
    with pytest.raises(APIResponseValidationError, match="not JSON"):
        collect(client_for(script))


def _tool_delta(**parts: object) -> dict[str, object]:
    return {"tool_calls": [parts]}


@pytest.mark.parametrize("with_index", [True, False])
def test_tool_call_deltas_assemble_with_or_without_index(with_index: bool) -> None:
    def call(index: int, **parts: object) -> dict[str, object]:
        return {**({"index": index} if with_index else {}), **parts}

    events = [
        chunk(_tool_delta(**call(0, id="call_a", type="function", function={"name": "add"}))),
        chunk(_tool_delta(**call(0, function={"arguments": '{"a": '}))),
        chunk(_tool_delta(**call(0, function={"arguments": "1}"}))),
        chunk(_tool_delta(**call(1, id="call_b", type="function", function={"name": "mul"}))),
        chunk(_tool_delta(**call(1, function={"arguments": '{"city": "Zürich"}'}))),
        chunk({}, "tool_calls"),
        "[DONE]",
    ]
    chunks = collect(client_for(Script(sse_response(*events))))
    indices = [d.index for c in chunks for ch in c.choices for d in ch.delta.tool_calls]
    assert indices == [0, 0, 0, 1, 1]
    accumulator = StreamAccumulator()
    for item in chunks:
        accumulator.add(item)
    calls = accumulator.completion().message.tool_calls
    assert [(c.id, c.function.name) for c in calls] == [("call_a", "add"), ("call_b", "mul")]
    assert calls[0].function.parsed_arguments() == {"a": 1}
    assert calls[1].function.parsed_arguments() == {"city": "Zürich"}


def test_nameless_new_call_without_id_or_index_starts_a_new_slot() -> None:
    events = [
        chunk(_tool_delta(function={"name": "first", "arguments": "{}"})),
        chunk(_tool_delta(function={"name": "second", "arguments": "{}"})),
        "[DONE]",
    ]
    chunks = collect(client_for(Script(sse_response(*events))))
    indices = [d.index for c in chunks for ch in c.choices for d in ch.delta.tool_calls]
    assert indices == [0, 1]


def test_reasoning_deltas_are_accumulated_separately() -> None:
    events = [
        chunk({"reasoning": "think "}),
        chunk({"reasoning_content": "more"}),
        chunk({"content": "answer"}, "stop"),
        "[DONE]",
    ]
    accumulator = StreamAccumulator()
    for item in collect(client_for(Script(sse_response(*events)))):
        accumulator.add(item)
    message = accumulator.completion().message
    assert message.content == "answer"
    assert message.reasoning_text == "think more"


async def test_async_stream_and_cut_stream() -> None:
    good = sse_response(chunk({"content": "a"}), chunk({}, "stop"), "[DONE]")
    cut = sse_response(chunk({"content": "a"}))
    script = Script(good, cut)
    client = AsyncZeroGPUClient(
        api_key="k",
        base_url="https://example.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(script)),
    )
    first = [c async for c in client.stream_chat_completion(model="m", messages=MESSAGES)]
    assert [c.choices[0].delta.content for c in first] == ["a", None]
    with pytest.raises(StreamInterruptedError):
        async for _ in client.stream_chat_completion(model="m", messages=MESSAGES):
            pass
    await client.aclose()


async def test_async_json_fallback() -> None:
    script = Script(json_response(200, COMPLETION))
    client = AsyncZeroGPUClient(
        api_key="k",
        base_url="https://example.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(script)),
    )
    chunks = [c async for c in client.stream_chat_completion(model="m", messages=MESSAGES)]
    assert len(chunks) == 1
    assert chunks[0].choices[0].delta.content == "hi"


class _Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """An SSE body sent in parts that records whether it was read to its end."""

    def __init__(self, *parts: bytes) -> None:
        self.parts = parts
        self.finished = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self.parts
        self.finished = True

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self.parts:
            yield part
        self.finished = True


def _body_after_done() -> _Body:
    # Whatever follows [DONE] (here an event a sloppy server might add) is not the answer.
    events = (chunk({"content": "a"}, "stop"), "[DONE]", chunk({"content": "late"}))
    return _Body(*(f"data: {event}\n\n".encode() for event in events))


def _sse(body: _Body) -> httpx.Response:
    return httpx.Response(200, stream=body, headers={"content-type": "text/event-stream"})


def test_stream_reads_the_body_to_its_end_after_done() -> None:
    """httpx pools a connection only once its body was read; stopping at [DONE] closed it."""
    body = _body_after_done()
    chunks = collect(client_for(Script(_sse(body))))
    assert [c.choices[0].delta.content for c in chunks] == ["a"]
    assert body.finished


async def test_async_stream_reads_the_body_to_its_end_after_done() -> None:
    body = _body_after_done()
    client = AsyncZeroGPUClient(
        api_key="k",
        base_url="https://example.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(Script(_sse(body)))),
    )
    chunks = [c async for c in client.stream_chat_completion(model="m", messages=MESSAGES)]
    assert [c.choices[0].delta.content for c in chunks] == ["a"]
    assert body.finished
    await client.aclose()


class _ClosingBody(_Body):
    def __init__(self, *parts: bytes) -> None:
        super().__init__(*parts)
        self.closed = False

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def _two_chunk_body() -> _ClosingBody:
    events = (chunk({"content": "a"}), chunk({"content": "b"}, "stop"), "[DONE]")
    return _ClosingBody(*(f"data: {event}\n\n".encode() for event in events))


def test_a_stream_is_sent_on_its_first_chunk_and_closed_when_left_early() -> None:
    body = _two_chunk_body()
    script = Script(_sse(body))
    stream = client_for(script).stream_chat_completion(model="m", messages=MESSAGES)
    assert script.requests == []  # nothing sent until the caller asks for a chunk
    first = next(stream)
    assert first.choices[0].delta.content == "a"
    assert len(script.requests) == 1
    assert not body.closed
    stream.close()
    assert body.closed


async def test_async_stream_is_sent_on_its_first_chunk_and_closed_when_left_early() -> None:
    body = _two_chunk_body()
    script = Script(_sse(body))
    client = AsyncZeroGPUClient(
        api_key="k",
        base_url="https://example.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(script)),
    )
    stream = client.stream_chat_completion(model="m", messages=MESSAGES)
    assert script.requests == []
    first = await stream.__anext__()
    assert first.choices[0].delta.content == "a"
    assert not body.closed
    await stream.aclose()
    assert body.closed
    await client.aclose()


def test_a_bad_stream_request_fails_at_the_call_before_any_request() -> None:
    script = Script(_sse(_two_chunk_body()))
    with pytest.raises(ValueError, match="messages"):
        client_for(script).stream_chat_completion(model="m", messages=[])
    assert script.requests == []


async def test_a_bad_async_stream_request_fails_at_the_call_before_any_request() -> None:
    script = Script(_sse(_two_chunk_body()))
    client = AsyncZeroGPUClient(
        api_key="k",
        base_url="https://example.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(script)),
    )
    with pytest.raises(ValueError, match="messages"):
        client.stream_chat_completion(model="m", messages=[])
    assert script.requests == []
    await client.aclose()
