"""Pure converters of ``llama_index_zerogpu._messages`` (no HTTP)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llama_index.core.base.llms.types import (
    ChatMessage,
    ImageBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from llama_index.core.callbacks.token_counting import get_tokens_from_response
from llama_index.core.tools import FunctionTool

from llama_index_zerogpu._messages import (
    StreamState,
    completion_to_chat_response,
    to_wire_message,
    to_wire_messages,
    tool_selections,
    tool_to_wire,
    usage_kwargs,
)
from zerogpu_core.types import ChatCompletion, ChatCompletionChunk, Usage


def completion(message: dict[str, Any], usage: dict[str, Any] | None = None) -> ChatCompletion:
    return ChatCompletion.model_validate(
        {
            "id": "c1",
            "model": "gpt-oss-120b",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": usage or {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
        }
    )


def chunk(
    delta: dict[str, Any] | None, finish: str | None = None, **extra: Any
) -> ChatCompletionChunk:
    choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
    return ChatCompletionChunk.model_validate({"id": "c1", "choices": choices, **extra})


def test_roles_and_text_blocks() -> None:
    messages = [
        ChatMessage(role=MessageRole.SYSTEM, content="Be brief."),
        ChatMessage(role=MessageRole.USER, blocks=[TextBlock(text="a"), TextBlock(text="b")]),
        ChatMessage(role=MessageRole.CHATBOT, content="ok"),
    ]
    assert to_wire_messages(messages) == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "a\nb"},
        {"role": "assistant", "content": "ok"},
    ]


def test_assistant_tool_calls_and_tool_result() -> None:
    assistant = ChatMessage(
        role=MessageRole.ASSISTANT,
        blocks=[
            ThinkingBlock(content="private"),
            TextBlock(text=""),
            ToolCallBlock(tool_call_id="call_1", tool_name="add", tool_kwargs={"a": 1}),
            ToolCallBlock(tool_call_id="call_2", tool_name="add", tool_kwargs='{"a": 2}'),
        ],
    )
    result = ChatMessage(role="tool", content="3", additional_kwargs={"tool_call_id": "call_1"})
    assert to_wire_message(assistant) == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "add", "arguments": '{"a": 1}'},
            },
            {
                "id": "call_2",
                "type": "function",
                "function": {"name": "add", "arguments": '{"a": 2}'},
            },
        ],
    }
    assert to_wire_message(result) == {"role": "tool", "content": "3", "tool_call_id": "call_1"}


def test_openai_style_tool_calls_in_additional_kwargs() -> None:
    legacy = {"id": "c9", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    message = ChatMessage(role="assistant", content="", additional_kwargs={"tool_calls": [legacy]})
    assert to_wire_message(message)["tool_calls"] == [legacy]


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (ChatMessage(role="tool", content="3"), "tool_call_id"),
        (ChatMessage(role=MessageRole.FUNCTION, content="x"), "'function' messages"),
        (
            ChatMessage(role="user", blocks=[ImageBlock(url="https://example.com/a.png")]),
            "'image' block",
        ),
    ],
)
def test_unsendable_messages_fail_clearly(message: ChatMessage, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        to_wire_message(message)


def test_tool_to_wire_keeps_long_descriptions() -> None:
    def lookup(city: str) -> str:
        """Look up a city."""
        return city

    tool = FunctionTool.from_defaults(fn=lookup, description="x" * 2000)
    spec = tool_to_wire(tool)
    assert spec["function"]["name"] == "lookup"
    assert len(spec["function"]["description"]) == 2000
    assert spec["function"]["parameters"]["required"] == ["city"]


def test_usage_kwargs_reads_both_schemes_and_details() -> None:
    usage = Usage(input_tokens=4, output_tokens=6, output_tokens_details={"reasoning_tokens": 2})
    assert usage_kwargs(usage) == {
        "prompt_tokens": 4,
        "completion_tokens": 6,
        "total_tokens": 10,
        "reasoning_tokens": 2,
    }
    assert usage_kwargs(None) == {}


@pytest.mark.parametrize(
    "message",
    [
        {"content": "Paris.", "reasoning": "User asks capital."},
        {"content": "Paris.", "reasoning_content": "User asks capital."},
        {"content": "<think>User asks capital.</think>\n\nParis."},
    ],
)
def test_reasoning_is_kept_out_of_the_answer(message: dict[str, Any]) -> None:
    response = completion_to_chat_response(completion(message))
    assert response.message.content == "Paris."
    thinking = [b for b in response.message.blocks if isinstance(b, ThinkingBlock)]
    assert [b.content for b in thinking] == ["User asks capital."]
    assert response.additional_kwargs["reasoning_content"] == "User asks capital."
    assert get_tokens_from_response(response) == (7, 3)


def test_tool_calls_parse_and_fail_clearly() -> None:
    calls = [
        {"id": "a", "type": "function", "function": {"name": "add", "arguments": '{"x": 1}'}},
        {"id": "b", "type": "function", "function": {"name": "add", "arguments": {"x": 2}}},
    ]
    response = completion_to_chat_response(completion({"content": None, "tool_calls": calls}))
    selections = tool_selections(response.message)
    assert [(s.tool_id, s.tool_name, s.tool_kwargs) for s in selections] == [
        ("a", "add", {"x": 1}),
        ("b", "add", {"x": 2}),
    ]
    broken = ChatMessage(
        role="assistant",
        blocks=[ToolCallBlock(tool_call_id="c", tool_name="add", tool_kwargs="{x")],
    )
    with pytest.raises(ValueError, match="'add' arguments are not valid JSON"):
        tool_selections(broken)


def test_stream_state_splits_think_tags_across_chunks_and_keeps_usage() -> None:
    state = StreamState()
    pieces = ["<thi", "nk>plan", "</think>\n\nHel", "lo"]
    responses = [state.add(chunk({"content": p})) for p in pieces]
    final = state.add(chunk(None, usage={"prompt_tokens": 5, "completion_tokens": 2}))
    assert state.finish() is None
    deltas = [r.delta or "" for r in responses if r is not None]
    assert "".join(deltas) == "Hello"
    assert final is not None
    assert final.message.content == "Hello"
    assert [b.content for b in final.message.blocks if isinstance(b, ThinkingBlock)] == ["plan"]
    assert get_tokens_from_response(final) == (5, 2)
    assert responses[1] is not None
    assert responses[1].additional_kwargs["thinking_delta"] == "plan"


def test_stream_state_adds_tool_calls_only_when_complete() -> None:
    state = StreamState()
    first = state.add(
        chunk(
            {
                "tool_calls": [
                    {"index": 0, "id": "c", "function": {"name": "add", "arguments": '{"x"'}}
                ]
            }
        )
    )
    last = state.add(
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": ": 1}"}}]}, "tool_calls")
    )
    assert first is not None
    assert tool_selections(first.message) == []
    assert last is not None
    assert [s.tool_kwargs for s in tool_selections(last.message)] == [{"x": 1}]


def test_stream_state_releases_tool_calls_of_a_stream_without_finish_reason() -> None:
    state = StreamState()
    call = {"index": 0, "id": "c", "function": {"name": "add", "arguments": "{}"}}
    state.add(chunk({"tool_calls": [call]}))
    last = state.finish()
    assert last is not None
    assert [s.tool_name for s in tool_selections(last.message)] == ["add"]
    assert state.finish() is None


def test_stream_state_flushes_held_back_text() -> None:
    state = StreamState()
    held = state.add(chunk({"content": "a <"}, "stop"))
    tail = state.finish()
    assert held is not None
    assert held.delta == "a "
    assert tail is not None
    assert tail.delta == "<"
    assert tail.message.content == "a <"


def test_wire_round_trip_of_a_response_message() -> None:
    calls = [{"id": "a", "type": "function", "function": {"name": "add", "arguments": '{"x": 1}'}}]
    message = completion_to_chat_response(
        completion({"content": "", "reasoning": "r", "tool_calls": calls})
    ).message
    wire = to_wire_message(message)
    assert wire == {"role": "assistant", "content": None, "tool_calls": calls}
    assert json.loads(wire["tool_calls"][0]["function"]["arguments"]) == {"x": 1}
