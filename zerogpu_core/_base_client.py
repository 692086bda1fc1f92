"""Request building and the retry loop shared by the sync and async clients.

Everything that decides *what* is sent and *whether* to retry lives here once (the
resolved settings and headers in :mod:`zerogpu_core._client_settings`); the two
client classes only differ in how they send and sleep.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx
from pydantic import ValidationError

from zerogpu_core._client_settings import ClientSettings
from zerogpu_core._deadline import ReadWithin, attempt_seconds, deadline_expired, within
from zerogpu_core._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    InvalidHeaderError,
    ZeroGPUError,
    make_status_error,
)
from zerogpu_core._retry import RetryLater, deferred_retries
from zerogpu_core._urls import DEFAULT_BASE_URL
from zerogpu_core.types._base import ResponseModel

if TYPE_CHECKING:
    # typing.Unpack is 3.11+; only the type checker needs it.
    pass

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_POOL_SIZE", "ClientSettings", "RequestSpec", "pool_limits"]

logger = logging.getLogger("zerogpu_core")

T = TypeVar("T")
R = TypeVar("R", bound=ResponseModel)


#: Connections our own pool keeps open for reuse when no concurrency is given
#: (httpx's own default).
DEFAULT_POOL_SIZE = 20


def pool_limits(pool_size: int | None) -> httpx.Limits:
    """The limits of a pool we create, for ``pool_size`` requests in flight at once.

    Every connection a run uses at once stays open for the next request: with
    fewer kept alive than requests in flight, each round closes and reopens the
    surplus. At least httpx's defaults (20 kept alive, 100 in all).
    """
    size = DEFAULT_POOL_SIZE if pool_size is None else max(pool_size, DEFAULT_POOL_SIZE)
    return httpx.Limits(max_connections=max(size, 100), max_keepalive_connections=size)


@dataclass(frozen=True)
class RequestSpec(Generic[T]):
    """One API call: what to send and how to read the answer."""

    method: str
    path: str
    parse: Callable[[httpx.Response], T]
    json: Any = None
    params: Mapping[str, Any] | None = None
    files: Mapping[str, Any] | None = None
    data: Mapping[str, Any] | None = None
    stream: bool = False
    # Batch cancel answers 409 for a terminal batch; that is final, not transient.
    retry_conflict: bool = True
    # Uploads may take longer than ``timeout`` to send: httpx's per-operation
    # timeouts only, no deadline for the whole attempt.
    deadline: bool = True
    # A lost answer to a non-idempotent call (batch create) may hide a success:
    # only a 429, which the server refused outright, is retried.
    idempotent: bool = True


def parse_json(model: type[R]) -> Callable[[httpx.Response], R]:
    """A parser that validates a JSON body as ``model`` and records its request id."""

    def parse(response: httpx.Response) -> R:
        request_id = response.headers.get("x-request-id")
        try:
            # One pass from bytes to model: pydantic parses the JSON itself (its
            # validator called directly, without model_validate_json's wrapper).
            parsed: R = model.__pydantic_validator__.validate_json(response.content)
        except ValidationError as exc:
            raise _unparsable(response, exc, request_id) from None
        parsed._set_request_id(request_id)
        return parsed

    return parse


def _unparsable(
    response: httpx.Response, error: ValidationError, request_id: str | None
) -> APIResponseValidationError:
    """The error for a body that is not JSON, or not the route's shape."""
    try:
        payload = response.json()
    except ValueError:
        return APIResponseValidationError(
            f"Expected a JSON body from {response.request.url.path}, got "
            f"{len(response.content)} bytes of "
            f"{response.headers.get('content-type', 'unknown type')}",
            status_code=response.status_code,
            request_id=request_id,
            body=response.text,
        )
    return APIResponseValidationError(
        f"Unexpected response shape from {response.request.url.path}: {_shape_problems(error)}",
        status_code=response.status_code,
        request_id=request_id,
        body=payload,
    )


def _shape_problems(error: ValidationError) -> str:
    """Where and why validation failed, without echoing any input value."""
    problems = [
        f"{'.'.join(str(part) for part in item['loc']) or 'body'}: {item['msg']}"
        for item in error.errors(include_input=False, include_url=False)
    ]
    more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
    return "; ".join(problems[:3]) + more


