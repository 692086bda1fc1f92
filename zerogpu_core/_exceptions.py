"""Exception hierarchy: transport failures vs. HTTP status failures.

Status errors are mapped by status *and* ``error.code``: the API uses 420 both for
exhausted quota and for over-long input, and reports quota as 402, 420 or 429
depending on the route, so the code decides where the status is ambiguous.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zerogpu_core._headers import parse_retry_after

if TYPE_CHECKING:
    # The errors are imported with every framework class; httpx loads with the clients.
    import httpx

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ContextLengthExceededError",
    "ErrorDetail",
    "InsufficientQuotaError",
    "InternalServerError",
    "InvalidAPIKeyError",
    "InvalidHeaderError",
    "MissingAPIKeyError",
    "ModelNotFoundError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RouteNotFoundError",
    "StreamInterruptedError",
    "TaskOutputError",
    "ZeroGPUError",
    "decode_body",
    "error_from_body",
    "make_status_error",
    "parse_error_body",
]


class ZeroGPUError(Exception):
    """Base class of every error raised by this project."""


class MissingAPIKeyError(ZeroGPUError):
    """No API key was configured when a request was about to be sent."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "No ZeroGPU API key configured. Set the ZEROGPU_API_KEY environment variable "
            "or pass api_key=... to the client."
        )


