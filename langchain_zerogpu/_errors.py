"""Core errors that are also LangChain's standard model exceptions.

Every class here subclasses both the ``zerogpu_core`` error and the matching
``langchain_core.exceptions`` class, so ``except zerogpu_core.RateLimitError`` and
``except langchain_core.exceptions.ModelRateLimitError`` both catch a 429 from
:class:`~langchain_zerogpu.ChatZeroGPU`.

They also subclass the two error classes of ``langchain-zerogpu`` 1.2.0, which this
package supersedes: credential problems are a :class:`ZeroGPUAuthError` (a
``ValueError``) and everything else a :class:`ZeroGPUError` (a ``RuntimeError``), so
code written against 1.2.0 still catches every failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Literal

from langchain_core import exceptions as lc

import zerogpu_core as core
from zerogpu_core._exceptions import TaskOutputError as CoreTaskOutputError

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ContextLengthExceededError",
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
    "ZeroGPUAuthError",
    "ZeroGPUError",
    "ZeroGPUInputError",
    "tool_errors",
    "translate_error",
    "translating_errors",
]


class ZeroGPUError(RuntimeError):
    """Any failure of a ZeroGPU call other than credentials (``langchain-zerogpu`` 1.2.0
    name): rate limits, server errors, network problems, unusable output."""


class ZeroGPUAuthError(ValueError):
    """The API key is missing, or the key or project was rejected (401/403)
    (``langchain-zerogpu`` 1.2.0 name)."""


class ZeroGPUInputError(ZeroGPUError, ValueError):
    """A tool argument was refused before any request was sent (for example a
    ``threshold`` above 1); both a :class:`ZeroGPUError` and a ``ValueError``."""


class APIStatusError(core.APIStatusError, lc.ModelError, ZeroGPUError):
    """Any other non-success status."""


class BadRequestError(core.BadRequestError, lc.ModelInvalidRequestError, ZeroGPUError):
    """400/413/422: the request is invalid."""


class ContextLengthExceededError(
    core.ContextLengthExceededError, lc.ContextOverflowError, ZeroGPUError
):
    """The input is longer than the model's context window."""


class AuthenticationError(core.AuthenticationError, lc.ModelAuthenticationError, ZeroGPUAuthError):
    """401: the API key is missing or invalid."""


class PermissionDeniedError(
    core.PermissionDeniedError, lc.ModelPermissionDeniedError, ZeroGPUAuthError
):
    """403: the key cannot use this project or model."""


class NotFoundError(core.NotFoundError, lc.ModelNotFoundError, ZeroGPUError):
    """404: unknown model or resource."""


class ModelNotFoundError(core.ModelNotFoundError, NotFoundError):
    """404 naming the model: the id is unknown or not available to the project."""


class RouteNotFoundError(core.RouteNotFoundError, NotFoundError):
    """404 from a fixed route: the base URL is probably wrong (e.g. lacks ``/v1``)."""


class ConflictError(core.ConflictError, lc.ModelError, ZeroGPUError):
    """409: the resource is in a conflicting state."""


class InsufficientQuotaError(core.InsufficientQuotaError, lc.ModelError, ZeroGPUError):
    """No balance left.

    Deliberately not a ``ModelRateLimitError``: that class is marked retryable,
    and retrying cannot help an empty balance.
    """


class RateLimitError(core.RateLimitError, lc.ModelRateLimitError, ZeroGPUError):
    """429 after the client's own retries."""


class InternalServerError(core.InternalServerError, lc.ModelAPIError, ZeroGPUError):
    """5xx after the client's own retries."""


class APIResponseValidationError(core.APIResponseValidationError, lc.ModelAPIError, ZeroGPUError):
    """A success status whose body is not what the route documents."""


class APIConnectionError(core.APIConnectionError, lc.ModelConnectionError, ZeroGPUError):
    """The API could not be reached."""


class APITimeoutError(core.APITimeoutError, lc.ModelTimeoutError, ZeroGPUError):
    """The request timed out after the client's own retries."""