def read_bytes(response: httpx.Response) -> bytes:
    """Parser for raw downloads (file content)."""
    return response.content


class _Attempts:
    """Bookkeeping of one logical call across its retries.

    In a bulk job (see :func:`~zerogpu_core._retry.deferring_retries`) the count
    lives in the job's state, across the attempts its runner schedules.
    """

    def __init__(self, settings: ClientSettings, spec: RequestSpec[Any]) -> None:
        self.policy = settings.retry
        self.spec = spec
        self.deferred = deferred_retries()
        self.retry_index = 0 if self.deferred is None else self.deferred.retries

    def on_error(self, error: ZeroGPUError, headers: Mapping[str, str] | None) -> float:
        """Seconds to wait before the next attempt; re-raises ``error`` when final.

        Raises:
            RetryLater: instead of returning, in a bulk job: its runner waits
                without holding a concurrency slot.
        """
        retriable = (isinstance(error, APIConnectionError) and self.spec.idempotent) or (
            isinstance(error, APIStatusError)
            and self.policy.should_retry_status(error)
            and (self.spec.retry_conflict or error.status_code != 409)
            and (self.spec.idempotent or error.status_code == 429)
        )
        if not retriable or self.retry_index >= self.policy.max_retries:
            raise error
        delay = self.policy.delay(self.retry_index, headers)
        if delay is None:
            # Longer than the caller accepts to block: raise now; the error carries the
            # server's wait (retry_after) so the caller can schedule the retry.
            raise error
        self.retry_index += 1
        logger.info(
            "Retrying %s %s in %.2fs (retry %d of %d) after: %s",
            self.spec.method,
            self.spec.path,
            delay,
            self.retry_index,
            self.policy.max_retries,
            error,
        )
        if self.deferred is not None:
            self.deferred.retries = self.retry_index
            raise RetryLater(error, delay)
        return delay


def _transport_error(
    exc: httpx.TransportError, spec: RequestSpec[Any], base_url: str
) -> ZeroGPUError:
    if isinstance(exc, httpx.LocalProtocolError):
        # Raised before anything is sent, and its text quotes the offending header.
        return InvalidHeaderError()
    url = f"{base_url}{spec.path}"
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"The request to the ZeroGPU API ({spec.method} {url}) timed out "
            f"({type(exc).__name__})."
        )
    return APIConnectionError(
        f"Could not reach the ZeroGPU API at {spec.method} {url} "
        f"({type(exc).__name__}: {exc}). Check base_url (or ZEROGPU_BASE_URL) and your network."
    )


class _ClientBase:
    """Configuration and request building common to both clients."""

    settings: ClientSettings
    _owns_http: bool
    # The auth and default headers, built (and the key checked) at the first request.
    _headers: dict[str, str] | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.settings.base_url!r})"

    @property
    def base_url(self) -> str:
        """The API base URL requests are sent to."""
        return self.settings.base_url

    def _request_headers(self, http: httpx.Client | httpx.AsyncClient) -> dict[str, str] | None:
        """Headers to pass with one request; ``None`` once they are on our own pool.

        ``settings.headers()`` checks the key, so the first request still fails
        before anything is sent when it is missing or invalid. On a pool this client
        created, the headers are then set once (httpx normalises per-request headers
        on every call); a caller's ``http_client`` is never modified, so there they
        go with each request.
        """
        if self._headers is None:
            headers = self.settings.headers()
            if self._owns_http:
                http.headers.update(headers)
            self._headers = headers  # only now: a concurrent first call must not skip them
        return None if self._owns_http else self._headers

    def _build(
        self, http: httpx.Client | httpx.AsyncClient, spec: RequestSpec[Any]
    ) -> httpx.Request:
        return http.build_request(
            spec.method,
            _absolute_url(self.settings.base_url, spec.path),
            json=spec.json,
            params=spec.params,
            files=spec.files,
            data=spec.data,
            headers=self._request_headers(http),
            # Our own pool was created with this timeout; httpx would rebuild it per call.
            timeout=httpx.USE_CLIENT_DEFAULT if self._owns_http else self.settings.timeout,
        )