class InvalidAPIKeyError(ZeroGPUError, ValueError):
    """The configured API key cannot be sent as an HTTP header value."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "The ZeroGPU API key is not a valid HTTP header value: after stripping "
            "surrounding whitespace it still holds control, non-ASCII or line-break "
            "characters (the key is not shown). Check ZEROGPU_API_KEY or api_key=...; "
            "nothing was sent."
        )


class InvalidHeaderError(ZeroGPUError, ValueError):
    """httpx refused to send a request because a header is not valid HTTP.

    Never retried: the same request fails the same way. The message does not quote
    the header, which may hold a secret.
    """

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "The request was not sent: a header value is not valid HTTP (control, "
            "non-ASCII or line-break characters). Check default_headers and project_id "
            "(values are not shown)."
        )


class APIConnectionError(ZeroGPUError):
    """The request never produced an HTTP response (DNS, refused, reset, ...)."""

    def __init__(self, message: str = "Could not connect to the ZeroGPU API.") -> None:
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """The request timed out, after all retries."""

    def __init__(self, message: str = "The request to the ZeroGPU API timed out.") -> None:
        super().__init__(message)


class StreamInterruptedError(APIConnectionError):
    """A streamed response ended before the server's ``[DONE]`` marker.

    The partial answer is never returned as if it were complete.
    """


class APIResponseValidationError(ZeroGPUError):
    """A 2xx response whose body is not what the route documents (e.g. not JSON).

    The message never quotes the body: a reply to a PII request holds the very data
    it was asked to find. The raw body is kept on :attr:`body` for debugging.
    """

    def __init__(
        self, message: str, *, status_code: int, request_id: str | None, body: object = None
    ) -> None:
        suffix = f" (request id {request_id})" if request_id else ""
        super().__init__(f"{message}{suffix}")
        self.status_code = status_code
        self.request_id = request_id
        self.body = body
        self._message = message

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (ingestion workers): rebuild from fields.
        return (
            _rebuild,
            (
                type(self),
                (self._message,),
                {
                    "status_code": self.status_code,
                    "request_id": self.request_id,
                    "body": self.body,
                },
            ),
        )


@dataclass(frozen=True)
class ErrorDetail:
    """The fields of an error body, whatever shape the server used."""

    message: str
    code: str | None = None
    type: str | None = None
    param: str | None = None
    line: int | None = None


class APIStatusError(ZeroGPUError):
    """The API answered with a non-success status.

    Attributes:
        status_code: HTTP status.
        code: ``error.code`` from the body (e.g. ``insufficient_quota``), if any.
        type: ``error.type`` from the body, if any.
        param: ``error.param`` from the body, if any.
        line: ``error.line`` (1-based JSONL line) for batch validation errors.
        request_id: the ``x-request-id`` response header, for support tickets.
        body: the parsed JSON body (or the raw text when it was not JSON).
        retry_after: seconds the server asked to wait before retrying
            (``Retry-After`` / ``retry-after-ms``), if it said.
    """

    hint = "See the message for details."

    def __init__(
        self,
        detail: ErrorDetail,
        *,
        status_code: int,
        request_id: str | None = None,
        body: object = None,
        hint: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        if hint is not None:
            self.hint = hint  # what this particular failure points at
        self.status_code = status_code
        self.retry_after = retry_after
        self.code = detail.code
        self.type = detail.type
        self.param = detail.param
        self.line = detail.line
        self.request_id = request_id
        self.body = body
        self.detail_message = detail.message
        self._detail = detail
        super().__init__(self._format())

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (ingestion workers): rebuild from fields.
        fields = {
            "status_code": self.status_code,
            "request_id": self.request_id,
            "body": self.body,
            "hint": self.hint,
            "retry_after": self.retry_after,
        }
        return (_rebuild, (type(self), (self._detail,), fields))

    def _format(self) -> str:
        parts = [f"ZeroGPU API error {self.status_code}"]
        if self.code:
            parts.append(f" ({self.code})")
        parts.append(f": {self.detail_message}")
        if self.param:
            parts.append(f" [param: {self.param}]")
        if self.line is not None:
            parts.append(f" [line {self.line}]")
        parts.append(f". {self.hint}")
        if self.retry_after:
            parts.append(f" The server asked to retry after {self.retry_after:g} s.")
        if self.request_id:
            parts.append(f" Request id: {self.request_id}.")
        return "".join(parts)


class BadRequestError(APIStatusError):
    """400/413/422: the request is invalid and must be changed before retrying."""

    hint = "Fix the request; retrying it unchanged will fail again."


class ContextLengthExceededError(BadRequestError):
    """The input is longer than the model accepts (``context_length_exceeded``)."""

    hint = "Shorten the input (split it into chunks) or use a model with a larger context."


class AuthenticationError(APIStatusError):
    """401: the API key is missing or invalid."""

    hint = "Check that ZEROGPU_API_KEY holds an active key from the ZeroGPU dashboard."


class PermissionDeniedError(APIStatusError):
    """403: the key is invalid/inactive, not in the project, or lacks model access."""

    hint = (
        "Check the API key, that ZEROGPU_PROJECT_ID names the key's project, "
        "and that the project has access to this model."
    )


class NotFoundError(APIStatusError):
    """404: unknown file, batch or model."""

    hint = "Check the id; deleted files and batches of other projects also return 404."


class ModelNotFoundError(NotFoundError):
    """404 naming the requested model: the id is unknown or not available to you."""


class RouteNotFoundError(NotFoundError):
    """404 from one of the client's fixed routes: the base URL is probably wrong."""


class ConflictError(APIStatusError):
    """409: the resource is in a state that does not allow the call (e.g. cancel)."""

    hint = "The resource is in a terminal or conflicting state."


class InsufficientQuotaError(APIStatusError):
    """402, or 420/429 with ``insufficient_quota``: the account has no balance left."""

    hint = "Top up the ZeroGPU balance; this is not retried automatically."


class RateLimitError(APIStatusError):
    """429: too many requests (retried automatically with backoff)."""

    hint = (
        "Slow down or raise max_retries; the client waits out a Retry-After of up to "
        "max_retry_after seconds by itself."
    )


class InternalServerError(APIStatusError):
    """5xx: the service failed (retried automatically with backoff)."""

    hint = "The service failed; it was retried. Try again later."


