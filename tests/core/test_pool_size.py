"""The connection pool our clients create keeps as many connections as requests run
at once; a caller's own httpx client is used exactly as given."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from langchain_core.documents import Document

from langchain_zerogpu import ZeroGPUEmbeddings, ZeroGPUIABClassifier, ZeroGPUPIIRedactor
from llama_index_zerogpu import ZeroGPUEmbedding, ZeroGPUIABExtractor
from llama_index_zerogpu import ZeroGPUPIIRedactor as LlamaPIIRedactor
from zerogpu_core import ZeroGPUClient
from zerogpu_core._base_client import pool_limits
from zerogpu_core.emulator import Emulator

API_KEY = "test-key"


def _kept_alive(http: httpx.Client | httpx.AsyncClient) -> int:
    """Idle connections the pool keeps for the next requests."""
    pool: Any = http._transport._pool  # type: ignore[union-attr]
    return sum(1 for c in pool.connections if c.is_idle())


def test_limits_follow_the_concurrency_never_below_httpx_defaults() -> None:
    assert (pool_limits(32).max_keepalive_connections, pool_limits(32).max_connections) == (32, 100)
    assert pool_limits(4).max_keepalive_connections == 20
    assert pool_limits(None).max_keepalive_connections == 20
    assert pool_limits(300).max_connections == 300


@pytest.mark.emulator
def test_a_run_at_concurrency_32_keeps_its_32_connections() -> None:
    with Emulator(api_key=API_KEY, latency=0.05) as emulator:
        redactor = ZeroGPUPIIRedactor(
            api_key=API_KEY, base_url=emulator.base_url, max_concurrency=32
        )
        documents = [Document(f"Call Jane on 415-555-01{i:02d}", id=str(i)) for i in range(64)]
        assert len(redactor.transform_documents(documents)) == 64
        # With httpx's default (20 kept alive) 12 of them were closed after each round.
        assert _kept_alive(redactor._clients().sync._http) == 32


@pytest.mark.emulator
async def test_the_async_pool_too() -> None:
    with Emulator(api_key=API_KEY, latency=0.05) as emulator:
        classifier = ZeroGPUIABClassifier(
            api_key=API_KEY, base_url=emulator.base_url, max_concurrency=24
        )
        documents = [Document(f"Phone review {i}") for i in range(48)]
        assert len(await classifier.atransform_documents(documents)) == 48
        assert _kept_alive(classifier._clients().async_client()._http) == 24
        await asyncio.sleep(0)


def test_every_class_with_a_concurrency_sizes_its_pool_and_follows_changes() -> None:
    settings: dict[str, Any] = {"api_key": API_KEY, "base_url": "http://127.0.0.1:9/v1"}
    objects: list[Any] = [
        ZeroGPUIABClassifier(max_concurrency=40, **settings),
        ZeroGPUPIIRedactor(max_concurrency=40, **settings),
        ZeroGPUEmbeddings(max_concurrency=40, **settings),
        LlamaPIIRedactor(max_concurrency=40, **settings),
        ZeroGPUIABExtractor(num_workers=40, **settings),
        ZeroGPUEmbedding(num_workers=40, **settings),
    ]
    for obj in objects:
        pool: Any = obj._clients().sync._http._transport._pool
        assert pool._max_keepalive_connections == 40, type(obj).__name__
    classifier = objects[0]
    classifier.max_concurrency = 64
    pool = classifier._clients().sync._http._transport._pool
    assert pool._max_keepalive_connections == 64


def test_a_callers_http_client_is_used_as_given() -> None:
    mine = httpx.Client(limits=httpx.Limits(max_keepalive_connections=3))
    redactor = ZeroGPUPIIRedactor(
        api_key=API_KEY, base_url="http://127.0.0.1:9/v1", http_client=mine, max_concurrency=32
    )
    assert redactor._clients().sync._http is mine
    assert mine._transport._pool._max_keepalive_connections == 3  # type: ignore[attr-defined]
    extractor = ZeroGPUIABExtractor(
        api_key=API_KEY, base_url="http://127.0.0.1:9/v1", http_client=mine, num_workers=32
    )
    assert extractor._clients().sync._http is mine
    client = ZeroGPUClient(api_key=API_KEY, http_client=mine, pool_size=50)
    assert client._http is mine
    mine.close()
