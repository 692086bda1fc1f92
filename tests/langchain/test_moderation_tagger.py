"""``ZeroGPUModerationTagger`` against the emulator (verdicts are emulated): sync,
async, batch mode (Llama Guard only), the failure policy and the event loop."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from langchain_core.documents import Document
from pydantic import ValidationError

from langchain_zerogpu import ZeroGPUModerationTagger
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import BatchTransformError

pytestmark = pytest.mark.emulator

THREAT = "I will kill you and hurt them."
CALM = "Thanks for the lovely dinner, see you on Sunday."


def _kw(emu: Emulator, **extra: Any) -> dict[str, Any]:
    return {"api_key": "test-key", "base_url": emu.base_url, "max_retries": 0, **extra}


def _docs(*texts: str) -> list[Document]:
    return [Document(t, id=f"d{i}", metadata={"n": i}) for i, t in enumerate(texts)]


def test_verdicts_in_metadata(emu: Emulator) -> None:
    docs = ZeroGPUModerationTagger(**_kw(emu)).transform_documents(_docs(THREAT, CALM))
    threat, calm = (d.metadata["moderation"] for d in docs)
    assert threat["flagged"] is True
    assert "violence" in threat["categories"]
    assert set(threat["scores"]) >= {"violence", "harassment"}
    assert threat["model"] == "zlm-v1-moderation-edge"
    assert calm["flagged"] is False
    assert calm["categories"] == []
    assert [(d.id, d.metadata["n"], d.page_content) for d in docs] == [
        ("d0", 0, THREAT),
        ("d1", 1, CALM),
    ]
    assert json.loads(json.dumps(docs[0].metadata)) == docs[0].metadata


async def test_llama_guard_async_and_batch_equal_sync(emu: Emulator) -> None:
    tagger = ZeroGPUModerationTagger(model="llama-guard-4-12b", **_kw(emu))
    out = tagger.transform_documents(_docs(THREAT, CALM))
    assert out[0].metadata["moderation"]["codes"]
    assert out[1].metadata["moderation"]["flagged"] is False
    async_out = await tagger.atransform_documents(_docs(THREAT, CALM))
    batch = ZeroGPUModerationTagger(
        model="llama-guard-4-12b", mode="batch", batch_poll_interval=0.02, **_kw(emu)
    )
    batch_out = await batch.atransform_documents(_docs(THREAT, CALM))
    assert [d.metadata for d in async_out] == [d.metadata for d in out]
    assert [d.metadata for d in batch_out] == [d.metadata for d in out]
    assert sum(r.path == "/v1/batches" and r.method == "POST" for r in emu.requests) == 1


def test_batch_mode_with_the_moderations_route_is_refused_at_construction(emu: Emulator) -> None:
    with pytest.raises(ValidationError, match="Batch API accepts only /v1/chat/completions"):
        ZeroGPUModerationTagger(mode="batch", **_kw(emu))
    assert emu.requests == []


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"model": "gpt-oss-120b"}, "not a moderation model"),
        ({"categories": ["violent"]}, "'violent', not a category"),
        ({"model": "llama-guard-4-12b", "threshold": 0.5}, "threshold does not apply"),
        ({"on_failure": "drop"}, "on_failure"),
    ],
)
def test_bad_options_fail_at_construction(kwargs: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        ZeroGPUModerationTagger(api_key="test-key", **kwargs)


def test_failure_raises_with_finished_documents(emu: Emulator) -> None:
    emu.faults.add(Fault(status=500, path="/v1/moderations"))
    tagger = ZeroGPUModerationTagger(max_concurrency=1, **_kw(emu))
    with pytest.raises(BatchTransformError) as caught:
        tagger.transform_documents(_docs(THREAT, CALM))
    assert caught.value.failed_ids == ["d0"]
    finished = caught.value.results[1]
    assert finished.metadata["moderation"]["flagged"] is False


def test_keep_records_the_error_and_no_flag(emu: Emulator) -> None:
    emu.faults.add(Fault(status=500, path="/v1/moderations"))
    tagger = ZeroGPUModerationTagger(max_concurrency=1, on_failure="keep", **_kw(emu))
    failed, ok = tagger.transform_documents(_docs(THREAT, CALM))
    assert "flagged" not in failed.metadata["moderation"]
    assert failed.metadata["moderation"]["error"]["type"] == "InternalServerError"
    assert ok.metadata["moderation"]["flagged"] is False


def test_refuses_documents_already_tagged(emu: Emulator) -> None:
    docs = [Document(CALM, metadata={"moderation": {"flagged": False}})]
    with pytest.raises(ValueError, match="moderation"):
        ZeroGPUModerationTagger(**_kw(emu)).transform_documents(docs)
    assert emu.requests == []


async def test_async_path_does_not_block_the_event_loop(emu: Emulator) -> None:
    emu.faults.add(Fault(latency=0.5, path="/v1/moderations"))
    tagger = ZeroGPUModerationTagger(**_kw(emu))
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    running = asyncio.create_task(ticker())
    started = time.monotonic()
    out = await tagger.atransform_documents(_docs(THREAT))
    elapsed = time.monotonic() - started
    running.cancel()
    assert out[0].metadata["moderation"]["flagged"] is True
    assert elapsed >= 0.5
    # A blocked loop would not tick at all during the 0.5 s answer.
    assert ticks >= 10


def test_progress_bar_counts_documents(emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    tagger = ZeroGPUModerationTagger(show_progress=True, **_kw(emu))
    tagger.transform_documents(_docs(THREAT, CALM))
    err = capsys.readouterr().err
    assert "Moderation" in err
    assert "2/2" in err
