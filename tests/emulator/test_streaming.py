"""Server-sent-event streaming of chat completions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from zerogpu_core.emulator import Emulator

MAGIC = {
    "type": "function",
    "function": {
        "name": "magic_function",
        "parameters": {
            "type": "object",
            "properties": {"input": {"type": "integer"}},
            "required": ["input"],
        },
    },
}


def _events(response: httpx.Response) -> list[str]:
    assert response.headers["content-type"] == "text/event-stream"
    text = response.text
    assert text.endswith("data: [DONE]\n\n")
    frames = text.split("\n\n")
    assert frames[-1] == ""
    assert all(frame.startswith("data: ") for frame in frames[:-1])
    return [frame[len("data: ") :] for frame in frames[:-1]]


def _chunks(client: httpx.Client, **body: Any) -> list[dict[str, Any]]:
    payload = {"model": "gpt-oss-120b", "messages": [{"role": "user", "content": "Hello"}], **body}
    events = _events(client.post("/chat/completions", json={**payload, "stream": True}))
    assert events[-1] == "[DONE]"
    return [json.loads(e) for e in events[:-1]]


def test_text_stream_matches_non_streamed_answer(client: httpx.Client) -> None:
    chunks = _chunks(client, stream_options={"include_usage": True})
    full = client.post(
        "/chat/completions",
        json={"model": "gpt-oss-120b", "messages": [{"role": "user", "content": "Hello"}]},
    ).json()
    assert all(
        c["object"] == "chat.completion.chunk" and c["id"].startswith("chatcmpl-emu-")
        for c in chunks
    )
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    content = "".join(d.get("content") or "" for d in deltas)
    reasoning = "".join(d.get("reasoning", "") for d in deltas)
    message = full["choices"][0]["message"]
    assert content == message["content"]
    assert reasoning == message["reasoning"]
    assert sum(1 for d in deltas if d.get("content")) > 3
    final = [c for c in chunks if c["choices"] and c["choices"][0]["finish_reason"]]
    assert [f["choices"][0]["finish_reason"] for f in final] == ["stop"]
    usage_chunk = chunks[-1]
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"] == full["usage"]
    assert all(c["usage"] is None for c in chunks[:-1])


def test_no_usage_chunk_by_default(client: httpx.Client) -> None:
    chunks = _chunks(client)
    assert all(c["choices"] for c in chunks)
    assert all("usage" not in c for c in chunks)


def test_tool_call_deltas(client: httpx.Client) -> None:
    chunks = _chunks(
        client,
        messages=[{"role": "user", "content": "Run magic_function(7)"}],
        tools=[MAGIC],
        tool_choice="required",
    )
    calls = [tc for c in chunks for tc in c["choices"][0]["delta"].get("tool_calls", [])]
    assert calls[0]["index"] == 0
    assert calls[0]["id"].startswith("call_emu_")
    assert calls[0]["function"] == {"name": "magic_function", "arguments": ""}
    assert all(set(tc) == {"index", "function"} for tc in calls[1:])
    arguments = "".join(tc["function"]["arguments"] for tc in calls)
    assert json.loads(arguments) == {"input": 7}
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_omit_tool_call_index(connect: Callable[..., httpx.Client]) -> None:
    with Emulator(api_key="k", omit_tool_call_index=True) as emu:
        http = connect(emu, **{"x-api-key": "k"})
        chunks = _chunks(
            http, messages=[{"role": "user", "content": "magic_function(1)"}], tools=[MAGIC]
        )
    calls = [tc for c in chunks for tc in c["choices"][0]["delta"].get("tool_calls", [])]
    assert calls
    assert all("index" not in tc for tc in calls)


def test_json_stream_mode(connect: Callable[..., httpx.Client]) -> None:
    with Emulator(api_key="k", stream_mode="json") as emu:
        http = connect(emu, **{"x-api-key": "k"})
        body = {"model": "glm-5.2", "messages": [{"role": "user", "content": "Hi"}], "stream": True}
        response = http.post("/chat/completions", json=body)
    assert response.headers["content-type"] == "application/json"
    assert response.json()["object"] == "chat.completion"


def test_stream_options_require_stream(client: httpx.Client) -> None:
    body = {
        "model": "glm-5.2",
        "messages": [{"role": "user", "content": "Hi"}],
        "stream_options": {"include_usage": True},
    }
    assert client.post("/chat/completions", json=body).status_code == 400


def test_task_model_streams_its_json_payload(client: httpx.Client) -> None:
    chunks = _chunks(
        client,
        model="zlm-v1-iab-classify-edge",
        messages=[{"role": "user", "content": "New smartphone apps"}],
    )
    content = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert "audience" in json.loads(content)
