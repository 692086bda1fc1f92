"""``ZeroGPUIABExtractor``, ``ZeroGPUPIIRedactor`` and ``ZeroGPUPIINodePostprocessor``."""

from __future__ import annotations

import json
import pickle

import pytest
from llama_index.core import Document
from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.schema import MetadataMode, NodeWithScore, TextNode

from llama_index_zerogpu import (
    ZeroGPUIABExtractor,
    ZeroGPUPIINodePostprocessor,
    ZeroGPUPIIRedactor,
)
from tests.conftest import Target
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import BatchTransformError, deanonymize

LETTER = "Hello Jane Doe, call me at 415-555-0134 or email hi@example.com about the phone."
SECRETS = ("Jane Doe", "415-555-0134", "hi@example.com")


def _kw(emu: Emulator) -> dict[str, str]:
    return {"api_key": "test-key", "base_url": emu.base_url}


def _docs(count: int = 3) -> list[Document]:
    return [Document(text=f"{LETTER} {i}", id_=f"d{i}", metadata={"n": i}) for i in range(count)]


@pytest.mark.vcr
def test_pipeline_recorded(zerogpu_target: Target) -> None:
    kwargs = zerogpu_target.client_kwargs()
    pipeline = IngestionPipeline(
        transformations=[ZeroGPUPIIRedactor(**kwargs), ZeroGPUIABExtractor(**kwargs)]
    )
    nodes = pipeline.run(documents=[Document(text=LETTER, id_="a")])
    assert nodes[0].node_id == "a"
    assert all(s not in nodes[0].get_content(MetadataMode.ALL) for s in SECRETS)
    assert nodes[0].metadata["iab"]["iab_1_0"]
    assert "pii" not in nodes[0].get_content(MetadataMode.EMBED)


async def test_async_pipeline_keeps_order_and_ids(emulator: Emulator) -> None:
    emulator.faults.add(Fault(latency=0.05, times=4))
    pipeline = IngestionPipeline(
        transformations=[
            ZeroGPUPIIRedactor(max_concurrency=4, **_kw(emulator)),
            ZeroGPUIABExtractor(num_workers=4, show_progress=False, **_kw(emulator)),
        ]
    )
    nodes = await pipeline.arun(documents=_docs(12))
    assert [n.node_id for n in nodes] == [f"d{i}" for i in range(12)]
    assert [n.metadata["n"] for n in nodes] == list(range(12))
    for node in nodes:
        dumped = node.get_content(MetadataMode.NONE) + json.dumps(node.metadata)
        assert all(s not in dumped for s in SECRETS)


