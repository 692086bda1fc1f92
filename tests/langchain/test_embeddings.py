"""``ZeroGPUEmbeddings`` behaviour beyond the standard suites."""

from __future__ import annotations

import asyncio

import pytest
from langchain_core import exceptions as lc
from pydantic import ValidationError

import zerogpu_core as core
from langchain_zerogpu import ZeroGPUEmbeddings
from zerogpu_core.emulator import Emulator, Fault

TEXTS = ["alpha", "beta", "gamma", "delta", "epsilon"]


def _embeddings(emu: Emulator, **params: object) -> ZeroGPUEmbeddings:
    return ZeroGPUEmbeddings(api_key="test-key", base_url=emu.base_url, **params)


def test_batches_keep_input_order(emulator: Emulator) -> None:
    vectors = _embeddings(emulator, batch_size=2).embed_documents(TEXTS)
    singles = [_embeddings(emulator).embed_query(text) for text in TEXTS]
    assert vectors == singles
    batch_bodies = [r.json["input"] for r in emulator.requests[:3]]
    # Batches run in parallel, so they may arrive in any order.
    assert sorted(batch_bodies) == [["alpha", "beta"], ["epsilon"], ["gamma", "delta"]]


async def test_async_matches_sync(emulator: Emulator) -> None:
    embeddings = _embeddings(emulator, batch_size=3)
    assert await embeddings.aembed_documents(TEXTS) == embeddings.embed_documents(TEXTS)
    assert await embeddings.aembed_query("alpha") == embeddings.embed_query("alpha")


def test_async_works_across_event_loops(emulator: Emulator) -> None:
    embeddings = _embeddings(emulator)
    first = asyncio.run(embeddings.aembed_query("alpha"))
    second = asyncio.run(embeddings.aembed_query("alpha"))
    assert first == second


async def test_empty_input_makes_no_request(emulator: Emulator) -> None:
    embeddings = _embeddings(emulator)
    assert embeddings.embed_documents([]) == []
    assert await embeddings.aembed_documents([]) == []
    assert emulator.requests == []


@pytest.mark.parametrize("model", ["gpt-oss-120b", "zlm-v1-moderation-edge"])
def test_non_embedding_model_is_refused(model: str) -> None:
    with pytest.raises(ValidationError, match=r"cannot be used for embeddings.*bge-small-en-v1.5"):
        ZeroGPUEmbeddings(model=model)


def test_bad_batch_size_is_refused() -> None:
    with pytest.raises(ValidationError, match="batch_size"):
        ZeroGPUEmbeddings(batch_size=0)


def test_empty_string_is_refused_with_its_position(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match=r"texts\[1\] is empty"):
        _embeddings(emulator).embed_documents(["ok", ""])


async def test_errors_are_langchain_errors(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=429, times=2))
    embeddings = _embeddings(emulator, max_retries=0)
    with pytest.raises(core.RateLimitError) as caught:
        embeddings.embed_query("x")
    assert isinstance(caught.value, lc.ModelRateLimitError)
    with pytest.raises(lc.ModelRateLimitError):
        await embeddings.aembed_query("x")


def test_default_model_and_key_stays_secret() -> None:
    embeddings = ZeroGPUEmbeddings(api_key="zgpu-api-SECRET-0000")
    assert embeddings.model == "bge-small-en-v1.5"
    assert "zgpu-api-SECRET-0000" not in repr(embeddings)
