"""``tool_choice_param``: every framework spelling to one wire value."""

from __future__ import annotations

from typing import Any

import pytest

from zerogpu_core.tool_calling import ToolChoiceInput, tool_choice_param, tool_names

FORCED_ADD = {"type": "function", "function": {"name": "add"}}


@pytest.mark.parametrize(
    ("choice", "required", "expected"),
    [
        (None, False, "auto"),
        (None, True, "required"),
        ("auto", True, "auto"),
        ("none", False, "none"),
        ("any", False, "required"),
        (True, False, "required"),
        (False, False, "none"),
        ("add", False, FORCED_ADD),
        (FORCED_ADD, False, FORCED_ADD),
    ],
)
def test_choices_with_tools(choice: ToolChoiceInput, required: bool, expected: Any) -> None:
    assert tool_choice_param(choice, ["add", "mul"], required=required) == expected


@pytest.mark.parametrize("choice", [None, "auto", "none", False])
def test_nothing_is_sent_without_tools(choice: ToolChoiceInput) -> None:
    assert tool_choice_param(choice, []) is None


@pytest.mark.parametrize(
    ("choice", "required"), [(None, True), ("required", False), ("add", False), (True, False)]
)
def test_forcing_a_call_without_tools_fails(choice: ToolChoiceInput, required: bool) -> None:
    with pytest.raises(ValueError, match="no tools were given"):
        tool_choice_param(choice, [], required=required)


def test_unknown_tool_name_fails() -> None:
    with pytest.raises(ValueError, match="'sub', which is not among the tools given: add"):
        tool_choice_param("sub", ["add"])


def test_malformed_mapping_fails() -> None:
    with pytest.raises(ValueError, match="tool_choice must be"):
        tool_choice_param({"type": "tool", "name": "add"}, ["add"])


@pytest.mark.parametrize(
    ("tools", "message"),
    [
        ([{"type": "function", "function": {}}], r"tools\[0\] has no function name"),
        ([{"type": "function"}], r"tools\[0\] has no function name"),
        (
            [
                {"type": "function", "function": {"name": "ok"}},
                {"type": "function", "function": {"name": " "}},
            ],
            r"tools\[1\] has no function name",
        ),
        (
            [{"type": "function", "function": {"name": "f", "parameters": "x"}}],
            r"tools\[0\] \('f'\) has parameters of type str",
        ),
    ],
)
def test_malformed_tools_are_refused_before_sending(
    tools: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        tool_names(tools)


def test_tool_names_in_order() -> None:
    tools = [
        {"type": "function", "function": {"name": "a", "parameters": {"type": "object"}}},
        {"type": "function", "function": {"name": "b"}},
    ]
    assert tool_names(tools) == ["a", "b"]
