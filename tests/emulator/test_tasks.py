"""Rule-based task-model payloads (IAB, GLiNER PII, gliner2, deberta)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

PII_TEXT = (
    "Bonjour, je suis Jürgen Müller. Hi, I'm Sarah Connor-Smith; reach Jane Doe at "
    "jane.doe@example.org or (415) 555-0192. Office: 12 Market Street, Suite 5, Austin, TX 78701."
)


def _task(client: httpx.Client, model: str, text: str, route: str = "chat", **extra: Any) -> Any:
    if route == "chat":
        body = {"model": model, "messages": [{"role": "user", "content": text}], **extra}
        response = client.post("/chat/completions", json=body)
        assert response.status_code == 200, response.text
        content = response.json()["choices"][0]["message"]["content"]
    else:
        response = client.post("/responses", json={"model": model, "input": text, **extra})
        assert response.status_code == 200, response.text
        content = response.json()["output"][0]["content"][0]["text"]
    assert isinstance(content, str)
    return json.loads(content)


@pytest.mark.parametrize("route", ["chat", "responses"])
def test_pii_offsets_match_the_input(client: httpx.Client, route: str) -> None:
    payload = _task(
        client, "gliner-multi-pii-v1", PII_TEXT, route, metadata={"usecase": "extract-pii"}
    )
    assert "redacted_text" not in payload
    entities = payload["entities"]
    for entity in entities:
        assert PII_TEXT[entity["start"] : entity["end"]] == entity["text"]
        assert 0.5 <= entity["score"] <= 1
    labels = {(e["label"], e["text"]) for e in entities}
    assert {
        ("person", "Jürgen Müller"),
        ("person", "Jane Doe"),
        ("email", "jane.doe@example.org"),
        ("phone number", "(415) 555-0192"),
        ("address", "12 Market Street, Suite 5, Austin, TX 78701"),
    } <= labels
    assert payload["entities_by_label"]["email"] == ["jane.doe@example.org"]


def test_pii_redaction_placeholders(client: httpx.Client) -> None:
    text = "Call Jane Doe on +1-415-555-0134 or mail jane@example.com today."
    payload = _task(
        client, "gliner-multi-pii-v1", text, metadata={"usecase": "redact", "mask": "label"}
    )
    assert payload["redacted_text"] == "Call [PERSON] on [PHONE_NUMBER] or mail [EMAIL] today."
    assert [e["label"] for e in payload["entities"]] == ["person", "phone number", "email"]


@pytest.mark.parametrize("key", ["categories", "labels"])
def test_pii_category_filter(client: httpx.Client, key: str) -> None:
    payload = _task(client, "gliner-multi-pii-v1", PII_TEXT, metadata={key: ["identity"]})
    assert {e["label"] for e in payload["entities"]} == {"person"}
    contact = _task(client, "gliner-multi-pii-v1", PII_TEXT, metadata={key: ["contact"]})
    assert {e["label"] for e in contact["entities"]} == {"email", "phone number", "address"}


def test_pii_threshold_filters_by_score(client: httpx.Client) -> None:
    text = "Follow linkedin.com/in/janedoe or email jane@example.com"
    low = _task(client, "gliner-multi-pii-v1", text, metadata={"threshold": 0.5})
    high = _task(client, "gliner-multi-pii-v1", text, metadata={"threshold": 0.9})
    assert {e["label"] for e in low["entities"]} == {"social media handle", "email"}
    assert {e["label"] for e in high["entities"]} == {"email"}


@pytest.mark.parametrize(
    ("metadata", "param"),
    [
        ({"usecase": "anonymize"}, "metadata.usecase"),
        ({"mask": "stars"}, "metadata.mask"),
        ({"threshold": 2}, "metadata.threshold"),
    ],
)
def test_pii_option_errors(client: httpx.Client, metadata: dict[str, Any], param: str) -> None:
    body = {"model": "gliner-multi-pii-v1", "input": "x", "metadata": metadata}
    response = client.post("/responses", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def _scores_sorted(items: list[dict[str, Any]]) -> None:
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)


TECH = "My new smartphone runs AI apps on a fast chip; the software update improved the battery."


def test_iab_edge_shape(client: httpx.Client) -> None:
    payload = _task(client, "zlm-v1-iab-classify-edge", TECH)
    assert set(payload) == {"audience", "content"}
    assert set(payload["content"]) == {"iab_1_0", "iab_2_2"}
    for items in (payload["audience"], *payload["content"].values()):
        assert items
        assert all(set(i) == {"name", "score"} for i in items)
        _scores_sorted(items)
    assert payload["content"]["iab_1_0"][0]["name"] == "Technology & Computing"


def test_iab_enriched_shape(client: httpx.Client) -> None:
    payload = _task(client, "zlm-v2-iab-classify-edge-enriched", TECH, "responses")
    assert set(payload) == {"audience", "content", "topics", "keywords", "user_intent"}
    assert set(payload["content"]) == {"iab_1_0"}
    assert {"id", "parent_id", "name", "tier1_name", "score"} <= set(payload["audience"][0])
    assert {"code", "name", "tier", "parent_code", "score"} == set(payload["content"]["iab_1_0"][0])
    assert payload["user_intent"]["category"] == "informational"
    assert "smartphone" in payload["keywords"]
    _scores_sorted(payload["topics"])


def test_iab_multi_shape(client: httpx.Client) -> None:
    text = "El ejercicio regular y la aptitud física son buenos para la salud."
    payload = _task(client, "zlm-v1-multi-iab-classify", text)
    item = payload["content"]["iab_2_2"][0]
    assert {"id", "parent_id", "name", "tier1_name", "score"} <= set(item)
    assert item["name"] == "Fitness and Exercise"
    assert "ejercicio" in payload["keywords"]


def test_iab_domain_shape(client: httpx.Client) -> None:
    payload = _task(client, "zlm-v1-iab-domain-classifier", "dailynews-tribune.com", "responses")
    assert "audience" not in payload
    assert payload["content"]["iab_1_0"][0]["name"] == "News"
    assert payload["keywords"]


def test_deberta_labels_from_every_source(client: httpx.Client) -> None:
    text = "The team won the championship match after a late goal by their best player."
    by_system = client.post(
        "/chat/completions",
        json={
            "model": "deberta-v3-small",
            "messages": [
                {"role": "system", "content": "[Sports, Finance, Politics]"},
                {"role": "user", "content": text},
            ],
        },
    ).json()["choices"][0]["message"]["content"]
    by_instructions = _task(
        client, "deberta-v3-small", text, "responses", instructions="[sports, finance, politics]"
    )
    by_categories = _task(
        client, "deberta-v3-small", text, categories=["Sports", "Finance", "Politics"]
    )
    for payload in (json.loads(by_system), by_instructions, by_categories):
        assert next(iter(payload)) == "sports"
        assert set(payload) == {"sports", "finance", "politics"}
        assert abs(sum(payload.values()) - 1.0) < 1e-9
        assert list(payload.values()) == sorted(payload.values(), reverse=True)


def test_deberta_without_labels_is_400(client: httpx.Client) -> None:
    response = client.post("/responses", json={"model": "deberta-v3-small", "input": "text"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "instructions"


def test_gliner2_ner(client: httpx.Client) -> None:
    text = "We moved from MySQL 8 to PostgreSQL and deploy with Docker on AWS over HTTPS."
    payload = _task(
        client,
        "gliner2-base-v1",
        text,
        metadata={"usecase": "ner", "labels": ["database", "protocol", "animal"]},
    )
    assert payload == {"entities": {"database": ["MySQL 8", "PostgreSQL"], "protocol": ["HTTPS"]}}


def test_gliner2_json_extraction(client: httpx.Client) -> None:
    text = (
        "Regards, Anna Schmidt, Data Scientist at Acme Corp. Email: anna@acme.io,"
        " Phone: 555-123-4567"
    )
    schema = {
        "person": [
            "name::str::Full name",
            "email::str::Email",
            "title::str::Job title",
            "fax::str::Fax",
        ]
    }
    payload = _task(
        client, "gliner2-base-v1", text, "responses", metadata={"usecase": "json", "schema": schema}
    )
    assert payload == {
        "data": {
            "person": [
                {
                    "name": "Anna Schmidt",
                    "email": "anna@acme.io",
                    "title": "Data Scientist",
                    "fax": None,
                }
            ]
        }
    }


def test_gliner2_classification(client: httpx.Client) -> None:
    schema = {"sentiment": ["positive", "negative", "neutral"]}
    happy = _task(
        client,
        "gliner2-base-v1",
        "I love it, excellent!",
        metadata={"usecase": "classification", "schema": schema},
    )
    sad = _task(
        client,
        "gliner2-base-v1",
        "Terrible, broken, awful.",
        metadata={"usecase": "classification", "schema": schema},
    )
    assert happy == {"classification": {"sentiment": "positive"}}
    assert sad == {"classification": {"sentiment": "negative"}}


def test_task_usage_counts_input_only(client: httpx.Client) -> None:
    body = client.post(
        "/responses", json={"model": "zlm-v1-iab-classify-edge", "input": TECH}
    ).json()
    assert body["usage"]["input_tokens"] > 0
    assert body["usage"]["output_tokens"] == 0


def test_gliner2_ner_dates_in_both_orders(client: httpx.Client) -> None:
    text = "Shipped June 3, 2024; stuck since 28 May. Due 12 July 2024, not at 12 Mayfield Road."
    payload = _task(
        client, "gliner2-base-v1", text, metadata={"usecase": "ner", "labels": ["date"]}
    )
    assert payload == {"entities": {"date": ["June 3, 2024", "28 May", "12 July 2024"]}}
