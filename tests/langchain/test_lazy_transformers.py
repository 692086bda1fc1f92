"""``lazy_transform_documents`` / ``alazy_transform_documents``: documents as they
finish, with the same results and the same failure policy as the list methods."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from langchain_zerogpu import (
    ZeroGPUDomainClassifier,
    ZeroGPUEntityExtractor,
    ZeroGPUIABClassifier,
    ZeroGPUJSONExtractor,
    ZeroGPUModerationTagger,
    ZeroGPUPIIRedactor,
    ZeroGPUSchemaClassifier,
    ZeroGPUSignalExtractor,
    ZeroGPUSummarizer,
    ZeroGPUZeroShotClassifier,
)
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import BatchTransformError

pytestmark = pytest.mark.emulator

LETTER = "Hello Jane Doe, call me at 415-555-0134 or email hi@example.com."


def _kw(emu: Emulator) -> dict[str, str]:
    return {"api_key": "test-key", "base_url": emu.base_url}


def _docs(count: int) -> list[Document]:
    return [Document(f"{LETTER} Phone item {i}.", id=f"doc-{i}") for i in range(count)]


@pytest.mark.parametrize(
    "make",
    [
        lambda kw: ZeroGPUIABClassifier(max_concurrency=4, **kw),
        lambda kw: ZeroGPUPIIRedactor(max_concurrency=4, **kw),
        lambda kw: ZeroGPUEntityExtractor(labels=["person"], max_concurrency=4, **kw),
        lambda kw: ZeroGPUZeroShotClassifier(labels=["phones", "food"], max_concurrency=4, **kw),
        lambda kw: ZeroGPUJSONExtractor(
            extraction_schema={"contact": ["email::str::Email address"]}, **kw
        ),
        lambda kw: ZeroGPUSchemaClassifier(
            classification_schema={"topic": ["phones", "food"]}, **kw
        ),
        lambda kw: ZeroGPUSummarizer(**kw),
        lambda kw: ZeroGPUSignalExtractor(**kw),
        lambda kw: ZeroGPUModerationTagger(**kw),
        lambda kw: ZeroGPUModerationTagger(model="llama-guard-4-12b", **kw),
    ],
    ids=[
        "iab",
        "pii",
        "entities",
        "zero-shot",
        "json",
        "schema",
        "summary",
        "signals",
        "moderation",
        "llama-guard",
    ],
)
async def test_lazy_yields_what_the_list_form_returns(emulator: Emulator, make: object) -> None:
    transformer = make(_kw(emulator))  # type: ignore[operator]
    docs = _docs(12)
    listed = transformer.transform_documents(docs)
    lazy = list(transformer.lazy_transform_documents(docs))
    alazy = [d async for d in transformer.alazy_transform_documents(docs)]
    by_id = {d.id: d for d in listed}
    for streamed in (lazy, alazy):
        assert sorted(d.id for d in streamed) == sorted(by_id)
        for document in streamed:
            assert document.metadata == by_id[document.id].metadata
            assert document.page_content == by_id[document.id].page_content


def test_lazy_raise_yields_the_others_then_lists_every_failure(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=400, times=1))
    redactor = ZeroGPUPIIRedactor(max_concurrency=1, **_kw(emulator))
    handed: list[Document] = []
    with pytest.raises(BatchTransformError) as info:
        for document in redactor.lazy_transform_documents(_docs(4)):
            handed.append(document)
    assert sorted(str(d.id) for d in handed) == ["doc-1", "doc-2", "doc-3"]
    assert all("hi@example.com" not in d.page_content for d in handed)
    assert info.value.failed_ids == ["doc-0"]
    assert "1 of 4 documents failed" in str(info.value)


async def test_alazy_drop_and_keep(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    emulator.faults.add(Fault(status=400, times=1))
    redactor = ZeroGPUPIIRedactor(max_concurrency=1, on_failure="drop", **_kw(emulator))
    kept = [str(d.id) async for d in redactor.alazy_transform_documents(_docs(3))]
    assert sorted(kept) == ["doc-1", "doc-2"]
    assert "doc-0" in caplog.text
    emulator.faults.add(Fault(status=400, times=1))
    classifier = ZeroGPUIABClassifier(max_concurrency=1, on_failure="keep", **_kw(emulator))
    out = {d.id: d for d in classifier.lazy_transform_documents(_docs(3))}
    assert out["doc-0"].metadata["iab"]["error"]["type"] == "BadRequestError"
    assert "iab_2_2" in out["doc-1"].metadata["iab"]


def test_leaving_the_loop_early_stops_sending(emulator: Emulator) -> None:
    emulator.faults.add(Fault(latency=0.01, times=1000))
    classifier = ZeroGPUIABClassifier(max_concurrency=2, **_kw(emulator))
    documents = classifier.lazy_transform_documents(_docs(300))
    first = next(iter(documents))
    documents.close()  # type: ignore[attr-defined]
    assert first.id is not None
    sent = len(emulator.requests)
    assert sent < 20


async def test_lazy_domain_classification_matches_the_list_form(emulator: Emulator) -> None:
    # Its documents are bare domains (or carry one under domain_key), so it is not in
    # the parametrised test above, whose documents are letters.
    classifier = ZeroGPUDomainClassifier(domain_key="site", max_concurrency=3, **_kw(emulator))
    docs = [
        Document(f"Article {i}.", id=f"d{i}", metadata={"site": f"news-{i}.example.com"})
        for i in range(9)
    ]
    listed = {d.id: d.metadata for d in classifier.transform_documents(docs)}
    lazy = {d.id: d.metadata for d in classifier.lazy_transform_documents(docs)}
    alazy = {d.id: d.metadata async for d in classifier.alazy_transform_documents(docs)}
    assert lazy == alazy == listed
    assert all(m["domain_iab"]["iab_1_0"] for m in listed.values())
    sent = len(emulator.requests)
    with pytest.raises(ValueError, match="URL"):  # at the call, before the first next()
        classifier.lazy_transform_documents(
            [Document("x", metadata={"site": "https://news.example.com/a"})]
        )
    assert len(emulator.requests) == sent
