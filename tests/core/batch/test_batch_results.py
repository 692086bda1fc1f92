"""Output and error files into typed per-item results, on the documented examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zerogpu_core.batch import (
    BatchItemError,
    BatchResult,
    BatchResults,
    parse_result_file,
    parse_result_line,
    split_legacy_prefix,
)
from zerogpu_core.batch.results import merge_outcomes
from zerogpu_core.types import ChatCompletion

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def test_documented_output_file_parses_to_completions_by_custom_id() -> None:
    parsed = parse_result_file(example("batch.output.example.jsonl"))

    assert set(parsed) == {"req-1", "req-2"}
    completion, request_id = parsed["req-2"]
    assert isinstance(completion, ChatCompletion)
    assert completion.message.content == "Berlin."
    assert completion.usage is not None
    assert completion.usage.total == 14
    assert request_id == "req_uvw"


def test_documented_error_file_parses_legacy_prefixes_and_upstream_json() -> None:
    parsed = parse_result_file(example("batch.error.example.jsonl"))
    errors = {custom_id: outcome for custom_id, (outcome, _) in parsed.items()}

    bad_request = errors["req-5"]
    assert isinstance(bad_request, BatchItemError)
    assert bad_request.code == "invalid_request_error"
    assert bad_request.legacy_code == "http_400"
    assert bad_request.upstream == {
        "message": "messages: missing required field",
        "type": "invalid_request_error",
    }
    assert bad_request.detail == "messages: missing required field"
    assert not bad_request.resubmittable
    retries = errors["req-9"]
    assert isinstance(retries, BatchItemError)
    assert (retries.code, retries.legacy_code) == ("internal_error", "retries_exhausted")
    assert retries.message.startswith("Line failed after 4 attempts")
    assert retries.resubmittable
    dlq = errors["req-12"]
    assert isinstance(dlq, BatchItemError)
    assert dlq.legacy_code == "dlq_exhausted"


@pytest.mark.parametrize(
    ("name", "custom_id", "legacy", "message", "param"),
    [
        ("batch.error-line.quickstart.json", "q-2", "http_400", "...", None),
        (
            "batch.error-line.review-tagging.json",
            "r-007",
            None,
            "messages[1].content must be a non-empty string",
            "messages[1].content",
        ),
        (
            "batch.error-line.schema-example.json",
            "request-5",
            "http_400",
            "request body is invalid",
            "model",
        ),
    ],
)
def test_documented_error_lines(
    name: str, custom_id: str, legacy: str | None, message: str, param: str | None
) -> None:
    got_id, error, request_id = parse_result_line(json.loads(example(name)))

    assert got_id == custom_id
    assert isinstance(error, BatchItemError)
    assert (error.legacy_code, error.message, error.param) == (legacy, message, param)
    assert error.custom_id == custom_id
    assert request_id is None


def test_documented_review_tagging_output_line_keeps_json_content() -> None:
    custom_id, completion, request_id = parse_result_line(
        json.loads(example("batch.output-line.review-tagging.json"))
    )

    assert (custom_id, request_id) == ("r-001", "req_xyz")
    assert isinstance(completion, ChatCompletion)
    assert json.loads(completion.message.content or "") == {
        "sentiment": "positive",
        "topics": ["battery"],
    }


def test_documented_response_body_is_a_chat_completion() -> None:
    body = json.loads(example("batch.chat-completion.response-body.json"))
    line = {"custom_id": "c", "response": {"status_code": 200, "request_id": None, "body": body}}

    _, completion, _ = parse_result_line(line)

    assert isinstance(completion, ChatCompletion)
    assert completion.message.content == "Paris."


@pytest.mark.parametrize("code", ["batch_expired", "batch_cancelled"])
def test_expired_and_cancelled_lines_are_reported_as_such(code: str) -> None:
    line = {
        "custom_id": "x",
        "response": None,
        "error": {"code": code, "message": f"[legacy:{code}] Line not run", "param": None},
    }

    _, error, _ = parse_result_line(line)

    assert isinstance(error, BatchItemError)
    assert error.is_expired is (code == "batch_expired")
    assert error.is_cancelled is (code == "batch_cancelled")
    assert error.resubmittable
    assert error.message == "Line not run"


def test_non_2xx_output_line_becomes_an_error_with_its_status() -> None:
    line = {
        "custom_id": "x",
        "response": {
            "status_code": 404,
            "body": {"error": {"code": "not_found_error", "message": "no model"}},
        },
    }

    _, error, _ = parse_result_line(line)

    assert isinstance(error, BatchItemError)
    assert (error.code, error.status_code, error.message) == ("not_found_error", 404, "no model")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ({"custom_id": "x", "response": None}, "neither response nor error"),
        ({"custom_id": "x", "response": {"status_code": 200, "body": []}}, "not a chat completion"),
    ],
)
def test_unreadable_lines_become_invalid_output_errors(
    line: dict[str, object], reason: str
) -> None:
    _, error, _ = parse_result_line(line)

    assert isinstance(error, BatchItemError)
    assert error.code == "invalid_output"
    assert reason in error.message


def test_corrupt_result_files_raise() -> None:
    with pytest.raises(ValueError, match="line 3 is not valid JSON"):
        parse_result_file(example("batch.output.example.jsonl") + b"{oops\n")
    with pytest.raises(ValueError, match="no custom_id"):
        parse_result_file(b'{"response": null}\n')


def test_legacy_prefix_split() -> None:
    assert split_legacy_prefix("[legacy:http_420] quota") == ("http_420", "quota")
    assert split_legacy_prefix("plain [legacy:x]") == (None, "plain [legacy:x]")


def test_merge_prefers_a_completion_over_an_error_for_the_same_id() -> None:
    outputs = parse_result_file(example("batch.output.example.jsonl"))
    error = BatchItemError("internal_error", "x", custom_id="req-1")

    merged = merge_outcomes({"req-1": (error, None)}, outputs, {"req-1": (error, None)})

    assert isinstance(merged["req-1"][0], ChatCompletion)


def test_results_container() -> None:
    completion = ChatCompletion.model_validate(
        json.loads(example("batch.chat-completion.response-body.json"))
    )
    error = BatchItemError("batch_expired", "late", custom_id="b")
    results = BatchResults(
        (BatchResult(0, "a", completion=completion), BatchResult(1, "b", error=error))
    )

    assert len(results) == 2
    assert [item.custom_id for item in results] == ["a", "b"]
    assert results[0].unwrap() is completion
    assert results.succeeded == [results[0]]
    assert results.failed == [results[1]]
    assert results.by_custom_id("b").error is error
    with pytest.raises(BatchItemError, match="batch_expired: late"):
        results.completions()
    with pytest.raises(KeyError):
        results.by_custom_id("zz")
