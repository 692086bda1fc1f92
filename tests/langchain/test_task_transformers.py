"""``ZeroGPUEntityExtractor`` and ``ZeroGPUZeroShotClassifier`` against the emulator
(outputs are emulated): sync, async, batch mode and the failure policy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.documents import Document
from pydantic import ValidationError

from langchain_zerogpu import ZeroGPUEntityExtractor, ZeroGPUZeroShotClassifier
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import BatchTransformError

pytestmark = pytest.mark.emulator

BIO = "John Smith is a Senior Engineer at Acme Corp in London; mail john.smith@acme.com."
LONG = " ".join(f"Part {i}: John Smith met the Acme Corp team in London." for i in range(120))
SPORT = "The team won the football match after a late goal by the striker."
MONEY = "Stocks fell and bond yields rose as investors sold bank shares."
LABELS = ["person", "company", "location"]
TOPICS = ["sports", "finance", "technology"]


def _kw(emu: Emulator, **extra: Any) -> dict[str, Any]:
    return {"api_key": "test-key", "base_url": emu.base_url, **extra}


def _docs(*texts: str) -> list[Document]:
    return [Document(t, id=f"d{i}", metadata={"n": i}) for i, t in enumerate(texts)]


def test_entities_in_metadata_with_offsets(emu: Emulator) -> None:
    docs = ZeroGPUEntityExtractor(labels=LABELS, **_kw(emu)).transform_documents(_docs(BIO, LONG))
    found = docs[0].metadata["entities"]
    assert found["by_label"] == {
        "person": ["John Smith"],
        "company": ["Acme Corp"],
        "location": ["London"],
    }
    for entity in found["entities"]:
        assert BIO[entity["start"] : entity["end"]] == entity["text"]
    long = docs[1].metadata["entities"]
    assert long["chunks"] > 1
    # Every mention once, although the windows overlap.
    assert sum(e["label"] == "person" for e in long["entities"]) == 120
    assert (docs[0].id, docs[0].metadata["n"]) == ("d0", 0)
    assert json.loads(json.dumps(docs[0].metadata)) == docs[0].metadata


async def test_zero_shot_async_and_batch_equal_sync(emu: Emulator) -> None:
    sync = ZeroGPUZeroShotClassifier(labels=TOPICS, **_kw(emu))
    out = sync.transform_documents(_docs(SPORT, MONEY, SPORT * 20))
    assert [d.metadata["zero_shot"]["label"] for d in out] == ["sports", "finance", "sports"]
    assert out[2].metadata["zero_shot"]["chunks"] > 1
    assert abs(sum(out[0].metadata["zero_shot"]["scores"].values()) - 1.0) < 1e-6
    async_out = await sync.atransform_documents(_docs(SPORT, MONEY, SPORT * 20))
    batch = ZeroGPUZeroShotClassifier(
        labels=TOPICS, mode="batch", batch_poll_interval=0.02, **_kw(emu)
    )
    batch_out = await batch.atransform_documents(_docs(SPORT, MONEY, SPORT * 20))
    assert [d.metadata for d in async_out] == [d.metadata for d in out]
    assert [d.metadata for d in batch_out] == [d.metadata for d in out]
    assert sum(r.path == "/v1/batches" and r.method == "POST" for r in emu.requests) == 1


async def test_entities_async_and_batch_equal_sync(emu: Emulator) -> None:
    extractor = ZeroGPUEntityExtractor(labels=LABELS, **_kw(emu))
    out = extractor.transform_documents(_docs(BIO, LONG))
    async_out = await extractor.atransform_documents(_docs(BIO, LONG))
    batch = ZeroGPUEntityExtractor(
        labels=LABELS, mode="batch", batch_poll_interval=0.02, **_kw(emu)
    )
    assert [d.metadata for d in async_out] == [d.metadata for d in out]
    assert [d.metadata for d in batch.transform_documents(_docs(BIO, LONG))] == [
        d.metadata for d in out
    ]


def test_failure_raises_or_keeps(emu: Emulator) -> None:
    emu.faults.add(Fault(status=400, times=1))
    with pytest.raises(BatchTransformError) as info:
        ZeroGPUEntityExtractor(labels=LABELS, max_concurrency=1, **_kw(emu)).transform_documents(
            _docs(BIO, SPORT)
        )
    assert info.value.failed_ids == ["d0"]
    finished = info.value.results[1]
    assert finished is not None
    assert finished.metadata["entities"]["chunks"] == 1

    emu.faults.add(Fault(status=500, headers={"Retry-After": "0"}, times=3))
    keep = ZeroGPUZeroShotClassifier(
        labels=TOPICS, max_concurrency=1, on_failure="keep", max_retries=2, **_kw(emu)
    )
    docs = keep.transform_documents(_docs(SPORT, MONEY))
    assert docs[0].page_content == SPORT
    assert docs[0].metadata["zero_shot"]["error"]["type"] == "InternalServerError"
    assert docs[1].metadata["zero_shot"]["label"] == "finance"


def test_bad_options_fail_at_construction(emu: Emulator) -> None:
    with pytest.raises(ValidationError, match="at most 10 labels"):
        ZeroGPUZeroShotClassifier(labels=[f"l{i}" for i in range(11)], **_kw(emu))
    with pytest.raises(ValidationError, match="labels"):
        ZeroGPUEntityExtractor(**_kw(emu))
    with pytest.raises(ValueError, match="already"):
        ZeroGPUEntityExtractor(labels=LABELS, **_kw(emu)).transform_documents(
            [Document(BIO, metadata={"entities": "mine"})]
        )
    assert emu.requests == []
