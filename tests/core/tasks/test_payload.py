"""Unwrapping task payloads from every documented carrier (content, metadata, output)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zerogpu_core.tasks import TaskOutputError, extract_payload
from zerogpu_core.types import ChatCompletion, Response

# The documented payloads (tests/examples is a copy of the contract examples).
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PAYLOAD_FILES = sorted(
    p.name for p in EXAMPLES.glob("*.json") if p.name.startswith(("zlm-v", "gliner-multi"))
)


def chat_envelope(content: str | None) -> dict[str, Any]:
    message = {"role": "assistant", "content": content}
    return {"id": "c1", "object": "chat.completion", "choices": [{"index": 0, "message": message}]}


def responses_envelope(text: str) -> dict[str, Any]:
    block = {"type": "output_text", "text": text}
    return {"id": "r1", "object": "response", "output": [{"type": "message", "content": [block]}]}


@pytest.mark.parametrize("name", PAYLOAD_FILES)
def test_every_documented_payload_unwraps_from_every_carrier(name: str) -> None:
    payload = json.loads((EXAMPLES / name).read_text())
    text = json.dumps(payload)
    carriers: list[Any] = [
        chat_envelope(text),
        ChatCompletion.model_validate(chat_envelope(text)),
        responses_envelope(text),
        Response.model_validate(responses_envelope(text)),
        payload,
        text,
        json.dumps(text),  # double-encoded
        f"```json\n{text}\n```",
    ]
    for carrier in carriers:
        assert extract_payload(carrier) == payload


def test_error_never_quotes_the_output() -> None:
    secret = "Jane Doe lives at 1 Main Street"
    with pytest.raises(TaskOutputError) as info:
        extract_payload(chat_envelope(secret), model="gliner-multi-pii-v1")
    assert secret not in str(info.value)
    assert info.value.__cause__ is None
    assert "not JSON" in str(info.value)


@pytest.mark.parametrize(
    ("carrier", "message"),
    [
        (chat_envelope(None), "no output text"),
        (chat_envelope("   "), "no output text"),
        ({"choices": []}, "without choices"),
        (chat_envelope("[1, 2]"), "expected an object"),
    ],
)
def test_unusable_outputs_are_named(carrier: Any, message: str) -> None:
    with pytest.raises(TaskOutputError, match=message):
        extract_payload(carrier)
