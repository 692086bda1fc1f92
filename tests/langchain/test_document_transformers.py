"""``ZeroGPUIABClassifier``, ``ZeroGPUPIIRedactor`` and ``ZeroGPUPIIDetector``."""

from __future__ import annotations

import json

import pytest
from langchain_core.documents import Document
from pydantic import ValidationError

from langchain_zerogpu import (
    ZeroGPUIABClassifier,
    ZeroGPUPIIDetector,
    ZeroGPUPIIRedactor,
    deanonymize,
)
from tests.conftest import Target
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import BatchTransformError

LETTER = "Hello Jane Doe, call me at 415-555-0134 or email hi@example.com."
ARTICLE = "The new smartphone has a brighter screen and a better camera for fitness fans."


def _docs(count: int = 3) -> list[Document]:
    return [
        Document(f"{LETTER} Item {i}.", id=f"doc-{i}", metadata={"source": f"s{i}"})
        for i in range(count)
    ]


def _kw(emu: Emulator) -> dict[str, str]:
    return {"api_key": "test-key", "base_url": emu.base_url}


@pytest.mark.vcr
def test_classifier_recorded(zerogpu_target: Target) -> None:
    classifier = ZeroGPUIABClassifier(**zerogpu_target.client_kwargs())
    docs = classifier.transform_documents([Document(ARTICLE, id="a", metadata={"k": 1})])
    assert docs[0].id == "a"
    assert docs[0].page_content == ARTICLE
    assert docs[0].metadata["k"] == 1
    assert docs[0].metadata["iab"]["iab_2_2"][0]["name"]
    assert json.loads(json.dumps(docs[0].metadata)) == docs[0].metadata


@pytest.mark.vcr
async def test_redactor_recorded_async(zerogpu_target: Target) -> None:
    redactor = ZeroGPUPIIRedactor(reversible=True, **zerogpu_target.client_kwargs())
    out = await redactor.aredact_documents([Document(LETTER, id="x")])
    assert deanonymize(out.documents[0].page_content, out.mappings[0]) == LETTER
    assert out.documents[0].id == "x"


def test_redactor_never_stores_originals(emulator: Emulator) -> None:
    originals = _docs()
    docs = ZeroGPUPIIRedactor(**_kw(emulator)).transform_documents(originals)
    for original, doc in zip(originals, docs, strict=True):
        assert doc.id == original.id
        assert doc.metadata["source"] == original.metadata["source"]
        dumped = doc.page_content + json.dumps(doc.metadata)
        for secret in ("Jane Doe", "415-555-0134", "hi@example.com"):
            assert secret not in dumped
        assert doc.metadata["pii"]["counts"] == {"person": 1, "phone number": 1, "email": 1}
        assert "pii" not in original.metadata  # inputs untouched


def test_reversible_mapping_is_returned_not_stored(emulator: Emulator) -> None:
    redactor = ZeroGPUPIIRedactor(reversible=True, **_kw(emulator))
    out = redactor.redact_documents(_docs(2))
    assert out.documents[0].page_content.startswith("Hello [PERSON_1], call me at [PHONE_NUMBER_1]")
    assert "mapping" not in out.documents[0].metadata["pii"]
    assert out.mappings[0]["[EMAIL_1]"] == "hi@example.com"
    assert "hi@example.com" not in repr(out)
    stored = ZeroGPUPIIRedactor(reversible=True, store_mapping=True, **_kw(emulator))
    doc = stored.transform_documents(_docs(1))[0]
    assert doc.metadata["pii"]["mapping"]["[PERSON_1]"] == "Jane Doe"


async def test_order_and_ids_under_concurrency(emulator: Emulator) -> None:
    emulator.faults.add(Fault(latency=0.05, times=5))
    docs = [Document(f"Text {i} about phones.", id=str(i)) for i in range(20)]
    classifier = ZeroGPUIABClassifier(max_concurrency=5, **_kw(emulator))
    out = await classifier.atransform_documents(docs)
    assert [d.id for d in out] == [str(i) for i in range(20)]
    assert [d.page_content for d in out] == [d.page_content for d in docs]
    sync_out = classifier.transform_documents(docs)
    assert [d.metadata for d in sync_out] == [d.metadata for d in out]


def test_transient_errors_are_retried_by_the_core(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=503, headers={"Retry-After": "0"}, times=2))
    docs = ZeroGPUPIIRedactor(max_concurrency=1, **_kw(emulator)).transform_documents(_docs(1))
    assert "[EMAIL]" in docs[0].page_content


def test_failure_raises_with_finished_documents(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=400, times=1))
    redactor = ZeroGPUPIIRedactor(max_concurrency=1, **_kw(emulator))
    with pytest.raises(BatchTransformError) as info:
        redactor.transform_documents(_docs())
    error = info.value
    assert error.failed_indices == [0]
    assert error.failed_ids == ["doc-0"]
    assert error.results[0] is None
    assert [d.id for d in error.results[1:]] == ["doc-1", "doc-2"]
    assert "hi@example.com" not in error.results[1].page_content


