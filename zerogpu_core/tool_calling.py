"""Tool-calling request options shared by every adapter.

Frameworks spell "which tool may the model call" differently (LlamaIndex
``tool_required`` and tool names, LangChain ``"any"``/``True``); this module turns
any of them into the one ``tool_choice`` value the chat route accepts, and refuses
choices that would force a tool when none is offered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["ToolChoiceInput", "tool_choice_param", "tool_names"]

ToolChoiceInput = str | bool | Mapping[str, Any] | None

_KEYWORDS = {"auto": "auto", "none": "none", "required": "required", "any": "required"}


def tool_names(tools: Sequence[Mapping[str, Any]]) -> list[str]:
    """The function names of OpenAI-format tools, checked before anything is sent.

    Raises:
        ValueError: naming the position of a tool that is not a function with a
            non-empty name and an object ``parameters`` schema (when given).
    """
    names = []
    for position, tool in enumerate(tools):
        function = tool.get("function") if isinstance(tool, Mapping) else None
        name = function.get("name") if isinstance(function, Mapping) else None
        if not isinstance(name, str) or not name.strip():
            raise ValueError(
                f"tools[{position}] has no function name; expected "
                '{"type": "function", "function": {"name": ..., "parameters": {...}}}.'
            )
        parameters = function.get("parameters") if isinstance(function, Mapping) else None
        if parameters is not None and not isinstance(parameters, Mapping):
            raise ValueError(
                f"tools[{position}] ({name!r}) has parameters of type "
                f"{type(parameters).__name__}; a JSON Schema object is required."
            )
        names.append(name)
    return names


def tool_choice_param(
    choice: ToolChoiceInput,
    tool_names: Sequence[str],
    *,
    required: bool = False,
) -> str | dict[str, Any] | None:
    """The wire ``tool_choice`` for ``choice``, or ``None`` to leave it out.

    Args:
        choice: ``None`` (decided by ``required``), ``"auto"``, ``"none"``,
            ``"required"``/``"any"``/``True``, ``False`` (same as ``"none"``), a tool
            name, or an OpenAI-style ``{"type": "function", "function": {"name": ...}}``.
        tool_names: Names of the tools sent with the request.
        required: Force some tool call when ``choice`` is ``None``.

    Raises:
        ValueError: when a tool call is forced without tools, or ``choice`` names a
            tool that is not offered.
    """
    wire = _normalise(choice, required)
    if not tool_names:
        if wire in (None, "auto", "none"):
            return None  # nothing to choose from: the field must not be sent
        raise ValueError(
            f"tool_choice {wire!r} forces a tool call, but no tools were given. "
            "Pass at least one tool or drop the tool choice."
        )
    if isinstance(wire, dict):
        name = wire["function"]["name"]
        if name not in tool_names:
            raise ValueError(
                f"tool_choice names tool {name!r}, which is not among the tools given: "
                f"{', '.join(tool_names)}."
            )
    return wire


def _normalise(choice: ToolChoiceInput, required: bool) -> str | dict[str, Any] | None:
    if choice is None:
        return "required" if required else "auto"
    if isinstance(choice, bool):
        return "required" if choice else "none"
    if isinstance(choice, str):
        return _KEYWORDS.get(choice) or _forced(choice)
    function = choice.get("function")
    if choice.get("type") != "function" or not isinstance(function, Mapping):
        raise ValueError(
            "tool_choice must be 'auto', 'none', 'required', a tool name or "
            f"{{'type': 'function', 'function': {{'name': ...}}}}, got {dict(choice)!r}"
        )
    return _forced(str(function.get("name", "")))


def _forced(name: str) -> dict[str, Any]:
    if not name:
        raise ValueError("tool_choice names no tool")
    return {"type": "function", "function": {"name": name}}
