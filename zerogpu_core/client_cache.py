"""A framework object's clients: one blocking client, one async client per event loop.

An ``httpx.AsyncClient`` keeps pooled connections bound to the loop that opened
them; reusing it from a second ``asyncio.run`` fails with "Event loop is closed".
Framework objects (LLMs, embeddings, retrievers) outlive loops, so they keep their
clients here instead of holding one ``AsyncZeroGPUClient``.

A loop's client is released with the loop: a server calling ``asyncio.run`` per
request must not keep one socket per past loop. asyncio has no "loop closing"
callback, but ``asyncio.run`` (and ``asyncio.Runner``) close every suspended async
generator of the loop before closing it, inside the loop. Each client therefore
comes with a small guard generator whose ``finally`` closes the client there. Loops
closed without that shutdown (a bare ``loop.close()``) are forgotten the next time
any loop asks for a client, so their clients can be collected.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import AsyncGenerator
from typing import Any

import httpx

from zerogpu_core._base_client import ClientSettings
from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient

__all__ = ["ClientCache"]

_OWNER_FIELDS = (
    "api_key",
    "project_id",
    "base_url",
    "timeout",
    "max_retries",
    "max_retry_after",
    "default_headers",
    "http_client",
    "http_async_client",
)


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

    def __init__(
        self,
        *,
        http_client: httpx.Client | None = None,
        http_async_client: httpx.AsyncClient | None = None,
        **client_kwargs: Any,
    ) -> None:
        ClientSettings.resolve(**client_kwargs)
        self._kwargs = client_kwargs
        self._http_client = http_client
        self._http_async_client = http_async_client
        self._sync: ZeroGPUClient | None = None
        self._shared_async: AsyncZeroGPUClient | None = None
        self._async: dict[asyncio.AbstractEventLoop, _LoopClient] = {}
        self._lock = threading.Lock()

    @property
    def sync(self) -> ZeroGPUClient:
        """The blocking client."""
        with self._lock:
            if self._sync is None:
                self._sync = ZeroGPUClient(**self._kwargs, http_client=self._http_client)
            return self._sync

    @classmethod
    def reuse(
        cls,
        cache: ClientCache | None,
        *,
        http_client: httpx.Client | None = None,
        http_async_client: httpx.AsyncClient | None = None,
        **client_kwargs: Any,
    ) -> ClientCache:
        """``cache`` if it was built from exactly these arguments, else a new cache.

        Framework objects call this before each request, so changing a setting such
        as ``base_url`` after construction takes effect instead of being ignored.
        """
        if (
            cache is not None
            and cache._kwargs == client_kwargs
            and cache._http_client is http_client
            and cache._http_async_client is http_async_client
        ):
            return cache
        return cls(http_client=http_client, http_async_client=http_async_client, **client_kwargs)

    @classmethod
    def of(cls, owner: object, cache: ClientCache | None = None, **overrides: Any) -> ClientCache:
        """The cache for a framework object whose fields are named like the client's
        arguments (``api_key``, ``project_id``, ``base_url``, ``timeout``,
        ``max_retries``, ``max_retry_after``, ``default_headers``, ``http_client``,
        ``http_async_client``).

        Args:
            owner: the LLM, embeddings or transformer object; missing fields are unset.
            cache: the owner's current cache, kept when nothing changed.
            **overrides: values that win over the owner's fields.
        """
        settings = {name: getattr(owner, name, None) for name in _OWNER_FIELDS}
        settings.update(overrides)
        return cls.reuse(cache, **settings)

    def __reduce__(self) -> tuple[Any, ...]:
        # Clients hold sockets and locks: copies and unpickled objects get fresh ones
        # (a caller's own httpx clients cannot be pickled and are not carried over).
        # The settings, key included, travel: a pickle is process-to-process transport.
        return (_rebuild, (self._kwargs,))

    def async_client(self) -> AsyncZeroGPUClient:
        """The async client of the running event loop (call from inside a coroutine)."""
        with self._lock:
            if self._http_async_client is not None:
                # The caller's client: the caller owns its event-loop binding.
                if self._shared_async is None:
                    self._shared_async = AsyncZeroGPUClient(
                        **self._kwargs, http_client=self._http_async_client
                    )
                return self._shared_async
        loop = asyncio.get_running_loop()
        with self._lock:
            for closed in [other for other in self._async if other.is_closed()]:
                del self._async[closed]
            entry = self._async.get(loop)
            if entry is None:
                client = AsyncZeroGPUClient(**self._kwargs)
                guard = _release_with_loop(weakref.ref(self), loop, client)
                _start(guard)  # registers it with the running loop's shutdown
                entry = self._async[loop] = (client, guard)
            return entry[0]

    def _forget(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            self._async.pop(loop, None)


# The loop's client and the guard that closes it when the loop shuts down.
_LoopClient = tuple[AsyncZeroGPUClient, AsyncGenerator[None, None]]


async def _release_with_loop(
    cache: weakref.ref[ClientCache], loop: asyncio.AbstractEventLoop, client: AsyncZeroGPUClient
) -> AsyncGenerator[None, None]:
    """Suspends at once; closed by the loop's ``shutdown_asyncgens``, it closes ``client``."""
    try:
        yield
    finally:
        owner = cache()
        if owner is not None:
            owner._forget(loop)
        await client.aclose()


def _start(guard: AsyncGenerator[None, None]) -> None:
    # Creating the first step calls the running loop's firstiter hook, which adds the
    # generator to the loop's shutdown list; running that step synchronously parks it
    # at its ``yield`` without awaiting (it awaits nothing before).
    step = guard.__anext__()
    try:
        step.send(None)
    except StopIteration:
        return
    raise RuntimeError("the client guard awaited before its first yield")


def _rebuild(client_kwargs: dict[str, Any]) -> ClientCache:
    return ClientCache(**client_kwargs)
