"""Pure PII logic: entity parsing, offset checks, masking, numbering."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zerogpu_core.tasks import TaskOutputError, deanonymize, parse_pii_payload
from zerogpu_core.tasks.redaction import (
    PIISpan,
    Placeholders,
    RawEntity,
    _bounded,
    find_occurrences,
    locate_entity,
    merge_overlaps,
    placeholder_label,
    redact_spans,
)

# The documented payloads (tests/examples is a copy of the contract examples).
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("name", "count", "has_redacted"),
    [
        ("gliner-multi-pii-v1.redact.response.json", 4, True),
        ("gliner-multi-pii-v1.extract-pii.response.json", 3, False),
        ("gliner-multi-pii-v1.redact.langchain-cookbook.json", 9, True),
    ],
)
def test_documented_payloads_parse(name: str, count: int, has_redacted: bool) -> None:
    entities, redacted = parse_pii_payload(json.loads((EXAMPLES / name).read_text()))
    assert len(entities) == count
    assert (redacted is not None) is has_redacted
    assert all(e.start is not None and e.text for e in entities)


def test_entities_by_label_only_gives_entities_to_search_for() -> None:
    entities, _ = parse_pii_payload({"entities_by_label": {"email": ["a@b.io"], "person": "Jo"}})
    assert entities == [RawEntity("email", 0.0, text="a@b.io"), RawEntity("person", 0.0, text="Jo")]


def test_entity_without_label_is_kept_not_dropped() -> None:
    entities, _ = parse_pii_payload({"entities": [{"text": "x@y.io", "start": 0, "end": 6}]})
    assert entities[0].label == "pii"


@pytest.mark.parametrize(
    "payload",
    [{"redacted_text": "hi"}, {"entities": [{"label": "person"}]}, {"entities": ["Jane"]}],
)
def test_unusable_payloads_raise(payload: dict[str, object]) -> None:
    with pytest.raises(TaskOutputError):
        parse_pii_payload(payload)


TEXT = "Call Jane Doe at 555-0100; Jane Doe picks up."


def test_offsets_trusted_only_when_they_point_at_the_text() -> None:
    assert locate_entity(TEXT, RawEntity("person", 1, 5, 13, "Jane Doe")) == (5, 13)
    # Shifted offsets (e.g. counted in UTF-16 units): the nearest occurrence wins.
    assert locate_entity(TEXT, RawEntity("person", 1, 28, 36, "Jane Doe")) == (27, 35)
    assert locate_entity(TEXT, RawEntity("person", 1, None, None, "Jane Doe")) == (5, 13)
    assert locate_entity(TEXT, RawEntity("phone", 1, 17, 25)) == (17, 25)


def test_search_tolerates_whitespace_and_case_but_not_absence() -> None:
    text = "Dear JANE\n  DOE, hello"
    assert locate_entity(text, RawEntity("person", 1, 0, 3, "Jane Doe")) == (5, 15)
    assert locate_entity(text, RawEntity("person", 1, 0, 3, "John Roe")) is None
    assert locate_entity(text, RawEntity("person", 1, 50, 60)) is None


def test_non_ascii_offsets_are_rechecked() -> None:
    text = "😀 Grüße an Zoë Müller"
    # A server counting UTF-16 units reports the emoji as two positions.
    assert locate_entity(text, RawEntity("person", 1, 12, 22, "Zoë Müller")) == (11, 21)


def test_overlapping_spans_are_united_under_the_stronger_label() -> None:
    spans = [PIISpan("person", 0, 8, 0.9), PIISpan("email", 5, 20, 0.95), PIISpan("x", 30, 32, 0.1)]
    assert merge_overlaps(spans) == [PIISpan("email", 0, 20, 0.95), PIISpan("x", 30, 32, 0.1)]


def test_repeats_are_found_at_word_edges_only() -> None:
    origin = PIISpan("person", 0, 2, 0.8)
    found = find_occurrences("Al met Also and Al.", {"Al": origin}, exclude=[(0, 2)])
    assert [(s.start, s.end, s.inferred) for s in found] == [(16, 18, True)]


def test_placeholders_are_numbered_per_value_and_label() -> None:
    numbered = Placeholders(reversible=True)
    assert numbered.for_value("person", "Jane") == "[PERSON_1]"
    assert numbered.for_value("phone number", "555") == "[PHONE_NUMBER_1]"
    assert numbered.for_value("person", "John") == "[PERSON_2]"
    assert numbered.for_value("person", "Jane") == "[PERSON_1]"
    assert numbered.mapping == {
        "[PERSON_1]": "Jane",
        "[PHONE_NUMBER_1]": "555",
        "[PERSON_2]": "John",
    }
    plain = Placeholders(reversible=False)
    assert plain.for_value("person", "Jane") == "[PERSON]"
    assert plain.mapping == {}
    assert placeholder_label("social media handle") == "SOCIAL_MEDIA_HANDLE"
    assert placeholder_label("--") == "PII"


def test_redact_and_deanonymize_round_trip() -> None:
    spans = [PIISpan("person", 5, 13, 0.9), PIISpan("person", 27, 35, 0.9)]
    placeholders = Placeholders(reversible=True)
    redacted, done = redact_spans(TEXT, spans, placeholders)
    assert redacted == "Call [PERSON_1] at 555-0100; [PERSON_1] picks up."
    assert [s.placeholder for s in done] == ["[PERSON_1]", "[PERSON_1]"]
    assert deanonymize(redacted, placeholders.mapping) == TEXT
    assert deanonymize("x", {}) == "x"


def test_span_json_never_holds_the_value() -> None:
    span = PIISpan("email", 3, 9, 0.5, "[EMAIL_1]", inferred=True)
    assert span.to_json() == {
        "label": "email",
        "start": 3,
        "end": 9,
        "score": 0.5,
        "placeholder": "[EMAIL_1]",
        "inferred": True,
    }


@given(
    st.text(alphabet="ab _.-é1", max_size=40),
    st.text(alphabet="ab _.-é1", min_size=1, max_size=4),
)
def test_bounded_occurrences_match_the_word_edge_regex(text: str, value: str) -> None:
    left = r"(?<!\w)" if value[:1].isalnum() else ""
    right = r"(?!\w)" if value[-1:].isalnum() else ""
    expected = [m.span() for m in re.finditer(left + re.escape(value) + right, text)]
    assert list(_bounded(text, value)) == expected
