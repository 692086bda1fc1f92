"""``extract_json`` / ``classify_schema`` and their many-document twins against the
emulator (outputs are emulated): async, concurrency, progress, failures returned,
and bad input refused before any request."""

from __future__ import annotations

import pytest

from zerogpu_core import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import (
    JSONExtractionOptions,
    SchemaClassificationOptions,
    aclassify_schema,
    aclassify_schema_documents,
    aextract_json,
    classify_schema_documents,
    extract_json,
    extract_json_documents,
)

pytestmark = pytest.mark.emulator

SCHEMA = JSONExtractionOptions({"contact": ["name::str::Full name", "email::str::Email"]})
AXES = SchemaClassificationOptions({"sentiment": ["positive", "negative", "neutral"]})
TEXTS = ["I love it! Jane Doe, jane@example.com", "Terrible, broken, awful. Bob Roe."]


def _client(emu: Emulator) -> ZeroGPUClient:
    return ZeroGPUClient(api_key="test-key", base_url=emu.base_url, max_retries=0)


def _async_client(emu: Emulator) -> AsyncZeroGPUClient:
    return AsyncZeroGPUClient(api_key="test-key", base_url=emu.base_url, max_retries=0)


async def test_async_one_text_equals_sync(zerogpu_emulator: Emulator) -> None:
    with _client(zerogpu_emulator) as client:
        extracted = extract_json(client, TEXTS[0], SCHEMA)
    async with _async_client(zerogpu_emulator) as client:
        assert await aextract_json(client, TEXTS[0], SCHEMA) == extracted
        labels = await aclassify_schema(client, TEXTS[1], AXES)
    assert extracted.first("contact") == {"name": "Jane Doe", "email": "jane@example.com"}
    assert labels.classification == {"sentiment": "negative"}


async def test_many_documents_progress_and_returned_failures(
    zerogpu_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    zerogpu_emulator.faults.add(Fault(status=400, times=1))
    with _client(zerogpu_emulator) as client:
        outcome = extract_json_documents(
            client, TEXTS, SCHEMA, ids=["a", "b"], max_concurrency=1, progress=True
        )
    assert "JSON extraction" in capsys.readouterr().err
    assert [f.id for f in outcome.failures] == ["a"]
    second = outcome.results[1]
    assert second is not None
    assert second.first("contact") == {"name": "Bob Roe", "email": None}
    async with _async_client(zerogpu_emulator) as client:
        labels = await aclassify_schema_documents(client, TEXTS, AXES, max_concurrency=2)
    assert [r.classification["sentiment"] for r in labels.results if r] == [
        "positive",
        "negative",
    ]


def test_bad_input_refused_before_any_request(zerogpu_emulator: Emulator) -> None:
    with _client(zerogpu_emulator) as client:
        with pytest.raises(TypeError, match=r"texts\[1\] is int"):
            classify_schema_documents(client, ["fine", 3], AXES)  # type: ignore[list-item]
        with pytest.raises(ValueError, match="max_concurrency"):
            extract_json_documents(client, TEXTS, SCHEMA, max_concurrency=0)
        blank = classify_schema_documents(client, ["  "], AXES).results[0]
    assert blank is not None
    assert blank.classification == {"sentiment": None}
    assert zerogpu_emulator.requests == []
