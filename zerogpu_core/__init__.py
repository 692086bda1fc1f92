"""ZeroGPU core: an httpx client for the whole ZeroGPU HTTP API, framework-free.

Example:
    >>> from zerogpu_core import ZeroGPUClient
    >>> client = ZeroGPUClient()  # ZEROGPU_API_KEY, optional ZEROGPU_PROJECT_ID
    >>> client.chat_completion(  # doctest: +SKIP
    ...     model="gpt-oss-120b", messages=[{"role": "user", "content": "Hi"}]
    ... ).message.answer

Names are imported on first use (PEP 562), so importing one part (the chat client,
say) does not build the wire models and helpers of every other route.
"""

from typing import TYPE_CHECKING, Any

from zerogpu_core._lazy import LazyExports

if TYPE_CHECKING:
    from zerogpu_core import catalog, types
    from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
    from zerogpu_core._client_settings import ClientSettings
    from zerogpu_core._exceptions import (
        APIConnectionError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConflictError,
        ContextLengthExceededError,
        ErrorDetail,
        InsufficientQuotaError,
        InternalServerError,
        InvalidAPIKeyError,
        InvalidHeaderError,
        MissingAPIKeyError,
        ModelNotFoundError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        RouteNotFoundError,
        StreamInterruptedError,
        ZeroGPUError,
    )
    from zerogpu_core._jsontext import parse_json_text
    from zerogpu_core._reasoning import ThinkTagSplitter, split_think_blocks
    from zerogpu_core._retry import RetryPolicy, parse_retry_after
    from zerogpu_core._settings import (
        DEFAULT_MAX_RETRIES,
        DEFAULT_MAX_RETRY_AFTER,
        DEFAULT_TIMEOUT,
        ConnectionSettings,
    )
    from zerogpu_core._urls import DEFAULT_BASE_URL
    from zerogpu_core._version import __version__
    from zerogpu_core.streaming import StreamAccumulator, completion_to_chunk

#: Public name -> the module that defines it (submodules map to themselves).
_EXPORTS = {
    "catalog": "zerogpu_core.catalog",
    "types": "zerogpu_core.types",
    "DEFAULT_BASE_URL": "zerogpu_core._urls",
    "ClientSettings": "zerogpu_core._client_settings",
    "AsyncZeroGPUClient": "zerogpu_core._client",
    "ZeroGPUClient": "zerogpu_core._client",
    "APIConnectionError": "zerogpu_core._exceptions",
    "APIResponseValidationError": "zerogpu_core._exceptions",
    "APIStatusError": "zerogpu_core._exceptions",
    "APITimeoutError": "zerogpu_core._exceptions",
    "AuthenticationError": "zerogpu_core._exceptions",
    "BadRequestError": "zerogpu_core._exceptions",
    "ConflictError": "zerogpu_core._exceptions",
    "ContextLengthExceededError": "zerogpu_core._exceptions",
    "ErrorDetail": "zerogpu_core._exceptions",
    "InsufficientQuotaError": "zerogpu_core._exceptions",
    "InternalServerError": "zerogpu_core._exceptions",
    "InvalidAPIKeyError": "zerogpu_core._exceptions",
    "InvalidHeaderError": "zerogpu_core._exceptions",
    "MissingAPIKeyError": "zerogpu_core._exceptions",
    "ModelNotFoundError": "zerogpu_core._exceptions",
    "NotFoundError": "zerogpu_core._exceptions",
    "PermissionDeniedError": "zerogpu_core._exceptions",
    "RateLimitError": "zerogpu_core._exceptions",
    "RouteNotFoundError": "zerogpu_core._exceptions",
    "StreamInterruptedError": "zerogpu_core._exceptions",
    "ZeroGPUError": "zerogpu_core._exceptions",
    "parse_json_text": "zerogpu_core._jsontext",
    "ThinkTagSplitter": "zerogpu_core._reasoning",
    "split_think_blocks": "zerogpu_core._reasoning",
    "RetryPolicy": "zerogpu_core._retry",
    "parse_retry_after": "zerogpu_core._retry",
    "DEFAULT_MAX_RETRIES": "zerogpu_core._settings",
    "DEFAULT_MAX_RETRY_AFTER": "zerogpu_core._settings",
    "DEFAULT_TIMEOUT": "zerogpu_core._settings",
    "ConnectionSettings": "zerogpu_core._settings",
    "__version__": "zerogpu_core._version",
    "StreamAccumulator": "zerogpu_core.streaming",
    "completion_to_chunk": "zerogpu_core.streaming",
}


_lazy = LazyExports(__name__, _EXPORTS, globals())


def __getattr__(name: str) -> Any:
    return _lazy.load(name)


def __dir__() -> list[str]:
    return _lazy.names()


__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RETRY_AFTER",
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncZeroGPUClient",
    "AuthenticationError",
    "BadRequestError",
    "ClientSettings",
    "ConflictError",
    "ConnectionSettings",
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
    "RetryPolicy",
    "RouteNotFoundError",
    "StreamAccumulator",
    "StreamInterruptedError",
    "ThinkTagSplitter",
    "ZeroGPUClient",
    "ZeroGPUError",
    "__version__",
    "catalog",
    "completion_to_chunk",
    "parse_json_text",
    "parse_retry_after",
    "split_think_blocks",
    "types",
]
