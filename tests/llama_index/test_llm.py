"""``ZeroGPU`` LLM: chat, completion, streams and their async twins, replayed from cassettes."""

from __future__ import annotations

import copy
import pickle
import re
from typing import Any

import pytest
from llama_index.core.base.llms.base import BaseLLM
from llama_index.core.base.llms.types import ChatMessage, ChatResponse, ThinkingBlock
from llama_index.core.callbacks import CallbackManager, TokenCountingHandler
from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index.core.instrumentation.events import BaseEvent
from llama_index.core.instrumentation.events.llm import LLMChatEndEvent, LLMChatStartEvent
from llama_index.core.llms import LLM
from llama_index.core.llms.function_calling import FunctionCallingLLM
from llama_index_instrumentation import get_dispatcher
from pydantic import Field

from llama_index_zerogpu import ZeroGPU
from zerogpu_core import MissingAPIKeyError

REASONING_MODEL = "gpt-oss-120b"
QUESTION = [ChatMessage(role="user", content="Name one moon of Mars.")]


@pytest.fixture
def llm(zerogpu_target: Any) -> ZeroGPU:
    return ZeroGPU(model=REASONING_MODEL, max_tokens=200, **zerogpu_target.client_kwargs())


def usage_of(response: Any) -> tuple[int, int]:
    usage = response.raw["usage"]
    return usage["prompt_tokens"], usage["completion_tokens"]


def thinking(response: ChatResponse) -> str:
    return "".join(b.content or "" for b in response.message.blocks if isinstance(b, ThinkingBlock))


@pytest.mark.vcr
def test_chat_separates_reasoning_and_reports_usage(llm: ZeroGPU) -> None:
    response = llm.chat(QUESTION)
    assert response.message.role == "assistant"
    assert response.message.content
    assert thinking(response)
    assert thinking(response) not in response.message.content
    assert response.additional_kwargs["reasoning_content"] == thinking(response)
    prompt_tokens, completion_tokens = usage_of(response)
    assert prompt_tokens > 0
    assert completion_tokens > 0
    assert response.additional_kwargs["prompt_tokens"] == prompt_tokens


@pytest.mark.vcr
def test_complete(llm: ZeroGPU) -> None:
    response = llm.complete("Name one moon of Mars.")
    assert response.text
    assert response.additional_kwargs["completion_tokens"] > 0


@pytest.mark.vcr
def test_stream_chat_adds_up_and_ends_with_usage(llm: ZeroGPU) -> None:
    responses = list(llm.stream_chat(QUESTION))
    final = responses[-1]
    assert len(responses) > 1
    assert "".join(r.delta or "" for r in responses) == final.message.content
    assert final.message.content
    assert "".join(r.additional_kwargs.get("thinking_delta", "") for r in responses) == (
        thinking(final)
    )
    assert usage_of(final)[1] > 0


@pytest.mark.vcr
def test_stream_complete(llm: ZeroGPU) -> None:
    responses = list(llm.stream_complete("Name one moon of Mars."))
    assert "".join(r.delta or "" for r in responses) == responses[-1].text
    assert responses[-1].additional_kwargs["total_tokens"] > 0


@pytest.mark.vcr
async def test_async_chat_and_complete(llm: ZeroGPU) -> None:
    chat = await llm.achat(QUESTION)
    completion = await llm.acomplete("Name one moon of Mars.")
    assert chat.message.content
    assert thinking(chat)
    assert completion.text


@pytest.mark.vcr
async def test_async_streams(llm: ZeroGPU) -> None:
    chats = [r async for r in await llm.astream_chat(QUESTION)]
    texts = [r async for r in await llm.astream_complete("Name one moon of Mars.")]
    assert "".join(r.delta or "" for r in chats) == chats[-1].message.content
    assert usage_of(chats[-1])[1] > 0
    assert "".join(r.delta or "" for r in texts) == texts[-1].text


@pytest.mark.vcr
def test_inline_think_blocks_stay_out_of_the_answer(zerogpu_target: Any) -> None:
    llm = ZeroGPU(model="LFM2.5-1.2B-Thinking", **zerogpu_target.client_kwargs())
    response = llm.chat(QUESTION)
    streamed = list(llm.stream_chat(QUESTION))
    assert thinking(response)
    assert "<think" not in (response.message.content or "")
    assert streamed[-1].message.content == response.message.content
    assert thinking(streamed[-1]) == thinking(response)


