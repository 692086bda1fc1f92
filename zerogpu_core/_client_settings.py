"""The resolved settings of one client: what is sent, to where, how often retried.

Apart from the clients (:mod:`zerogpu_core._base_client`), which need httpx: framework
classes check their settings at construction, and importing one should not load
httpx before its first request (issue 16: import time).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import SecretStr

from zerogpu_core._inputs import check_timeout
from zerogpu_core._retry import RetryPolicy
from zerogpu_core._secrets import api_key_header, normalise_api_key
from zerogpu_core._settings import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_TIMEOUT,
    ConnectionArgs,
    check_connection_args,
)
from zerogpu_core._urls import resolve_base_url
from zerogpu_core._version import __version__

if TYPE_CHECKING:
    import httpx

    # typing.Unpack is 3.11+; only the type checker needs it.
    from typing_extensions import Unpack

__all__ = ["ClientSettings"]


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


@dataclass(frozen=True)
class ClientSettings:
    """Resolved configuration. ``repr`` never shows the key."""

    api_key: SecretStr | None
    project_id: str | None
    base_url: str
    timeout: float | httpx.Timeout
    retry: RetryPolicy
    default_headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def resolve(cls, **settings: Unpack[ConnectionArgs]) -> ClientSettings:
        """Fill unset values from ``ZEROGPU_*`` environment variables and defaults.

        The key (explicit or from the environment) is stripped of surrounding
        whitespace here, once; an empty one counts as unset.

        Raises:
            TypeError: for a keyword that is not a connection setting.
            ValueError: for a malformed ``base_url`` or a non-positive ``timeout``.
        """
        check_connection_args("ClientSettings.resolve", settings)
        api_key = normalise_api_key(settings.get("api_key")) or normalise_api_key(
            _env("ZEROGPU_API_KEY")
        )
        max_retries = settings.get("max_retries")
        max_retry_after = settings.get("max_retry_after")
        timeout = settings.get("timeout")
        return cls(
            api_key=api_key,
            project_id=((settings.get("project_id") or "").strip() or _env("ZEROGPU_PROJECT_ID")),
            base_url=resolve_base_url(settings.get("base_url")),
            timeout=DEFAULT_TIMEOUT if timeout is None else check_timeout(timeout),
            retry=RetryPolicy(
                max_retries=DEFAULT_MAX_RETRIES if max_retries is None else max_retries,
                max_retry_after=(
                    DEFAULT_MAX_RETRY_AFTER if max_retry_after is None else max_retry_after
                ),
            ),
            default_headers=dict(settings.get("default_headers") or {}),
        )

    def headers(self) -> dict[str, str]:
        """Auth and default headers for one request.

        Raises:
            MissingAPIKeyError: when no key is configured (checked per request, so
                objects can be constructed without one).
            InvalidAPIKeyError: when the key cannot be a header value.
        """
        headers = {
            "user-agent": f"zerogpu-integrations/{__version__}",
            "accept": "application/json",
            **self.default_headers,
            "x-api-key": api_key_header(self.api_key),
        }
        if self.project_id:
            headers["x-project-id"] = self.project_id
        return headers
