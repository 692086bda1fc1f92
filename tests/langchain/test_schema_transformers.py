"""``ZeroGPUJSONExtractor`` and ``ZeroGPUSchemaClassifier`` against the emulator
(outputs are emulated): sync, async, batch mode, long text and the failure policy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.documents import Document
from pydantic import ValidationError

from langchain_zerogpu import ZeroGPUJSONExtractor, ZeroGPUSchemaClassifier
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import BatchTransformError

pytestmark = pytest.mark.emulator

SIGNATURE = "Regards, Anna Schmidt, Data Scientist at Acme Corp. Email: anna@acme.io"
# The name in the first window, the e-mail and phone only in the last one.
LONG = (
    "Jane Doe wrote this note. "
    + "the weather was fine and nothing else happened. " * 80
    + "write to jane@example.com or 555-123-4567."
)
HAPPY = "I love it, excellent! The football team won the match."
MIXED = "I love it, excellent! " * 100 + "Terrible, broken, awful. " * 40
SCHEMA = {
    "contact": [
        "name::str::Full name",
        "email::str::Email address",
        "phones::list::Phone numbers",
    ]
}
AXES = {"sentiment": ["positive", "negative", "neutral"]}


def _kw(emu: Emulator, **extra: Any) -> dict[str, Any]:
    return {"api_key": "test-key", "base_url": emu.base_url, **extra}


def _docs(*texts: str) -> list[Document]:
    return [Document(t, id=f"d{i}", metadata={"n": i}) for i, t in enumerate(texts)]


def test_json_one_object_per_document_long_text_merged(emu: Emulator) -> None:
    extractor = ZeroGPUJSONExtractor(extraction_schema=SCHEMA, **_kw(emu))
    docs = extractor.transform_documents(_docs(SIGNATURE, LONG))
    assert docs[0].metadata["json_extraction"] == {
        "data": {"contact": [{"name": "Anna Schmidt", "email": "anna@acme.io", "phones": []}]},
        "model": "gliner2-base-v1",
        "chunks": 1,
    }
    long = docs[1].metadata["json_extraction"]
    assert long["chunks"] > 1
    # The record cut by the window edges is one contact again.
    assert long["data"] == {
        "contact": [{"name": "Jane Doe", "email": "jane@example.com", "phones": ["555-123-4567"]}]
    }
    assert (docs[0].id, docs[0].metadata["n"], docs[0].page_content) == ("d0", 0, SIGNATURE)
    assert json.loads(json.dumps(docs[1].metadata)) == docs[1].metadata


def test_classification_long_text_is_a_weighted_vote(emu: Emulator) -> None:
    classifier = ZeroGPUSchemaClassifier(classification_schema=AXES, **_kw(emu))
    happy, mixed = classifier.transform_documents(_docs(HAPPY, MIXED))
    assert happy.metadata["schema_classification"]["classification"] == {"sentiment": "positive"}
    result = mixed.metadata["schema_classification"]
    assert result["chunks"] > 1
    assert result["classification"] == {"sentiment": "positive"}
    shares = result["shares"]["sentiment"]
    assert set(shares) == {"positive", "negative"}
    assert shares["positive"] > shares["negative"]
    assert abs(sum(shares.values()) - 1.0) < 1e-9


async def test_async_and_batch_equal_sync(emu: Emulator) -> None:
    cases: list[tuple[Any, dict[str, Any]]] = [
        (ZeroGPUJSONExtractor, {"extraction_schema": SCHEMA}),
        (ZeroGPUSchemaClassifier, {"classification_schema": AXES}),
    ]
    for cls, options in cases:
        docs = _docs(SIGNATURE, LONG, MIXED)
        out = cls(**options, **_kw(emu)).transform_documents(docs)
        async_out = await cls(**options, **_kw(emu)).atransform_documents(docs)
        batch = cls(**options, mode="batch", batch_poll_interval=0.02, **_kw(emu))
        assert [d.metadata for d in async_out] == [d.metadata for d in out]
        assert [d.metadata for d in await batch.atransform_documents(docs)] == [
            d.metadata for d in out
        ]
    assert sum(r.path == "/v1/batches" and r.method == "POST" for r in emu.requests) == 2


def test_failure_raises_or_keeps(emu: Emulator) -> None:
    emu.faults.add(Fault(status=400, times=1))
    extractor = ZeroGPUJSONExtractor(extraction_schema=SCHEMA, max_concurrency=1, **_kw(emu))
    with pytest.raises(BatchTransformError) as info:
        extractor.transform_documents(_docs(SIGNATURE, HAPPY))
    assert info.value.failed_ids == ["d0"]
    finished = info.value.results[1]
    assert finished is not None
    assert finished.metadata["json_extraction"]["chunks"] == 1

    emu.faults.add(Fault(status=500, headers={"Retry-After": "0"}, times=3))
    keep = ZeroGPUSchemaClassifier(
        classification_schema=AXES,
        max_concurrency=1,
        on_failure="keep",
        max_retries=2,
        **_kw(emu),
    )
    docs = keep.transform_documents(_docs(HAPPY, MIXED))
    assert docs[0].page_content == HAPPY
    assert docs[0].metadata["schema_classification"]["error"]["type"] == "InternalServerError"
    assert docs[1].metadata["schema_classification"]["classification"] == {"sentiment": "positive"}


def test_bad_options_fail_at_construction_without_echoing_the_key(emu: Emulator) -> None:
    with pytest.raises(ValidationError, match="type 'int'; use one of str, list") as info:
        ZeroGPUJSONExtractor(extraction_schema={"person": ["age::int::Age"]}, **_kw(emu))
    assert "test-key" not in str(info.value)
    with pytest.raises(ValidationError, match="at least two candidate labels"):
        ZeroGPUSchemaClassifier(classification_schema={"sentiment": ["positive"]}, **_kw(emu))
    with pytest.raises(ValidationError, match="extraction_schema"):
        ZeroGPUJSONExtractor(**_kw(emu))
    with pytest.raises(ValueError, match="already"):
        ZeroGPUJSONExtractor(extraction_schema=SCHEMA, **_kw(emu)).transform_documents(
            [Document(SIGNATURE, metadata={"json_extraction": "mine"})]
        )
    assert emu.requests == []
