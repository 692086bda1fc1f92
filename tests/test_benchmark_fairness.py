"""The benchmark's best-possible integrations build the same objects as ours.

``benchmarks/best_possible.py`` is the floor our classes are held to (issue 16): it
only counts if it does the framework-side work ours does, so its messages must
carry the same content, ids, usage and response metadata.
"""

from __future__ import annotations

from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage

from benchmarks.best_possible import BareLangChainChat, BareLlamaIndexLLM
from langchain_zerogpu import ChatZeroGPU
from llama_index_zerogpu import ZeroGPU
from zerogpu_core.emulator import Emulator

MODEL = "LFM2.5-1.2B-Instruct"
KEY = "test-key"
# Differ between two calls to the emulator, whoever makes them.
_PER_CALL = ("id", "request_id", "created")


def _same_shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "<per call>" if k in _PER_CALL else _same_shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_same_shape(v) for v in value]
    return value


def _message(message: Any) -> dict[str, Any]:
    fields = message.model_dump()
    assert fields["id"] == message.response_metadata.get("id", fields["id"])
    shaped: dict[str, Any] = _same_shape(fields)
    return shaped


def test_best_langchain_invoke_builds_our_message(emulator: Emulator) -> None:
    settings = {"model": MODEL, "base_url": emulator.base_url, "api_key": KEY}
    ours = ChatZeroGPU(**settings).invoke("Say hi")
    best = BareLangChainChat(**settings).invoke("Say hi")
    assert _message(best) == _message(ours)


@pytest.mark.parametrize("sse_parser", [False, True], ids=["line-split", "httpx-sse"])
def test_best_langchain_stream_builds_our_chunks(emulator: Emulator, sse_parser: bool) -> None:
    settings = {"model": MODEL, "base_url": emulator.base_url, "api_key": KEY}
    ours = list(ChatZeroGPU(**settings).stream("Say hi"))
    best = list(BareLangChainChat(**settings, sse_parser=sse_parser).stream("Say hi"))
    assert len(best) == len(ours) > 2
    assert [_message(c) for c in best] == [_message(c) for c in ours]
    assert {c.id for c in best} == {best[-1].response_metadata["id"]}


def test_best_llama_index_chat_builds_our_response(emulator: Emulator) -> None:
    settings = {"model": MODEL, "base_url": emulator.base_url, "api_key": KEY}
    messages = [ChatMessage(role="user", content="Say hi")]
    ours = ZeroGPU(**settings).chat(messages)
    best = BareLlamaIndexLLM(**settings).chat(messages)
    assert best.message == ours.message
    assert best.additional_kwargs == ours.additional_kwargs
    assert _same_shape(best.raw) == _same_shape(ours.raw)
