"""``RetryPolicy`` and ``parse_retry_after`` on their own: which failures retry, how long."""

from __future__ import annotations

import email.utils

import httpx
import pytest

from zerogpu_core import RetryPolicy, parse_retry_after
from zerogpu_core._exceptions import APIStatusError, make_status_error

NOW = 1_700_000_000.0


def _status(code: int, body: dict[str, object] | None = None) -> APIStatusError:
    request = httpx.Request("POST", "https://api.zerogpu.ai/v1/chat/completions")
    return make_status_error(httpx.Response(code, json=body or {}, request=request))


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"Retry-After-Ms": "250", "Retry-After": "9"}, 0.25),  # ms wins, any case
        ({"retry-after-ms": "soon", "Retry-After": "3"}, 3.0),  # bad ms falls back
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": "0.5"}, 0.5),
        ({"Retry-After": "-4"}, 0.0),
        ({}, None),
        ({"Retry-After": "whenever"}, None),
    ],
)
def test_parse_retry_after_numbers(headers: dict[str, str], seconds: float | None) -> None:
    assert parse_retry_after(headers, now=NOW) == seconds


def test_parse_retry_after_http_date() -> None:
    later = email.utils.formatdate(NOW + 30, usegmt=True)
    assert parse_retry_after({"Retry-After": later}, now=NOW) == pytest.approx(30.0)
    earlier = email.utils.formatdate(NOW - 30, usegmt=True)
    assert parse_retry_after({"Retry-After": earlier}, now=NOW) == 0.0


def test_policy_defaults_and_validation() -> None:
    policy = RetryPolicy()
    assert (policy.max_retries, policy.max_retry_after) == (2, 60.0)
    with pytest.raises(ValueError, match="max_retries must be >= 0"):
        RetryPolicy(max_retries=-1)


def test_backoff_doubles_is_capped_and_jittered_down() -> None:
    steady = RetryPolicy(random=lambda: 0.0)
    assert [steady.delay(i) for i in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    jittered = RetryPolicy(random=lambda: 1.0)
    assert jittered.delay(0) == pytest.approx(0.5 * 0.75)


def test_server_wait_is_honoured_up_to_max_retry_after() -> None:
    policy = RetryPolicy(max_retry_after=10.0, random=lambda: 0.0)
    assert policy.delay(0, {"Retry-After": "4"}) == 4.0
    assert policy.delay(0, {"Retry-After": "11"}) is None  # too long: raise now
    assert policy.delay(1, {"x-other": "1"}) == 1.0  # no wait asked: backoff


@pytest.mark.parametrize(
    ("code", "retried"),
    [(408, True), (409, True), (429, True), (500, True), (503, True), (520, True)],
)
def test_transient_statuses_are_retried(code: int, retried: bool) -> None:
    assert RetryPolicy().should_retry_status(_status(code)) is retried


@pytest.mark.parametrize("code", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retried(code: int) -> None:
    assert RetryPolicy().should_retry_status(_status(code)) is False


def test_quota_is_never_retried() -> None:
    quota = _status(429, {"error": {"code": "insufficient_quota", "message": "no credit"}})
    assert type(quota).__name__ == "InsufficientQuotaError"
    assert RetryPolicy().should_retry_status(quota) is False
