"""Retry-After waits: waited out up to ``max_retry_after``, raised at once beyond it
with the server's wait on the error, so a caller can schedule instead of blocking."""

from __future__ import annotations

import asyncio
import pickle
import time

import pytest
from langchain_core.exceptions import ModelRateLimitError

from langchain_zerogpu import ChatZeroGPU
from llama_index_zerogpu import ZeroGPUEmbedding
from tests.reliability._faults import API_KEY
from zerogpu_core import AsyncZeroGPUClient, InternalServerError, RateLimitError, ZeroGPUClient
from zerogpu_core.emulator import Emulator, Fault

pytestmark = pytest.mark.emulator

MODEL = "LFM2.5-1.2B-Instruct"
EMBED = {"model": "bge-small-en-v1.5", "input": "hi"}


def _client(emulator: Emulator, **kwargs: object) -> ZeroGPUClient:
    return ZeroGPUClient(api_key=API_KEY, base_url=emulator.base_url, **kwargs)  # type: ignore[arg-type]


def test_a_day_long_retry_after_raises_at_once_with_the_wait(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=429, headers={"Retry-After": "86400"}, times=3))
    started = time.monotonic()
    with pytest.raises(RateLimitError) as caught:
        _client(emulator, max_retries=2).create_embeddings(**EMBED)
    assert time.monotonic() - started < 0.5
    assert caught.value.retry_after == 86400
    assert "86400 s" in str(caught.value)
    assert len(emulator.requests) == 1
    assert pickle.loads(pickle.dumps(caught.value)).retry_after == 86400


def test_an_acceptable_wait_is_waited_out(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=429, headers={"Retry-After": "1"}))
    started = time.monotonic()
    _client(emulator, max_retries=1).create_embeddings(**EMBED)
    assert 0.9 <= time.monotonic() - started < 2.0
    assert len(emulator.requests) == 2


@pytest.mark.parametrize(
    "headers", [{"Retry-After": "2"}, {"retry-after-ms": "2000"}], ids=["seconds", "ms"]
)
def test_the_longest_wait_is_a_setting(emulator: Emulator, headers: dict[str, str]) -> None:
    emulator.faults.add(Fault(status=429, headers=headers))
    started = time.monotonic()
    with pytest.raises(RateLimitError) as caught:
        _client(emulator, max_retries=2, max_retry_after=1.5).create_embeddings(**EMBED)
    assert time.monotonic() - started < 0.5
    assert caught.value.retry_after == 2.0


def test_a_long_wait_on_a_server_error_raises_at_once_too(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=503, headers={"Retry-After": "3600"}, times=3))
    with pytest.raises(InternalServerError) as caught:
        _client(emulator, max_retries=2).create_embeddings(**EMBED)
    assert caught.value.retry_after == 3600
    assert len(emulator.requests) == 1


async def test_async_raises_at_once(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=429, headers={"Retry-After": "86400"}, times=3))
    client = AsyncZeroGPUClient(api_key=API_KEY, base_url=emulator.base_url, max_retries=2)
    started = time.monotonic()
    with pytest.raises(RateLimitError) as caught:
        await asyncio.wait_for(client.create_embeddings(**EMBED), 10)
    assert time.monotonic() - started < 0.5
    assert caught.value.retry_after == 86400
    await client.aclose()


def test_adapters_take_the_setting_and_keep_the_wait(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=429, headers={"Retry-After": "5"}, times=2))
    llm = ChatZeroGPU(model=MODEL, api_key=API_KEY, base_url=emulator.base_url, max_retry_after=1)
    with pytest.raises(ModelRateLimitError) as caught:
        llm.invoke("Hi")
    assert isinstance(caught.value, RateLimitError)
    assert caught.value.retry_after == 5
    embed = ZeroGPUEmbedding(api_key=API_KEY, base_url=emulator.base_url, max_retry_after=1)
    started = time.monotonic()
    with pytest.raises(RateLimitError):
        embed.get_text_embedding("hi")
    assert time.monotonic() - started < 0.5
