"""Generative chat/responses behaviour and request validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from zerogpu_core.emulator import Emulator


def _chat(content: str, model: str = "gpt-oss-120b", **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": content}], **extra}


def test_reasoning_model_chat_shape(client: httpx.Client) -> None:
    body = client.post("/chat/completions", json=_chat("Hello")).json()
    message = body["choices"][0]["message"]
    assert message["content"].startswith("[emulated]")
    assert message["reasoning"].startswith("[emulated]")
    assert message["tool_calls"] == []
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert 0 < usage["completion_tokens_details"]["reasoning_tokens"] < usage["completion_tokens"]


def test_plain_model_has_no_reasoning(client: httpx.Client) -> None:
    body = client.post("/chat/completions", json=_chat("Hello", "LFM2.5-1.2B-Instruct")).json()
    message = body["choices"][0]["message"]
    assert set(message) == {"role", "content"}
    assert "completion_tokens_details" not in body["usage"]


def test_same_request_same_payload(client: httpx.Client) -> None:
    first = client.post("/chat/completions", json=_chat("Deterministic?")).json()
    second = client.post("/chat/completions", json=_chat("Deterministic?")).json()
    assert first["choices"] == second["choices"]
    assert first["usage"] == second["usage"]
    assert first["id"] != second["id"]


def test_inline_thinking_model(client: httpx.Client) -> None:
    message = client.post("/chat/completions", json=_chat("Why?", "LFM2.5-1.2B-Thinking")).json()[
        "choices"
    ][0]["message"]
    assert message["content"].startswith("<think>[emulated]")
    assert "</think>\n\n[emulated]" in message["content"]
    assert "reasoning" not in message


def test_max_tokens_truncates_with_length(client: httpx.Client) -> None:
    body = client.post(
        "/chat/completions", json=_chat("Hi", "LFM2.5-1.2B-Instruct", max_tokens=3)
    ).json()
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["completion_tokens"] <= 3
    assert body["choices"][0]["message"]["content"] == "[emulated]"


def test_max_tokens_budget_covers_reasoning(client: httpx.Client) -> None:
    body = client.post("/chat/completions", json=_chat("Hi", max_tokens=8)).json()
    assert body["usage"]["completion_tokens"] <= 8
    assert body["choices"][0]["finish_reason"] == "length"


def test_stop_cuts_before_sequence(client: httpx.Client) -> None:
    body = client.post("/chat/completions", json=_chat("Hi", stop=["deterministic"])).json()
    content = body["choices"][0]["message"]["content"]
    assert content.startswith("[emulated]")
    assert "deterministic" not in content
    assert content.endswith("This ")


def test_n_choices(client: httpx.Client) -> None:
    body = client.post("/chat/completions", json=_chat("Hi", "LFM2.5-1.2B-Instruct", n=3)).json()
    contents = [c["message"]["content"] for c in body["choices"]]
    assert [c["index"] for c in body["choices"]] == [0, 1, 2]
    assert len(set(contents)) == 3


def test_history_with_tool_messages_and_names_is_accepted(client: httpx.Client) -> None:
    messages = [
        {"role": "system", "content": "be nice"},
        {"role": "developer", "content": "be brief"},
        {"role": "user", "content": [{"type": "text", "text": "hello"}], "name": "ann"},
        {"role": "assistant", "content": "hello"},
        {"role": "user", "content": "how are you"},
    ]
    body = client.post("/chat/completions", json={"model": "glm-5.2", "messages": messages})
    assert body.status_code == 200
    assert "how are you" in body.json()["choices"][0]["message"]["content"]


def test_t5_summary(client: httpx.Client) -> None:
    body = client.post(
        "/responses", json={"model": "t5-small", "input": "The Moon Is Bright. It Is Late."}
    ).json()
    assert body["output"][0]["content"][0]["text"] == "the moon is bright."
    assert "created" in body


def test_generic_responses_envelope(client: httpx.Client) -> None:
    body = client.post(
        "/responses",
        json={"model": "LFM2.5-1.2B-Instruct", "input": "Hi", "instructions": "Be kind"},
    ).json()
    assert body["object"] == "response"
    assert body["id"].startswith("resp_emu_")
    assert body["output"][0]["content"][0]["type"] == "output_text"
    assert set(body["usage"]) == {"input_tokens", "output_tokens", "total_tokens"}


def _error(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


@pytest.mark.parametrize(
    ("path", "body", "status", "param"),
    [
        ("/chat/completions", {"messages": [{"role": "user", "content": "x"}]}, 400, "model"),
        ("/chat/completions", {"model": "gpt-oss-120b", "messages": []}, 400, "messages"),
        ("/chat/completions", _chat(""), 400, "messages[0].content"),
        ("/chat/completions", _chat("x" * 131_073), 400, "messages[0].content"),
        ("/chat/completions", _chat("x", response_format={"type": "xml"}), 400, "response_format"),
        ("/chat/completions", _chat("x", max_tokens=0), 400, "max_tokens"),
        ("/chat/completions", _chat("x", stop=["a", "b", "c", "d", "e"]), 400, "stop"),
        ("/chat/completions", _chat("x", tool_choice="auto"), 400, "tool_choice"),
        ("/chat/completions", _chat("x", model="no-such-model"), 404, "model"),
        ("/chat/completions", _chat("x", model="all-minilm-l6-v2"), 400, "model"),
        ("/chat/completions", _chat("x", model="zlm-v1-moderation-edge"), 400, "model"),
        ("/responses", {"model": "qwen3-30b-a3b-fp8", "input": "x"}, 400, "model"),
        ("/responses", {"model": "bge-small-en-v1.5", "input": "x"}, 400, "model"),
        (
            "/responses",
            {"model": "gpt-oss-120b", "input": [{"role": "user", "content": "x"}]},
            400,
            "input",
        ),
        ("/responses", {"model": "gpt-oss-120b", "input": ""}, 400, "input"),
        (
            "/responses",
            {"model": "gpt-oss-120b", "input": "x", "text": {"format": {"type": "json"}}},
            400,
            "text.format.type",
        ),
    ],
)
def test_validation_errors(
    client: httpx.Client, path: str, body: dict[str, Any], status: int, param: str
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == status
    error = _error(response)
    assert error["param"] == param
    assert error["type"] == ("not_found_error" if status == 404 else "invalid_request_error")


def test_llama_on_responses_is_invalid_prompt(client: httpx.Client) -> None:
    response = client.post("/responses", json={"model": "llama-3.1-8b-instruct-fast", "input": "x"})
    assert response.status_code == 400
    assert _error(response)["code"] == "invalid_prompt"


def test_context_length_exceeded_default_400(client: httpx.Client) -> None:
    response = client.post("/chat/completions", json=_chat("word " * 450, "deberta-v3-small"))
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "context_length_exceeded"
    assert error["message"] == "Input exceeds max_tokens (400) for model: deberta-v3-small"


def test_context_length_exceeded_420_variant(connect: Callable[..., httpx.Client]) -> None:
    with Emulator(api_key="k", context_length_status=420) as emu:
        http = connect(emu, **{"x-api-key": "k"})
        response = http.post("/responses", json={"model": "gliner2-base-v1", "input": "x" * 3300})
    assert response.status_code == 420
    assert _error(response)["code"] == "context_length_exceeded"
    assert _error(response)["param"] == "input"


def test_documented_truncation_instead_of_rejection(client: httpx.Client) -> None:
    response = client.post("/responses", json={"model": "t5-small", "input": "Long text. " * 400})
    assert response.status_code == 200
