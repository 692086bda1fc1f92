"""``ZeroGPUModerationPostprocessor`` and ``ZeroGPUModeratedQueryEngine`` against the
emulator (verdicts and answers are emulated): dropping and raising, refusing,
failing closed, sync and async, and a RAG query end to end."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from llama_index.core import Document, VectorStoreIndex
from llama_index.core.base.response.schema import Response, StreamingResponse
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.schema import NodeWithScore, TextNode
from pydantic import ValidationError

from llama_index_zerogpu import (
    ZeroGPU,
    ZeroGPUEmbedding,
    ZeroGPUModeratedQueryEngine,
    ZeroGPUModerationPostprocessor,
)
from zerogpu_core import InternalServerError
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import BatchTransformError, ContentFlaggedError

pytestmark = pytest.mark.emulator

THREAT = "I will kill you and hurt them."
CALM = "Thanks for the lovely dinner, see you on Sunday."


def _kw(emu: Emulator, **extra: Any) -> dict[str, Any]:
    return {"api_key": "test-key", "base_url": emu.base_url, "max_retries": 0, **extra}


def _nodes(*texts: str) -> list[NodeWithScore]:
    return [
        NodeWithScore(node=TextNode(text=t, id_=f"n{i}"), score=1.0) for i, t in enumerate(texts)
    ]


class _Fixed(CustomQueryEngine):
    """A query engine answering ``answer`` and counting its calls."""

    answer: str
    calls: int = 0
    streaming: bool = False

    def custom_query(self, query_str: str) -> Any:
        self.calls += 1
        if self.streaming:
            return StreamingResponse(response_gen=(w + " " for w in self.answer.split(" ")))
        return Response(self.answer)


# --- node postprocessor ----------------------------------------------------------------


def test_flagged_nodes_are_dropped_and_kept_ones_carry_the_verdict(emu: Emulator) -> None:
    guard = ZeroGPUModerationPostprocessor(**_kw(emu))
    kept = guard.postprocess_nodes(_nodes(CALM, THREAT, CALM))
    assert [n.node.node_id for n in kept] == ["n0", "n2"]
    assert kept[0].node.metadata["moderation"]["flagged"] is False
    assert "moderation" in kept[0].node.excluded_llm_metadata_keys
    assert kept[0].score == 1.0


async def test_async_raise_on_flagged_names_the_node(emu: Emulator) -> None:
    guard = ZeroGPUModerationPostprocessor(on_flagged="raise", **_kw(emu))
    with pytest.raises(ContentFlaggedError, match=r"node #1 \(id 'n1'\) was flagged") as caught:
        await guard.apostprocess_nodes(_nodes(CALM, THREAT))
    assert caught.value.stage == "node"
    assert caught.value.verdict.flagged


def test_a_failed_check_never_lets_the_node_through(emu: Emulator) -> None:
    emu.faults.add(Fault(status=500, path="/v1/moderations"))
    guard = ZeroGPUModerationPostprocessor(max_concurrency=1, **_kw(emu))
    with pytest.raises(BatchTransformError, match="1 of 2 nodes failed"):
        guard.postprocess_nodes(_nodes(CALM, CALM))
    emu.faults.add(Fault(status=500, path="/v1/moderations"))
    dropping = ZeroGPUModerationPostprocessor(max_concurrency=1, on_failure="drop", **_kw(emu))
    assert [n.node.node_id for n in dropping.postprocess_nodes(_nodes(CALM, CALM))] == ["n1"]


@pytest.mark.parametrize(
    "kwargs", [{"on_flagged": "keep"}, {"on_failure": "keep"}, {"model": "gpt-oss-120b"}]
)
def test_postprocessor_refuses_bad_options(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ZeroGPUModerationPostprocessor(api_key="test-key", **kwargs)


def test_llama_guard_nodes(emu: Emulator) -> None:
    guard = ZeroGPUModerationPostprocessor(model="llama-guard-4-12b", **_kw(emu))
    kept = guard.postprocess_nodes(_nodes(THREAT, CALM))
    assert [n.node.node_id for n in kept] == ["n1"]
    assert emu.requests[-1].path == "/v1/chat/completions"


# --- query engine ----------------------------------------------------------------------


def test_flagged_query_is_refused_without_running_the_engine(emu: Emulator) -> None:
    inner = _Fixed(answer=CALM)
    engine = ZeroGPUModeratedQueryEngine(query_engine=inner, **_kw(emu))
    response = engine.query(THREAT)
    assert str(response).startswith("I can't help with that: the content was flagged for")
    assert response.metadata is not None
    assert response.metadata["moderation"]["stage"] == "query"
    assert inner.calls == 0
    assert str(engine.query("Where do we meet on Sunday?")) == CALM


@pytest.mark.parametrize("streaming", [False, True])
def test_flagged_answer_raises_when_asked(emu: Emulator, streaming: bool) -> None:
    inner = _Fixed(answer=THREAT, streaming=streaming)
    engine = ZeroGPUModeratedQueryEngine(query_engine=inner, on_violation="raise", **_kw(emu))
    with pytest.raises(ContentFlaggedError) as caught:
        engine.query("What did he say?")
    assert caught.value.stage == "response"
    assert inner.calls == 1


async def test_async_answer_refused_with_custom_message(emu: Emulator) -> None:
    inner = _Fixed(answer=THREAT, streaming=True)
    engine = ZeroGPUModeratedQueryEngine(
        query_engine=inner, violation_message="Blocked at {stage}.", **_kw(emu)
    )
    response = await engine.aquery("What did he say?")
    assert isinstance(response, Response)
    assert str(response) == "Blocked at response."


@pytest.mark.parametrize("path", ["query", "response"])
def test_a_failed_check_raises_whatever_the_policy(emu: Emulator, path: str) -> None:
    inner = _Fixed(answer=CALM)
    engine = ZeroGPUModeratedQueryEngine(query_engine=inner, **_kw(emu))
    if path == "response":
        # The query check passes; the answer's check fails.
        emu.faults.add(Fault(latency=0.001, path="/v1/moderations"))
        emu.faults.add(Fault(status=500, path="/v1/moderations"))
    else:
        emu.faults.add(Fault(status=500, path="/v1/moderations"))
    with pytest.raises(InternalServerError):
        engine.query("Where do we meet?")


async def test_async_checks_do_not_block_the_event_loop(emu: Emulator) -> None:
    emu.faults.add(Fault(latency=0.4, path="/v1/moderations", times=2))
    engine = ZeroGPUModeratedQueryEngine(query_engine=_Fixed(answer=CALM), **_kw(emu))
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    running = asyncio.create_task(ticker())
    response = await engine.aquery("Where do we meet?")
    running.cancel()
    assert str(response) == CALM
    assert ticks >= 20  # two 0.4 s checks; a blocked loop would not tick


def test_rag_query_end_to_end(emu: Emulator) -> None:
    documents = [Document(text=CALM), Document(text=THREAT)]
    index = VectorStoreIndex.from_documents(documents, embed_model=ZeroGPUEmbedding(**_kw(emu)))
    llm = ZeroGPU(model="gpt-oss-120b", **_kw(emu))
    inner = index.as_query_engine(
        llm=llm,
        similarity_top_k=2,
        node_postprocessors=[ZeroGPUModerationPostprocessor(**_kw(emu))],
    )
    engine = ZeroGPUModeratedQueryEngine(query_engine=inner, **_kw(emu))
    response = engine.query("When is the dinner?")
    assert [n.node.get_content() for n in response.source_nodes] == [CALM]
    assert str(response)
