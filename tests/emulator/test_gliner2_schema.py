"""The emulated ``gliner2-base-v1`` ``json`` and ``classification`` use cases: the
documented shapes, the schema checks and the 800-token input limit."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

MODEL = "gliner2-base-v1"
SCHEMA = {"contact": ["name::str::Full name", "phones::list::Phone numbers"]}


def _post(client: httpx.Client, text: str, metadata: dict[str, Any]) -> httpx.Response:
    body = {"model": MODEL, "messages": [{"role": "user", "content": text}], "metadata": metadata}
    return client.post("/chat/completions", json=body)


def test_json_list_fields_and_deterministic(client: httpx.Client) -> None:
    text = "Call Jane Doe on 555-123-4567 or 555-987-6543."
    first = _post(client, text, {"usecase": "json", "schema": SCHEMA})
    assert first.status_code == 200, first.text
    payload = json.loads(first.json()["choices"][0]["message"]["content"])
    assert payload == {
        "data": {"contact": [{"name": "Jane Doe", "phones": ["555-123-4567", "555-987-6543"]}]}
    }
    again = _post(client, text, {"usecase": "json", "schema": SCHEMA})
    assert again.json()["choices"] == first.json()["choices"]


@pytest.mark.parametrize(
    "spec", ["name", "name::int::Age", "::str::Full name", "name:str:Full name"]
)
def test_json_refuses_specs_off_the_documented_form(client: httpx.Client, spec: str) -> None:
    response = _post(client, "Jane Doe", {"usecase": "json", "schema": {"contact": [spec]}})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["param"] == "metadata.schema"
    assert "name::type::description" in error["message"]


@pytest.mark.parametrize(
    ("usecase", "schema"),
    [
        ("json", None),
        ("json", {"contact": []}),
        ("json", {"contact": "name::str"}),
        ("classification", {"sentiment": "positive"}),
        ("classification", {}),
    ],
)
def test_schema_shape_is_enforced(client: httpx.Client, usecase: str, schema: Any) -> None:
    response = _post(client, "Jane Doe", {"usecase": usecase, "schema": schema})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "metadata.schema"


@pytest.mark.parametrize("usecase", ["json", "classification"])
def test_over_800_tokens_is_rejected_not_truncated(client: httpx.Client, usecase: str) -> None:
    schema = SCHEMA if usecase == "json" else {"sentiment": ["positive", "negative"]}
    response = _post(client, "I love it. " * 400, {"usecase": usecase, "schema": schema})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "context_length_exceeded"
