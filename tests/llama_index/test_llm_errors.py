"""Failures reach LlamaIndex callers as the core's typed errors (emulator, no cassette)."""

from __future__ import annotations

from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.callbacks import CallbackManager, CBEventType, LlamaDebugHandler
from llama_index.core.tools import FunctionTool

from llama_index_zerogpu import ZeroGPU, ZeroGPUEmbedding
from zerogpu_core import (
    BadRequestError,
    PermissionDeniedError,
    RateLimitError,
    StreamInterruptedError,
)
from zerogpu_core.emulator import Emulator, Fault

pytestmark = pytest.mark.emulator

QUESTION = [ChatMessage(role="user", content="Hi")]


def make_llm(emulator: Any, **overrides: Any) -> ZeroGPU:
    settings: dict[str, Any] = {
        "model": "gpt-oss-120b",
        "base_url": emulator.base_url,
        "api_key": "test-key",
        "max_retries": 0,
    }
    return ZeroGPU(**{**settings, **overrides})


def test_rate_limit_is_typed_and_reported_to_callbacks(zerogpu_emulator: Any) -> None:
    zerogpu_emulator.faults.add(Fault(status=429, headers={"Retry-After": "0"}))
    debug = LlamaDebugHandler()
    llm = make_llm(zerogpu_emulator, callback_manager=CallbackManager([debug]))
    with pytest.raises(RateLimitError) as info:
        llm.chat(QUESTION)
    assert info.value.status_code == 429
    (_, end), *_ = debug.get_event_pairs(CBEventType.LLM)
    assert end.payload is not None
    assert isinstance(end.payload["exception"], RateLimitError)


def test_transient_failures_are_retried(zerogpu_emulator: Any) -> None:
    zerogpu_emulator.faults.add(Fault(status=503, headers={"Retry-After": "0"}, times=2))
    llm = make_llm(zerogpu_emulator, max_retries=2)
    assert llm.chat(QUESTION).message.content


def test_wrong_key_is_a_typed_error_without_the_key(zerogpu_emulator: Any) -> None:
    llm = make_llm(zerogpu_emulator, api_key="wrong-key")
    with pytest.raises(PermissionDeniedError) as info:
        llm.complete("Hi")
    assert "wrong-key" not in str(info.value)


def test_cut_stream_raises_instead_of_a_short_answer(zerogpu_emulator: Any) -> None:
    zerogpu_emulator.faults.add(Fault(cut_stream_after=2))
    llm = make_llm(zerogpu_emulator)
    with pytest.raises(StreamInterruptedError):
        list(llm.stream_chat(QUESTION))


async def test_async_errors_are_typed(zerogpu_emulator: Any) -> None:
    zerogpu_emulator.faults.add(Fault(status=429, headers={"Retry-After": "0"}))
    with pytest.raises(RateLimitError):
        await make_llm(zerogpu_emulator).achat(QUESTION)


def test_embedding_errors_are_typed(zerogpu_emulator: Any) -> None:
    zerogpu_emulator.faults.add(Fault(status=400, body={"error": {"message": "bad input"}}))
    embed = ZeroGPUEmbedding(base_url=zerogpu_emulator.base_url, api_key="test-key")
    with pytest.raises(BadRequestError, match="bad input"):
        embed.get_query_embedding("hello")


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def test_streamed_tool_calls_without_index_from_the_server() -> None:
    with Emulator(api_key="test-key", omit_tool_call_index=True) as emulator:
        llm = make_llm(emulator)
        responses = list(
            llm.stream_chat_with_tools(
                [FunctionTool.from_defaults(fn=add)], user_msg="Add 3 and 4 with the add tool."
            )
        )
    calls = llm.get_tool_calls_from_response(responses[-1])
    assert [(c.tool_name, c.tool_kwargs) for c in calls] == [("add", {"a": 3, "b": 4})]
