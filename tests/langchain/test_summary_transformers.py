"""``ZeroGPUSummarizer``, ``ZeroGPUSignalExtractor`` and ``ZeroGPUDomainClassifier``
against the emulator (outputs are emulated): sync, async, batch mode, progress,
failure policy and input checks before any request."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.documents import Document
from pydantic import ValidationError

from langchain_zerogpu import ZeroGPUDomainClassifier, ZeroGPUSignalExtractor, ZeroGPUSummarizer
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import BatchTransformError

pytestmark = pytest.mark.emulator

SHORT = "The rover landed. It took photos. It sent them home."
LONG = " ".join(f"Sentence {i} says the probe reached waypoint {i} on schedule." for i in range(60))
SPORT = "The team won the football match after a late goal by the striker. "


def _kw(emu: Emulator, **extra: Any) -> dict[str, Any]:
    return {"api_key": "test-key", "base_url": emu.base_url, **extra}


def _docs(*texts: str, **metadata: Any) -> list[Document]:
    return [Document(t, id=f"d{i}", metadata={"n": i, **metadata}) for i, t in enumerate(texts)]


async def test_summaries_sync_async_batch_agree(emu: Emulator) -> None:
    t5 = ZeroGPUSummarizer(model="t5-small", show_progress=True, **_kw(emu))
    out = t5.transform_documents(_docs(SHORT, LONG))
    assert out[0].metadata["summary"] == {
        "summary": "the rover landed. it sent them home.",
        "model": "t5-small",
        "chunks": 1,
    }
    long = out[1].metadata["summary"]
    assert long["chunks"] > 1
    assert len(long["sections"]) == long["chunks"]
    assert long["sections"][-1]["end"] == len(LONG)
    assert "sentence 59" in long["summary"]
    assert (out[1].id, out[1].metadata["n"], out[1].page_content) == ("d1", 1, LONG)
    assert json.loads(json.dumps(out[1].metadata)) == out[1].metadata
    async_out = await t5.atransform_documents(_docs(SHORT, LONG))
    batch = ZeroGPUSummarizer(model="t5-small", mode="batch", batch_poll_interval=0.02, **_kw(emu))
    batch_out = batch.transform_documents(_docs(SHORT, LONG))
    assert [d.metadata for d in async_out] == [d.metadata for d in out]
    assert [d.metadata for d in batch_out] == [d.metadata for d in out]
    llama = ZeroGPUSummarizer(max_concurrency=2, **_kw(emu)).transform_documents(_docs(SHORT))
    assert llama[0].metadata["summary"]["summary"].startswith("[emulated summary]")


def test_summary_failure_raises_or_keeps(emu: Emulator) -> None:
    emu.faults.add(Fault(status=400, times=1))
    with pytest.raises(BatchTransformError) as info:
        ZeroGPUSummarizer(model="t5-small", max_concurrency=1, **_kw(emu)).transform_documents(
            _docs(SHORT, SPORT)
        )
    assert info.value.failed_ids == ["d0"]
    kept = ZeroGPUSummarizer(max_summary_tokens=3, on_failure="keep", **_kw(emu))
    docs = kept.transform_documents(_docs(SHORT))
    assert docs[0].metadata["summary"]["error"]["type"] == "TaskOutputError"
    assert "completion limit" in docs[0].metadata["summary"]["error"]["message"]


async def test_signals_sync_async_and_no_batch(emu: Emulator) -> None:
    extractor = ZeroGPUSignalExtractor(max_keywords=3, **_kw(emu))
    out = extractor.transform_documents(_docs(SPORT, SPORT * 40))
    first = out[0].metadata["signals"]
    assert set(first) == {"topics", "keywords", "intent", "model", "chunks"}
    assert len(first["keywords"]) <= 3
    assert first["topics"]
    assert out[1].metadata["signals"]["chunks"] > 1
    async_out = await extractor.atransform_documents(_docs(SPORT, SPORT * 40))
    assert [d.metadata for d in async_out] == [d.metadata for d in out]
    with pytest.raises(ValidationError, match="Batch API"):
        ZeroGPUSignalExtractor(mode="batch", **_kw(emu))
    emu.faults.add(Fault(status=500, headers={"Retry-After": "0"}, times=3))
    keep = ZeroGPUSignalExtractor(on_failure="keep", max_retries=2, max_concurrency=1, **_kw(emu))
    kept = keep.transform_documents(_docs(SPORT, SPORT))
    assert kept[0].metadata["signals"]["error"]["type"] == "InternalServerError"
    assert kept[1].metadata["signals"]["topics"]


async def test_domain_from_content_or_metadata(emu: Emulator) -> None:
    by_content = ZeroGPUDomainClassifier(**_kw(emu)).transform_documents(
        _docs("dailynews-tribune.com")
    )
    found = by_content[0].metadata["domain_iab"]
    assert found["iab_1_0"]
    assert "audience" in found
    assert found["audience"] == []
    classifier = ZeroGPUDomainClassifier(domain_key="site", **_kw(emu))
    docs = [Document("Some article text.", metadata={"site": "dailynews-tribune.com"})]
    by_key = await classifier.atransform_documents(docs)
    assert by_key[0].metadata["domain_iab"] == found
    batch = ZeroGPUDomainClassifier(mode="batch", batch_poll_interval=0.02, **_kw(emu))
    assert (
        batch.transform_documents(_docs("dailynews-tribune.com"))[0].metadata["domain_iab"] == found
    )


def test_domain_input_checked_before_any_request(emu: Emulator) -> None:
    classifier = ZeroGPUDomainClassifier(**_kw(emu))
    with pytest.raises(ValueError, match="URL"):
        classifier.transform_documents(
            _docs("dailynews-tribune.com", "https://dailynews-tribune.com/world")
        )
    with pytest.raises(ValueError, match=r"documents \[0\] have no metadata\['site'\]"):
        ZeroGPUDomainClassifier(domain_key="site", **_kw(emu)).transform_documents(_docs("x"))
    with pytest.raises(ValueError, match="already"):
        classifier.transform_documents(
            [Document("dailynews-tribune.com", metadata={"domain_iab": 1})]
        )
    assert emu.requests == []
