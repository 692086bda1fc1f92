"""``ZeroGPUClient``: the ``langchain-zerogpu`` 1.2.0 client, on this project's core.

Same constructor and the same ``responses``/``aresponses``/``chat``/``achat``
methods (text in, answer text out) as 1.2.0, so code that builds one and shares it
between tools keeps working. Underneath it is :mod:`zerogpu_core`: retries that
honour ``Retry-After``, typed errors that are still :class:`ZeroGPUError` /
:class:`ZeroGPUAuthError`, an async path that never blocks the event loop, answers
without the reasoning trace, any key prefix, and no ``x-project-id`` header unless a
project id is set.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx
from pydantic import SecretStr

from langchain_zerogpu._errors import (
    MissingAPIKeyError,
    ZeroGPUAuthError,
    ZeroGPUError,
    tool_errors,
)
from zerogpu_core._client import AsyncZeroGPUClient
from zerogpu_core._client import ZeroGPUClient as CoreClient
from zerogpu_core._client_settings import ClientSettings
from zerogpu_core._settings import ConnectionSettings
from zerogpu_core.client_cache import ClientCache
from zerogpu_core.tasks.single_turn import (
    TextReply,
    achat_once,
    arespond,
    chat_once,
    chat_request,
    respond,
    response_request,
)

__all__ = [
    "API_KEY_ENV",
    "PROJECT_ID_ENV",
    "ZeroGPUAuthError",
    "ZeroGPUClient",
    "ZeroGPUError",
    "maybe_json",
]

API_KEY_ENV = "ZEROGPU_API_KEY"
PROJECT_ID_ENV = "ZEROGPU_PROJECT_ID"


def maybe_json(text: str) -> Any:
    """``text`` decoded as JSON, or ``text`` itself when it is not JSON."""
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


class ZeroGPUClient:
    """A credential-bound client shared by the ZeroGPU tools.

    Example:
        >>> client = ZeroGPUClient(api_key="...")  # or ZEROGPU_API_KEY
        >>> client.chat(model="gpt-oss-120b", text="Hi")  # doctest: +SKIP

    Args:
        api_key: API key; defaults to ``ZEROGPU_API_KEY``. Any prefix is accepted.
        project_id: sent as ``x-project-id`` only when set; defaults to
            ``ZEROGPU_PROJECT_ID``.
        base_url: defaults to ``ZEROGPU_BASE_URL``, then ``https://api.zerogpu.ai/v1``.
        timeout: seconds per attempt (default 60).
        max_retries: retries of transient failures (default 2).
        default_headers: extra headers on every request.
        max_retry_after: longest ``Retry-After`` slept through (default 60 s).

    Raises:
        ZeroGPUAuthError: when no API key is given or set in the environment.
    """

    def __init__(
        self,
        api_key: str | SecretStr | None = None,
        project_id: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        max_retry_after: float | None = None,
    ) -> None:
        key = SecretStr(api_key) if isinstance(api_key, str) else api_key
        settings = ConnectionSettings.model_construct(
            api_key=key,
            project_id=project_id,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=None if default_headers is None else dict(default_headers),
            max_retry_after=max_retry_after,
        )
        self._connect(settings)

    @classmethod
    def from_settings(cls, settings: ConnectionSettings) -> ZeroGPUClient:
        """A client for ``settings`` (how the tools build theirs)."""
        client = cls.__new__(cls)
        client._connect(settings)
        return client

    def _connect(self, settings: ConnectionSettings) -> None:
        with tool_errors():
            resolved = ClientSettings.resolve(**settings.client_args())
            if resolved.api_key is None:
                # 1.2.0 refused a client without a key; so do we, at the same point.
                raise MissingAPIKeyError()
            self._clients = ClientCache(settings)
        self._base_url = resolved.base_url

    def __repr__(self) -> str:
        return f"ZeroGPUClient(base_url={self._base_url!r})"

    @property
    def sync_client(self) -> CoreClient:
        """The blocking :class:`zerogpu_core.ZeroGPUClient`."""
        return self._clients.sync

    @property
    def async_client(self) -> AsyncZeroGPUClient:
        """The :class:`zerogpu_core.AsyncZeroGPUClient` of the running event loop."""
        return self._clients.async_client()

    def responses(
        self,
        *,
        model: str,
        text: str,
        system: str | None = None,
        metadata: dict[str, Any] | None = None,
        additional_body: dict[str, Any] | None = None,
    ) -> str:
        """``POST /responses`` with ``text`` as ``input``; returns the answer text.

        Args:
            model: model id.
            text: the input text.
            system: sent as ``instructions``.
            metadata: model options (GLiNER ``usecase``, ``labels``, ...).
            additional_body: further top-level fields, e.g. ``categories``.
        """
        with tool_errors():
            body = response_request(
                model, text, system=system, metadata=metadata, extra_body=additional_body
            )
            return respond(self.sync_client, body).answer

    async def aresponses(
        self,
        *,
        model: str,
        text: str,
        system: str | None = None,
        metadata: dict[str, Any] | None = None,
        additional_body: dict[str, Any] | None = None,
    ) -> str:
        """Async :meth:`responses`."""
        with tool_errors():
            body = response_request(
                model, text, system=system, metadata=metadata, extra_body=additional_body
            )
            return (await arespond(self.async_client, body)).answer

    def chat(self, *, model: str, text: str, system: str | None = None) -> str:
        """``POST /chat/completions`` with an optional system message and ``text``;
        returns the answer (a reasoning trace, if any, is left out)."""
        with tool_errors():
            return chat_once(self.sync_client, chat_request(model, text, system=system)).answer

    async def achat(self, *, model: str, text: str, system: str | None = None) -> str:
        """Async :meth:`chat`."""
        with tool_errors():
            body = chat_request(model, text, system=system)
            return (await achat_once(self.async_client, body)).answer

    def reply(self, *, model: str, text: str, system: str | None = None) -> TextReply:
        """Like :meth:`responses`, keeping the answer and the reasoning trace apart."""
        with tool_errors():
            return respond(self.sync_client, response_request(model, text, system=system))

    async def areply(self, *, model: str, text: str, system: str | None = None) -> TextReply:
        """Async :meth:`reply`."""
        with tool_errors():
            body = response_request(model, text, system=system)
            return await arespond(self.async_client, body)
