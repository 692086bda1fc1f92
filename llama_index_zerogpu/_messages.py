"""Pure converters between LlamaIndex chat types and the ZeroGPU chat wire format."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from llama_index.core.base.llms.types import (
    CachePoint,
    ChatMessage,
    ChatResponse,
    ContentBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from llama_index.core.llms.llm import ToolSelection

from zerogpu_core.delta_text import DeltaTextSplitter

if TYPE_CHECKING:
    from llama_index.core.tools.types import BaseTool

    # The wire models load with the client, on the first call (import time, issue 16).
    from zerogpu_core.types import ChatCompletion, ChatCompletionChunk, ToolCall, Usage

__all__ = [
    "StreamState",
    "completion_to_chat_response",
    "message_from_parts",
    "to_wire_message",
    "to_wire_messages",
    "tool_selections",
    "tool_to_wire",
    "usage_kwargs",
]

_ROLES = {
    MessageRole.SYSTEM: "system",
    MessageRole.DEVELOPER: "developer",
    MessageRole.USER: "user",
    MessageRole.ASSISTANT: "assistant",
    MessageRole.TOOL: "tool",
    MessageRole.CHATBOT: "assistant",
    MessageRole.MODEL: "assistant",
}
# Reasoning is the model's own scratch work and cache points are provider hints:
# neither is part of what the chat route accepts, so both are left out on purpose.
_NOT_SENT = (ThinkingBlock, CachePoint)


def to_wire_message(message: ChatMessage) -> dict[str, Any]:
    """One ``ChatMessage`` as a chat-completions message dict.

    Text blocks are joined with newlines; tool calls come from ``ToolCallBlock``s
    (or OpenAI-style ``additional_kwargs["tool_calls"]``); thinking blocks are not
    sent back.

    Raises:
        ValueError: for the legacy ``function`` role, a tool message without
            ``tool_call_id``, or a block the text-only chat route cannot carry.
    """
    role = _ROLES.get(message.role)
    if role is None:
        raise ValueError(
            f"ZeroGPU chat does not accept {message.role.value!r} messages; "
            "use tool messages with a 'tool_call_id' for tool results."
        )
    texts: list[str] = []
    calls: list[dict[str, Any]] = []
    for block in message.blocks:
        if isinstance(block, TextBlock):
            texts.append(block.text)
        elif isinstance(block, ToolCallBlock):
            calls.append(_call_to_wire(block))
        elif not isinstance(block, _NOT_SENT):
            raise ValueError(
                f"ZeroGPU chat messages carry text only; a {role} message has a "
                f"{block.block_type!r} block."
            )
    calls = calls or [_legacy_call(c) for c in message.additional_kwargs.get("tool_calls") or []]
    wire: dict[str, Any] = {"role": role, "content": "\n".join(texts)}
    if calls:
        wire["tool_calls"] = calls
        wire["content"] = wire["content"] or None
    if role == "tool":
        call_id = message.additional_kwargs.get("tool_call_id")
        if not call_id:
            raise ValueError("A tool message needs additional_kwargs['tool_call_id'].")
        wire["tool_call_id"] = call_id
    return wire


def to_wire_messages(messages: Sequence[ChatMessage]) -> list[dict[str, Any]]:
    """All messages as chat-completions dicts (see :func:`to_wire_message`)."""
    return [to_wire_message(m) for m in messages]


def _call_to_wire(block: ToolCallBlock) -> dict[str, Any]:
    arguments = block.tool_kwargs
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments, ensure_ascii=False)
    return {
        "id": block.tool_call_id or "",
        "type": "function",
        "function": {"name": block.tool_name, "arguments": arguments},
    }


def _legacy_call(call: Any) -> dict[str, Any]:
    from zerogpu_core.types import ToolCall

    raw = call.model_dump() if hasattr(call, "model_dump") else call
    return ToolCall.model_validate(raw).model_dump(include={"id", "type", "function"})


def tool_to_wire(tool: BaseTool) -> dict[str, Any]:
    """A LlamaIndex tool as an OpenAI-style ``tools`` entry (no length cap: the
    1024-character description limit is OpenAI's, not ZeroGPU's)."""
    return tool.metadata.to_openai_tool(skip_length_check=True)


def usage_kwargs(usage: Usage | None) -> dict[str, int]:
    """Token counts under the keys LlamaIndex's ``TokenCountingHandler`` reads."""
    if usage is None:
        return {}
    counts = {
        "prompt_tokens": usage.input,
        "completion_tokens": usage.output,
        "total_tokens": usage.total,
    }
    if usage.reasoning_tokens is not None:
        counts["reasoning_tokens"] = usage.reasoning_tokens
    if usage.cached_tokens is not None:
        counts["cached_tokens"] = usage.cached_tokens
    return counts


