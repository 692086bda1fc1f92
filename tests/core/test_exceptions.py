"""Every documented error body maps to the right typed error (the API reference's error pages)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from zerogpu_core import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ContextLengthExceededError,
    InsufficientQuotaError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from zerogpu_core._exceptions import make_status_error, parse_error_body

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _response(status: int, body: object, request_id: str | None = "req_abc") -> httpx.Response:
    headers = {"x-request-id": request_id} if request_id else {}
    content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    return httpx.Response(status, content=content, headers=headers)


def _example(name: str) -> object:
    return json.loads((EXAMPLES / name).read_text())


@pytest.mark.parametrize(
    ("status", "example", "expected", "code"),
    [
        (400, "error.400.batch-line-validation.json", BadRequestError, "invalid_request_error"),
        (400, "error.400.invalid-json.zeroclick.json", BadRequestError, None),
        (400, "error.400.missing-model.zeroclick.json", BadRequestError, None),
        (401, "error.401.missing-headers.json", AuthenticationError, None),
        (401, "error.401.invalid-zeroclick-signature.json", AuthenticationError, None),
        (403, "error.403.invalid-credentials.json", PermissionDeniedError, None),
        (404, "error.404.batch-not-found.json", NotFoundError, None),
        (404, "error.404.file-not-found.json", NotFoundError, None),
        (420, "error.420.context-length-exceeded.zeroclick.json", ContextLengthExceededError, None),
        (400, "error.420.context-length-exceeded.zeroclick.json", ContextLengthExceededError, None),
        (420, "error.420.insufficient-quota.json", InsufficientQuotaError, "insufficient_quota"),
        (429, "error.429.insufficient-quota.json", InsufficientQuotaError, "insufficient_quota"),
        (500, "error.500.internal.zeroclick.json", InternalServerError, None),
        (400, "error.envelope-shape.batch.json", BadRequestError, "invalid_purpose"),
    ],
)
def test_documented_error_bodies_map_to_typed_errors(
    status: int, example: str, expected: type[APIStatusError], code: str | None
) -> None:
    body = _example(example)
    error = make_status_error(_response(status, body))
    assert type(error) is expected
    assert error.status_code == status
    assert error.request_id == "req_abc"
    assert error.body == body
    if code is not None:
        assert error.code == code
    assert "req_abc" in str(error)


def test_batch_validation_error_carries_line_and_message() -> None:
    error = make_status_error(_response(400, _example("error.400.batch-line-validation.json")))
    assert error.line == 5
    assert 'duplicates custom_id "req-1"' in str(error)
    assert "[line 5]" in str(error)


def test_param_is_reported() -> None:
    error = make_status_error(_response(400, _example("error.400.missing-model.zeroclick.json")))
    assert error.param == "model"
    assert "param: model" in str(error)


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (402, {"error": "payment_required"}, InsufficientQuotaError),
        (420, {"error": {"message": "no code given"}}, InsufficientQuotaError),
        (429, {"error": {"message": "slow down", "type": "rate_limit_exceeded"}}, RateLimitError),
        (409, {"error": {"message": "Batch is completed"}}, ConflictError),
        (413, {"error": {"message": "too big", "code": "file_too_large"}}, BadRequestError),
        (503, "Service Unavailable", InternalServerError),
        (418, {"message": "teapot"}, APIStatusError),
    ],
)
def test_status_and_code_mapping(status: int, body: object, expected: type[APIStatusError]) -> None:
    assert type(make_status_error(_response(status, body, None))) is expected


def test_failed_responses_envelope_is_read() -> None:
    body = {
        "object": "response",
        "status": "failed",
        "error": {"code": "context_length_exceeded", "message": "Input too long"},
    }
    error = make_status_error(_response(420, body))
    assert isinstance(error, ContextLengthExceededError)
    assert "Input too long" in str(error)


@pytest.mark.parametrize(
    ("body", "message", "code"),
    [
        ({"message": "top-level message"}, "top-level message", None),
        ({"error": "invalid_zeroclick_signature"}, "invalid_zeroclick_signature", None),
        ("plain text failure", "plain text failure", None),
        (None, "fallback", None),
        ({"error": {"code": "only_code"}}, "only_code", "only_code"),
    ],
)
def test_parse_error_body_shapes(body: object, message: str, code: str | None) -> None:
    detail = parse_error_body(body, fallback="fallback")
    assert detail.message == message
    if code:
        assert detail.code == code


def test_messages_say_what_to_do() -> None:
    auth = make_status_error(_response(401, _example("error.401.missing-headers.json")))
    assert "ZEROGPU_API_KEY" in str(auth)
    overflow = make_status_error(
        _response(420, _example("error.420.context-length-exceeded.zeroclick.json"))
    )
    assert "Shorten the input" in str(overflow)
