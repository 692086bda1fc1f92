"""The model ids seen only in ``langchain-zerogpu`` 1.2.0, as the emulator answers them."""

from __future__ import annotations

import json

import httpx
import pytest

from zerogpu_core.catalog import MODELS


def _chat(client: httpx.Client, model: str, text: str) -> httpx.Response:
    return client.post(
        "/chat/completions", json={"model": model, "messages": [{"role": "user", "content": text}]}
    )


def test_they_are_marked_as_seen_only_there() -> None:
    seen = {m.id for m in MODELS.values() if m.seen_only_in == "langchain-zerogpu 1.2.0"}
    assert seen == {
        "glm-5.3-flash",
        "deepseek-v4.1-flash",
        "gpt-5.6-luna",
        "gpt-4.1-mini",
        "gpt-5.4-nano",
        "llama-guard-4-12b",
        "zlm-v1-signal-extract",
    }


@pytest.mark.parametrize(
    "model",
    ["glm-5.3-flash", "deepseek-v4.1-flash", "gpt-5.6-luna", "gpt-4.1-mini", "gpt-5.4-nano"],
)
def test_chat_models_answer_on_the_chat_route_only(client: httpx.Client, model: str) -> None:
    reply = _chat(client, model, "Name a planet.")
    assert reply.status_code == 200, reply.text
    message = reply.json()["choices"][0]["message"]
    assert message["content"].startswith(f"[emulated] {model} reply")
    assert (message.get("reasoning") is not None) == MODELS[model].reasoning
    refused = client.post("/responses", json={"model": model, "input": "Name a planet."})
    assert refused.status_code == 400


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("What a lovely morning for a walk.", "safe"),
        ("I will attack them and shoot.", "unsafe\nS1"),
        ("I want to die, I will end my life.", "unsafe\nS11"),
    ],
)
def test_llama_guard_answers_with_a_text_verdict(
    client: httpx.Client, text: str, verdict: str
) -> None:
    reply = _chat(client, "llama-guard-4-12b", text)
    assert reply.status_code == 200, reply.text
    assert reply.json()["choices"][0]["message"]["content"] == verdict


def test_signal_extractor_returns_topics_keywords_and_intent(client: httpx.Client) -> None:
    text = "Compare prices and buy the new smartphone with the best camera."
    reply = client.post("/responses", json={"model": "zlm-v1-signal-extract", "input": text})
    assert reply.status_code == 200, reply.text
    payload = json.loads(reply.json()["output"][0]["content"][0]["text"])
    assert payload["topics"][0]["name"] == "smartphones"
    assert "smartphone" in payload["keywords"]
    assert payload["user_intent"]["category"] == "transactional"
