"""``ClientCache``: one async client per event loop."""

from __future__ import annotations

import asyncio
import copy
import pickle

import httpx
import pytest

from zerogpu_core import AsyncZeroGPUClient
from zerogpu_core.client_cache import ClientCache

KWARGS = {"api_key": "test-key", "base_url": "http://127.0.0.1:9/v1"}


def test_async_client_is_reused_within_a_loop_and_renewed_across_loops() -> None:
    cache = ClientCache(**KWARGS)

    async def two() -> tuple[AsyncZeroGPUClient, AsyncZeroGPUClient]:
        return cache.async_client(), cache.async_client()

    first, again = asyncio.run(two())
    second, _ = asyncio.run(two())
    assert first is again
    assert second is not first


def test_bad_settings_fail_at_construction() -> None:
    with pytest.raises(ValueError, match="base_url must start with"):
        ClientCache(api_key="k", base_url="api.zerogpu.ai")


def test_reuse_keeps_a_cache_only_for_identical_arguments() -> None:
    cache = ClientCache(**KWARGS)
    assert ClientCache.reuse(cache, **KWARGS) is cache
    moved = ClientCache.reuse(cache, **{**KWARGS, "base_url": "http://127.0.0.1:8/v1"})
    assert moved.sync.base_url == "http://127.0.0.1:8/v1"
    assert ClientCache.reuse(None, **KWARGS).sync.base_url == KWARGS["base_url"]


def test_copies_and_pickles_get_fresh_clients() -> None:
    cache = ClientCache(**KWARGS)
    for clone in (copy.deepcopy(cache), pickle.loads(pickle.dumps(cache))):
        assert clone.sync is not cache.sync
        assert clone.sync.base_url == cache.sync.base_url


def test_callers_http_clients_are_used_and_keyed() -> None:
    sync_http = httpx.Client()
    async_http = httpx.AsyncClient()
    cache = ClientCache(http_client=sync_http, http_async_client=async_http, **KWARGS)
    assert cache.sync._http is sync_http

    async def pick() -> AsyncZeroGPUClient:
        return cache.async_client()

    first = asyncio.run(pick())
    assert first._http is async_http
    assert asyncio.run(pick()) is first  # the caller owns the loop binding
    assert (
        ClientCache.reuse(cache, http_client=sync_http, http_async_client=async_http, **KWARGS)
        is cache
    )
    assert ClientCache.reuse(cache, **KWARGS) is not cache
    sync_http.close()


def test_of_reads_the_owners_fields_and_follows_changes() -> None:
    class Owner:
        api_key = "k"
        base_url = "http://127.0.0.1:9/v1"
        max_retries = 1

    owner = Owner()
    cache = ClientCache.of(owner)
    assert cache.sync.settings.retry.max_retries == 1
    assert ClientCache.of(owner, cache) is cache
    owner.base_url = "http://127.0.0.1:10/v1"
    moved = ClientCache.of(owner, cache, max_retries=4)
    assert moved is not cache
    assert moved.sync.base_url == "http://127.0.0.1:10/v1"
    assert moved.sync.settings.retry.max_retries == 4


def test_a_loops_client_is_closed_and_forgotten_when_the_loop_shuts_down() -> None:
    cache = ClientCache(**KWARGS)

    async def pick() -> AsyncZeroGPUClient:
        return cache.async_client()

    client = asyncio.run(pick())
    assert client._http.is_closed
    assert cache._async == {}


def test_a_loop_closed_without_shutdown_is_forgotten_on_the_next_call() -> None:
    cache = ClientCache(**KWARGS)

    async def pick() -> AsyncZeroGPUClient:
        return cache.async_client()

    loop = asyncio.new_event_loop()
    loop.run_until_complete(pick())
    loop.close()
    assert len(cache._async) == 1
    asyncio.run(pick())
    assert cache._async == {}
