"""The JSON extraction and schema classification core tasks: options, planning,
parsing and the chunk merge rules (pure parts, no requests)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from zerogpu_core.tasks import TaskOutputError, TextChunk, estimate_tokens
from zerogpu_core.tasks.json_extraction import (
    FieldSpec,
    JSONExtractionOptions,
    JSONExtractionTask,
    merge_records,
    parse_field_spec,
    parse_records,
)
from zerogpu_core.tasks.schema_classification import (
    SchemaClassificationOptions,
    SchemaClassificationTask,
    combine_choices,
    parse_choices,
)

CONTACT = {"contact": ["name::str::Full name", "email::str::Email", "phones::list::Phones"]}
GROUPS = JSONExtractionOptions(CONTACT).groups
AXES = {"sentiment": ["Positive", "negative", "neutral"], "urgency": ["high", "low"]}


def _contact(name: Any = None, email: Any = None, phones: Any = ()) -> dict[str, Any]:
    return {"name": name, "email": email, "phones": list(phones)}


def test_field_spec_parts() -> None:
    assert parse_field_spec("name::str::Full name") == FieldSpec("name", "str", "Full name")
    assert parse_field_spec(" tags :: list ") == FieldSpec("tags", "list", "")
    assert parse_field_spec("note::str::a::b").description == "a::b"


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({}, "non-empty object"),
        ({"contact": "name::str"}, r"schema\['contact'\] must be a non-empty list"),
        ({"contact": ["name"]}, r"schema\['contact'\]\[0\] must look like 'name::str"),
        ({"contact": ["::str::x"]}, "no field name"),
        ({"contact": ["age::int::Age"]}, "type 'int'; use one of str, list"),
        ({"contact": ["name::str", "Name::list"]}, "names a field twice"),
        ({"a": ["x::str"], "A": ["y::str"]}, "groups must be distinct"),
    ],
)
def test_bad_json_schema_named_before_any_request(schema: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        JSONExtractionOptions(schema)


def test_json_options_copy_the_schema_and_check_the_rest() -> None:
    schema = {"contact": ["name::str::Full name"]}
    options = JSONExtractionOptions(schema, threshold=0.4)
    schema["contact"].append("email::str")
    assert options.schema == {"contact": ("name::str::Full name",)}
    with pytest.raises(ValueError, match="threshold"):
        JSONExtractionOptions(CONTACT, threshold=2)
    with pytest.raises(ValueError, match="max_chunk_tokens must be at least"):
        JSONExtractionOptions(CONTACT, max_chunk_tokens=50)
    with pytest.raises(ValueError, match="cannot be used for"):
        JSONExtractionOptions(CONTACT, model="deberta-v3-small")


def test_json_request_is_the_documented_body_in_windows_within_budget() -> None:
    task = JSONExtractionTask(JSONExtractionOptions(CONTACT, threshold=0.3))
    windows = task.plan("Jane Doe, jane@example.com, 555-0100. " * 150)
    assert len(windows) > 1
    assert all(estimate_tokens(w.text) <= 800 for w in windows)
    assert all(a.end > b.start for a, b in itertools.pairwise(windows))  # overlapping
    body = task.request(windows[0])
    assert body == {
        "model": "gliner2-base-v1",
        "messages": [{"role": "user", "content": windows[0].text}],
        "metadata": {"usecase": "json", "schema": CONTACT, "threshold": 0.3},
    }
    assert task.plan("   \n ") == []


def test_parse_records_types_case_and_empty_records() -> None:
    payload = {
        "data": {
            "Contact": [
                {"NAME": "Jane Doe", "email": None, "phones": ["555-0100", "555-0100"]},
                {"name": None, "email": "  ", "phones": None},
            ]
        }
    }
    assert parse_records(payload, GROUPS) == {
        "contact": [_contact("Jane Doe", phones=["555-0100"])]
    }


@pytest.mark.parametrize(
    "payload",
    [
        {"contact": {"name": "Jane Doe"}},  # groups without "data", one object
        {"data": {"contact": {"name": "Jane Doe"}}},  # one object instead of a list
    ],
)
def test_parse_records_reads_the_documented_variants(payload: dict[str, Any]) -> None:
    assert parse_records(payload, GROUPS) == {"contact": [_contact("Jane Doe")]}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"entities": {}}, "no 'data' object"),
        ({"data": {"order": []}}, "group that was not asked for"),
        ({"data": {"contact": "Jane"}}, "not a list of records"),
        ({"data": {"contact": ["Jane"]}}, "non-object record"),
        ({"data": {"contact": [{"age": "3"}]}}, "unknown field"),
        ({"data": {"contact": [{"name": 3}]}}, "'name' of group 'contact' is not a string"),
        ({"data": {"contact": [{"phones": "555"}]}}, "not a list of strings"),
    ],
)
def test_parse_records_refuses_other_shapes(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(TaskOutputError, match=message):
        parse_records(payload, GROUPS)


def test_merge_continues_a_cut_record_and_keeps_further_instances() -> None:
    first = {"contact": [_contact("Ann Lee", "ann@x.io"), _contact("Jane Doe", phones=["1"])]}
    second = {"contact": [_contact(None, "jane@x.io", ["2"]), _contact("Bob Roe")]}
    merged = merge_records([first, second])
    assert merged == {
        "contact": [
            _contact("Ann Lee", "ann@x.io"),
            _contact("Jane Doe", "jane@x.io", ["1", "2"]),
            _contact("Bob Roe"),
        ]
    }


def test_merge_drops_repeats_and_never_overwrites_a_value() -> None:
    first = {"contact": [_contact("Jane Doe", "jane@x.io")]}
    repeat = {"contact": [_contact("Jane Doe")]}  # the overlap seen again
    clash = {"contact": [_contact("Bob Roe", "jane@x.io")]}  # a different person
    merged = merge_records([first, repeat, clash])
    assert merged == {
        "contact": [_contact("Jane Doe", "jane@x.io"), _contact("Bob Roe", "jane@x.io")]
    }


def test_json_finish_has_every_group_in_schema_order() -> None:
    options = JSONExtractionOptions({"order": ["id::str"], **CONTACT})
    task = JSONExtractionTask(options)
    result = task.finish("", [], [])
    assert list(result.data) == ["order", "contact"]
    assert result.first("contact") is None
    assert result.to_metadata() == {
        "data": {"order": [], "contact": []},
        "model": "gliner2-base-v1",
        "chunks": 0,
    }


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"sentiment": []}, "non-empty list"),
        ({"sentiment": ["positive"]}, "at least two candidate labels"),
        ({"sentiment": ["Positive", "positive "]}, "distinct ignoring letter case"),
        ({"Tone": ["a", "b"], "tone": ["c", "d"]}, "axes must be distinct"),
        (["positive", "negative"], "non-empty object"),
    ],
)
def test_bad_classification_schema_named(schema: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SchemaClassificationOptions(schema)


def test_classification_chunks_are_contiguous_and_request_documented() -> None:
    task = SchemaClassificationTask(SchemaClassificationOptions(AXES, max_chunk_tokens=100))
    text = "I love it, but the delivery was late. " * 40
    chunks = task.plan(text)
    assert len(chunks) > 1
    assert "".join(c.text for c in chunks) == text
    assert task.request(chunks[0])["metadata"] == {"usecase": "classification", "schema": AXES}


def test_parse_choices_case_and_variants() -> None:
    wrapped = {"classification": {"Sentiment": "positive", "urgency": "HIGH"}}
    assert parse_choices(wrapped, AXES) == {"sentiment": "Positive", "urgency": "high"}
    assert parse_choices({"sentiment": "neutral"}, AXES) == {"sentiment": "neutral"}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"data": {}}, "no 'classification' object"),
        ({"classification": {"topic": "a"}}, "axis not asked for"),
        ({"classification": {"sentiment": ["positive"]}}, "not one label"),
        ({"classification": {"sentiment": "angry"}}, "not a candidate"),
    ],
)
def test_parse_choices_refuses_other_shapes(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(TaskOutputError, match=message):
        parse_choices(payload, AXES)


def test_combine_is_a_length_weighted_vote_ties_to_schema_order() -> None:
    jobs = [TextChunk(0, "a" * 60), TextChunk(60, "b" * 30), TextChunk(90, "c" * 10)]
    parts = [
        {"sentiment": "negative", "urgency": "low"},
        {"sentiment": "Positive", "urgency": "high"},
        {"sentiment": "Positive"},
    ]
    result = combine_choices(jobs, parts, AXES, model="m")
    assert result.classification == {"sentiment": "negative", "urgency": "low"}
    assert result.shares == {
        "sentiment": {"negative": 0.6, "Positive": 0.4},
        "urgency": {"low": 0.6, "high": 0.3},
    }
    tie = combine_choices(
        jobs[:1] * 2, [{"sentiment": "neutral"}, {"sentiment": "Positive"}], AXES, model="m"
    )
    assert tie.classification == {"sentiment": "Positive", "urgency": None}
    blank = combine_choices([], [], AXES, model="m")
    assert blank.to_metadata() == {
        "classification": {"sentiment": None, "urgency": None},
        "shares": {"sentiment": {}, "urgency": {}},
        "model": "m",
        "chunks": 0,
    }
