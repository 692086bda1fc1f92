"""``ChatZeroGPU.batch_api`` and the transformers' batch mode against the emulator
(outputs are emulated)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from pydantic import ValidationError

from langchain_zerogpu import ChatZeroGPU, ZeroGPUIABClassifier, ZeroGPUPIIRedactor
from zerogpu_core import ZeroGPUClient
from zerogpu_core.batch import BatchItemError, BatchJobError
from zerogpu_core.emulator import Emulator
from zerogpu_core.tasks import BatchTransformError, PIIChunkTooLongError

pytestmark = pytest.mark.emulator

POLL = 0.02
LETTER = "Hello Jane Doe, call me at 415-555-0134 or email hi@example.com."
LONG = " ".join(
    f"Paragraph {i}: the new smartphone camera helps fitness fans; write to jane{i}@example.com."
    for i in range(60)
)
DOCS = [
    Document("The new smartphone has a brighter screen.", id="tech", metadata={"n": 0}),
    Document(LETTER, id="letter", metadata={"n": 1}),
    Document(LONG, id="long", metadata={"n": 2}),
    Document("Grüße von Zoë Müller aus München: zoe@example.de.", id="de", metadata={"n": 3}),
    Document("東京の山田太郎さんのスマートフォン。", id="ja", metadata={"n": 4}),
]


def _kw(emu: Emulator) -> dict[str, Any]:
    return {"api_key": "test-key", "base_url": emu.base_url}


def _count(emu: Emulator, method: str, path: str) -> int:
    return sum(1 for r in emu.requests if r.method == method and r.path == path)


def _same(left: AIMessage, right: AIMessage) -> None:
    assert left.content == right.content
    # Token counts only: the emulator's batch worker also reports zero token details.
    counts = ("input_tokens", "output_tokens", "total_tokens")
    assert left.usage_metadata is not None
    assert right.usage_metadata is not None
    assert [left.usage_metadata[k] for k in counts] == [right.usage_metadata[k] for k in counts]
    assert left.response_metadata["finish_reason"] == right.response_metadata["finish_reason"]


def test_batch_api_returns_messages_with_usage_like_invoke(emu: Emulator) -> None:
    llm = ChatZeroGPU(max_tokens=40, **_kw(emu))
    inputs: list[Any] = [
        "Name one prime number.",
        [SystemMessage("Be brief."), HumanMessage("Say bye.")],
        [("human", "Schön, dass du da bist — ça va?")],
    ]
    messages = llm.batch_api(inputs, poll_interval=POLL, stop=["\n\n"])
    assert len(messages) == 3
    for message, item in zip(messages, inputs, strict=True):
        assert isinstance(message, AIMessage)
        assert message.usage_metadata is not None
        assert message.usage_metadata["total_tokens"] > 0
        assert message.response_metadata["model_name"] == llm.model
        assert message.response_metadata["request_id"]
        _same(message, llm.invoke(item, stop=["\n\n"]))
    created = [r.json for r in emu.requests if r.path == "/v1/batches" and r.method == "POST"]
    assert len(created) == 1
    uploaded = ZeroGPUClient(**_kw(emu)).file_content(created[0]["input_file_id"])
    bodies = [json.loads(line)["body"] for line in uploaded.splitlines()]
    assert [(b["stop"], b["max_tokens"], "stream" in b) for b in bodies] == [
        (["\n\n"], 40, False)
    ] * 3
    assert "ça va" in str(messages[2].content)


def test_partial_failure_raises_with_finished_messages_and_failures(emu: Emulator) -> None:
    llm = ChatZeroGPU(**_kw(emu))
    per_input = [{}, {"model": "no-such-model"}, {}]
    with pytest.raises(BatchTransformError) as info:
        llm.batch_api(["a", "b", "c"], per_input_kwargs=per_input, poll_interval=POLL)
    error = info.value
    assert isinstance(error.results[0], AIMessage)
    assert error.results[1] is None
    assert isinstance(error.results[2], AIMessage)
    assert error.failed_indices == [1]
    assert error.failed_ids == ["request-1"]
    cause = error.failures[0].error
    assert isinstance(cause, BatchItemError)
    assert cause.code == "not_found_error"
    assert "1 of 3 inputs failed" in str(error)


def test_return_exceptions_puts_the_error_at_its_position(emu: Emulator) -> None:
    llm = ChatZeroGPU(**_kw(emu))
    out = llm.batch_api(
        ["a", "b"],
        per_input_kwargs=[{"model": "no-such-model"}, {}],
        poll_interval=POLL,
        return_exceptions=True,
    )
    assert isinstance(out[0], BatchItemError)
    assert out[0].custom_id == "request-0"
    assert isinstance(out[1], AIMessage)


def test_bad_calls_fail_before_anything_is_sent(emu: Emulator) -> None:
    llm = ChatZeroGPU(**_kw(emu))
    with pytest.raises(ValueError, match="Input 1 asks for streaming"):
        llm.batch_api(["a", "b"], per_input_kwargs=[{}, {"stream": True}])
    with pytest.raises(ValueError, match="Batch API lines cannot stream"):
        ChatZeroGPU(model_kwargs={"stream": True}, **_kw(emu)).batch_api(["a"])
    with pytest.raises(ValueError, match="per_input_kwargs has 1 entries for 2 inputs"):
        llm.batch_api(["a", "b"], per_input_kwargs=[{}])
    with pytest.raises(TypeError, match="wrap a single prompt in a list"):
        llm.batch_api("just one prompt")
    with pytest.raises(ValueError, match="poll intervals must be positive"):
        llm.batch_api(["a"], poll_interval=0)
    assert llm.batch_api([]) == []
    assert emu.requests == []


def test_resume_from_the_state_file_submits_nothing_again(emu: Emulator, tmp_path: Path) -> None:
    llm = ChatZeroGPU(**_kw(emu))
    state = tmp_path / "chat-job.json"
    first = llm.batch_api(["a", "b"], state_path=state, poll_interval=POLL)
    again = llm.batch_api(["a", "b"], state_path=state, poll_interval=POLL)
    assert [m.content for m in again] == [m.content for m in first]
    assert _count(emu, "POST", "/v1/files") == 1
    assert _count(emu, "POST", "/v1/batches") == 1
    with pytest.raises(BatchJobError, match="do not match"):
        llm.batch_api(["other"], state_path=state, poll_interval=POLL)


async def test_abatch_api_matches_batch_api(emu: Emulator) -> None:
    llm = ChatZeroGPU(max_tokens=30, **_kw(emu))
    out = await llm.abatch_api(
        ["x", "y"],
        per_input_kwargs=[{}, {"model": "nope"}],
        poll_interval=POLL,
        return_exceptions=True,
    )
    assert isinstance(out[0], AIMessage)
    _same(out[0], llm.batch_api(["x"], poll_interval=POLL)[0])
    assert isinstance(out[1], BatchItemError)
    with pytest.raises(BatchTransformError):
        await llm.abatch_api(["x"], model="nope", poll_interval=POLL)


@pytest.mark.parametrize("cls", [ZeroGPUIABClassifier, ZeroGPUPIIRedactor])
def test_transformer_batch_mode_equals_sync(emu: Emulator, cls: type[Any]) -> None:
    sync = cls(**_kw(emu)).transform_documents(DOCS)
    batch = cls(mode="batch", batch_poll_interval=POLL, **_kw(emu)).transform_documents(DOCS)
    assert batch == sync
    assert [d.id for d in batch] == [d.id for d in DOCS]
    key = "iab" if cls is ZeroGPUIABClassifier else "pii"
    assert batch[2].metadata[key]["chunks"] > 1  # the long document was chunked
    assert _count(emu, "POST", "/v1/batches") == 1


async def test_transformer_batch_mode_async_equals_sync(emu: Emulator, tmp_path: Path) -> None:
    redactor = ZeroGPUPIIRedactor(
        reversible=True,
        batch_poll_interval=POLL,
        batch_state_path=tmp_path / "pii.json",
        **_kw(emu),
    )
    sync = redactor.redact_documents(DOCS)
    batch = await redactor.model_copy(update={"mode": "batch"}).aredact_documents(DOCS)
    assert batch == sync
    assert batch.mappings[1]["[EMAIL_1]"] == "hi@example.com"
    classifier = ZeroGPUIABClassifier(**_kw(emu))
    batch_docs = await classifier.model_copy(
        update={"mode": "batch", "batch_poll_interval": POLL}
    ).atransform_documents(DOCS)
    assert batch_docs == await classifier.atransform_documents(DOCS)


def test_failure_policies_apply_unchanged_in_batch_mode() -> None:
    # The server's limit is so small that even the shortest window it may be split
    # into is rejected: the long document fails closed, the others pass.
    docs = [DOCS[1], DOCS[2], DOCS[0]]
    with Emulator(api_key="test-key", input_token_limit=60) as tight:
        for on_failure in ("drop", "raise"):
            outcomes = []
            for mode in ("sync", "batch"):
                redactor = ZeroGPUPIIRedactor(
                    mode=mode, on_failure=on_failure, batch_poll_interval=POLL, **_kw(tight)
                )
                try:
                    outcomes.append(redactor.redact_documents(docs))
                except BatchTransformError as exc:
                    outcomes.append(exc)
            sync, batch = outcomes
            if on_failure == "drop":
                assert not isinstance(sync, Exception)
                assert not isinstance(batch, Exception)
                assert batch.documents == sync.documents
                assert [d.id for d in batch.documents] == ["letter", "tech"]
                assert [(f.index, f.id) for f in batch.failures] == [(1, "long")]
            else:
                assert isinstance(sync, BatchTransformError)
                assert isinstance(batch, BatchTransformError)
                assert batch.results == sync.results
                assert batch.failed_ids == sync.failed_ids == ["long"]
                assert isinstance(batch.__cause__, PIIChunkTooLongError)


def test_keep_policy_records_the_batch_error(emu: Emulator) -> None:
    docs = [DOCS[0], DOCS[2]]
    classifier = ZeroGPUIABClassifier(
        mode="batch",
        on_failure="keep",
        max_chunk_tokens=5000,
        batch_poll_interval=POLL,
        **_kw(emu),
    )
    out = classifier.transform_documents(docs)
    assert out[0].metadata["iab"]["iab_2_2"]
    assert out[1].page_content == LONG
    assert out[1].metadata["iab"]["error"]["type"] == "BatchItemError"
    assert "context_length_exceeded" in out[1].metadata["iab"]["error"]["message"]


def test_batch_settings_are_validated_and_pickle() -> None:
    with pytest.raises(ValidationError):
        ZeroGPUIABClassifier(mode="later")
    with pytest.raises(ValidationError):
        ZeroGPUPIIRedactor(batch_poll_interval=0)
    redactor = ZeroGPUPIIRedactor(api_key="k", mode="batch", batch_state_path="job.json")
    copy = pickle.loads(pickle.dumps(redactor))
    assert (copy.mode, copy.batch_state_path) == ("batch", Path("job.json"))