@functools.lru_cache(maxsize=256)
def _absolute_url(base_url: str, path: str) -> httpx.URL:
    """The parsed URL of a route (parsing a URL string costs httpx tens of microseconds;
    ``httpx.URL`` is immutable, so one parse serves every call to the same route)."""
    return httpx.URL(f"{base_url}{path}")


class SyncTransport(_ClientBase):
    """The blocking send loop."""

    def __init__(
        self,
        settings: ClientSettings,
        http_client: httpx.Client | None,
        pool_size: int | None = None,
    ) -> None:
        self.settings = settings
        self._owns_http = http_client is None
        # A caller's client is used as given (its pool, its limits).
        self._http = http_client or httpx.Client(
            timeout=settings.timeout, limits=pool_limits(pool_size)
        )
        self._sleep: Callable[[float], None] = time.sleep

    def _send(self, spec: RequestSpec[Any]) -> httpx.Response:
        attempts = _Attempts(self.settings, spec)
        while True:
            try:
                response = self._attempt(spec)
            except httpx.TransportError as exc:
                self._sleep(
                    attempts.on_error(_transport_error(exc, spec, self.settings.base_url), None)
                )
                continue
            if response.is_success:
                return response
            self._sleep(attempts.on_error(make_status_error(response), response.headers))

    def _attempt(self, spec: RequestSpec[Any]) -> httpx.Response:
        """Send once; the body (unless a successful stream) arrives within the deadline."""
        seconds = attempt_seconds(self.settings.timeout) if spec.deadline else None
        started = time.monotonic()
        response = self._http.send(self._build(self._http, spec), stream=True)
        logger.debug("%s %s -> %d", spec.method, spec.path, response.status_code)
        if spec.stream and response.is_success:
            return response
        try:
            if seconds is None:
                response.read()
            else:
                with ReadWithin(response, started + seconds, seconds):
                    response.read()
        finally:
            response.close()
        return response

    def _request(self, spec: RequestSpec[T]) -> T:
        return spec.parse(self._send(spec))

    def close(self) -> None:
        """Close the pooled HTTP client if this object created it."""
        if self._owns_http:
            self._http.close()


class AsyncTransport(_ClientBase):
    """The non-blocking send loop."""

    def __init__(
        self,
        settings: ClientSettings,
        http_client: httpx.AsyncClient | None,
        pool_size: int | None = None,
    ) -> None:
        self.settings = settings
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(
            timeout=settings.timeout, limits=pool_limits(pool_size)
        )
        self._sleep: Callable[[float], Any] = asyncio.sleep

    async def _send(self, spec: RequestSpec[Any]) -> httpx.Response:
        attempts = _Attempts(self.settings, spec)
        while True:
            try:
                response = await self._attempt(spec)
            except httpx.TransportError as exc:
                await self._sleep(
                    attempts.on_error(_transport_error(exc, spec, self.settings.base_url), None)
                )
                continue
            if response.is_success:
                return response
            await self._sleep(attempts.on_error(make_status_error(response), response.headers))

    async def _attempt(self, spec: RequestSpec[Any]) -> httpx.Response:
        """Send once, all of it (headers and body) within the deadline."""
        seconds = attempt_seconds(self.settings.timeout) if spec.deadline else None
        if seconds is None:
            return await self._attempt_unbounded(spec)
        try:
            return await within(self._attempt_unbounded(spec), seconds)
        except asyncio.TimeoutError:
            raise deadline_expired(seconds) from None

    async def _attempt_unbounded(self, spec: RequestSpec[Any]) -> httpx.Response:
        response = await self._http.send(self._build(self._http, spec), stream=True)
        logger.debug("%s %s -> %d", spec.method, spec.path, response.status_code)
        if spec.stream and response.is_success:
            return response
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    async def _request(self, spec: RequestSpec[T]) -> T:
        return spec.parse(await self._send(spec))

    async def aclose(self) -> None:
        """Close the pooled HTTP client if this object created it."""
        if self._owns_http:
            await self._http.aclose()
