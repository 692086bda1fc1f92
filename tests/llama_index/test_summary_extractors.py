"""``ZeroGPUSummaryExtractor`` and ``ZeroGPUSignalsExtractor`` against the emulator
(outputs are emulated): SummaryExtractor's keys, pipelines, async, batch mode,
``num_workers`` and the failure policy."""

from __future__ import annotations

from typing import Any

import pytest
from llama_index.core import Document
from llama_index.core.ingestion import IngestionPipeline
from pydantic import ValidationError

from llama_index_zerogpu import ZeroGPUSignalsExtractor, ZeroGPUSummaryExtractor
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import BatchTransformError

pytestmark = pytest.mark.emulator

TEXTS = [
    "The rover landed. It took photos. It sent them home.",
    "The team won the football match. The striker scored late. Fans cheered.",
    " ".join(f"Sentence {i} says the probe reached waypoint {i} on schedule." for i in range(60)),
]


def _kw(emu: Emulator, **extra: Any) -> dict[str, Any]:
    return {"api_key": "test-key", "base_url": emu.base_url, **extra}


def _docs() -> list[Document]:
    return [Document(text=t, id_=f"d{i}", metadata={"n": i}) for i, t in enumerate(TEXTS)]


def test_summary_keys_like_llama_index_summary_extractor(emu: Emulator) -> None:
    extractor = ZeroGPUSummaryExtractor(
        model="t5-small", summaries=["prev", "self", "next"], **_kw(emu)
    )
    found = extractor.extract(_docs())
    assert found[0] == {
        "section_summary": "the rover landed. it sent them home.",
        "next_section_summary": "the team won the football match. fans cheered.",
    }
    assert found[1]["prev_section_summary"] == found[0]["section_summary"]
    assert found[1]["next_section_summary"] == found[2]["section_summary"]
    assert "sentence 59" in found[2]["section_summary"]  # the long node's tail was read
    with pytest.raises(ValidationError, match="'self', 'prev', 'next'"):
        ZeroGPUSummaryExtractor(summaries=["all"], **_kw(emu))


async def test_pipeline_async_and_batch_equal_sync(emu: Emulator) -> None:
    sync = ZeroGPUSummaryExtractor(model="t5-small", num_workers=2, **_kw(emu))
    nodes = IngestionPipeline(transformations=[sync]).run(documents=_docs())
    assert [n.metadata["n"] for n in nodes] == [0, 1, 2]
    expected = [n.metadata["section_summary"] for n in nodes]
    async_found = await sync.aextract(_docs())
    assert [m["section_summary"] for m in async_found] == expected
    batch = ZeroGPUSummaryExtractor(
        model="t5-small", mode="batch", batch_poll_interval=0.02, **_kw(emu)
    )
    assert [m["section_summary"] for m in batch.extract(_docs())] == expected


def test_summary_failure_policy(emu: Emulator) -> None:
    emu.faults.add(Fault(status=400, times=1))
    with pytest.raises(BatchTransformError):
        ZeroGPUSummaryExtractor(model="t5-small", num_workers=1, **_kw(emu)).extract(_docs())
    emu.faults.add(Fault(status=400, times=1))
    keep = ZeroGPUSummaryExtractor(
        model="t5-small", num_workers=1, on_failure="keep", summaries=["next"], **_kw(emu)
    )
    found = keep.extract(_docs())
    assert found[0]["section_summary"]["error"]["type"] == "BadRequestError"
    assert "next_section_summary" in found[0]
    assert found[1] == {"next_section_summary": found[1]["next_section_summary"]}


async def test_signals_extractor(emu: Emulator) -> None:
    extractor = ZeroGPUSignalsExtractor(max_keywords=4, **_kw(emu))
    found = extractor.extract(_docs())
    assert all(len(m["signals"]["keywords"]) <= 4 for m in found)
    assert found[2]["signals"]["chunks"] > 1
    assert await extractor.aextract(_docs()) == found
    nodes = IngestionPipeline(transformations=[extractor]).run(documents=_docs())
    assert nodes[1].metadata["signals"] == found[1]["signals"]
    with pytest.raises(ValidationError, match="Batch API"):
        ZeroGPUSignalsExtractor(mode="batch", **_kw(emu))
    assert ZeroGPUSignalsExtractor.class_name() == "ZeroGPUSignalsExtractor"
