"""The client against the emulator over real loopback HTTP: measured retry timing,
scripted faults, the streaming fallback and cut streams."""

from __future__ import annotations

import itertools
import time

import pytest

from zerogpu_core import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncZeroGPUClient,
    AuthenticationError,
    PermissionDeniedError,
    StreamAccumulator,
    StreamInterruptedError,
    ZeroGPUClient,
)
from zerogpu_core.emulator import Emulator, Fault

MESSAGES = [{"role": "user", "content": "Say hello."}]


def client_for(emu: Emulator, **kwargs: object) -> ZeroGPUClient:
    options: dict[str, object] = {"api_key": "test-key", "base_url": emu.base_url}
    options.update(kwargs)
    return ZeroGPUClient(**options)  # type: ignore[arg-type]


def chat_posts(emu: Emulator) -> int:
    return sum(1 for r in emu.requests if r.path == "/v1/chat/completions")


def test_retry_after_is_honoured_in_real_time(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=429, headers={"Retry-After": "1"}, times=2))
    client = client_for(emulator)
    started = time.monotonic()
    reply = client.chat_completion(model="gpt-oss-120b", messages=MESSAGES)
    elapsed = time.monotonic() - started
    assert reply.message.answer
    assert chat_posts(emulator) == 3
    assert 2.0 <= elapsed < 4.0
    stamps = [r.timestamp for r in emulator.requests if r.path == "/v1/chat/completions"]
    assert all(later - earlier >= 0.95 for earlier, later in itertools.pairwise(stamps))


def test_dropped_connections_are_retried(emulator: Emulator) -> None:
    emulator.faults.add(Fault(drop_connection=True, times=2))
    reply = client_for(emulator).chat_completion(model="gpt-oss-120b", messages=MESSAGES)
    assert reply.message.answer
    assert chat_posts(emulator) == 3


def test_dropped_connections_exhaust_retries(emulator: Emulator) -> None:
    emulator.faults.add(Fault(drop_connection=True, times=5))
    with pytest.raises(APIConnectionError):
        client_for(emulator, max_retries=1).chat_completion(model="m", messages=MESSAGES)
    assert chat_posts(emulator) == 2


def test_timeout_is_retried_then_raised(emulator: Emulator) -> None:
    emulator.faults.add(Fault(latency=1.0, times=3))
    client = client_for(emulator, timeout=0.2, max_retries=1)
    with pytest.raises(APITimeoutError):
        client.chat_completion(model="gpt-oss-120b", messages=MESSAGES)
    assert chat_posts(emulator) == 2


def test_malformed_json_is_a_clear_error(emulator: Emulator) -> None:
    emulator.faults.add(Fault(malformed_json=True))
    with pytest.raises(APIResponseValidationError, match="JSON"):
        client_for(emulator).chat_completion(model="gpt-oss-120b", messages=MESSAGES)


def test_auth_failures(emulator: Emulator) -> None:
    with pytest.raises(PermissionDeniedError, match="Invalid credentials"):
        client_for(emulator, api_key="wrong").chat_completion(model="m", messages=MESSAGES)
    assert chat_posts(emulator) == 1
    with Emulator(api_key="test-key", require_project_id=True) as strict:
        with pytest.raises(AuthenticationError, match="ZEROGPU_API_KEY"):
            client_for(strict).chat_completion(model="gpt-oss-120b", messages=MESSAGES)
        reply = client_for(strict, project_id="proj-1").chat_completion(
            model="gpt-oss-120b", messages=MESSAGES
        )
        assert reply.message.answer


def test_stream_from_emulator_assembles(emulator: Emulator) -> None:
    accumulator = StreamAccumulator()
    for chunk in client_for(emulator).stream_chat_completion(
        model="gpt-oss-120b", messages=MESSAGES
    ):
        accumulator.add(chunk)
    completion = accumulator.completion()
    assert completion.message.answer.startswith("[emulated]")
    assert completion.message.reasoning_text
    assert completion.usage is not None
    assert accumulator.chunks > 3


def test_stream_json_fallback() -> None:
    with Emulator(api_key="test-key", stream_mode="json") as emu:
        chunks = list(
            client_for(emu).stream_chat_completion(model="gpt-oss-120b", messages=MESSAGES)
        )
    assert len(chunks) == 1
    assert chunks[0].choices[0].delta.content


def test_cut_stream_raises_and_is_not_retried(emulator: Emulator) -> None:
    emulator.faults.add(Fault(cut_stream_after=2))
    received = []
    with pytest.raises(StreamInterruptedError):
        for chunk in client_for(emulator).stream_chat_completion(
            model="gpt-oss-120b", messages=MESSAGES
        ):
            received.append(chunk)
    assert len(received) == 2
    assert chat_posts(emulator) == 1


def test_tool_call_stream_without_index() -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "lookup",
            "parameters": {
                "type": "object",
                "properties": {"query": {"type": "string"}},
                "required": ["query"],
            },
        },
    }
    with Emulator(api_key="test-key", omit_tool_call_index=True) as emu:
        accumulator = StreamAccumulator()
        for chunk in client_for(emu).stream_chat_completion(
            model="gpt-oss-120b",
            messages=[{"role": "user", "content": "Use lookup for 'Zürich'."}],
            tools=[tool],
            tool_choice="required",
        ):
            accumulator.add(chunk)
    calls = accumulator.completion().message.tool_calls
    assert len(calls) == 1
    assert calls[0].function.name == "lookup"
    assert isinstance(calls[0].function.parsed_arguments()["query"], str)


async def test_async_retry_and_cut_stream(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=503, times=1))
    async with AsyncZeroGPUClient(api_key="test-key", base_url=emulator.base_url) as client:
        reply = await client.chat_completion(model="gpt-oss-120b", messages=MESSAGES)
        assert reply.message.answer
        emulator.faults.add(Fault(cut_stream_after=1))
        with pytest.raises(StreamInterruptedError):
            async for _ in client.stream_chat_completion(model="gpt-oss-120b", messages=MESSAGES):
                pass


def test_batch_create_is_not_retried_after_a_lost_answer(emulator: Emulator) -> None:
    # The server may have created the batch; only the batch runner, which looks it up
    # first, may create again.
    client = client_for(emulator, max_retries=3)
    line = b'{"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": '
    line += b'{"model": "glm-5.2", "messages": [{"role": "user", "content": "Hi"}]}}\n'
    file_id = client.upload_file(line).id
    emulator.faults.add(Fault(path="/v1/batches", drop_connection=True))
    with pytest.raises(APIConnectionError):
        client.create_batch(input_file_id=file_id)
    emulator.faults.add(Fault(path="/v1/batches", status=429, headers={"Retry-After": "0"}))
    assert client.create_batch(input_file_id=file_id).id  # a refusal (429) is retried
    posts = [r for r in emulator.requests if r.method == "POST" and r.path == "/v1/batches"]
    assert len(posts) == 3