@pytest.mark.vcr
def test_token_counting_handler_sees_real_counts_once_per_call(zerogpu_target: Any) -> None:
    counter = TokenCountingHandler()
    llm = ZeroGPU(
        model=REASONING_MODEL,
        callback_manager=CallbackManager([counter]),
        **zerogpu_target.client_kwargs(),
    )
    chat = llm.chat(QUESTION)
    streamed = list(llm.stream_chat(QUESTION))
    completion = llm.complete("Name one moon of Mars.")
    events = counter.llm_token_counts
    assert len(events) == 3
    assert [(e.prompt_token_count, e.completion_token_count) for e in events] == [
        usage_of(chat),
        usage_of(streamed[-1]),
        usage_of(completion),
    ]


class _Recorder(BaseEventHandler):
    events: list[BaseEvent] = Field(default_factory=list)

    @classmethod
    def class_name(cls) -> str:
        return "Recorder"

    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        self.events.append(event)


@pytest.mark.vcr
def test_instrumentation_events_carry_no_secret(llm: ZeroGPU) -> None:
    recorder = _Recorder()
    dispatcher = get_dispatcher()
    dispatcher.add_event_handler(recorder)
    try:
        llm.chat(QUESTION)
    finally:
        dispatcher.event_handlers.remove(recorder)
    kinds = [type(e) for e in recorder.events]
    assert LLMChatStartEvent in kinds
    assert LLMChatEndEvent in kinds
    start = next(e for e in recorder.events if isinstance(e, LLMChatStartEvent))
    assert start.model_dict["model_name"] == REASONING_MODEL
    assert "test-key" not in str(start.model_dict)


def test_class_hierarchy() -> None:
    assert issubclass(ZeroGPU, FunctionCallingLLM)
    assert {LLM, BaseLLM} <= set(ZeroGPU.__mro__)


@pytest.mark.parametrize(
    ("model", "window", "function_calling"),
    [
        ("gpt-oss-120b", 131_072, True),
        ("LFM2.5-1.2B-Instruct", 32_768, False),
        ("llama-3.1-8b-instruct-fast", 131_072, False),
        ("a-new-model", 3_900, False),
    ],
)
def test_metadata_comes_from_the_catalog(model: str, window: int, function_calling: bool) -> None:
    metadata = ZeroGPU(model=model, max_tokens=321).metadata
    assert metadata.context_window == window
    assert metadata.is_function_calling_model is function_calling
    assert metadata.num_output == 321
    assert metadata.is_chat_model is True
    assert metadata.model_name == model


def test_metadata_overrides() -> None:
    llm = ZeroGPU(model="LFM2.5-1.2B-Instruct", context_window=4096, is_function_calling_model=True)
    assert llm.metadata.context_window == 4096
    assert llm.metadata.is_function_calling_model is True
    assert ZeroGPU().metadata.model_name == "gpt-oss-120b"


def test_embedding_model_is_refused() -> None:
    with pytest.raises(ValueError, match=re.escape("'bge-small-en-v1.5' is an embedding model")):
        ZeroGPU(model="bge-small-en-v1.5")


def test_serialised_forms_never_hold_the_key() -> None:
    secret = "zgpu-api-do-not-leak-0123456789"
    llm = ZeroGPU(
        api_key=secret,
        project_id="proj-1",
        default_headers={"authorization": secret},
        base_url="https://example.invalid/v1",
    )
    for text in (str(llm.to_dict()), llm.to_json(), str(llm.to_payload()), repr(llm)):
        assert secret not in text
    clone = ZeroGPU.from_dict(llm.to_dict())
    assert clone.base_url == "https://example.invalid/v1"
    assert clone.api_key is None


def test_only_zerogpu_api_key_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZEROGPU_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-key-that-must-not-be-sent")
    llm = ZeroGPU(base_url="https://example.invalid/v1")
    with pytest.raises(MissingAPIKeyError):
        llm.chat(QUESTION)


def test_settings_changed_after_construction_take_effect() -> None:
    llm = ZeroGPU(api_key="test-key", base_url="https://one.invalid/v1")
    llm.base_url = "https://two.invalid/v1"
    assert llm._clients().sync.base_url == "https://two.invalid/v1"
    with pytest.raises(ValueError, match="base_url must start with"):
        ZeroGPU(base_url="api.zerogpu.ai")


def test_copies_and_pickles_work() -> None:
    llm = ZeroGPU(model="gpt-oss-120b", api_key="test-key")
    for clone in (copy.deepcopy(llm), pickle.loads(pickle.dumps(llm))):
        assert clone.model == "gpt-oss-120b"
        assert clone._clients().sync is not llm._clients().sync
