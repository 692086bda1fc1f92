"""Batch lines: building, every server validation rule, splitting."""

from __future__ import annotations

import json
from typing import Any

import pytest

from zerogpu_core.batch import (
    BATCH_URL,
    MAX_FILE_BYTES,
    MAX_LINE_BYTES,
    MAX_LINES,
    BatchLine,
    LineIssue,
    encode_file,
    make_batch_line,
    split_lines,
    to_batch_lines,
    validate_endpoint,
    validate_file,
    validate_lines,
)
from zerogpu_core.emulator.batch_input import LineError, validate_jsonl
from zerogpu_core.types.requests import ChatCompletionRequest

BODY = {"model": "llama-3.1-8b-instruct-fast", "messages": [{"role": "user", "content": "Hi"}]}


def raw(**overrides: Any) -> bytes:
    line: dict[str, Any] = {"custom_id": "a", "method": "POST", "url": BATCH_URL, "body": BODY}
    line.update(overrides)
    return json.dumps({k: v for k, v in line.items() if v is not ...}).encode()


BAD_LINES = [
    (b"x" * (MAX_LINE_BYTES + 1), f"Line 2 exceeds maximum size of {MAX_LINE_BYTES} bytes"),
    (b"{not json", "Line 2 is not valid JSON"),
    (b"[1, 2]", "Line 2 must be a JSON object"),
    (raw(custom_id=...), "Line 2 is missing custom_id"),
    (raw(custom_id=""), "Line 2 is missing custom_id"),
    (raw(custom_id=7), "Line 2 is missing custom_id"),
    (raw(custom_id="first"), 'Line 2 duplicates custom_id "first"'),
    (raw(method="GET"), 'Line 2 method must be "POST"'),
    (raw(method=...), 'Line 2 method must be "POST"'),
    (raw(url=...), "Line 2 is missing url"),
    (raw(url="/v1/responses"), 'Line 2 url "/v1/responses" is not an allowed batch endpoint'),
    (raw(url=BATCH_URL + "/"), f'Line 2 url "{BATCH_URL}/" is not an allowed batch endpoint'),
    (
        raw(url="https://api.zerogpu.ai/v1/chat/completions"),
        'Line 2 url "https://api.zerogpu.ai/v1/chat/completions" is not an allowed batch endpoint',
    ),
    (raw(body=...), "Line 2 is missing body"),
    (raw(body={}), "Line 2 is missing body"),
    (raw(body=[BODY]), "Line 2 is missing body"),
    (
        raw(body={**BODY, "stream": True}),
        "Line 2 has stream=true; streaming is not supported in batch mode",
    ),
]


@pytest.mark.parametrize(("bad", "message"), BAD_LINES)
def test_each_line_rule_reports_the_server_message_and_line(bad: bytes, message: str) -> None:
    issues = validate_lines([raw(custom_id="first"), bad, raw(custom_id="third")])

    assert issues == [LineIssue(message, 2)]


@pytest.mark.parametrize(("bad", "message"), BAD_LINES)
def test_local_messages_equal_the_emulator_server_rules(bad: bytes, message: str) -> None:
    content = encode_file([raw(custom_id="first"), bad])
    with pytest.raises(LineError) as server:
        validate_jsonl(content, BATCH_URL)

    assert validate_file(content) == [LineIssue(server.value.message, server.value.line)]
    assert server.value.message == message


@pytest.mark.parametrize(
    "good",
    [raw(), raw(method="post"), raw(body={**BODY, "stream": False})],
    ids=["plain", "lowercase-method", "stream-false"],
)
def test_valid_lines_pass(good: bytes) -> None:
    assert validate_lines([good]) == []
    assert validate_file(good + b"\n") == []


def test_every_bad_line_is_reported_not_only_the_first() -> None:
    issues = validate_lines([raw(), raw(), b"nope", raw(custom_id="b", body={})])

    assert [issue.line for issue in issues] == [2, 3, 4]


