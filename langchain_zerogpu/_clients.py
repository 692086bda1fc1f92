"""The core clients of one LangChain object, built on first use."""

from __future__ import annotations

import threading
from typing import Any

import httpx

from zerogpu_core import AsyncZeroGPUClient, ClientSettings, ZeroGPUClient
from zerogpu_core.client_cache import ClientCache

__all__ = ["LazyClients"]


class LazyClients:
    """A sync client and per-event-loop async clients, created when first needed.

    Building an httpx client loads the CA bundle (tens of milliseconds), so models
    that are created but never called cost nothing. Settings are still checked at
    once, so a malformed ``base_url`` fails at construction.

    Args:
        settings: ``ZeroGPUClient`` keyword arguments other than ``http_client``.
        http_client: a caller's ``httpx.Client`` for sync calls.
        http_async_client: a caller's ``httpx.AsyncClient``; the caller then owns
            its event-loop binding, otherwise each loop gets its own client.
    """

    def __init__(
        self,
        settings: dict[str, Any],
        http_client: httpx.Client | None = None,
        http_async_client: httpx.AsyncClient | None = None,
    ) -> None:
        ClientSettings.resolve(**settings)
        self._settings = settings
        self._http_client = http_client
        self._http_async_client = http_async_client
        self._lock = threading.Lock()
        self._sync: ZeroGPUClient | None = None
        self._async: AsyncZeroGPUClient | None = None
        self._per_loop: ClientCache | None = None

    @property
    def sync(self) -> ZeroGPUClient:
        """The blocking client."""
        with self._lock:
            if self._sync is None:
                self._sync = ZeroGPUClient(**self._settings, http_client=self._http_client)
            return self._sync

    @property
    def async_(self) -> AsyncZeroGPUClient:
        """The async client for the running event loop."""
        with self._lock:
            if self._http_async_client is not None:
                if self._async is None:
                    self._async = AsyncZeroGPUClient(
                        **self._settings, http_client=self._http_async_client
                    )
                return self._async
            if self._per_loop is None:
                self._per_loop = ClientCache(**self._settings)
        return self._per_loop.async_client()
