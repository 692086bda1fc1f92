"""``ClientCache``: one async client per event loop."""

from __future__ import annotations

import asyncio
import copy
import pickle

import httpx
import pytest

from zerogpu_core import AsyncZeroGPUClient, ConnectionSettings
from zerogpu_core.client_cache import ClientCache, ZeroGPUConnection

KWARGS = {"api_key": "test-key", "base_url": "http://127.0.0.1:9/v1"}
SETTINGS = ConnectionSettings(**KWARGS)


def test_async_client_is_reused_within_a_loop_and_renewed_across_loops() -> None:
    cache = ClientCache(SETTINGS)

    async def two() -> tuple[AsyncZeroGPUClient, AsyncZeroGPUClient]:
        return cache.async_client(), cache.async_client()

    first, again = asyncio.run(two())
    second, _ = asyncio.run(two())
    assert first is again
    assert second is not first


def test_bad_settings_fail_at_construction() -> None:
    with pytest.raises(ValueError, match="base_url must start with"):
        ClientCache(ConnectionSettings.model_construct(api_key="k", base_url="api.zerogpu.ai"))


def test_reuse_keeps_a_cache_only_for_identical_arguments() -> None:
    cache = ClientCache(SETTINGS)
    assert ClientCache.reuse(cache, SETTINGS) is cache
    moved = ClientCache.reuse(
        cache, ConnectionSettings(**{**KWARGS, "base_url": "http://127.0.0.1:8/v1"})
    )
    assert moved.sync.base_url == "http://127.0.0.1:8/v1"
    assert ClientCache.reuse(None, SETTINGS).sync.base_url == KWARGS["base_url"]


def test_copies_and_pickles_get_fresh_clients() -> None:
    cache = ClientCache(SETTINGS)
    for clone in (copy.deepcopy(cache), pickle.loads(pickle.dumps(cache))):
        assert clone.sync is not cache.sync
        assert clone.sync.base_url == cache.sync.base_url


def test_callers_http_clients_are_used_and_keyed() -> None:
    sync_http = httpx.Client()
    async_http = httpx.AsyncClient()
    with_http = ConnectionSettings(http_client=sync_http, http_async_client=async_http, **KWARGS)
    cache = ClientCache(with_http)
    assert cache.sync._http is sync_http

    async def pick() -> AsyncZeroGPUClient:
        return cache.async_client()

    first = asyncio.run(pick())
    assert first._http is async_http
    assert asyncio.run(pick()) is first  # the caller owns the loop binding
    assert (
        ClientCache.reuse(
            cache, ConnectionSettings(http_client=sync_http, http_async_client=async_http, **KWARGS)
        )
        is cache
    )
    assert ClientCache.reuse(cache, SETTINGS) is not cache
    sync_http.close()


def test_the_mixin_reads_the_owners_fields_and_follows_changes() -> None:
    class Owner(ZeroGPUConnection):
        pass

    owner = Owner(api_key="k", base_url="http://127.0.0.1:9/v1", max_retries=1)
    cache = owner._clients()
    assert cache.sync.settings.retry.max_retries == 1
    assert owner._clients() is cache
    owner.base_url = "http://127.0.0.1:10/v1"
    owner.max_retries = 4
    moved = owner._clients()
    assert moved is not cache
    assert moved.sync.base_url == "http://127.0.0.1:10/v1"
    assert moved.sync.settings.retry.max_retries == 4


def test_connection_args_and_settings_name_the_same_settings() -> None:
    # The TypedDict types the core clients' keywords; the model is what classes inherit.
    from zerogpu_core._settings import ConnectionArgs

    http = {"http_client", "http_async_client"}
    assert set(ConnectionArgs.__annotations__) | http == set(ConnectionSettings.model_fields)


def test_httpx_typed_settings_validate_as_httpx_classes() -> None:
    # The field types stand in for httpx's classes so that importing a framework
    # class does not load httpx; values are still checked against the real ones.
    theirs, theirs_async = httpx.Client(), httpx.AsyncClient()
    timeout = httpx.Timeout(3.0)
    settings = ConnectionSettings(
        http_client=theirs, http_async_client=theirs_async, timeout=timeout, **KWARGS
    )
    assert settings.http_client is theirs
    assert settings.http_async_client is theirs_async
    assert settings.timeout is timeout
    assert ConnectionSettings(timeout="5", **KWARGS).timeout == 5.0
    with pytest.raises(ValueError, match="Input should be an instance of Client"):
        ConnectionSettings(http_client=theirs_async, **KWARGS)
    with pytest.raises(ValueError, match="Input should be an instance of AsyncClient"):
        ConnectionSettings(http_async_client=theirs, **KWARGS)
    with pytest.raises(ValueError, match="Input should be an instance of Timeout"):
        ConnectionSettings(timeout=object(), **KWARGS)
    theirs.close()


def test_an_unknown_client_keyword_is_named() -> None:
    from zerogpu_core import ZeroGPUClient

    with pytest.raises(TypeError, match="unexpected keyword argument 'max_retry'"):
        ZeroGPUClient(max_retry=3)  # type: ignore[call-arg]


def test_a_loops_client_is_closed_and_forgotten_when_the_loop_shuts_down() -> None:
    cache = ClientCache(SETTINGS)

    async def pick() -> AsyncZeroGPUClient:
        return cache.async_client()

    client = asyncio.run(pick())
    assert client._http.is_closed
    assert cache._async == {}


def test_a_loop_closed_without_shutdown_is_forgotten_on_the_next_call() -> None:
    cache = ClientCache(SETTINGS)

    async def pick() -> AsyncZeroGPUClient:
        return cache.async_client()

    loop = asyncio.new_event_loop()
    loop.run_until_complete(pick())
    loop.close()
    assert len(cache._async) == 1
    asyncio.run(pick())
    assert cache._async == {}