def test_redactor_drop_reports_and_never_passes_unredacted(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    # A broken 200 reply that echoes the input: its text must not reach logs or errors.
    emulator.faults.add(Fault(status=200, body=f"<html>{LETTER}", times=1))
    redactor = ZeroGPUPIIRedactor(max_concurrency=1, on_failure="drop", **_kw(emulator))
    out = redactor.redact_documents(_docs())
    assert [d.id for d in out.documents] == ["doc-1", "doc-2"]
    assert [(f.index, f.id) for f in out.failures] == [(0, "doc-0")]
    assert "doc-0" in caplog.text
    assert "APIResponseValidationError" in caplog.text
    assert all("hi@example.com" not in d.page_content for d in out.documents)
    for secret in ("Jane Doe", "415-555-0134", "hi@example.com"):
        assert secret not in caplog.text
        assert secret not in str(out.failures[0].error)


def test_classifier_keep_records_the_error(emulator: Emulator) -> None:
    emulator.faults.add(
        Fault(status=500, headers={"Retry-After": "0"}, times=3)
    )  # first document exhausts retries
    classifier = ZeroGPUIABClassifier(
        max_concurrency=1, on_failure="keep", max_retries=2, **_kw(emulator)
    )
    docs = classifier.transform_documents([Document(ARTICLE, id="a"), Document(ARTICLE, id="b")])
    assert docs[0].page_content == ARTICLE
    assert docs[0].metadata["iab"]["error"]["type"] == "InternalServerError"
    assert "iab_1_0" in docs[1].metadata["iab"]


def test_empty_whitespace_and_long_documents(emulator: Emulator) -> None:
    long_text = ("Email ana@example.com about the phone. " * 3600)[:135_000]
    docs = [Document(""), Document("  \n "), Document(long_text)]
    out = ZeroGPUPIIRedactor(**_kw(emulator)).transform_documents(docs)
    assert [d.page_content for d in out[:2]] == ["", "  \n "]
    assert "ana@example.com" not in out[2].page_content
    assert out[2].metadata["pii"]["chunks"] > 55
    iab = ZeroGPUIABClassifier(**_kw(emulator)).transform_documents(docs)
    assert iab[0].metadata["iab"]["chunks"] == 0
    assert iab[2].metadata["iab"]["chunks"] > 110


def test_detector_matches_pii_middleware_signature(emulator: Emulator) -> None:
    matches = ZeroGPUPIIDetector(**_kw(emulator))(LETTER)
    assert {m["type"] for m in matches} == {"person", "phone_number", "email"}
    for match in matches:
        assert set(match) == {"type", "value", "start", "end"}
        assert LETTER[match["start"] : match["end"]] == match["value"]
    only = ZeroGPUPIIDetector(labels=["phone number"], **_kw(emulator))(LETTER)
    assert [m["value"] for m in only] == ["415-555-0134"]


async def test_detector_async(emulator: Emulator) -> None:
    matches = await ZeroGPUPIIDetector(**_kw(emulator)).adetect("mail hi@example.com")
    assert matches == [{"type": "email", "value": "hi@example.com", "start": 5, "end": 19}]


def test_settings_are_validated_and_secret() -> None:
    with pytest.raises(ValidationError, match="threshold"):
        ZeroGPUPIIRedactor(threshold=2)
    with pytest.raises(ValidationError, match="embedding model"):
        ZeroGPUIABClassifier(model="bge-small-en-v1.5")
    redactor = ZeroGPUPIIRedactor(api_key="zgpu-api-secret")
    assert "zgpu-api-secret" not in repr(redactor) + str(redactor.model_dump())


def test_named_metadata_keys_are_redacted_with_the_same_placeholders(emulator: Emulator) -> None:
    doc = Document(
        "Jane Doe asked for a refund.",
        metadata={"author": "Jane Doe", "cc": ["hi@example.com", "ok"], "page": 3},
    )
    redactor = ZeroGPUPIIRedactor(
        reversible=True, redact_metadata_keys=["author", "cc", "missing"], **_kw(emulator)
    )
    outcome = redactor.redact_documents([doc])
    out = outcome.documents[0]
    assert out.page_content == "[PERSON_1] asked for a refund."
    assert out.metadata["author"] == "[PERSON_1]"
    assert out.metadata["cc"] == ["[EMAIL_1]", "ok"]
    assert out.metadata["page"] == 3
    assert outcome.mappings[0] == {"[PERSON_1]": "Jane Doe", "[EMAIL_1]": "hi@example.com"}
    assert "Jane" not in json.dumps(out.metadata["pii"])
    assert doc.metadata["author"] == "Jane Doe"  # the input is not modified


def test_a_named_metadata_value_that_is_not_text_is_refused(emulator: Emulator) -> None:
    redactor = ZeroGPUPIIRedactor(redact_metadata_keys=["phone"], **_kw(emulator))
    with pytest.raises(TypeError, match=r"metadata\['phone'\] is int"):
        redactor.transform_documents([Document("hi", metadata={"phone": 4155550134})])
    assert emulator.requests == []


def test_unknown_categories_are_refused_before_any_request() -> None:
    with pytest.raises(ValidationError, match="valid names: identity, contact"):
        ZeroGPUPIIRedactor(api_key="k", categories=["contacts"])
    with pytest.raises(ValidationError, match="verification"):
        ZeroGPUPIIRedactor(api_key="k", verification="loose")
