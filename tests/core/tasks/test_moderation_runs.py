"""Moderation over many documents against the emulator (verdicts are emulated):
both models, sync and async, batch mode (Llama Guard only) and failures."""

from __future__ import annotations

import pytest

from zerogpu_core import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import (
    BatchAPIOptions,
    GuardModerationTask,
    ModerationOptions,
    ScoredModerationTask,
    amoderate_documents,
    moderate,
    moderate_documents,
)
from zerogpu_core.tasks.moderation_runs import check_batch_moderation

pytestmark = pytest.mark.emulator

THREAT = "I will kill you and hurt them."
CALM = "Thanks for the lovely dinner, see you on Sunday."
LONG_CALM = " ".join([CALM] * 600)
MODELS = ["zlm-v1-moderation-edge", "omni-moderation-latest", "llama-guard-4-12b"]


def _sync(emu: Emulator) -> ZeroGPUClient:
    return ZeroGPUClient(api_key="test-key", base_url=emu.base_url, max_retries=0)


def _async(emu: Emulator) -> AsyncZeroGPUClient:
    return AsyncZeroGPUClient(api_key="test-key", base_url=emu.base_url, max_retries=0)


@pytest.mark.parametrize("model", MODELS)
def test_documents_match_one_at_a_time(emu: Emulator, model: str) -> None:
    options = ModerationOptions(model=model, max_chunk_tokens=500)
    with _sync(emu) as client:
        outcome = moderate_documents(
            client, [THREAT, CALM, LONG_CALM], options, ids=["a", "b", "c"]
        )
        singles = [moderate(client, t, options) for t in (THREAT, CALM, LONG_CALM)]
    assert outcome.failures == ()
    assert list(outcome.results) == singles
    assert [v.flagged for v in singles] == [True, False, False]
    assert singles[2].chunks > 1


@pytest.mark.parametrize("model", ["zlm-v1-moderation-edge", "llama-guard-4-12b"])
async def test_async_documents_equal_sync(emu: Emulator, model: str) -> None:
    options = ModerationOptions(model=model)
    with _sync(emu) as client:
        sync = moderate_documents(client, [THREAT, CALM], options)
    async with _async(emu) as aclient:
        asynced = await amoderate_documents(aclient, [THREAT, CALM], options, max_concurrency=2)
    assert asynced == sync


async def test_guard_batch_mode_equals_sync(emu: Emulator, tmp_path: object) -> None:
    options = ModerationOptions(model="llama-guard-4-12b", max_chunk_tokens=500)
    batch = BatchAPIOptions(poll_interval=0.02)
    with _sync(emu) as client:
        sync = moderate_documents(client, [THREAT, CALM, LONG_CALM], options)
        batched = moderate_documents(client, [THREAT, CALM, LONG_CALM], options, batch=batch)
    async with _async(emu) as aclient:
        abatched = await amoderate_documents(aclient, [THREAT, CALM], options, batch=batch)
    assert batched == sync
    assert list(abatched.results) == list(sync.results[:2])
    assert sum(r.path == "/v1/batches" and r.method == "POST" for r in emu.requests) == 2


@pytest.mark.parametrize("model", ["zlm-v1-moderation-edge", "text-moderation-stable"])
async def test_batch_mode_with_moderations_route_is_refused_before_any_request(
    emu: Emulator, model: str
) -> None:
    batch = BatchAPIOptions(poll_interval=0.02)
    options = ModerationOptions(model=model)
    with _sync(emu) as client, pytest.raises(ValueError, match="accepts only /v1/chat"):
        moderate_documents(client, [THREAT], options, batch=batch)
    async with _async(emu) as aclient:
        with pytest.raises(ValueError, match="use model='llama-guard-4-12b'"):
            await amoderate_documents(aclient, [THREAT], options, batch=batch)
    assert emu.requests == []


def test_check_batch_moderation_accepts_only_llama_guard() -> None:
    check_batch_moderation("llama-guard-4-12b")
    with pytest.raises(ValueError, match="zlm-v1-moderation-edge answers only on /v1/moderations"):
        check_batch_moderation("zlm-v1-moderation-edge")


@pytest.mark.parametrize(
    ("model", "path"),
    [("zlm-v1-moderation-edge", "/v1/moderations"), ("llama-guard-4-12b", "/v1/chat/completions")],
)
def test_a_failed_document_is_reported_not_taken_as_unflagged(
    emu: Emulator, model: str, path: str
) -> None:
    emu.faults.add(Fault(status=500, path=path))
    with _sync(emu) as client:
        outcome = moderate_documents(
            client,
            [THREAT, CALM],
            ModerationOptions(model=model),
            ids=["x", "y"],
            max_concurrency=1,
        )
    assert [(f.index, f.id) for f in outcome.failures] == [(0, "x")]
    assert outcome.results[0] is None
    assert outcome.results[1] is not None
    assert not outcome.results[1].flagged


def test_unreadable_guard_reply_fails_the_document(emu: Emulator) -> None:
    body = {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "llama-guard-4-12b",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "maybe"},
                "finish_reason": "stop",
            }
        ],
    }
    emu.faults.add(Fault(status=200, body=body, path="/v1/chat/completions"))
    with _sync(emu) as client:
        outcome = moderate_documents(
            client, [THREAT], ModerationOptions(model="llama-guard-4-12b"), max_concurrency=1
        )
    assert outcome.results == (None,)
    assert "not a safe/unsafe verdict" in str(outcome.failures[0].error)


def test_blank_and_non_text_inputs() -> None:
    with ZeroGPUClient(api_key="test-key", base_url="http://127.0.0.1:9") as client:
        with pytest.raises(TypeError, match=r"texts\[1\] is int"):
            moderate_documents(client, ["ok", 3])  # type: ignore[list-item]
        outcome = moderate_documents(client, ["   "])
    assert "blank" in str(outcome.failures[0].error) or "empty" in str(outcome.failures[0].error)


def test_task_objects_refuse_the_other_route() -> None:
    with pytest.raises(ValueError, match="needs model='llama-guard-4-12b'"):
        GuardModerationTask(ModerationOptions())
    with pytest.raises(ValueError, match="judged over chat"):
        ScoredModerationTask(ModerationOptions(model="llama-guard-4-12b"))
