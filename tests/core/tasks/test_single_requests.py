"""Request builders and reply readers of the single-request tasks (pure functions)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zerogpu_core.tasks import TaskOutputError, parse_iab_payload
from zerogpu_core.tasks.extraction import (
    classification_request,
    entities_request,
    json_extraction_request,
)
from zerogpu_core.tasks.moderation import parse_guard_verdict
from zerogpu_core.tasks.pii import PIIResult
from zerogpu_core.tasks.pii_payload import extraction_payload, redaction_payload
from zerogpu_core.tasks.redaction import PIISpan
from zerogpu_core.tasks.signals import signals_request
from zerogpu_core.tasks.single_turn import TextReply, chat_request, response_request
from zerogpu_core.tasks.zero_shot import zero_shot_request

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_responses_body_puts_system_text_in_instructions() -> None:
    body = response_request("m", "Hi", system="Be brief", metadata={"usecase": "ner"})
    assert body == {
        "model": "m",
        "input": "Hi",
        "instructions": "Be brief",
        "metadata": {"usecase": "ner"},
    }
    assert response_request("m", "Hi") == {"model": "m", "input": "Hi"}


def test_extra_body_may_not_replace_the_input() -> None:
    with pytest.raises(ValueError, match=r"may not set \['input'\]"):
        response_request("m", "Hi", extra_body={"input": "other"})


def test_chat_body_has_the_system_message_first() -> None:
    assert chat_request("m", "Hi", system="S")["messages"] == [
        {"role": "system", "content": "S"},
        {"role": "user", "content": "Hi"},
    ]


@pytest.mark.parametrize("text", ["", "  \n", None, 3])
def test_blank_or_non_text_is_refused(text: Any) -> None:
    with pytest.raises(ValueError, match="text must"):
        signals_request(text)


def test_zero_shot_labels_are_top_level_categories() -> None:
    body = zero_shot_request("Apple unveils a chip", ["tech", "sports"])
    assert body == {
        "model": "deberta-v3-small",
        "input": "Apple unveils a chip",
        "categories": ["tech", "sports"],
    }


@pytest.mark.parametrize(
    ("labels", "message"),
    [("person", "list of strings"), ([], "at least one"), (["ok", " "], r"labels\[1\]")],
)
def test_bad_labels_are_named(labels: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        entities_request("text", labels)


def test_gliner2_bodies_carry_usecase_and_threshold() -> None:
    assert entities_request("t", ["person"], threshold=0.3)["metadata"] == {
        "usecase": "ner",
        "labels": ["person"],
        "threshold": 0.3,
    }
    schema = {"contact": ["name::str::Full name"]}
    assert json_extraction_request("t", schema)["metadata"] == {"usecase": "json", "schema": schema}
    axes = {"sentiment": ["positive", "negative"]}
    assert classification_request("t", axes)["metadata"]["usecase"] == "classification"


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({}, "non-empty object"),
        ({"contact": "name::str"}, r"schema\['contact'\] must be a non-empty list"),
        ({"contact": ["ok", 3]}, "only non-empty strings"),
    ],
)
def test_malformed_schemas_are_refused(schema: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        json_extraction_request("t", schema)


@pytest.mark.parametrize("threshold", [-0.1, 1.5, True, "0.5"])
def test_threshold_outside_0_to_1_is_refused(threshold: Any) -> None:
    with pytest.raises(ValueError, match="threshold must be"):
        entities_request("t", ["person"], threshold=threshold)


@pytest.mark.parametrize(
    ("text", "safe", "codes", "names"),
    [
        ("safe", True, (), []),
        ("\nunsafe\nS1,S10\n", False, ("S1", "S10"), ["Violent Crimes", "Hate"]),
        ("unsafe\ns2", False, ("S2",), ["Non-Violent Crimes"]),
    ],
)
def test_guard_verdicts_are_read(
    text: str, safe: bool, codes: tuple[str, ...], names: list[str]
) -> None:
    verdict = parse_guard_verdict(text)
    assert (verdict.safe, verdict.codes, verdict.categories) == (safe, codes, names)


def test_text_that_is_not_a_verdict_is_an_error_without_quoting_it() -> None:
    with pytest.raises(TaskOutputError) as raised:
        parse_guard_verdict("Jane Doe lives at 1 Main St")
    assert "Jane" not in str(raised.value)


def test_reasoning_is_shown_only_on_request() -> None:
    reply = TextReply("Tokyo.", "Japan's capital is Tokyo.")
    assert reply.answer == "Tokyo."
    assert reply.with_reasoning() == "<thinking>\nJapan's capital is Tokyo.\n</thinking>\n\nTokyo."
    assert TextReply("Tokyo.").with_reasoning() == "Tokyo."


@pytest.mark.parametrize(
    ("example", "model"),
    [
        ("zlm-v1-iab-classify-edge.response.json", "zlm-v1-iab-classify-edge"),
        ("zlm-v2-iab-classify-edge-enriched.response.json", "zlm-v2-iab-classify-edge-enriched"),
        ("zlm-v1-iab-domain-classifier.response.json", "zlm-v1-iab-domain-classifier"),
        ("zlm-v1-multi-iab-classify.response.json", "zlm-v1-multi-iab-classify"),
    ],
)
def test_iab_payload_survives_a_round_trip(example: str, model: str) -> None:
    payload = json.loads((EXAMPLES / example).read_text(encoding="utf-8"))
    assert parse_iab_payload(payload, model=model).to_payload() == payload


def test_pii_payloads_match_the_documented_shape() -> None:
    text = "Call Jane Doe at 415-555-0134."
    spans = [PIISpan("person", 5, 13, 0.99), PIISpan("phone number", 17, 29, 0.97)]
    extracted = extraction_payload(text, spans)
    assert extracted["entities"][0] == {
        "text": "Jane Doe",
        "label": "person",
        "start": 5,
        "end": 13,
        "score": 0.99,
    }
    assert extracted["entities_by_label"] == {
        "person": ["Jane Doe"],
        "phone number": ["415-555-0134"],
    }
    redacted = [PIISpan(s.label, s.start, s.end, s.score, placeholder="[X]") for s in spans]
    result = PIIResult(model="m", text="Call [X] at [X].", spans=tuple(redacted))
    payload = redaction_payload(result)
    assert payload["redacted_text"] == "Call [X] at [X]."
    assert "Jane" not in json.dumps(payload)
