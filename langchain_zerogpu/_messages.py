"""Pure converters between LangChain messages and ZeroGPU chat wire objects."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.messages import content as types
from langchain_core.messages.ai import UsageMetadata
from langchain_core.messages.block_translators import register_translator
from langchain_core.messages.tool import (
    ToolCallChunk,
    invalid_tool_call,
    tool_call,
    tool_call_chunk,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from zerogpu_core.delta_text import DeltaTextSplitter

if TYPE_CHECKING:
    # Annotations only: the wire models are built by the client, on the first call.
    from zerogpu_core.types import ChatCompletion, ChatCompletionChunk, Usage
    from zerogpu_core.types.chat import Choice, ToolCall

__all__ = [
    "PROVIDER",
    "ChunkBuilder",
    "completion_to_result",
    "content_blocks",
    "message_to_dict",
    "messages_to_dicts",
    "usage_to_metadata",
]

PROVIDER = "zerogpu"

# Blocks that an assistant message may carry but that travel elsewhere on the wire
# (tool calls in ``tool_calls``) or are never sent back (the reasoning trace).
_ASSISTANT_SIDE_BLOCKS = {"tool_use", "tool_call", "reasoning", "thinking"}


def _block_text(block: str | dict[str, Any], role: str, position: int) -> str:
    if isinstance(block, str):
        return block
    kind = block.get("type")
    if kind == "text":
        return str(block.get("text", ""))
    if role == "assistant" and kind in _ASSISTANT_SIDE_BLOCKS:
        return ""
    raise ValueError(
        f"{role} message content block {position} has type {kind!r}; the ZeroGPU chat "
        "route accepts text only. Send the text, or describe the media in words."
    )


def _content_text(content: str | list[str | dict[str, Any]], role: str) -> str:
    if isinstance(content, str):
        return content
    return "".join(_block_text(block, role, i) for i, block in enumerate(content))


def _tool_call_dicts(message: AIMessage) -> list[dict[str, Any]]:
    calls = [
        {
            "id": call["id"],
            "type": "function",
            # ensure_ascii=False: non-ASCII arguments stay readable text on the wire.
            "function": {
                "name": call["name"],
                "arguments": json.dumps(call["args"], ensure_ascii=False),
            },
        }
        for call in message.tool_calls
    ]
    calls.extend(
        {
            "id": bad["id"],
            "type": "function",
            "function": {"name": bad["name"] or "", "arguments": bad["args"] or ""},
        }
        for bad in message.invalid_tool_calls
    )
    return calls


def _tool_content(message: ToolMessage) -> str:
    content = message.content
    if isinstance(content, list) and not all(
        isinstance(b, str) or b.get("type") == "text" for b in content
    ):
        return json.dumps(content, ensure_ascii=False)
    return _content_text(content, "tool")


def message_to_dict(message: BaseMessage) -> dict[str, Any]:
    """One LangChain message as a chat-completions ``messages`` entry.

    Raises:
        ValueError: for non-text content (images, audio, files).
        TypeError: for message types the chat route has no role for.
    """
    if isinstance(message, ToolMessage):
        return {
            "role": "tool",
            "content": _tool_content(message),
            "tool_call_id": message.tool_call_id,
        }
    if isinstance(message, AIMessage):
        wire: dict[str, Any] = {
            "role": "assistant",
            "content": _content_text(message.content, "assistant"),
        }
        if calls := _tool_call_dicts(message):
            wire["tool_calls"] = calls
    elif isinstance(message, SystemMessage):
        wire = {"role": "system", "content": _content_text(message.content, "system")}
    elif isinstance(message, HumanMessage):
        wire = {"role": "user", "content": _content_text(message.content, "user")}
    elif isinstance(message, ChatMessage):
        wire = {"role": message.role, "content": _content_text(message.content, message.role)}
    else:
        raise TypeError(
            f"ChatZeroGPU cannot send a {type(message).__name__}; use System, Human, "
            "AI, Tool or Chat messages."
        )
    if message.name:
        wire["name"] = message.name
    return wire


def messages_to_dicts(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """All messages as chat-completions ``messages``."""
    return [message_to_dict(m) for m in messages]


def usage_to_metadata(usage: Usage | None) -> UsageMetadata | None:
    """LangChain ``UsageMetadata`` from either usage naming scheme."""
    if usage is None:
        return None
    metadata = UsageMetadata(
        input_tokens=usage.input, output_tokens=usage.output, total_tokens=usage.total
    )
    if usage.reasoning_tokens is not None:
        metadata["output_token_details"] = {"reasoning": usage.reasoning_tokens}
    if usage.cached_tokens is not None:
        metadata["input_token_details"] = {"cache_read": usage.cached_tokens}
    return metadata


def _response_metadata(
    *,
    completion_id: str,
    model: str,
    finish_reason: str | None,
    system_fingerprint: str | None,
    request_id: str | None,
) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "model_name": model,
        "model_provider": PROVIDER,
        "finish_reason": finish_reason,
        "id": completion_id or None,
        "system_fingerprint": system_fingerprint,
    }
    if request_id:
        metadata["request_id"] = request_id
    return metadata


def _tool_calls(calls: list[ToolCall]) -> tuple[list[Any], list[Any]]:
    valid, invalid = [], []
    for call in calls:
        try:
            args = call.function.parsed_arguments()
        except ValueError as exc:
            invalid.append(
                invalid_tool_call(
                    name=call.function.name,
                    args=call.function.arguments,
                    id=call.id,
                    error=str(exc),
                )
            )
        else:
            valid.append(tool_call(name=call.function.name, args=args, id=call.id))
    return valid, invalid


def _choice_to_message(
    choice: Choice, completion: ChatCompletion, model: str, request_id: str | None
) -> AIMessage:
    wire = choice.message
    answer, reasoning = wire.answer_and_reasoning()
    additional: dict[str, Any] = {}
    if reasoning:
        additional["reasoning_content"] = reasoning
    if wire.refusal:
        additional["refusal"] = wire.refusal
    valid, invalid = _tool_calls(wire.tool_calls)
    metadata = _response_metadata(
        completion_id=completion.id,
        model=completion.model or model,
        finish_reason=choice.finish_reason,
        system_fingerprint=completion.system_fingerprint,
        request_id=request_id,
    )
    if choice.logprobs is not None:
        metadata["logprobs"] = choice.logprobs
    # Empty tool-call lists are AIMessage's defaults; passing them runs its tool-call
    # validation for nothing (a tenth of the message's cost).
    calls: dict[str, Any] = {}
    if valid:
        calls["tool_calls"] = valid
    if invalid:
        calls["invalid_tool_calls"] = invalid
    return AIMessage(
        content=answer,
        additional_kwargs=additional,
        usage_metadata=usage_to_metadata(completion.usage),
        response_metadata=metadata,
        id=completion.id or None,
        **calls,
    )


def completion_to_result(
    completion: ChatCompletion, *, model: str, request_id: str | None = None
) -> ChatResult:
    """A ``ChatResult`` with one generation per choice.

    Args:
        completion: The parsed response.
        model: The requested model, reported when the server does not echo one.
        request_id: The ``x-request-id`` of the response; defaults to the one the
            core recorded on ``completion``.

    Raises:
        ValueError: when the server returned no choices.
    """
    if not completion.choices:
        raise ValueError(f"ZeroGPU returned a chat completion without choices ({completion.id!r})")
    request_id = request_id or completion.request_id
    generations = [
        ChatGeneration(message=_choice_to_message(choice, completion, model, request_id))
        for choice in sorted(completion.choices, key=lambda c: c.index)
    ]
    llm_output: dict[str, Any] = {"model_name": completion.model or model}
    if completion.usage is not None:
        llm_output["token_usage"] = completion.usage.model_dump(exclude_none=True)
    return ChatResult(generations=generations, llm_output=llm_output)


class ChunkBuilder:
    """Turns the chunks of one stream into ``ChatGenerationChunk``s.

    The sync and async stream loops both use it, so they cannot drift apart. Each
    content, reasoning or tool-call delta becomes one chunk; :meth:`finish` yields
    the last chunk, which alone carries usage and the response metadata (so
    aggregating chunks never double-counts tokens).
    """

    def __init__(self, *, model: str, request_id: str | None = None) -> None:
        self._splitter = DeltaTextSplitter()
        self._model = model
        self._request_id = request_id
        self._id = ""
        self._served_model = ""
        self._fingerprint: str | None = None
        self._finish_reason: str | None = None
        self._usage: Usage | None = None
        # Id and model are known and the answer runs as plain text: see build().
        self._steady = False

    def build(self, chunk: ChatCompletionChunk) -> ChatGenerationChunk | None:
        """The LangChain chunk for one wire chunk, or ``None`` when it adds nothing.

        Raises:
            ValueError: when the stream carries more than one choice (``n > 1``).
        """
        choices = chunk.choices
        if self._steady and len(choices) == 1 and chunk.usage is None:
            # Nearly every token: one choice adding plain answer text and nothing
            # else. Everything _build_any() would record is already known (the id and
            # model are the first non-empty ones; the request id is the response's),
            # so the chunk is built at once; any other delta takes the full path.
            choice = choices[0]
            delta = choice.delta
            text = delta.content
            if (
                text
                and not choice.index
                and not choice.finish_reason
                and not delta.tool_calls
                and "<" not in text
                and not delta.reasoning
                and not delta.reasoning_content
            ):
                if not self._fingerprint:
                    self._fingerprint = chunk.system_fingerprint
                message = AIMessageChunk(
                    content=text, response_metadata={"model_provider": PROVIDER}, id=self._id
                )
                return ChatGenerationChunk(message=message)
        built = self._build_any(chunk)
        self._steady = bool(self._id and self._served_model) and self._splitter.plain
        return built

    def _build_any(self, chunk: ChatCompletionChunk) -> ChatGenerationChunk | None:
        # The first non-empty value of each, read only while it is missing.
        if not self._id:
            self._id = chunk.id
        if not self._served_model:
            self._served_model = chunk.model
        if not self._fingerprint:
            self._fingerprint = chunk.system_fingerprint
        if self._request_id is None:
            self._request_id = chunk.request_id
        if chunk.usage is not None:
            self._usage = chunk.usage
        choices = chunk.choices
        if not choices:
            return None
        choice = choices[0]
        if len(choices) > 1 or choice.index != 0:
            raise ValueError("Streaming supports a single choice; call invoke() for n > 1.")
        self._finish_reason = choice.finish_reason or self._finish_reason
        delta = choice.delta
        answer, reasoning = self._splitter.feed(delta)
        if delta.tool_calls:
            calls = [
                tool_call_chunk(
                    name=d.function.name if d.function else None,
                    args=d.function.arguments if d.function else None,
                    id=d.id,
                    index=d.index,
                )
                for d in delta.tool_calls
            ]
            return self._chunk(answer, reasoning, tool_call_chunks=calls)
        if reasoning:
            return self._chunk(answer, reasoning)
        if not answer:
            return None
        return self._chunk(answer, reasoning)

    def finish(self) -> ChatGenerationChunk:
        """The closing chunk: held-back text, usage and response metadata."""
        answer, reasoning = self._splitter.flush()
        metadata = _response_metadata(
            completion_id=self._id,
            model=self._served_model or self._model,
            finish_reason=self._finish_reason,
            system_fingerprint=self._fingerprint,
            request_id=self._request_id,
        )
        return self._chunk(
            answer,
            reasoning,
            usage_metadata=usage_to_metadata(self._usage),
            response_metadata=metadata,
            chunk_position="last",
        )

    def _chunk(self, answer: str, reasoning: str, **fields: Any) -> ChatGenerationChunk:
        # Only fields that differ from the defaults are passed: each keyword costs
        # pydantic validation, and this runs once per streamed token.
        fields.setdefault("response_metadata", {"model_provider": PROVIDER})
        if reasoning:
            fields["additional_kwargs"] = {"reasoning_content": reasoning}
        if self._id:
            fields["id"] = self._id
        return ChatGenerationChunk(message=AIMessageChunk(content=answer, **fields))


def content_blocks(message: AIMessage) -> list[types.ContentBlock]:
    """Standard content blocks of a ChatZeroGPU message: reasoning, text, tool calls.

    Blocks of a stream chunk get ``lc_``-prefixed indices, one series per block
    type, so that merging v1 chunks never folds a tool call into the reasoning
    block that happened to share its number.

    Raises:
        NotImplementedError: for list content (LangChain then parses it generically).
    """
    if not isinstance(message.content, str):
        raise NotImplementedError("list content is parsed by langchain-core")
    chunk = message if isinstance(message, AIMessageChunk) else None
    streaming = chunk is not None and chunk.chunk_position != "last"
    blocks: list[types.ContentBlock] = []
    reasoning = message.additional_kwargs.get("reasoning_content")
    if isinstance(reasoning, str) and reasoning:
        blocks.append(types.ReasoningContentBlock(type="reasoning", reasoning=reasoning))
    if message.content:
        blocks.append(types.TextContentBlock(type="text", text=message.content))
    if streaming:
        for block in blocks:
            block["index"] = f"lc_{block['type']}_0"
    if chunk is not None and streaming:
        blocks.extend(_tool_call_chunk_block(c) for c in chunk.tool_call_chunks)
        return blocks
    blocks.extend(
        types.ToolCall(type="tool_call", id=c["id"], name=c["name"], args=c["args"])
        for c in message.tool_calls
    )
    blocks.extend(
        types.InvalidToolCall(
            type="invalid_tool_call", id=c["id"], name=c["name"], args=c["args"], error=c["error"]
        )
        for c in message.invalid_tool_calls
    )
    return blocks


def _tool_call_chunk_block(chunk: ToolCallChunk) -> types.ToolCallChunk:
    block = types.ToolCallChunk(
        type="tool_call_chunk", id=chunk["id"], name=chunk["name"], args=chunk["args"]
    )
    if chunk["index"] is not None:
        block["index"] = f"lc_tool_call_{chunk['index']}"
    return block


register_translator(PROVIDER, content_blocks, content_blocks)
