"""The connection settings: one definition for every client and framework class.

:class:`ConnectionSettings` is a pydantic field set. The framework classes inherit
it (through :class:`~zerogpu_core.client_cache.ZeroGPUConnection`), so each setting,
its default, its validation and its serialisation rule are written here once;
:class:`ConnectionArgs` types the same names as keyword arguments of the core
clients. Adding a setting means adding it to both (a test keeps them equal), using
it in :class:`~zerogpu_core._client_settings.ClientSettings`, and documenting it.

Serialisation: ``api_key``, ``default_headers`` (they may carry credentials) and
the caller's httpx clients are never part of a serialised form (LlamaIndex
``to_dict``/``to_json``, LangChain ``dumpd``, which stores only a reference to
``ZEROGPU_API_KEY``). The other settings are kept, so a saved configuration
reconnects the same way.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated, Any, TypedDict, cast

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr

from zerogpu_core._inputs import check_timeout

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RETRY_AFTER",
    "DEFAULT_TIMEOUT",
    "ConnectionArgs",
    "ConnectionSettings",
    "check_connection_args",
]

#: Seconds per attempt when ``timeout`` is unset.
DEFAULT_TIMEOUT = 60.0
#: Retries of transient failures when ``max_retries`` is unset.
DEFAULT_MAX_RETRIES = 2
#: Longest ``Retry-After`` slept through when ``max_retry_after`` is unset.
DEFAULT_MAX_RETRY_AFTER = 60.0


class _HttpxClass(type):
    """Stands in for the httpx class of the same name in the field types.

    Every framework class inherits these fields, and httpx is about 9 ms of a chat
    model's import (issue 16) that only the first request needs. ``isinstance``
    checks against the real class, so pydantic validates (and words its errors,
    "Input should be an instance of Client") as with httpx's own class; no instance
    of it can exist before httpx is imported.
    """

    def __instancecheck__(cls, instance: object) -> bool:
        httpx = sys.modules.get("httpx")
        return httpx is not None and isinstance(instance, getattr(httpx, cls.__name__))


if TYPE_CHECKING:
    from httpx import AsyncClient, Client, Timeout
else:

    class Client(metaclass=_HttpxClass):
        """``httpx.Client``, checked without importing httpx."""

    class AsyncClient(metaclass=_HttpxClass):
        """``httpx.AsyncClient``, checked without importing httpx."""

    class Timeout(metaclass=_HttpxClass):
        """``httpx.Timeout``, checked without importing httpx."""


class ConnectionArgs(TypedDict, total=False):
    """The connection settings as keyword arguments of the core clients."""

    api_key: str | SecretStr | None
    project_id: str | None
    base_url: str | None
    timeout: float | Timeout | None
    max_retries: int | None
    max_retry_after: float | None
    default_headers: Mapping[str, str] | None


def check_connection_args(owner: str, args: Mapping[str, Any]) -> None:
    """Raise ``TypeError`` for a keyword that is not a connection setting.

    Raises:
        TypeError: naming the unexpected argument, as Python does for a signature.
    """
    unknown = sorted(set(args) - set(ConnectionArgs.__annotations__))
    if unknown:
        raise TypeError(f"{owner}() got an unexpected keyword argument {unknown[0]!r}")


class ConnectionSettings(BaseModel):
    """How to reach the API: key, project, URL, timeout, retries, headers, clients.

    Unset values are resolved when the clients are built: ``ZEROGPU_*`` variables,
    then the defaults above (60 s timeout, 2 retries, 60 s longest ``Retry-After``).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, hide_input_in_errors=True)

    api_key: SecretStr | None = Field(
        default=None,
        exclude=True,
        repr=False,
        description="API key; ZEROGPU_API_KEY when unset. Never serialised.",
    )
    project_id: str | None = Field(
        default=None,
        description="Sent as x-project-id only when set; ZEROGPU_PROJECT_ID when unset.",
    )
    base_url: str | None = Field(
        default=None,
        description="API base URL; ZEROGPU_BASE_URL, then https://api.zerogpu.ai/v1.",
    )
    timeout: Annotated[float | Timeout | None, AfterValidator(check_timeout)] = Field(
        default=None, description="Deadline of each attempt in seconds; 60 when unset."
    )
    max_retries: int | None = Field(
        default=None, ge=0, description="Retries of transient failures; 2 when unset."
    )
    max_retry_after: float | None = Field(
        default=None,
        ge=0,
        description="Longest Retry-After slept through (60 s when unset); a longer one "
        "raises RateLimitError at once with the wait on retry_after.",
    )
    default_headers: dict[str, str] | None = Field(
        default=None,
        exclude=True,
        repr=False,
        description="Extra headers on every request. Never serialised.",
    )
    http_client: Client | None = Field(
        default=None, exclude=True, repr=False, description="An httpx.Client to reuse."
    )
    http_async_client: AsyncClient | None = Field(
        default=None, exclude=True, repr=False, description="An httpx.AsyncClient to reuse."
    )

    def connection_settings(self) -> ConnectionSettings:
        """A snapshot of these settings (framework classes inherit the fields)."""
        values = {name: getattr(self, name) for name in ConnectionSettings.model_fields}
        return ConnectionSettings.model_construct(**values)

    def client_args(self) -> ConnectionArgs:
        """The settings as keyword arguments of ``ZeroGPUClient`` (no httpx client)."""
        return cast(
            ConnectionArgs, {name: getattr(self, name) for name in ConnectionArgs.__annotations__}
        )

    def same_as(self, other: ConnectionSettings) -> bool:
        """Whether ``other`` builds the same clients (the caller's httpx clients by identity)."""
        # One C-level tuple comparison: framework objects check this before each request.
        return _connection_values(self) == _connection_values(other)


_connection_values = attrgetter(*ConnectionSettings.model_fields)
