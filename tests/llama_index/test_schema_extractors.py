"""``ZeroGPUJSONExtractor`` and ``ZeroGPUSchemaClassificationExtractor`` against the
emulator (outputs are emulated): metadata, async, batch mode, failure policy,
pickling and a pipeline after PII redaction."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from llama_index.core import Document
from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.schema import MetadataMode

from llama_index_zerogpu import (
    ZeroGPUJSONExtractor,
    ZeroGPUPIIRedactor,
    ZeroGPUSchemaClassificationExtractor,
)
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import BatchTransformError

pytestmark = pytest.mark.emulator

TEXTS = [
    "Order from Acme Corp: I love it, excellent! Contact Anna Schmidt, anna@acme.io.",
    "Terrible, broken, awful. Initech never answered 555-123-4567.",
    "Jane Doe wrote this note. "
    + "the weather was fine and nothing else happened. " * 80
    + "write to jane@example.com.",
]
SCHEMA = {"contact": ["name::str::Full name", "email::str::Email", "company::str::Company"]}
AXES = {"sentiment": ["positive", "negative", "neutral"]}


def _kw(emu: Emulator, **extra: Any) -> dict[str, Any]:
    return {"api_key": "test-key", "base_url": emu.base_url, **extra}


def _docs() -> list[Document]:
    return [Document(text=t, id_=f"d{i}", metadata={"n": i}) for i, t in enumerate(TEXTS)]


def test_json_and_classification_metadata(emu: Emulator) -> None:
    records = ZeroGPUJSONExtractor(extraction_schema=SCHEMA, **_kw(emu)).extract(_docs())
    assert records[0]["json_extraction"]["data"] == {
        "contact": [{"name": "Anna Schmidt", "email": "anna@acme.io", "company": "Acme Corp"}]
    }
    long = records[2]["json_extraction"]
    assert long["chunks"] > 1
    assert long["data"] == {
        "contact": [{"name": "Jane Doe", "email": "jane@example.com", "company": None}]
    }
    labels = ZeroGPUSchemaClassificationExtractor(classification_schema=AXES, **_kw(emu))
    found = labels.extract(_docs()[:2])
    assert [m["schema_classification"]["classification"]["sentiment"] for m in found] == [
        "positive",
        "negative",
    ]


async def test_async_and_batch_mode_equal_sync(emu: Emulator) -> None:
    cases: list[tuple[Any, dict[str, Any]]] = [
        (ZeroGPUJSONExtractor, {"extraction_schema": SCHEMA}),
        (ZeroGPUSchemaClassificationExtractor, {"classification_schema": AXES}),
    ]
    for cls, options in cases:
        sync = cls(**options, **_kw(emu)).extract(_docs())
        batch = cls(**options, mode="batch", batch_poll_interval=0.02, **_kw(emu))
        assert await batch.aextract(_docs()) == sync
        assert await cls(**options, **_kw(emu)).aextract(_docs()) == sync
    assert sum(r.path == "/v1/batches" and r.method == "POST" for r in emu.requests) == 2


def test_failure_policy(emu: Emulator) -> None:
    emu.faults.add(Fault(status=400, times=1))
    raising = ZeroGPUJSONExtractor(extraction_schema=SCHEMA, num_workers=1, **_kw(emu))
    with pytest.raises(BatchTransformError) as info:
        raising.extract(_docs()[:2])
    assert info.value.failed_ids == ["d0"]
    emu.faults.add(Fault(status=400, times=1))
    kept = ZeroGPUSchemaClassificationExtractor(
        classification_schema=AXES, num_workers=1, on_failure="keep", **_kw(emu)
    )
    metadata = kept.extract(_docs()[:2])
    assert metadata[0]["schema_classification"]["error"]["type"] == "BadRequestError"
    assert metadata[1]["schema_classification"]["classification"] == {"sentiment": "negative"}


def test_extractors_pickle_and_serialise(emu: Emulator) -> None:
    # IngestionPipeline(num_workers > 1) sends transformations to worker processes.
    extractor = ZeroGPUJSONExtractor(extraction_schema=SCHEMA, threshold=0.4, **_kw(emu))
    copy = pickle.loads(pickle.dumps(extractor))
    assert copy.extract(_docs()[:1]) == extractor.extract(_docs()[:1])
    data = ZeroGPUSchemaClassificationExtractor(classification_schema=AXES, **_kw(emu)).to_dict()
    assert data["class_name"] == "ZeroGPUSchemaClassificationExtractor"
    assert data["classification_schema"] == AXES
    assert "test-key" not in str(data)


def test_pipeline_reads_the_redacted_text(emu: Emulator) -> None:
    pipeline = IngestionPipeline(
        transformations=[
            ZeroGPUPIIRedactor(**_kw(emu)),
            ZeroGPUJSONExtractor(extraction_schema=SCHEMA, **_kw(emu)),
            ZeroGPUSchemaClassificationExtractor(classification_schema=AXES, **_kw(emu)),
        ]
    )
    first = pipeline.run(documents=_docs()[:1])[0]
    assert "anna@acme.io" not in first.get_content(MetadataMode.NONE)
    contact = first.metadata["json_extraction"]["data"]["contact"]
    # Personal data was redacted before extraction, so none of it is extracted.
    assert all(record["email"] is None for record in contact)
    assert first.metadata["schema_classification"]["classification"] == {"sentiment": "positive"}
