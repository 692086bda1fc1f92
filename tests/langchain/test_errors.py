"""Core errors become LangChain's standard exceptions without losing anything."""

from __future__ import annotations

import pytest
from langchain_core import exceptions as lc

import zerogpu_core as core
from langchain_zerogpu import _errors
from langchain_zerogpu._errors import translate_error, translating_errors
from zerogpu_core._exceptions import error_from_body


@pytest.mark.parametrize(
    ("status", "body", "core_class", "lc_class"),
    [
        (400, {"error": {"message": "bad"}}, core.BadRequestError, lc.ModelInvalidRequestError),
        (
            420,
            {"error": {"code": "context_length_exceeded", "message": "too long"}},
            core.ContextLengthExceededError,
            lc.ContextOverflowError,
        ),
        (401, {"error": {"message": "no"}}, core.AuthenticationError, lc.ModelAuthenticationError),
        (
            403,
            {"error": {"message": "no"}},
            core.PermissionDeniedError,
            lc.ModelPermissionDeniedError,
        ),
        (404, {"error": {"message": "?"}}, core.NotFoundError, lc.ModelNotFoundError),
        (429, {"error": {"message": "slow"}}, core.RateLimitError, lc.ModelRateLimitError),
        (503, {"error": {"message": "down"}}, core.InternalServerError, lc.ModelAPIError),
        (409, {"error": {"message": "state"}}, core.ConflictError, lc.ModelError),
        (418, {"error": {"message": "teapot"}}, core.APIStatusError, lc.ModelError),
    ],
)
def test_status_errors_keep_class_message_and_fields(
    status: int, body: object, core_class: type[Exception], lc_class: type[Exception]
) -> None:
    original = error_from_body(status, body, request_id="req_7")
    twin = translate_error(original)
    assert type(original) is core_class
    assert isinstance(twin, core_class)
    assert isinstance(twin, lc_class)
    assert str(twin) == str(original)
    assert isinstance(twin, core.APIStatusError)
    assert twin.status_code == status
    assert twin.request_id == "req_7"
    assert twin.body == body


def test_quota_is_not_a_retryable_rate_limit() -> None:
    twin = translate_error(error_from_body(429, {"error": {"code": "insufficient_quota"}}))
    assert isinstance(twin, core.InsufficientQuotaError)
    assert isinstance(twin, lc.ModelError)
    assert not isinstance(twin, lc.ModelRateLimitError)
    assert twin.is_retryable is False


@pytest.mark.parametrize(
    ("original", "lc_class"),
    [
        (core.APIConnectionError("refused"), lc.ModelConnectionError),
        (core.APITimeoutError(), lc.ModelTimeoutError),
        (core.StreamInterruptedError("cut"), lc.ModelConnectionError),
        (core.MissingAPIKeyError(), lc.ModelAuthenticationError),
        (
            core.APIResponseValidationError("junk", status_code=200, request_id=None),
            lc.ModelAPIError,
        ),
    ],
)
def test_transport_errors(original: core.ZeroGPUError, lc_class: type[Exception]) -> None:
    twin = translate_error(original)
    assert isinstance(twin, type(original))
    assert isinstance(twin, lc_class)
    assert twin.args == original.args


def test_every_core_error_class_has_a_twin() -> None:
    exported = {getattr(core, name) for name in core.__all__}
    core_errors = {c for c in exported if isinstance(c, type) and issubclass(c, core.ZeroGPUError)}
    twins = {getattr(_errors, name) for name in _errors.__all__ if name[0].isupper()}
    for error_class in core_errors - {core.ZeroGPUError}:
        assert any(issubclass(t, error_class) and t.__bases__[0] is error_class for t in twins), (
            error_class
        )


def test_translated_error_is_returned_unchanged() -> None:
    twin = translate_error(core.RateLimitError(core.ErrorDetail("x"), status_code=429))
    assert translate_error(twin) is twin


def test_context_manager_chains_the_original() -> None:
    original = core.APITimeoutError()
    with pytest.raises(lc.ModelTimeoutError) as caught, translating_errors():
        raise original
    assert caught.value.__cause__ is original


def test_context_manager_leaves_other_errors_alone() -> None:
    with pytest.raises(KeyError), translating_errors():
        raise KeyError("x")
