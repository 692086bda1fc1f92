"""Which messages an agent hook looks at, and the text inside them.

Pure functions over the agent state's message list, shared by both middleware.
A hook looks only at what is new since the model last spoke: user messages and
tool results after the last ``AIMessage`` (earlier ones were checked when they
were new), and the model's latest reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

__all__ = [
    "Content",
    "latest_output",
    "new_inputs",
    "new_tool_results",
    "text_leaves",
    "with_text_leaves",
]

Content = str | list[str | dict[str, Any]]


def _after_last_ai(messages: Sequence[BaseMessage]) -> int:
    """The index just after the last ``AIMessage`` (0 when there is none)."""
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], AIMessage):
            return index + 1
    return 0


def new_inputs(messages: Sequence[BaseMessage]) -> list[int]:
    """Indices of the user messages the model has not answered yet."""
    start = _after_last_ai(messages)
    return [i for i in range(start, len(messages)) if isinstance(messages[i], HumanMessage)]


def new_tool_results(messages: Sequence[BaseMessage]) -> list[int]:
    """Indices of the tool results returned since the model's last tool calls."""
    start = _after_last_ai(messages)
    if start == 0:
        return []
    return [i for i in range(start, len(messages)) if isinstance(messages[i], ToolMessage)]


def latest_output(messages: Sequence[BaseMessage]) -> int | None:
    """Index of the model's reply when it is the last message, else ``None``."""
    if messages and isinstance(messages[-1], AIMessage):
        return len(messages) - 1
    return None


def text_leaves(content: Content) -> list[str]:
    """The non-blank text of ``content``: the string itself, or each string block
    and each block's ``text`` in a block list (other blocks carry no text)."""
    if isinstance(content, str):
        return [content] if content.strip() else []
    leaves = [block if isinstance(block, str) else block.get("text") for block in content]
    return [leaf for leaf in leaves if isinstance(leaf, str) and leaf.strip()]


def with_text_leaves(content: Content, texts: Sequence[str]) -> Content:
    """``content`` with its :func:`text_leaves` replaced, in order, by ``texts``;
    the shape and every non-text block are kept."""
    replacements = iter(texts)
    if isinstance(content, str):
        return next(replacements) if content.strip() else content
    out: list[str | dict[str, Any]] = []
    for block in content:
        leaf = block if isinstance(block, str) else block.get("text")
        if not (isinstance(leaf, str) and leaf.strip()):
            out.append(block)
        elif isinstance(block, str):
            out.append(next(replacements))
        else:
            out.append({**block, "text": next(replacements)})
    return out
