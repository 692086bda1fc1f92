"""A framework object's clients: one blocking client, one async client per event loop.

An ``httpx.AsyncClient`` keeps pooled connections bound to the loop that opened
them; reusing it from a second ``asyncio.run`` fails with "Event loop is closed".
Framework objects (LLMs, embeddings, retrievers) outlive loops, so they keep their
clients here instead of holding one ``AsyncZeroGPUClient``.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from typing import Any

from zerogpu_core._base_client import ClientSettings
from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient

__all__ = ["ClientCache"]


class ClientCache:
    """Clients built from one set of ``ZeroGPUClient`` keyword arguments (no ``http_client``).

    Settings are checked at once, so a malformed ``base_url`` fails when the framework
    object is created; the clients themselves (each loads a CA bundle) are built on
    first use, the async one once per event loop.

    Example:
        >>> cache = ClientCache(api_key="test-key", base_url="http://127.0.0.1:9/v1")
        >>> cache.sync.base_url
        'http://127.0.0.1:9/v1'
    """

    def __init__(self, **client_kwargs: Any) -> None:
        ClientSettings.resolve(**client_kwargs)
        self._kwargs = client_kwargs
        self._sync: ZeroGPUClient | None = None
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncZeroGPUClient] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    @property
    def sync(self) -> ZeroGPUClient:
        """The blocking client."""
        with self._lock:
            if self._sync is None:
                self._sync = ZeroGPUClient(**self._kwargs)
            return self._sync

    @classmethod
    def reuse(cls, cache: ClientCache | None, **client_kwargs: Any) -> ClientCache:
        """``cache`` if it was built from exactly these arguments, else a new cache.

        Framework objects call this before each request, so changing a setting such
        as ``base_url`` after construction takes effect instead of being ignored.
        """
        if cache is not None and cache._kwargs == client_kwargs:
            return cache
        return cls(**client_kwargs)

    def __reduce__(self) -> tuple[Any, ...]:
        # Clients hold sockets and locks: copies and unpickled objects get fresh ones.
        return (_rebuild, (self._kwargs,))

    def async_client(self) -> AsyncZeroGPUClient:
        """The async client of the running event loop (call from inside a coroutine)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._async.get(loop)
            if client is None:
                client = self._async[loop] = AsyncZeroGPUClient(**self._kwargs)
            return client


def _rebuild(client_kwargs: dict[str, Any]) -> ClientCache:
    return ClientCache(**client_kwargs)
