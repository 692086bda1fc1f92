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
from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import PrivateAttr, model_validator

from zerogpu_core._client_settings import ClientSettings
from zerogpu_core._settings import ConnectionSettings

if TYPE_CHECKING:
    from typing_extensions import Self

    # The clients (and the chat wire models their routes build) load when the first
    # client is built: constructing a framework object only checks the settings.
    from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient

__all__ = ["ClientCache", "ZeroGPUConnection"]


class ClientCache:
    """The clients built from one :class:`~zerogpu_core._settings.ConnectionSettings`.

    Settings are checked at once, so a malformed ``base_url`` fails when the framework
    object is created; the clients themselves (each loads a CA bundle) are built on
    first use, the async one once per event loop.

    Example:
        >>> from zerogpu_core._settings import ConnectionSettings
        >>> settings = ConnectionSettings(api_key="test-key", base_url="http://127.0.0.1:9/v1")
        >>> ClientCache(settings).sync.base_url
        'http://127.0.0.1:9/v1'
    """

    def __init__(self, settings: ConnectionSettings, pool_size: int | None = None) -> None:
        self.settings = settings.connection_settings()
        self.pool_size = pool_size
        ClientSettings.resolve(**self.settings.client_args())
        self._sync: ZeroGPUClient | None = None
        self._shared_async: AsyncZeroGPUClient | None = None
        self._async: dict[asyncio.AbstractEventLoop, _LoopClient] = {}
        self._lock = threading.Lock()

    @property
    def sync(self) -> ZeroGPUClient:
        """The blocking client."""
        with self._lock:
            if self._sync is None:
                from zerogpu_core._client import ZeroGPUClient

                self._sync = ZeroGPUClient(
                    **self.settings.client_args(),
                    http_client=self.settings.http_client,
                    pool_size=self.pool_size,
                )
            return self._sync

    @classmethod
    def reuse(
        cls, cache: ClientCache | None, settings: ConnectionSettings, pool_size: int | None = None
    ) -> ClientCache:
        """``cache`` if it was built from the same settings and pool size, else a new cache.

        Framework objects call this before each request, so changing a setting such
        as ``base_url`` (or ``max_concurrency``) after construction takes effect
        instead of being ignored.
        """
        if cache is not None and cache.settings.same_as(settings) and cache.pool_size == pool_size:
            return cache
        return cls(settings, pool_size)

    def __reduce__(self) -> tuple[Any, ...]:
        # Clients hold sockets and locks: copies and unpickled objects get fresh ones
        # (a caller's own httpx clients cannot be pickled and are not carried over).
        # The settings, key included, travel: a pickle is process-to-process transport.
        portable = self.settings.model_copy(update={"http_client": None, "http_async_client": None})
        return (ClientCache, (portable, self.pool_size))

    def async_client(self) -> AsyncZeroGPUClient:
        """The async client of the running event loop (call from inside a coroutine)."""
        with self._lock:
            if self.settings.http_async_client is not None:
                # The caller's client: the caller owns its event-loop binding.
                if self._shared_async is None:
                    from zerogpu_core._client import AsyncZeroGPUClient

                    self._shared_async = AsyncZeroGPUClient(
                        **self.settings.client_args(),
                        http_client=self.settings.http_async_client,
                    )
                return self._shared_async
        loop = asyncio.get_running_loop()
        with self._lock:
            for closed in [other for other in self._async if other.is_closed()]:
                del self._async[closed]
            entry = self._async.get(loop)
            if entry is None:
                from zerogpu_core._client import AsyncZeroGPUClient

                client = AsyncZeroGPUClient(**self.settings.client_args(), pool_size=self.pool_size)
                guard = _release_with_loop(weakref.ref(self), loop, client)
                _start(guard)  # registers it with the running loop's shutdown
                entry = self._async[loop] = (client, guard)
            return entry[0]

    def _forget(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            self._async.pop(loop, None)


# The loop's client and the guard that closes it when the loop shuts down.
_LoopClient: TypeAlias = "tuple[AsyncZeroGPUClient, AsyncGenerator[None, None]]"


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


class ZeroGPUConnection(ConnectionSettings):
    """Mixin of every framework class: the connection settings and their clients.

    ``_clients()`` is the one accessor: it rebuilds the clients only when a setting
    changed since the last call. A class whose framework base already uses one of
    the setting names for something else overrides :meth:`_connection`.
    """

    _client_cache: ClientCache | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _connect(self) -> Self:
        self._clients()  # a malformed base_url fails here, not at the first call
        return self

    def _connection(self) -> ConnectionSettings:
        """The settings the clients are built from (by default, this object's own:
        comparing them costs no snapshot; :class:`ClientCache` takes its own)."""
        return self

    def _pool_size(self) -> int | None:
        """Requests the object sends at once (classes with a concurrency override
        this), so the pool keeps that many connections; ``None``: the default."""
        return None

    def _clients(self) -> ClientCache:
        """The object's clients (``.sync``, ``.async_client()``)."""
        # Runs before every request: read the private attribute from pydantic's dict
        # (``self._client_cache`` first fails a lookup along the whole MRO, ~5 us) and
        # store it only when the settings changed.
        cached = (self.__pydantic_private__ or {}).get("_client_cache")
        cache = ClientCache.reuse(cached, self._connection(), self._pool_size())
        if cache is not cached:
            self._client_cache = cache
        return cache