def _rebuild(
    cls: type[ZeroGPUError], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> ZeroGPUError:
    return cls(*args, **kwargs)


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _as_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_error_body(body: object, *, fallback: str) -> ErrorDetail:
    """Read an error body in any documented shape.

    Shapes: ``{"error": {...}}`` (full, message-only or code+message), a failed
    Responses envelope (``status: "failed"`` + ``error``), ``{"error": "string"}``,
    ``{"message": "..."}`` at top level, or a non-JSON text body.
    """
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return ErrorDetail(
                message=_as_str(error.get("message")) or _as_str(error.get("code")) or fallback,
                code=_as_str(error.get("code")),
                type=_as_str(error.get("type")),
                param=_as_str(error.get("param")),
                line=_as_int(error.get("line")),
            )
        if isinstance(error, str) and error:
            return ErrorDetail(message=error, code=error)
        message = _as_str(body.get("message")) or _as_str(body.get("detail"))
        if message:
            return ErrorDetail(message=message, code=_as_str(body.get("code")))
    if isinstance(body, str) and body.strip():
        return ErrorDetail(message=body.strip()[:500])
    return ErrorDetail(message=fallback)


def _class_for(status: int, detail: ErrorDetail) -> type[APIStatusError]:
    keys = {detail.code, detail.type}
    if "context_length_exceeded" in keys:
        return ContextLengthExceededError
    if "insufficient_quota" in keys or status in (402, 420):
        # 420 without a code is quota per the spec; the body stays on the error.
        return InsufficientQuotaError
    by_status: dict[int, type[APIStatusError]] = {
        400: BadRequestError,
        401: AuthenticationError,
        403: PermissionDeniedError,
        404: NotFoundError,
        409: ConflictError,
        413: BadRequestError,
        422: BadRequestError,
        429: RateLimitError,
    }
    if status in by_status:
        return by_status[status]
    if status >= 500:
        return InternalServerError
    return APIStatusError


def decode_body(response: httpx.Response) -> object:
    """The response body as JSON when it parses, else as text."""
    try:
        return json.loads(response.content) if response.content else None
    except ValueError:
        return response.text


def error_from_body(
    status_code: int,
    body: object,
    *,
    request_id: str | None = None,
    fallback: str = "",
    retry_after: float | None = None,
) -> APIStatusError:
    """Build the typed error for a status and a decoded error body."""
    detail = parse_error_body(body, fallback=fallback or f"HTTP {status_code}")
    cls = _class_for(status_code, detail)
    return cls(
        detail, status_code=status_code, request_id=request_id, body=body, retry_after=retry_after
    )


def make_status_error(response: httpx.Response) -> APIStatusError:
    """Build the typed error for a non-success (already read) response."""
    error = error_from_body(
        response.status_code,
        decode_body(response),
        request_id=response.headers.get("x-request-id"),
        fallback=response.reason_phrase,
        retry_after=parse_retry_after(response.headers),
    )
    return _not_found(response, error) if response.status_code == 404 else error


def _not_found(response: httpx.Response, error: APIStatusError) -> APIStatusError:
    """A model 404 or a route 404 when the request shows which, else ``error``."""
    try:
        request = response.request
    except RuntimeError:  # a response built without a request (tests, replays)
        return error
    url = str(request.url.copy_with(query=None))
    import httpx  # loaded already: this response came through it

    try:
        content = request.content
    except httpx.RequestNotRead:  # a streamed upload: not a model route
        content = b""
    # Loaded on the first 404: the classifier is import time a working client never needs.
    from zerogpu_core._not_found import classify_not_found

    found = classify_not_found(url, content, error.detail_message, error.param)
    if found is None:
        return error
    cls = ModelNotFoundError if found[0] == "model" else RouteNotFoundError
    return cls(
        error._detail,
        status_code=error.status_code,
        request_id=error.request_id,
        body=error.body,
        hint=found[1],
    )


class TaskOutputError(ZeroGPUError, ValueError):
    """A task model answered, but not with a payload this package can use.

    The message describes the problem without quoting the model output, because the
    output of a PII model can contain the very strings being redacted. Defined here,
    not in ``zerogpu_core.tasks`` (which re-exports it), so error translation does not
    load the task helpers.
    """
