"""ZeroGPU core: an httpx client for the whole ZeroGPU HTTP API, framework-free.

Example:
    >>> from zerogpu_core import ZeroGPUClient
    >>> client = ZeroGPUClient()  # ZEROGPU_API_KEY, optional ZEROGPU_PROJECT_ID
    >>> client.chat_completion(  # doctest: +SKIP
    ...     model="gpt-oss-120b", messages=[{"role": "user", "content": "Hi"}]
    ... ).message.answer
"""

from zerogpu_core import catalog, types
from zerogpu_core._base_client import DEFAULT_BASE_URL, ClientSettings
from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
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
from zerogpu_core._version import __version__
from zerogpu_core.streaming import StreamAccumulator, completion_to_chunk

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
