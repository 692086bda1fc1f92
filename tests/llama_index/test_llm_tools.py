"""``ZeroGPU`` tool calling and structured output."""

from __future__ import annotations

import re
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage, ChatResponse
from llama_index.core.prompts import PromptTemplate
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel

from llama_index_zerogpu import ZeroGPU
from zerogpu_core.types import ChatCompletion


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


ADD = FunctionTool.from_defaults(fn=add)
ASK_ADD = "What is 3 plus 4? Use the add tool."
CITY_PROMPT = PromptTemplate("Extract the city from: {text}")
CITY_TEXT = 'The city "Paris" lies in "France".'


class City(BaseModel):
    """A city and the country it is in."""

    name: str
    country: str


@pytest.fixture
def llm(zerogpu_target: Any) -> ZeroGPU:
    return ZeroGPU(model="gpt-oss-120b", **zerogpu_target.client_kwargs())


@pytest.fixture
def small_llm(zerogpu_target: Any) -> ZeroGPU:
    return ZeroGPU(model="LFM2.5-1.2B-Instruct", **zerogpu_target.client_kwargs())


def spy_on_bodies(llm: ZeroGPU, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record every chat request body while still sending it."""
    bodies: list[dict[str, Any]] = []
    client = llm._clients().sync
    send = client.chat_completion

    def recording(body: dict[str, Any]) -> ChatCompletion:
        bodies.append(body)
        return send(body)

    monkeypatch.setattr(client, "chat_completion", recording)
    return bodies


def test_prepare_chat_with_tools_copies_history_and_forces_a_call() -> None:
    history = [ChatMessage(role="user", content="hi")]
    kwargs = ZeroGPU(model="gpt-oss-120b")._prepare_chat_with_tools(
        [ADD], user_msg=ASK_ADD, chat_history=history, tool_required=True, temperature=0
    )
    assert len(history) == 1
    assert [m.content for m in kwargs["messages"]] == ["hi", ASK_ADD]
    assert kwargs["tool_choice"] == "required"
    assert kwargs["parallel_tool_calls"] is False
    assert kwargs["tools"][0]["function"]["name"] == "add"
    assert kwargs["temperature"] == 0


def test_prepare_chat_with_tools_named_choice_and_parallel_calls() -> None:
    kwargs = ZeroGPU(model="gpt-oss-120b")._prepare_chat_with_tools(
        [ADD], user_msg=ASK_ADD, tool_choice="add", allow_parallel_tool_calls=True
    )
    assert kwargs["tool_choice"] == {"type": "function", "function": {"name": "add"}}
    assert kwargs["parallel_tool_calls"] is True


def test_no_tools_means_no_tool_fields() -> None:
    llm = ZeroGPU(model="gpt-oss-120b")
    assert set(llm._prepare_chat_with_tools([], user_msg="hi")) == {"messages"}
    with pytest.raises(ValueError, match="no tools were given"):
        llm._prepare_chat_with_tools([], user_msg="hi", tool_required=True)


def test_no_tool_call_is_an_error_or_an_empty_list() -> None:
    llm = ZeroGPU(model="gpt-oss-120b")
    response = ChatResponse(message=ChatMessage(role="assistant", content="It is 7."))
    with pytest.raises(ValueError, match=re.escape("answered with text: 'It is 7.'")):
        llm.get_tool_calls_from_response(response)
    assert llm.get_tool_calls_from_response(response, error_on_no_tool_call=False) == []


@pytest.mark.vcr
def test_chat_with_tools_returns_parsed_calls(llm: ZeroGPU) -> None:
    response = llm.chat_with_tools([ADD], user_msg=ASK_ADD)
    calls = llm.get_tool_calls_from_response(response)
    assert [(c.tool_name, c.tool_kwargs) for c in calls] == [("add", {"a": 3, "b": 4})]
    assert calls[0].tool_id


@pytest.mark.vcr
def test_streamed_tool_calls_are_assembled(llm: ZeroGPU) -> None:
    responses = list(llm.stream_chat_with_tools([ADD], user_msg=ASK_ADD, tool_required=True))
    calls = llm.get_tool_calls_from_response(responses[-1])
    assert [(c.tool_name, c.tool_kwargs) for c in calls] == [("add", {"a": 3, "b": 4})]


@pytest.mark.vcr
async def test_apredict_and_call_runs_the_tool(llm: ZeroGPU) -> None:
    output = await llm.apredict_and_call([ADD], user_msg=ASK_ADD)
    assert output.response == "7"


@pytest.mark.vcr
def test_structured_predict_uses_a_forced_tool(
    llm: ZeroGPU, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = spy_on_bodies(llm, monkeypatch)
    city = llm.structured_predict(City, CITY_PROMPT, text=CITY_TEXT)
    assert city == City(name="Paris", country="France")
    assert bodies[0]["tools"][0]["function"]["name"] == "City"
    assert bodies[0]["tool_choice"] == "required"
    assert "response_format" not in bodies[0]


@pytest.mark.vcr
async def test_as_structured_llm_async(llm: ZeroGPU) -> None:
    structured = llm.as_structured_llm(City)
    response = await structured.achat([ChatMessage(role="user", content=CITY_TEXT)])
    assert response.raw == City(name="Paris", country="France")


@pytest.mark.vcr
def test_structured_predict_with_json_schema_on_a_model_without_tools(
    small_llm: ZeroGPU, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_llm.structured_output_method = "json_schema"
    bodies = spy_on_bodies(small_llm, monkeypatch)
    city = small_llm.structured_predict(City, CITY_PROMPT, text=CITY_TEXT)
    assert isinstance(city, City)
    assert bodies[0]["response_format"]["json_schema"]["schema"] == City.model_json_schema()
    assert "tools" not in bodies[0]
    assert "tool_choice" not in bodies[0]


def test_structured_predict_by_prompt_on_a_model_without_tools(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    llm = ZeroGPU(model="LFM2.5-1.2B-Instruct", api_key="test-key")
    bodies: list[dict[str, Any]] = []
    reply = '```json\n{"name": "Paris", "country": "France"}\n```'

    def answer(body: dict[str, Any]) -> ChatCompletion:
        bodies.append(body)
        return ChatCompletion.model_validate(
            {"choices": [{"message": {"role": "assistant", "content": reply}}]}
        )

    monkeypatch.setattr(llm._clients().sync, "chat_completion", answer)
    city = llm.structured_predict(City, CITY_PROMPT, text=CITY_TEXT)
    assert city == City(name="Paris", country="France")
    assert not {"tools", "tool_choice", "response_format"} & set(bodies[0])
    assert '"country"' in bodies[0]["messages"][-1]["content"]  # the schema is in the prompt


@pytest.mark.vcr
def test_structured_predict_by_prompt_end_to_end(small_llm: ZeroGPU) -> None:
    city = small_llm.structured_predict(City, CITY_PROMPT, text=CITY_TEXT)
    assert isinstance(city, City)
    assert city.name
    assert city.country
