"""``ChatZeroGPU`` behaviour the standard suites do not cover.

Tests marked ``vcr`` replay cassettes; tests that need fault injection or emulator
options talk to a fresh emulator directly.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any

import httpx
import pytest
from langchain_core import exceptions as lc
from langchain_core.load import dumpd, dumps, load
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    BaseMessageChunk,
    HumanMessage,
)
from pydantic import BaseModel, ValidationError

import zerogpu_core as core
from langchain_zerogpu import ChatZeroGPU
from zerogpu_core.emulator import Emulator, Fault

SECRET = "zgpu-api-DO-NOT-LEAK-0123456789"


class Answer(BaseModel):
    """An answer with a confidence."""

    answer: str
    confidence: float


def _llm(emu: Emulator, **params: Any) -> ChatZeroGPU:
    return ChatZeroGPU(api_key="test-key", base_url=emu.base_url, **params)


def _aggregate(chunks: Iterable[BaseMessage]) -> AIMessageChunk:
    full: BaseMessageChunk | None = None
    for chunk in chunks:
        assert isinstance(chunk, BaseMessageChunk)
        full = chunk if full is None else full + chunk
    assert isinstance(full, AIMessageChunk)
    return full


def _last_body(emu: Emulator) -> dict[str, Any]:
    body: dict[str, Any] = emu.requests[-1].json
    return body


class TestReasoning:
    @pytest.mark.vcr
    def test_reasoning_field_is_kept_out_of_the_answer(self, zerogpu_target: Any) -> None:
        llm = ChatZeroGPU(model="gpt-oss-120b", **zerogpu_target.client_kwargs())
        message = llm.invoke("Why is the sky blue? One sentence.")
        reasoning = message.additional_kwargs["reasoning_content"]
        assert reasoning
        assert reasoning not in message.text
        assert message.content_blocks[0] == {"type": "reasoning", "reasoning": reasoning}
        assert message.usage_metadata is not None
        assert message.usage_metadata["output_token_details"]["reasoning"] > 0

    @pytest.mark.vcr
    def test_inline_think_blocks_are_split_in_invoke_and_stream(self, zerogpu_target: Any) -> None:
        llm = ChatZeroGPU(model="LFM2.5-1.2B-Thinking", **zerogpu_target.client_kwargs())
        prompt = "What is the capital of Japan?"
        invoked = llm.invoke(prompt)
        streamed = _aggregate(llm.stream(prompt))
        for message in (invoked, streamed):
            assert "<think>" not in message.text
            assert message.additional_kwargs["reasoning_content"]
        assert streamed.text == invoked.text
        assert (
            streamed.additional_kwargs["reasoning_content"]
            == (invoked.additional_kwargs["reasoning_content"])
        )


class TestStreaming:
    def test_json_answer_to_a_stream_request_becomes_one_chunk(self) -> None:
        with Emulator(api_key="test-key", stream_mode="json") as emu:
            llm = _llm(emu, model="gpt-oss-120b")
            chunks = list(llm.stream("Say hello"))
            invoked = llm.invoke("Say hello")
        full = _aggregate(chunks)
        assert full.text == invoked.text
        assert full.additional_kwargs["reasoning_content"]
        assert full.usage_metadata is not None
        assert chunks[-1].chunk_position == "last"

    def test_tool_call_deltas_without_index_merge(self) -> None:
        with Emulator(api_key="test-key", omit_tool_call_index=True) as emu:
            llm = _llm(emu, model="gpt-oss-120b").bind_tools([_get_weather], tool_choice="any")
            full = _aggregate(llm.stream("What is the weather in Paris? Use the tool."))
        assert len(full.tool_calls) == 1
        assert full.tool_calls[0]["name"] == "_get_weather"
        assert isinstance(full.tool_calls[0]["args"]["city"], str)

    def test_cut_stream_raises_instead_of_returning_a_partial_answer(
        self, emulator: Emulator
    ) -> None:
        emulator.faults.add(Fault(cut_stream_after=2))
        llm = _llm(emulator, model="gpt-oss-120b", max_retries=0)
        with pytest.raises(core.StreamInterruptedError) as caught:
            list(llm.stream("Tell me a long story"))
        assert isinstance(caught.value, lc.ModelConnectionError)

    async def test_cut_async_stream_raises(self, emulator: Emulator) -> None:
        emulator.faults.add(Fault(cut_stream_after=2))
        llm = _llm(emulator, model="gpt-oss-120b", max_retries=0)
        with pytest.raises(lc.ModelConnectionError):
            async for _ in llm.astream("Tell me a long story"):
                pass

    def test_stream_usage_off_is_sent(self, emulator: Emulator) -> None:
        list(_llm(emulator, stream_usage=False).stream("hi"))
        assert _last_body(emulator)["stream_options"] == {"include_usage": False}

    def test_streaming_flag_streams_under_invoke(self, emulator: Emulator) -> None:
        message = _llm(emulator, streaming=True).invoke("hi")
        assert _last_body(emulator)["stream"] is True
        assert message.text

    def test_async_calls_work_across_event_loops(self, emulator: Emulator) -> None:
        llm = _llm(emulator)
        first = asyncio.run(llm.ainvoke("hi"))
        second = asyncio.run(llm.ainvoke("hi"))
        assert first.text == second.text

    def test_n_greater_than_one_cannot_stream(self, emulator: Emulator) -> None:
        with pytest.raises(ValueError, match="single choice"):
            list(_llm(emulator, n=2).stream("hi"))


def _get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return "sunny"


class TestErrors:
    @pytest.mark.parametrize(
        ("fault", "core_class", "lc_class"),
        [
            (Fault(status=429), core.RateLimitError, lc.ModelRateLimitError),
            (Fault(status=401), core.AuthenticationError, lc.ModelAuthenticationError),
            (Fault(status=403), core.PermissionDeniedError, lc.ModelPermissionDeniedError),
            (Fault(status=503), core.InternalServerError, lc.ModelAPIError),
            (
                Fault(
                    status=400,
                    body={"error": {"code": "context_length_exceeded", "message": "too long"}},
                ),
                core.ContextLengthExceededError,
                lc.ContextOverflowError,
            ),
            (Fault(status=420), core.InsufficientQuotaError, lc.ModelError),
            (Fault(drop_connection=True), core.APIConnectionError, lc.ModelConnectionError),
        ],
    )
    async def test_error_classes_in_every_call_style(
        self,
        emulator: Emulator,
        fault: Fault,
        core_class: type[Exception],
        lc_class: type[Exception],
    ) -> None:
        fault.times = 4
        emulator.faults.add(fault)
        llm = _llm(emulator, max_retries=0)
        with pytest.raises(core_class) as invoked:
            llm.invoke("hi")
        with pytest.raises(lc_class):
            await llm.ainvoke("hi")
        with pytest.raises(core_class):
            list(llm.stream("hi"))
        with pytest.raises(lc_class):
            async for _ in llm.astream("hi"):
                pass
        assert isinstance(invoked.value, lc_class)

    def test_real_context_overflow_from_a_small_model(self, emulator: Emulator) -> None:
        llm = _llm(emulator, model="LFM2.5-1.2B-Instruct")  # 32,768-token input limit
        # Each message is under the per-message character cap; together they overflow.
        turns = [("human", "word " * 14_000), ("ai", "ok"), ("human", "word " * 14_000)]
        with pytest.raises(lc.ContextOverflowError, match="context_length_exceeded"):
            llm.invoke(turns)

    def test_missing_key_is_an_authentication_error(
        self, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("ZEROGPU_API_KEY", raising=False)
        llm = ChatZeroGPU(base_url=emulator.base_url)
        with pytest.raises(lc.ModelAuthenticationError, match="ZEROGPU_API_KEY"):
            llm.invoke("hi")


class TestRetries:
    def test_transient_failures_are_retried_inside_invoke(self, emulator: Emulator) -> None:
        emulator.faults.add(Fault(status=429, headers={"Retry-After": "0"}, times=1))
        emulator.faults.add(Fault(status=503, times=1))
        message = _llm(emulator, max_retries=2).invoke("hi")
        assert message.text
        assert len(emulator.requests) == 3

    async def test_retries_exhausted_in_ainvoke(self, emulator: Emulator) -> None:
        emulator.faults.add(Fault(status=503, times=2))
        with pytest.raises(lc.ModelAPIError):
            await _llm(emulator, max_retries=1).ainvoke("hi")
        assert len(emulator.requests) == 2


class TestRequestBody:
    def test_fields_and_per_call_overrides(self, emulator: Emulator) -> None:
        llm = _llm(
            emulator,
            model="gpt-oss-120b",
            temperature=0.2,
            max_tokens=50,
            reasoning_effort="low",
            request_metadata={"tag": "a"},
            model_kwargs={"user": "u1"},
            stop=["END"],
        )
        message = llm.invoke(
            "hi", model="qwen3-30b-a3b-fp8", request_metadata={"tag": "b"}, stop=["STOP"]
        )
        body = _last_body(emulator)
        assert body["model"] == "qwen3-30b-a3b-fp8"
        assert message.response_metadata["model_name"] == "qwen3-30b-a3b-fp8"
        assert body["metadata"] == {"tag": "b"}
        assert body["stop"] == ["STOP"]
        assert (body["temperature"], body["max_tokens"], body["user"]) == (0.2, 50, "u1")
        assert body["reasoning_effort"] == "low"
        assert body["messages"] == [{"role": "user", "content": "hi"}]

    def test_empty_stop_list_is_not_sent(self, emulator: Emulator) -> None:
        _llm(emulator, stop=[]).invoke("hi")
        assert "stop" not in _last_body(emulator)

    def test_several_choices(self, emulator: Emulator) -> None:
        result = _llm(emulator, n=2).generate([[HumanMessage("hi")]])
        assert len(result.generations[0]) == 2

    @pytest.mark.parametrize(
        ("choice", "wire"),
        [
            ("auto", "auto"),
            ("none", "none"),
            ("any", "required"),
            ("required", "required"),
            (True, "required"),
            ("_get_weather", {"type": "function", "function": {"name": "_get_weather"}}),
            (
                {"type": "function", "function": {"name": "_get_weather"}},
                {"type": "function", "function": {"name": "_get_weather"}},
            ),
        ],
    )
    def test_tool_choice_on_the_wire(self, emulator: Emulator, choice: Any, wire: Any) -> None:
        llm = _llm(emulator, model="gpt-oss-120b")
        llm.bind_tools([_get_weather], tool_choice=choice, parallel_tool_calls=False).invoke(
            "Weather in Oslo?"
        )
        body = _last_body(emulator)
        assert body["tool_choice"] == wire
        assert body["parallel_tool_calls"] is False
        assert body["tools"][0]["function"]["name"] == "_get_weather"

    def test_unknown_tool_name_is_refused(self, emulator: Emulator) -> None:
        with pytest.raises(ValueError, match="not among the tools"):
            _llm(emulator).bind_tools([_get_weather], tool_choice="other")

    def test_tool_results_go_back_as_tool_messages(self, emulator: Emulator) -> None:
        llm = _llm(emulator, model="gpt-oss-120b").bind_tools([_get_weather])
        first = llm.invoke("What is the weather in Rome? Use the tool.")
        assert isinstance(first, AIMessage)
        call = first.tool_calls[0]
        tool_message = _tool_result(call)
        final = llm.invoke(
            [("user", "What is the weather in Rome? Use the tool."), first, tool_message]
        )
        sent = _last_body(emulator)["messages"]
        assert sent[1]["tool_calls"][0]["id"] == call["id"]
        assert sent[2] == {"role": "tool", "content": "sunny", "tool_call_id": call["id"]}
        assert final.text

    def test_a_callers_http_clients_are_used(self, emulator: Emulator) -> None:
        seen: list[str] = []
        hooks = {"request": [lambda request: seen.append(request.url.path)]}
        with httpx.Client(event_hooks=hooks) as http_client:
            _llm(emulator, http_client=http_client).invoke("hi")
        assert seen == ["/v1/chat/completions"]

    def test_malformed_base_url_fails_at_construction(self) -> None:
        with pytest.raises(ValidationError, match="base_url must start with"):
            ChatZeroGPU(base_url="api.zerogpu.ai")

    def test_model_kwargs_cannot_shadow_fields(self) -> None:
        with pytest.raises(ValidationError, match="request_metadata"):
            ChatZeroGPU(model_kwargs={"metadata": {"a": 1}})

    def test_embedding_model_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="embedding model"):
            ChatZeroGPU(model="bge-small-en-v1.5")


def _tool_result(call: Any) -> Any:
    from langchain_core.tools import tool

    return tool(_get_weather).invoke(call)


class TestStructuredOutput:
    @pytest.mark.parametrize("method", ["function_calling", "json_schema"])
    def test_methods(self, emulator: Emulator, method: Any) -> None:
        llm = _llm(emulator, model="gpt-oss-120b").with_structured_output(Answer, method=method)
        result = llm.invoke("Is water wet? Answer with confidence.")
        assert isinstance(result, Answer)
        body = _last_body(emulator)
        if method == "json_schema":
            assert body["response_format"]["json_schema"]["name"] == "Answer"
        else:
            assert body["tool_choice"] == {"type": "function", "function": {"name": "Answer"}}

    def test_json_mode_with_a_json_schema_dict(self, emulator: Emulator) -> None:
        schema = Answer.model_json_schema()
        llm = _llm(emulator, model="gpt-oss-120b").with_structured_output(
            schema, method="json_mode"
        )
        result = llm.invoke("Reply in JSON with keys answer and confidence.")
        assert isinstance(result, dict)
        assert _last_body(emulator)["response_format"] == {"type": "json_object"}

    def test_include_raw_keeps_the_message_and_the_parse_error(self, emulator: Emulator) -> None:
        llm = _llm(emulator, model="llama-3.1-8b-instruct-fast")
        structured = llm.with_structured_output(Answer, method="json_mode", include_raw=True)
        result = structured.invoke("Say hello in plain words, no JSON.")
        assert isinstance(result, dict)
        assert isinstance(result["raw"], AIMessage)
        assert result["parsed"] is None or isinstance(result["parsed"], Answer)
        assert (result["parsed"] is None) == (result["parsing_error"] is not None)

    def test_bad_arguments(self) -> None:
        llm = ChatZeroGPU()
        with pytest.raises(ValueError, match="strict applies"):
            llm.with_structured_output(Answer, method="json_mode", strict=True)
        with pytest.raises(ValueError, match="method must be"):
            llm.with_structured_output(Answer, method="xml")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="Unsupported"):
            llm.with_structured_output(Answer, tools=[])


class TestSecrets:
    def test_key_is_never_serialized_or_shown(self) -> None:
        llm = ChatZeroGPU(api_key=SECRET, project_id="p1")
        assert SECRET not in dumps(llm)
        assert SECRET not in json.dumps(dumpd(llm))
        assert SECRET not in repr(llm)
        assert SECRET not in str(llm)
        assert SECRET not in json.dumps(llm._identifying_params)
        assert dumpd(llm)["kwargs"]["api_key"] == {
            "lc": 1,
            "type": "secret",
            "id": ["ZEROGPU_API_KEY"],
        }

    @pytest.mark.filterwarnings("ignore:The function `load` is in beta")
    def test_round_trip_with_an_explicit_allowlist(self) -> None:
        llm = ChatZeroGPU(model="gpt-oss-120b", api_key=SECRET, temperature=0.1)
        revived = load(
            dumpd(llm),
            allowed_objects=[ChatZeroGPU],
            valid_namespaces=["langchain_zerogpu"],
            secrets_map={"ZEROGPU_API_KEY": SECRET},
        )
        assert isinstance(revived, ChatZeroGPU)
        assert revived.api_key is not None
        assert revived.api_key.get_secret_value() == SECRET
        assert (revived.model, revived.temperature) == ("gpt-oss-120b", 0.1)

    def test_ls_params(self) -> None:
        params = ChatZeroGPU(model="gpt-oss-120b", max_tokens=5, stop="x")._get_ls_params()
        assert params == {
            "ls_provider": "zerogpu",
            "ls_model_name": "gpt-oss-120b",
            "ls_model_type": "chat",
            "ls_max_tokens": 5,
            "ls_stop": ["x"],
        }


class TestRequestId:
    def test_request_id_reaches_response_metadata(self, emulator: Emulator) -> None:
        llm = _llm(emulator, model="gpt-oss-120b")
        invoked = llm.invoke("Hi")
        assert invoked.response_metadata["request_id"].startswith("req_emu_")
        streamed = _aggregate(llm.stream("Hi"))
        assert streamed.response_metadata["request_id"].startswith("req_emu_")
        assert streamed.response_metadata["request_id"] != invoked.response_metadata["request_id"]
