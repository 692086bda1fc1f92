"""Every route against recorded traffic (cassettes from the emulator or the live API).

Assertions are about shapes and invariants that hold for the real service too, so
a live re-recording (``make cassettes`` with ZEROGPU_API_KEY) keeps them green.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.conftest import Target
from zerogpu_core import (
    AsyncZeroGPUClient,
    BadRequestError,
    ConflictError,
    NotFoundError,
    StreamAccumulator,
    ZeroGPUClient,
)

pytestmark = pytest.mark.vcr

MESSAGES = [{"role": "user", "content": "Name one planet of the solar system."}]


@pytest.fixture
def client(zerogpu_target: Target) -> Iterator[ZeroGPUClient]:
    with ZeroGPUClient(**zerogpu_target.client_kwargs(), max_retries=0) as client:
        yield client


def test_chat_completion(client: ZeroGPUClient) -> None:
    reply = client.chat_completion(model="gpt-oss-120b", messages=MESSAGES, max_tokens=200)
    assert reply.message.answer
    assert reply.choices[0].finish_reason in ("stop", "length")
    assert reply.usage is not None
    assert reply.usage.total > 0


def test_chat_completion_stream(client: ZeroGPUClient) -> None:
    accumulator = StreamAccumulator()
    for chunk in client.stream_chat_completion(model="gpt-oss-120b", messages=MESSAGES):
        accumulator.add(chunk)
    completion = accumulator.completion()
    assert completion.message.answer
    assert completion.usage is not None


def test_chat_completion_tool_call(client: ZeroGPUClient) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
    reply = client.chat_completion(
        model="gpt-oss-120b",
        messages=[{"role": "user", "content": "Use get_weather for 'Paris'."}],
        tools=[tool],
        tool_choice="required",
    )
    call = reply.message.tool_calls[0]
    assert call.function.name == "get_weather"
    assert isinstance(call.function.parsed_arguments()["city"], str)


def test_chat_completion_json_schema(client: ZeroGPUClient) -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "moons": {"type": "integer"}},
        "required": ["name", "moons"],
        "additionalProperties": False,
    }
    reply = client.chat_completion(
        model="gpt-oss-120b",
        messages=[{"role": "user", "content": "Describe Mars as JSON."}],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "planet", "schema": schema},
        },
    )
    data = json.loads(reply.message.answer)
    assert isinstance(data["name"], str)
    assert isinstance(data["moons"], int)


def test_responses_route(client: ZeroGPUClient) -> None:
    reply = client.create_response(
        model="gpt-oss-120b", input="Suggest a name for a WiFi network.", instructions="Be brief."
    )
    assert reply.output_text
    assert reply.created_time is not None


def test_task_model_payload_on_responses(client: ZeroGPUClient) -> None:
    reply = client.create_response(
        model="gliner-multi-pii-v1",
        input="Contact John Doe at john@example.com or +1-415-555-0134.",
        metadata={"usecase": "extract-pii", "threshold": 0.5},
    )
    payload = json.loads(reply.output_text)
    labels = {entity["label"] for entity in payload["entities"]}
    assert "email" in labels


def test_embeddings(client: ZeroGPUClient) -> None:
    reply = client.create_embeddings(model="bge-small-en-v1.5", input=["first", "second"])
    vectors = reply.vectors()
    assert len(vectors) == 2
    assert len(vectors[0]) == 384


def test_moderation(client: ZeroGPUClient) -> None:
    reply = client.create_moderation(model="zlm-v1-moderation-edge", input=["hello", "hi"])
    assert len(reply.results) == 2
    assert len(reply.results[0].category_scores) == 13


def test_embedding_model_on_chat_is_rejected(client: ZeroGPUClient) -> None:
    with pytest.raises(BadRequestError):
        client.chat_completion(model="bge-small-en-v1.5", messages=MESSAGES)


def test_files_and_batches(client: ZeroGPUClient) -> None:
    line = {
        "custom_id": "req-1",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": "gpt-oss-120b", "messages": MESSAGES},
    }
    uploaded = client.upload_file(
        (json.dumps(line) + "\n").encode(), purpose="batch", filename="one.jsonl"
    )
    assert uploaded.purpose == "batch"
    assert client.retrieve_file(uploaded.id).id == uploaded.id
    assert any(f.id == uploaded.id for f in client.list_files(purpose="batch").data)
    assert b"req-1" in client.file_content(uploaded.id)
    batch = client.create_batch(input_file_id=uploaded.id, metadata={"test": "routes"})
    assert batch.status in ("validating", "in_progress", "finalizing", "completed")
    assert client.retrieve_batch(batch.id).id == batch.id
    assert any(b.id == batch.id for b in client.list_batches(limit=100).data)
    # A one-line batch may finish before the cancel arrives; both answers are valid.
    try:
        status = client.cancel_batch(batch.id).status
    except ConflictError:
        status = client.retrieve_batch(batch.id).status
    assert status in ("cancelling", "cancelled", "completed")
    assert client.delete_file(uploaded.id).deleted
    with pytest.raises(NotFoundError):
        client.retrieve_file(uploaded.id)


async def test_async_chat_and_embeddings(zerogpu_target: Target) -> None:
    async with AsyncZeroGPUClient(**zerogpu_target.client_kwargs(), max_retries=0) as client:
        reply = await client.chat_completion(model="gpt-oss-120b", messages=MESSAGES)
        assert reply.message.answer
        vectors = (await client.create_embeddings(model="all-minilm-l6-v2", input="x")).vectors()
        assert len(vectors[0]) == 384
