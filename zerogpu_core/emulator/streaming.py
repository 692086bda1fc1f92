"""OpenAI-style ``chat.completion.chunk`` server-sent events for ``stream: true``."""

from __future__ import annotations

from zerogpu_core.emulator.chat import chat_usage
from zerogpu_core.emulator.generation import Choice, Completion
from zerogpu_core.emulator.request import ChatRequest
from zerogpu_core.emulator.textgen import split_words
from zerogpu_core.emulator.wire import JSONObject, dumps, new_id, now

__all__ = ["DONE", "sse_event", "stream_events"]

DONE = b"data: [DONE]\n\n"
_ARGUMENT_PIECE = 8


def sse_event(payload: JSONObject) -> bytes:
    """Frame one JSON payload as an SSE ``data:`` event."""
    return f"data: {dumps(payload)}\n\n".encode()


def _tool_deltas(choice: Choice, omit_index: bool) -> list[JSONObject]:
    deltas: list[JSONObject] = []
    for position, call in enumerate(choice.tool_calls):
        index = {} if omit_index else {"index": position}
        arguments = call["function"]["arguments"]
        pieces = [
            arguments[i : i + _ARGUMENT_PIECE] for i in range(0, len(arguments), _ARGUMENT_PIECE)
        ]
        deltas.append(
            {
                **index,
                "id": call["id"],
                "type": "function",
                "function": {"name": call["function"]["name"], "arguments": ""},
            }
        )
        deltas.extend({**index, "function": {"arguments": p}} for p in pieces)
    return deltas


def _choice_deltas(choice: Choice, omit_index: bool) -> list[JSONObject]:
    deltas: list[JSONObject] = [
        {"role": "assistant", "content": "" if choice.content is not None else None}
    ]
    deltas.extend({"reasoning": p} for p in split_words(choice.reasoning or ""))
    deltas.extend({"content": p} for p in split_words(choice.content or ""))
    deltas.extend({"tool_calls": [d]} for d in _tool_deltas(choice, omit_index))
    return deltas


def stream_events(
    request: ChatRequest, completion: Completion, *, omit_tool_call_index: bool
) -> list[bytes]:
    """Every SSE event of the streamed answer, ending with ``data: [DONE]``."""
    base: JSONObject = {
        "id": new_id("chatcmpl-emu-"),
        "object": "chat.completion.chunk",
        "created": now(),
        "model": request.model.id,
    }
    if request.include_usage:
        base["usage"] = None
    events: list[bytes] = []
    for index, choice in enumerate(completion.choices):
        for delta in _choice_deltas(choice, omit_tool_call_index):
            choices = [{"index": index, "delta": delta, "finish_reason": None}]
            events.append(sse_event({**base, "choices": choices}))
        final = [{"index": index, "delta": {}, "finish_reason": choice.finish_reason}]
        events.append(sse_event({**base, "choices": final}))
    if request.include_usage:
        events.append(sse_event({**base, "choices": [], "usage": chat_usage(completion)}))
    events.append(DONE)
    return events