class StreamInterruptedError(core.StreamInterruptedError, lc.ModelConnectionError, ZeroGPUError):
    """The stream ended before the server's final marker; the answer is incomplete."""


class MissingAPIKeyError(core.MissingAPIKeyError, lc.ModelAuthenticationError, ZeroGPUAuthError):
    """No API key was configured."""


class InvalidAPIKeyError(core.InvalidAPIKeyError, lc.ModelAuthenticationError, ZeroGPUAuthError):
    """The configured API key cannot be sent as a header value."""


class InvalidHeaderError(core.InvalidHeaderError, lc.ModelInvalidRequestError, ZeroGPUError):
    """A configured header cannot be sent; nothing was."""


class TaskOutputError(CoreTaskOutputError, lc.ModelAPIError, ZeroGPUError):
    """A task model answered with output that cannot be used (not JSON, no verdict)."""


# Most specific core class first: lookup walks the raised error's MRO.
_MIRRORS: dict[type[core.ZeroGPUError], type[core.ZeroGPUError]] = {
    core.ContextLengthExceededError: ContextLengthExceededError,
    core.BadRequestError: BadRequestError,
    core.AuthenticationError: AuthenticationError,
    core.PermissionDeniedError: PermissionDeniedError,
    core.ModelNotFoundError: ModelNotFoundError,
    core.RouteNotFoundError: RouteNotFoundError,
    core.NotFoundError: NotFoundError,
    core.ConflictError: ConflictError,
    core.InsufficientQuotaError: InsufficientQuotaError,
    core.RateLimitError: RateLimitError,
    core.InternalServerError: InternalServerError,
    core.APIStatusError: APIStatusError,
    core.APIResponseValidationError: APIResponseValidationError,
    core.StreamInterruptedError: StreamInterruptedError,
    core.APITimeoutError: APITimeoutError,
    core.APIConnectionError: APIConnectionError,
    core.MissingAPIKeyError: MissingAPIKeyError,
    core.InvalidAPIKeyError: InvalidAPIKeyError,
    core.InvalidHeaderError: InvalidHeaderError,
    CoreTaskOutputError: TaskOutputError,
}


def translate_error(error: core.ZeroGPUError) -> core.ZeroGPUError:
    """The LangChain-aware twin of ``error``, with the same message and attributes.

    Errors that are already translated, or have no twin, are returned unchanged.
    """
    if isinstance(error, lc.ModelError):
        return error
    mirror = next((_MIRRORS[c] for c in type(error).__mro__ if c in _MIRRORS), None)
    if mirror is None:
        return error
    # Copy state instead of calling __init__: the constructors differ per class.
    twin = mirror.__new__(mirror)
    twin.__dict__.update(error.__dict__)
    twin.args = error.args
    return twin


class _TranslatingErrors:
    """The context manager of :func:`translating_errors` (stateless, so one is shared).

    A class rather than ``@contextmanager``: entered on every call and stream, and a
    generator-based manager costs a generator and two resumptions each time.
    """

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> Literal[False]:
        if isinstance(error, core.ZeroGPUError):
            twin = translate_error(error)
            if twin is not error:
                raise twin from error
        return False


_TRANSLATING_ERRORS = _TranslatingErrors()


def translating_errors() -> _TranslatingErrors:
    """Re-raise core errors from the block as their LangChain-aware twins.

    A plain context manager, so the sync and async code paths (including async
    generators) share it.
    """
    return _TRANSLATING_ERRORS


@contextmanager
def tool_errors() -> Iterator[None]:
    """Like :func:`translating_errors`, and a ``ValueError`` refusing an argument
    before any request becomes a :class:`ZeroGPUInputError`: 1.2.0 sent such input
    and raised ``ZeroGPUError`` for the 400, so ``except ZeroGPUError`` still works."""
    try:
        with translating_errors():
            yield
    except core.ZeroGPUError:
        raise
    except ValueError as error:
        raise ZeroGPUInputError(str(error)) from error