def test_redactor_pickles_with_its_key_and_its_dict_holds_no_secret(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    redactor = ZeroGPUPIIRedactor(**_kw(emulator))
    redactor(_docs(1))  # opens clients, which must not be pickled
    data = redactor.to_dict()
    assert "api_key" not in data
    assert "test-key" not in str(data)
    assert data == ZeroGPUPIIRedactor(**_kw(emulator)).to_dict()
    json.dumps(redactor.to_json())
    monkeypatch.delenv("ZEROGPU_API_KEY", raising=False)
    copy = pickle.loads(pickle.dumps(redactor))  # what a worker process receives
    assert copy.api_key is not None
    assert copy.api_key.get_secret_value() == "test-key"
    assert "test-key" not in repr(copy)
    assert "[EMAIL]" in copy(_docs(1))[0].get_content()
    extractor = ZeroGPUIABExtractor(**_kw(emulator))
    assert "test-key" not in str(extractor.to_dict())
    assert pickle.loads(pickle.dumps(extractor)).model == extractor.model


def test_redactor_failure_modes(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    emulator.faults.add(Fault(status=400, times=1))
    with pytest.raises(BatchTransformError) as info:
        ZeroGPUPIIRedactor(max_concurrency=1, **_kw(emulator))(_docs())
    assert info.value.failed_ids == ["d0"]
    assert info.value.results[1] is not None
    emulator.faults.add(Fault(status=400, times=1))
    kept = ZeroGPUPIIRedactor(max_concurrency=1, on_failure="drop", **_kw(emulator))(_docs())
    assert [n.node_id for n in kept] == ["d1", "d2"]
    assert "d0" in caplog.text


def test_extractor_failure_modes(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=400, times=1))
    with pytest.raises(BatchTransformError) as info:
        ZeroGPUIABExtractor(num_workers=1, **_kw(emulator)).extract(_docs())
    assert info.value.failed_ids == ["d0"]
    assert info.value.results[1]["iab"]["iab_1_0"]
    emulator.faults.add(Fault(status=400, times=1))
    keep = ZeroGPUIABExtractor(num_workers=1, on_failure="keep", **_kw(emulator))
    metadata = keep.extract(_docs())
    assert metadata[0]["iab"]["error"]["type"] == "BadRequestError"
    assert "iab_1_0" in metadata[2]["iab"]


def test_extractor_reads_text_without_the_metadata_header(emulator: Emulator) -> None:
    node = TextNode(text="", metadata={"title": "Smartphone camera review"})
    metadata = ZeroGPUIABExtractor(**_kw(emulator)).extract([node])
    assert metadata == [
        {
            "iab": {
                "model": "zlm-v1-iab-classify-edge",
                "iab_1_0": [],
                "iab_2_2": [],
                "audience": [],
                "chunks": 0,
            }
        }
    ]
    assert emulator.requests == []


def test_postprocessor_masks_and_stores_the_mapping_like_llamaindex(emulator: Emulator) -> None:
    node = TextNode(text=LETTER, metadata={"author": "desk"})
    processor = ZeroGPUPIINodePostprocessor(**_kw(emulator))
    [masked] = processor.postprocess_nodes([NodeWithScore(node=node, score=0.7)])
    assert masked.score == 0.7
    assert masked.node.node_id == node.node_id
    mapping = masked.node.metadata["__pii_node_info__"]
    assert deanonymize(masked.node.get_content(), mapping) == LETTER
    llm_text = masked.node.get_content(MetadataMode.LLM)
    assert "author: desk" in llm_text
    assert all(s not in llm_text for s in SECRETS)
    assert all(s not in masked.node.get_content(MetadataMode.EMBED) for s in SECRETS)
    assert node.get_content() == LETTER  # the retrieved node itself is untouched
    sent = emulator.requests[0].json["messages"][0]["content"]
    assert sent == LETTER  # no metadata header sent


async def test_postprocessor_async_and_drop(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=400, times=1))
    processor = ZeroGPUPIINodePostprocessor(max_concurrency=1, on_failure="drop", **_kw(emulator))
    nodes = [NodeWithScore(node=TextNode(text=f"{LETTER} {i}", id_=f"n{i}")) for i in range(3)]
    out = await processor.apostprocess_nodes(nodes)
    assert [n.node.node_id for n in out] == ["n1", "n2"]


@pytest.mark.timeout(120)
def test_pipeline_with_worker_processes_and_an_explicit_key(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The key was passed as api_key= and is nowhere in the environment: the pickled
    # transformation carries it into the workers, as LlamaIndex's own integrations do.
    monkeypatch.delenv("ZEROGPU_API_KEY", raising=False)
    pipeline = IngestionPipeline(transformations=[ZeroGPUPIIRedactor(**_kw(emulator))])
    nodes = pipeline.run(documents=_docs(4), num_workers=2)
    assert sorted(n.node_id for n in nodes) == ["d0", "d1", "d2", "d3"]
    assert all("hi@example.com" not in n.get_content() for n in nodes)


@pytest.mark.timeout(120)
def test_worker_without_a_key_fails_clearly(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ZEROGPU_API_KEY", raising=False)
    pipeline = IngestionPipeline(transformations=[ZeroGPUPIIRedactor(base_url=emulator.base_url)])
    with pytest.raises(Exception, match="ZEROGPU_API_KEY"):
        pipeline.run(documents=_docs(4), num_workers=2)


def test_named_node_metadata_is_redacted(emulator: Emulator) -> None:
    node = TextNode(text="Call Jane Doe.", metadata={"author": "Jane Doe", "n": 1})
    out = ZeroGPUPIIRedactor(redact_metadata_keys=["author"], **_kw(emulator))([node])
    assert out[0].get_content() == "Call [PERSON]."
    assert out[0].metadata["author"] == "[PERSON]"
    assert out[0].metadata["n"] == 1
    assert node.metadata["author"] == "Jane Doe"
    masked = ZeroGPUPIINodePostprocessor(redact_metadata_keys=["author"], **_kw(emulator))
    hit = masked.postprocess_nodes([NodeWithScore(node=node, score=1.0)])[0].node
    assert hit.metadata["author"] == "[PERSON_1]"
    assert deanonymize(hit.get_content(), hit.metadata["__pii_node_info__"]) == "Call Jane Doe."
