"""Every error survives a pickle round trip (ingestion workers send them back to the
parent process; an error that cannot be rebuilt hangs a multiprocessing pool)."""

from __future__ import annotations

import inspect
import pickle

import pytest

import zerogpu_core
from zerogpu_core._exceptions import ErrorDetail, error_from_body

DETAIL = ErrorDetail(message="Too long", code="context_length_exceeded", param="messages", line=2)


def _status_classes() -> list[type[zerogpu_core.APIStatusError]]:
    return [
        obj
        for obj in vars(zerogpu_core).values()
        if inspect.isclass(obj) and issubclass(obj, zerogpu_core.APIStatusError)
    ]


@pytest.mark.parametrize("cls", _status_classes(), ids=lambda c: c.__name__)
def test_status_errors_round_trip(cls: type[zerogpu_core.APIStatusError]) -> None:
    error = cls(DETAIL, status_code=420, request_id="req_1", body={"error": {"code": "x"}})
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert str(copy) == str(error)
    assert (copy.status_code, copy.code, copy.param, copy.line, copy.request_id) == (
        420,
        "context_length_exceeded",
        "messages",
        2,
        "req_1",
    )
    assert copy.body == error.body


@pytest.mark.parametrize(
    "error",
    [
        zerogpu_core.MissingAPIKeyError(),
        zerogpu_core.APIConnectionError("refused"),
        zerogpu_core.APITimeoutError(),
        zerogpu_core.StreamInterruptedError("cut"),
        zerogpu_core.APIResponseValidationError(
            "bad shape", status_code=200, request_id="req_2", body="<html>"
        ),
        error_from_body(429, {"error": {"message": "slow"}}, request_id="req_3"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_other_errors_round_trip(error: Exception) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)


def test_batch_job_errors_round_trip() -> None:
    from zerogpu_core.batch import BatchCreateError, BatchValidationError, LineIssue

    cause = error_from_body(400, {"error": {"message": "Line 3 is missing body", "line": 3}})
    errors: list[Exception] = [
        BatchValidationError([LineIssue(line=2, message="Line 2 is missing custom_id")]),
        BatchCreateError(cause, part=1, index=2, custom_id="req-2"),
    ]
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert str(copy) == str(error)
        assert copy.line == error.line  # type: ignore[attr-defined]
