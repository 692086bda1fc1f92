"""Emulated summaries (t5-small's silent 512-token cut, llama asked for a summary)
and the signal model's ``max_keywords``, domain and multilingual IAB limits."""

from __future__ import annotations

import json
from typing import Any

import httpx

from zerogpu_core.tasks.summarize import SUMMARY_INSTRUCTION

LONG = " ".join(f"Sentence {i} names waypoint {i}." for i in range(200))


def _chat(client: httpx.Client, model: str, *messages: tuple[str, str], **extra: Any) -> Any:
    body = {"model": model, "messages": [{"role": r, "content": c} for r, c in messages], **extra}
    reply = client.post("/chat/completions", json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_t5_truncates_silently_at_512_tokens(client: httpx.Client) -> None:
    body = _chat(client, "t5-small", ("user", LONG))
    summary = body["choices"][0]["message"]["content"]
    assert summary.startswith("sentence 0 names waypoint 0.")
    # The last sentence read lies before the cut, far from the end of the input.
    last_read = int(summary.rsplit("sentence ", 1)[1].split()[0])
    assert 10 < last_read < 150
    assert body["usage"]["prompt_tokens"] <= 512
    short = _chat(client, "t5-small", ("user", "One. Two. Three."))
    assert short["choices"][0]["message"]["content"] == "one. three."


def test_llama_summarises_when_asked_and_respects_max_tokens(client: httpx.Client) -> None:
    text = "The rover landed. It took photos. It sent them home."
    asked = _chat(
        client, "llama-3.1-8b-instruct-fast", ("system", SUMMARY_INSTRUCTION), ("user", text)
    )
    content = asked["choices"][0]["message"]["content"]
    assert content == "[emulated summary] The rover landed. It sent them home."
    cut = _chat(
        client,
        "llama-3.1-8b-instruct-fast",
        ("system", SUMMARY_INSTRUCTION),
        ("user", text),
        max_tokens=3,
    )
    assert cut["choices"][0]["finish_reason"] == "length"
    bare = _chat(client, "llama-3.1-8b-instruct-fast", ("user", "Hello there"))
    assert bare["choices"][0]["message"]["content"].startswith("[emulated]")


def test_signal_max_keywords_applied_and_checked(client: httpx.Client) -> None:
    text = "Compare prices and buy the new smartphone with the best camera and battery."
    body = {"model": "zlm-v1-signal-extract", "input": text, "metadata": {"max_keywords": 2}}
    reply = client.post("/responses", json=body)
    assert reply.status_code == 200, reply.text
    assert len(json.loads(reply.json()["output"][0]["content"][0]["text"])["keywords"]) == 2
    body["metadata"] = {"max_keywords": "two"}
    bad = client.post("/responses", json=body)
    assert bad.status_code == 400
    assert bad.json()["error"]["param"] == "metadata"
    chat = client.post(
        "/chat/completions",
        json={"model": "zlm-v1-signal-extract", "messages": [{"role": "user", "content": text}]},
    )
    assert chat.status_code == 400  # served on /v1/responses only


def test_domain_model_rejects_input_over_100_tokens(client: httpx.Client) -> None:
    body = {"model": "zlm-v1-iab-domain-classifier", "input": "a1." * 60 + "com"}
    reply = client.post("/responses", json=body)
    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "context_length_exceeded"


def test_multilingual_iab_truncates_silently_at_400_tokens(client: httpx.Client) -> None:
    text = "El ejercicio regular es bueno para la salud. " * 80
    reply = client.post("/responses", json={"model": "zlm-v1-multi-iab-classify", "input": text})
    assert reply.status_code == 200
    assert reply.json()["usage"]["input_tokens"] <= 400
