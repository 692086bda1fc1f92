"""Batch mode of ``ZeroGPUIABExtractor`` and ``ZeroGPUPIIRedactor`` against the
emulator (outputs are emulated): same nodes, metadata and failures as sync."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from llama_index.core import Document
from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.schema import BaseNode, MetadataMode
from pydantic import ValidationError

from llama_index_zerogpu import ZeroGPUIABExtractor, ZeroGPUPIIRedactor
from zerogpu_core.emulator import Emulator
from zerogpu_core.tasks import BatchTransformError, PIIChunkTooLongError

pytestmark = pytest.mark.emulator

POLL = 0.02
LETTER = "Hello Jane Doe, call me at 415-555-0134 or email hi@example.com."
LONG = " ".join(
    f"Paragraph {i}: the new smartphone camera helps fitness fans; write to jane{i}@example.com."
    for i in range(60)
)
TEXTS = [
    "The new smartphone has a brighter screen.",
    LETTER,
    LONG,
    "Grüße von Zoë Müller aus München: zoe@example.de.",
    "東京の山田太郎さんのスマートフォン。",
]


def _kw(emu: Emulator, **extra: Any) -> dict[str, Any]:
    return {"api_key": "test-key", "base_url": emu.base_url, **extra}


def _batch(**extra: Any) -> dict[str, Any]:
    return {"mode": "batch", "batch_poll_interval": POLL, **extra}


def _docs() -> list[Document]:
    return [Document(text=t, id_=f"d{i}", metadata={"n": i}) for i, t in enumerate(TEXTS)]


def _view(nodes: list[BaseNode]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(n.node_id, n.get_content(MetadataMode.NONE), n.metadata) for n in nodes]


def _batches(emu: Emulator) -> int:
    return sum(1 for r in emu.requests if r.method == "POST" and r.path == "/v1/batches")


def test_extractor_batch_equals_sync(emu: Emulator) -> None:
    sync = ZeroGPUIABExtractor(**_kw(emu)).extract(_docs())
    batch = ZeroGPUIABExtractor(**_kw(emu, **_batch())).extract(_docs())
    assert batch == sync
    assert batch[0]["iab"]["iab_2_2"]
    assert batch[2]["iab"]["chunks"] > 1
    assert _batches(emu) == 1


def test_redactor_batch_equals_sync(emu: Emulator) -> None:
    sync = ZeroGPUPIIRedactor(**_kw(emu))(_docs())
    batch = ZeroGPUPIIRedactor(**_kw(emu, **_batch()))(_docs())
    assert _view(batch) == _view(sync)
    assert "Jane Doe" not in batch[1].get_content()
    assert batch[2].metadata["pii"]["chunks"] > 1
    assert "pii" not in batch[1].get_content(MetadataMode.EMBED)  # still hidden


async def test_async_pipeline_in_batch_mode_equals_sync(emu: Emulator, tmp_path: Path) -> None:
    def pipeline(**extra: Any) -> IngestionPipeline:
        return IngestionPipeline(
            transformations=[
                ZeroGPUPIIRedactor(**_kw(emu, **extra)),
                ZeroGPUIABExtractor(**_kw(emu, **extra)),
            ]
        )

    sync = await pipeline().arun(documents=_docs())
    batch = await pipeline(**_batch()).arun(documents=_docs())
    assert _view(batch) == _view(sync)
    assert _batches(emu) == 2  # one job per transformation


def test_failure_semantics_match_sync(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    # The server's limit is so small that even the shortest window it may be split
    # into is rejected: the long node fails closed in both modes.
    errors = []
    with Emulator(api_key="test-key", input_token_limit=60) as tight:
        for mode in ({}, _batch()):
            with pytest.raises(BatchTransformError) as info:
                ZeroGPUPIIRedactor(**_kw(tight, **mode))(_docs())
            errors.append(info.value)
        assert errors[1].failed_ids == errors[0].failed_ids == ["d2"]
        assert _view([n for n in errors[1].results if n]) == _view(
            [n for n in errors[0].results if n]
        )
        assert isinstance(errors[1].__cause__, PIIChunkTooLongError)

        dropped = ZeroGPUPIIRedactor(**_kw(tight, on_failure="drop", **_batch()))(_docs())
    assert [n.node_id for n in dropped] == ["d0", "d1", "d3", "d4"]
    assert "d2" in caplog.text

    # A budget above the model's limit: the server rejects the long node's chunk.
    keep = ZeroGPUIABExtractor(**_kw(emu, on_failure="keep", max_chunk_tokens=5000, **_batch()))
    metadata = keep.extract(_docs())
    assert metadata[2]["iab"]["error"]["type"] == "BatchItemError"
    assert metadata[0]["iab"]["iab_2_2"]


def test_resume_from_the_state_file(emu: Emulator, tmp_path: Path) -> None:
    extractor = ZeroGPUIABExtractor(**_kw(emu, **_batch(batch_state_path=tmp_path / "iab.json")))
    first = extractor.extract(_docs())
    again = extractor.extract(_docs())
    assert again == first
    assert _batches(emu) == 1


def test_batch_settings_serialise_and_pickle(emu: Emulator, tmp_path: Path) -> None:
    redactor = ZeroGPUPIIRedactor(**_kw(emu, **_batch(batch_state_path=tmp_path / "job.json")))
    assert redactor.batch_state_path == str(tmp_path / "job.json")
    data = json.loads(redactor.to_json())
    assert (data["mode"], data["batch_state_path"]) == ("batch", str(tmp_path / "job.json"))
    assert "test-key" not in json.dumps(data)
    assert pickle.loads(pickle.dumps(redactor)).mode == "batch"
    with pytest.raises(ValidationError):
        ZeroGPUIABExtractor(mode="later")
    with pytest.raises(ValidationError):
        ZeroGPUPIIRedactor(batch_poll_interval=-1)
