"""Embeddings vectors and moderation results."""

from __future__ import annotations

import base64
import math
import struct
from typing import Any

import httpx
import pytest


def _embed(
    client: httpx.Client, value: Any, model: str = "bge-small-en-v1.5", **extra: Any
) -> dict[str, Any]:
    response = client.post("/embeddings", json={"model": model, "input": value, **extra})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_vectors_are_deterministic_unit_vectors(client: httpx.Client) -> None:
    texts = ["the cat sat on the mat", "a cat sat on the mat", "quarterly revenue grew strongly"]
    body = _embed(client, texts)
    assert [d["index"] for d in body["data"]] == [0, 1, 2]
    vectors = [d["embedding"] for d in body["data"]]
    assert all(len(v) == 384 and math.isclose(_cosine(v, v), 1, abs_tol=1e-3) for v in vectors)
    assert _cosine(vectors[0], vectors[1]) > 0.5 > _cosine(vectors[0], vectors[2])
    assert _embed(client, texts[0])["data"][0]["embedding"] == vectors[0]
    assert body["model"] == "bge-small-en-v1.5"
    assert body["usage"]["prompt_tokens"] == body["usage"]["total_tokens"] > 0


def test_minilm_reports_upstream_name(client: httpx.Client) -> None:
    assert _embed(client, "hello", "all-minilm-l6-v2")["model"] == "all-MiniLM-L6-v2"


def test_base64_encoding(client: httpx.Client) -> None:
    encoded = _embed(client, "hello", encoding_format="base64")["data"][0]["embedding"]
    floats = struct.unpack("<384f", base64.b64decode(encoded))
    plain = _embed(client, "hello")["data"][0]["embedding"]
    assert all(math.isclose(a, b, abs_tol=1e-6) for a, b in zip(floats, plain, strict=True))


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"model": "bge-small-en-v1.5", "input": []}, 400),
        ({"model": "bge-small-en-v1.5", "input": ["ok", ""]}, 400),
        ({"model": "bge-small-en-v1.5", "input": [1, 2]}, 400),
        ({"model": "gpt-oss-120b", "input": "x"}, 400),
        ({"model": "nope", "input": "x"}, 404),
        ({"input": "x"}, 400),
    ],
)
def test_embedding_errors(client: httpx.Client, body: dict[str, Any], status: int) -> None:
    assert client.post("/embeddings", json=body).status_code == status


CATEGORIES = {
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
}


def test_moderation_inputs_and_shape(client: httpx.Client) -> None:
    body = client.post(
        "/moderations",
        json={"model": "zlm-v1-moderation-edge", "input": ["Have a lovely day", "I will kill you"]},
    ).json()
    calm, violent = body["results"]
    for result in (calm, violent):
        assert set(result["categories"]) == set(result["category_scores"]) == CATEGORIES
        assert all(0 <= s <= 1 for s in result["category_scores"].values())
        assert all(v == ["text"] for v in result["category_applied_input_types"].values())
    assert calm["flagged"] is False
    assert violent["flagged"] is True
    assert violent["categories"]["violence"] is True


def test_moderation_text_parts_form_one_input(client: httpx.Client) -> None:
    parts = [{"type": "text", "text": "first"}, {"type": "text", "text": "second"}]
    body = client.post("/moderations", json={"input": parts}).json()
    assert len(body["results"]) == 1
    assert body["model"] == "zlm-v1-moderation-edge"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"input": ""}, 400),
        ({"input": [{"type": "image_url", "image_url": {"url": "x"}}]}, 400),
        ({"model": "bge-small-en-v1.5", "input": "x"}, 400),
        ({"model": "nope", "input": "x"}, 404),
    ],
)
def test_moderation_errors(client: httpx.Client, body: dict[str, Any], status: int) -> None:
    assert client.post("/moderations", json=body).status_code == status


def test_moderation_input_over_limit(client: httpx.Client) -> None:
    response = client.post("/moderations", json={"input": "word " * 4000})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "context_length_exceeded"