def test_file_blank_lines_are_skipped_but_keep_their_number() -> None:
    content = raw(custom_id="a") + b"\n\n  \n" + raw(custom_id="a") + b"\n"

    assert validate_file(content) == [LineIssue('Line 4 duplicates custom_id "a"', 4)]


@pytest.mark.parametrize("content", [b"", b"\n \n"])
def test_file_without_lines_is_rejected(content: bytes) -> None:
    assert validate_file(content) == [LineIssue("Input file contains no JSONL lines")]


def test_file_over_the_line_cap_is_rejected() -> None:
    content = b"{}\n" * (MAX_LINES + 1)

    assert validate_file(content) == [LineIssue("Input file exceeds maximum of 50000 lines")]


def test_file_over_the_size_cap_is_rejected() -> None:
    content = b" " * (MAX_FILE_BYTES + 1)

    assert validate_file(content) == [
        LineIssue("Input file exceeds maximum size of 209715200 bytes")
    ]


def test_create_endpoint_must_match_the_file_url() -> None:
    message = (
        'endpoint "/v1/responses" does not match the url "/v1/chat/completions" used by the '
        "input file"
    )

    assert validate_file(raw(), endpoint="/v1/responses") == [LineIssue(message)]
    assert validate_endpoint("/v1/responses", BATCH_URL) == [LineIssue(message)]
    assert validate_endpoint(BATCH_URL, BATCH_URL) == []


def test_make_batch_line_validates_and_merges_extra_body() -> None:
    line = make_batch_line({**BODY, "extra_body": {"top_k": 3}, "temperature": None}, "q-1")

    assert line.to_dict() == {
        "custom_id": "q-1",
        "method": "POST",
        "url": BATCH_URL,
        "body": {**BODY, "top_k": 3},
    }
    assert json.loads(line.encode()) == line.to_dict()


def test_make_batch_line_accepts_a_request_object() -> None:
    request = ChatCompletionRequest.model_validate({**BODY, "max_tokens": 5})

    assert make_batch_line(request, "x").body == {**BODY, "max_tokens": 5}


def test_make_batch_line_rejects_a_body_that_is_not_a_chat_body() -> None:
    with pytest.raises(ValueError, match="'q-7' is not a valid chat body"):
        make_batch_line({"model": "m", "messages": []}, "q-7")


def test_to_batch_lines_default_and_given_custom_ids() -> None:
    own = BatchLine("mine", dict(BODY))

    assert [line.custom_id for line in to_batch_lines([BODY, own])] == ["request-0", "mine"]
    assert [line.custom_id for line in to_batch_lines([BODY, own], ["a", "b"])] == ["a", "b"]
    with pytest.raises(ValueError, match="Got 1 custom_ids for 2 requests"):
        to_batch_lines([BODY, BODY], ["a"])


def test_non_ascii_is_kept_and_sizes_count_utf8_bytes() -> None:
    line = make_batch_line({**BODY, "messages": [{"role": "user", "content": "é"}]}, "u")

    assert "é".encode() in line.encode()


def test_split_above_50000_lines_makes_two_parts() -> None:
    encoded = [b"{}"] * (MAX_LINES + 1)

    assert split_lines(encoded) == [range(0, MAX_LINES), range(MAX_LINES, MAX_LINES + 1)]


def test_split_exactly_50000_lines_is_one_part() -> None:
    assert split_lines([b"{}"] * MAX_LINES) == [range(0, MAX_LINES)]


def test_split_by_bytes_counts_the_newline() -> None:
    encoded = [b"aaaa", b"bbbb", b"cccc"]  # 5 bytes each with its newline

    assert split_lines(encoded, max_bytes=10) == [range(0, 2), range(2, 3)]
    assert split_lines(encoded, max_bytes=9) == [range(0, 1), range(1, 2), range(2, 3)]


def test_split_refuses_a_line_larger_than_a_part_and_empty_input() -> None:
    with pytest.raises(ValueError, match="Line 2 alone is larger than 4 bytes"):
        split_lines([b"a", b"bbbb"], max_bytes=4)
    with pytest.raises(ValueError, match="at least one request"):
        split_lines([])
