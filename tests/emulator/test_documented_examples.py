"""Documented example requests get the documented answers, in the right envelopes."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest

ENTRIES: list[dict[str, Any]] = json.loads(
    resources.files("zerogpu_core.emulator")
    .joinpath("data/documented_examples.json")
    .read_text(encoding="utf-8")
)["entries"]
ROUTES = {"chat": "/chat/completions", "responses": "/responses"}


def _request(entry: dict[str, Any]) -> dict[str, Any]:
    return {"model": entry["model"], **entry["match"]}


def _text(route: str, body: dict[str, Any]) -> str:
    if route == "chat":
        content: str = body["choices"][0]["message"]["content"]
        return content
    blocks = [c for item in body["output"] for c in item.get("content", [])]
    return str(next(b["text"] for b in blocks if b["type"] == "output_text"))


INFERENCE = [e for e in ENTRIES if e["route"] in ROUTES]


@pytest.mark.parametrize(
    "entry", INFERENCE, ids=[f"{e['route']}-{e['model']}-{i}" for i, e in enumerate(INFERENCE)]
)
def test_documented_inference_example(client: httpx.Client, entry: dict[str, Any]) -> None:
    route = entry["route"]
    response = client.post(ROUTES[route], json=_request(entry))
    assert response.status_code == 200, response.text
    body = response.json()
    result = entry["result"]
    text = _text(route, body)
    if result["kind"] == "payload":
        assert json.loads(text) == result["value"]
    else:
        assert text == result["content"]
    if result.get("usage"):
        key = (
            ("prompt_tokens", "completion_tokens")
            if route == "chat"
            else ("input_tokens", "output_tokens")
        )
        assert [body["usage"][key[0]], body["usage"][key[1]]] == result["usage"]
    if route == "chat":
        assert body["object"] == "chat.completion"
        assert body["choices"][0]["finish_reason"] == "stop"
    else:
        assert body["object"] == "response"


def test_deberta_documented_scores(client: httpx.Client) -> None:
    text = (
        "Apple is expected to unveil its next-generation M5 chip at WWDC this June, promising a"
        " 40% boost in GPU performance and a new dedicated AI core for on-device machine"
        " learning tasks."
    )
    body = {
        "model": "deberta-v3-small",
        "input": text,
        "instructions": "[sports, finance, politics]",
    }
    payload = json.loads(
        client.post("/responses", json=body).json()["output"][0]["content"][0]["text"]
    )
    assert payload == {
        "technology": 0.971784,
        "politics": 0.011858,
        "sports": 0.01175,
        "finance": 0.004608,
    }


def test_gpt_oss_responses_envelope_shape(client: httpx.Client) -> None:
    entry = next(e for e in INFERENCE if e["route"] == "responses" and e["model"] == "gpt-oss-120b")
    body = client.post("/responses", json={**_request(entry), "max_tokens": 800}).json()
    assert body["status"] == "completed"
    assert "created_at" in body
    assert "created" not in body
    assert body["instructions"] == "You are a witty naming consultant. Be brief."
    assert [item["type"] for item in body["output"]] == ["reasoning", "message"]
    assert body["output"][0]["content"][0]["text"] == entry["result"]["reasoning"]
    assert body["usage"] == {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}
    assert body["id"].startswith("resp_emu_")


def test_reasoning_chat_example_carries_reasoning(client: httpx.Client) -> None:
    entry = next(e for e in INFERENCE if e["route"] == "chat" and e["model"] == "qwen3-30b-a3b-fp8")
    message = client.post("/chat/completions", json=_request(entry)).json()["choices"][0]["message"]
    assert message["reasoning"] == entry["result"]["reasoning"]
    assert message["tool_calls"] == []
    assert message["content"].startswith("**1. Exponential backoff with jitter**")


def test_documented_embedding_keeps_prefix(client: httpx.Client) -> None:
    text = "ZeroGPU runs high-volume inference tasks on small models at the edge."
    body = client.post("/embeddings", json={"model": "all-minilm-l6-v2", "input": text}).json()
    vector = body["data"][0]["embedding"]
    assert vector[:3] == [0.012601, -0.072932, 0.043332]
    assert len(vector) == 384
    assert abs(sum(v * v for v in vector) - 1) < 1e-3
    assert body["model"] == "all-MiniLM-L6-v2"
    assert body["usage"] == {"prompt_tokens": 18, "total_tokens": 18}


@pytest.mark.parametrize(
    "value",
    [
        "I am so angry at this person that I want to hurt them. They are worthless and should be"
        " scared of what I might do next.",
        [
            {
                "type": "text",
                "text": "I am so angry at this person that I want to hurt them. They are worthless"
                " and should be scared of what I might do next.",
            }
        ],
    ],
)
def test_documented_moderation(client: httpx.Client, value: Any) -> None:
    body = client.post(
        "/moderations", json={"model": "zlm-v1-moderation-edge", "input": value}
    ).json()
    result = body["results"][0]
    assert result["category_scores"]["harassment/threatening"] == 0.957703
    assert result["flagged"] is True
    assert body["id"].startswith("modr-emu")


def _contract_values() -> list[Any]:
    """Every documented example, and every string inside one (answers in envelopes)."""
    folder = Path(__file__).resolve().parents[1] / "examples"
    values: list[Any] = []
    pending = [json.loads(path.read_text(encoding="utf-8")) for path in folder.glob("*.json")]
    while pending:
        value = pending.pop()
        values.append(value)
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return values


@pytest.mark.parametrize(
    "entry",
    [e for e in ENTRIES if e["result"]["kind"] in ("payload", "text")],
    ids=lambda e: e["model"],
)
def test_emulator_answers_are_the_documented_examples_verbatim(entry: dict[str, Any]) -> None:
    result = entry["result"]
    assert result.get("value", result.get("content")) in _contract_values()
