"""Which messages the middleware hooks look at, and their text leaves (pure)."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from langchain_zerogpu.middleware._messages import (
    latest_output,
    new_inputs,
    new_tool_results,
    text_leaves,
    with_text_leaves,
)

CALL = {"name": "f", "args": {}, "id": "c1"}


def test_only_what_the_model_has_not_seen_is_new() -> None:
    history = [
        SystemMessage("s"),
        HumanMessage("old question"),
        AIMessage("", tool_calls=[CALL]),
        ToolMessage("result", tool_call_id="c1"),
    ]
    assert new_inputs(history) == []
    assert new_tool_results(history) == [3]
    follow_up = [*history, AIMessage("answer"), HumanMessage("a"), HumanMessage("b")]
    assert new_inputs(follow_up) == [5, 6]
    assert new_tool_results(follow_up) == []
    assert new_inputs([HumanMessage("first")]) == [0]
    assert new_tool_results([ToolMessage("orphan", tool_call_id="x")]) == []


def test_the_latest_output_is_the_last_message_when_the_model_spoke_last() -> None:
    assert latest_output([HumanMessage("q"), AIMessage("a")]) == 1
    assert latest_output([AIMessage("a"), ToolMessage("r", tool_call_id="c")]) is None
    assert latest_output([]) is None


def test_text_leaves_round_trip_keeps_other_blocks() -> None:
    image: dict[str, Any] = {"type": "image_url", "image_url": {"url": "http://x/y.png"}}
    content: list[str | dict[str, Any]] = [
        {"type": "text", "text": "mail jane@example.com"},
        image,
        "  ",
        "call 555-0134",
    ]
    assert text_leaves(content) == ["mail jane@example.com", "call 555-0134"]
    assert with_text_leaves(content, ["mail [EMAIL]", "call [PHONE]"]) == [
        {"type": "text", "text": "mail [EMAIL]"},
        image,
        "  ",
        "call [PHONE]",
    ]
    assert text_leaves("  ") == []
    assert with_text_leaves("  ", []) == "  "
    assert with_text_leaves("jane", ["[PERSON]"]) == "[PERSON]"