def message_from_parts(
    answer: str, reasoning: str | None, calls: Sequence[ToolCall]
) -> ChatMessage:
    """The assistant ``ChatMessage``: a thinking block (if any), the answer, tool calls."""
    blocks: list[ContentBlock] = []
    if reasoning:
        blocks.append(ThinkingBlock(content=reasoning))
    blocks.append(TextBlock(text=answer))
    blocks.extend(
        ToolCallBlock(
            tool_call_id=call.id, tool_name=call.function.name, tool_kwargs=call.function.arguments
        )
        for call in calls
    )
    return ChatMessage(role=MessageRole.ASSISTANT, blocks=blocks)


def completion_to_chat_response(completion: ChatCompletion) -> ChatResponse:
    """A whole completion as a ``ChatResponse``; reasoning never enters the answer text."""
    message = completion.message
    answer, reasoning = message.answer_and_reasoning()
    extra: dict[str, Any] = usage_kwargs(completion.usage)
    if reasoning:
        extra["reasoning_content"] = reasoning
    return ChatResponse(
        message=message_from_parts(answer, reasoning, message.tool_calls),
        raw=_as_received(completion),
        additional_kwargs=extra,
    )


def _as_received(completion: ChatCompletion) -> dict[str, Any]:
    """``raw``: the body's fields and unknown keys, without defaults the server left
    out; ``model_dump(exclude_unset=True)`` minus its Python wrapper (a sixth of its
    cost, on every call)."""
    raw: dict[str, Any] = type(completion).__pydantic_serializer__.to_python(
        completion, exclude_unset=True
    )
    return raw


def tool_selections(message: ChatMessage) -> list[ToolSelection]:
    """The tool calls of an assistant message with their JSON arguments parsed.

    Raises:
        ValueError: when a call's arguments are not a JSON object.
    """
    selections = []
    for block in message.blocks:
        if not isinstance(block, ToolCallBlock):
            continue
        arguments = block.tool_kwargs
        if isinstance(arguments, str):
            from zerogpu_core.types import FunctionCall

            arguments = FunctionCall(name=block.tool_name, arguments=arguments).parsed_arguments()
        selections.append(
            ToolSelection(
                tool_id=block.tool_call_id or "", tool_name=block.tool_name, tool_kwargs=arguments
            )
        )
    return selections


class StreamState:
    """Turns the chunks of one stream into cumulative ``ChatResponse``s.

    Shared by the sync and async streams. ``delta`` is the new answer text and
    ``additional_kwargs["thinking_delta"]`` the new reasoning text. Tool calls are
    added to the message once the choice finishes, so a caller never sees a call
    with half its arguments.
    """

    def __init__(self) -> None:
        # Loaded on the first stream: the SSE decoder costs import time chat never uses.
        from zerogpu_core.streaming import StreamAccumulator

        self._accumulator = StreamAccumulator()
        self._splitter = DeltaTextSplitter()
        self._answer = ""
        self._reasoning = ""
        self._finished = False
        self._last: ChatCompletionChunk | None = None

    def add(self, chunk: ChatCompletionChunk) -> ChatResponse | None:
        """The response after ``chunk``, or ``None`` when it adds nothing."""
        self._accumulator.add(chunk)
        self._last = chunk
        choice = next((c for c in chunk.choices if c.index == 0), None)
        if choice is None:
            return self._response("", "", chunk) if chunk.usage is not None else None
        answer, reasoning = self._splitter.feed(choice.delta)
        self._finished = self._finished or choice.finish_reason is not None
        return self._response(answer, reasoning, chunk)

    def finish(self) -> ChatResponse | None:
        """The last response, for text held back at the end or tool calls of a stream
        that never sent a ``finish_reason``; ``None`` if there is nothing new."""
        answer, reasoning = self._splitter.flush()
        was_finished, self._finished = self._finished, True
        if answer or reasoning or (not was_finished and self._calls()):
            return self._response(answer, reasoning, self._last)
        return None

    def _response(
        self, answer: str, reasoning: str, chunk: ChatCompletionChunk | None
    ) -> ChatResponse:
        self._answer += answer
        self._reasoning += reasoning
        extra: dict[str, Any] = usage_kwargs(self._accumulator.usage)
        if reasoning:
            extra["thinking_delta"] = reasoning
        return ChatResponse(
            message=message_from_parts(self._answer, self._reasoning or None, self._calls()),
            delta=answer,
            raw=chunk.model_dump(exclude_unset=True) if chunk is not None else None,
            additional_kwargs=extra,
        )

    def _calls(self) -> list[ToolCall]:
        if not self._finished:
            return []
        completion = self._accumulator.completion()
        return completion.message.tool_calls if completion.choices else []
