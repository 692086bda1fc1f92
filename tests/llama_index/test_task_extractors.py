"""``ZeroGPUEntityExtractor`` and ``ZeroGPUZeroShotExtractor`` against the emulator
(outputs are emulated), and a pipeline chaining redaction, entities, zero-shot
classification and embeddings."""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from typing import Any

import pytest
from llama_index.core import Document
from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.schema import BaseNode, MetadataMode

from llama_index_zerogpu import (
    ZeroGPUEmbedding,
    ZeroGPUEntityExtractor,
    ZeroGPUPIIRedactor,
    ZeroGPUZeroShotExtractor,
)
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import BatchTransformError

pytestmark = pytest.mark.emulator

TEXTS = [
    "Jane Doe (jane@example.com) says Acme Corp won the football match in London.",
    "Stocks fell in Paris as Initech bank shares slid; call 415-555-0134.",
    " ".join(f"Part {i}: the Acme Corp team trained for the match in London." for i in range(90)),
]
LABELS = ["company", "location"]
TOPICS = ["sports", "finance"]


def _kw(emu: Emulator, **extra: Any) -> dict[str, Any]:
    return {"api_key": "test-key", "base_url": emu.base_url, **extra}


def _docs() -> list[Document]:
    return [Document(text=t, id_=f"d{i}", metadata={"n": i}) for i, t in enumerate(TEXTS)]


def test_entities_and_zero_shot_metadata(emu: Emulator) -> None:
    entities = ZeroGPUEntityExtractor(labels=LABELS, **_kw(emu)).extract(_docs())
    assert entities[0]["entities"]["by_label"] == {"company": ["Acme Corp"], "location": ["London"]}
    assert entities[2]["entities"]["chunks"] > 1
    assert len(entities[2]["entities"]["entities"]) == 180  # each mention once
    scores = ZeroGPUZeroShotExtractor(labels=TOPICS, **_kw(emu)).extract(_docs())
    assert [m["zero_shot"]["label"] for m in scores] == ["sports", "finance", "sports"]


async def test_async_and_batch_mode_equal_sync(emu: Emulator) -> None:
    for cls, options in ((ZeroGPUEntityExtractor, LABELS), (ZeroGPUZeroShotExtractor, TOPICS)):
        sync = cls(labels=options, **_kw(emu)).extract(_docs())
        batch = cls(labels=options, mode="batch", batch_poll_interval=0.02, **_kw(emu))
        assert await batch.aextract(_docs()) == sync
        assert await cls(labels=options, **_kw(emu)).aextract(_docs()) == sync
    assert sum(r.path == "/v1/batches" and r.method == "POST" for r in emu.requests) == 2


def test_failure_policy(emu: Emulator) -> None:
    emu.faults.add(Fault(status=400, times=1))
    with pytest.raises(BatchTransformError) as info:
        ZeroGPUZeroShotExtractor(labels=TOPICS, num_workers=1, **_kw(emu)).extract(_docs()[:2])
    assert info.value.failed_ids == ["d0"]
    emu.faults.add(Fault(status=400, times=1))
    kept = ZeroGPUEntityExtractor(labels=LABELS, num_workers=1, on_failure="keep", **_kw(emu))
    metadata = kept.extract(_docs()[:2])
    assert metadata[0]["entities"]["error"]["type"] == "BadRequestError"
    assert metadata[1]["entities"]["by_label"]["location"] == ["Paris"]


def test_extractors_pickle_and_serialise(emu: Emulator) -> None:
    # IngestionPipeline(num_workers > 1) sends transformations to worker processes.
    extractor = ZeroGPUEntityExtractor(labels=LABELS, threshold=0.4, **_kw(emu))
    copy = pickle.loads(pickle.dumps(extractor))
    assert copy.extract(_docs()[:1]) == extractor.extract(_docs()[:1])
    data = ZeroGPUZeroShotExtractor(labels=TOPICS, **_kw(emu)).to_dict()
    assert data["class_name"] == "ZeroGPUZeroShotExtractor"
    assert data["labels"] == TOPICS
    assert "test-key" not in str(data)


def _view(nodes: Sequence[BaseNode]) -> list[tuple[str, dict[str, Any]]]:
    return [(n.get_content(MetadataMode.NONE), n.metadata) for n in nodes]


async def test_pipeline_redaction_entities_zero_shot_embeddings(emu: Emulator) -> None:
    def pipeline() -> IngestionPipeline:
        return IngestionPipeline(
            transformations=[
                ZeroGPUPIIRedactor(**_kw(emu)),
                ZeroGPUEntityExtractor(labels=["person", *LABELS], **_kw(emu)),
                ZeroGPUZeroShotExtractor(labels=TOPICS, **_kw(emu)),
                ZeroGPUEmbedding(**_kw(emu)),
            ]
        )

    nodes = pipeline().run(documents=_docs())
    first = nodes[0]
    text = first.get_content(MetadataMode.NONE)
    assert "Jane Doe" not in text
    assert "jane@example.com" not in text
    # Entities are read from the redacted text: the person is gone, offsets fit.
    assert "person" not in first.metadata["entities"]["by_label"]
    for entity in first.metadata["entities"]["entities"]:
        assert text[entity["start"] : entity["end"]] == entity["text"]
    assert first.metadata["zero_shot"]["label"] == "sports"
    assert all(n.embedding is not None and len(n.embedding) == 384 for n in nodes)
    assert _view(await pipeline().arun(documents=_docs())) == _view(nodes)
