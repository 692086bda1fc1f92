"""``POST /v1/chat/completions`` and ``POST /v1/responses`` envelopes."""

from __future__ import annotations

from zerogpu_core.emulator.generation import Choice, Completion, complete
from zerogpu_core.emulator.request import ChatRequest, parse_chat, parse_responses
from zerogpu_core.emulator.tokens import ContextPolicy
from zerogpu_core.emulator.wire import JSONObject, new_id, now

__all__ = [
    "batch_body",
    "chat_completion",
    "chat_envelope",
    "chat_message",
    "responses_envelope",
    "run_responses",
]


def chat_message(request: ChatRequest, completion: Completion, choice: Choice) -> JSONObject:
    """The assistant ``message`` object of one choice."""
    message: JSONObject = {"role": "assistant", "content": choice.content}
    if completion.separate_reasoning and choice.reasoning is not None:
        message["reasoning"] = choice.reasoning
    if choice.tool_calls or request.model.reasoning:
        # Reasoning models always carry the list (empty when no tool was called).
        message["tool_calls"] = choice.tool_calls
    return message


def chat_usage(completion: Completion) -> JSONObject:
    """Chat-route usage (with reasoning tokens for reasoning models)."""
    usage: JSONObject = {
        "prompt_tokens": completion.prompt_tokens,
        "completion_tokens": completion.completion_tokens,
        "total_tokens": completion.prompt_tokens + completion.completion_tokens,
    }
    if completion.reasoning_tokens:
        usage["completion_tokens_details"] = {"reasoning_tokens": completion.reasoning_tokens}
    return usage


def chat_envelope(request: ChatRequest, completion: Completion) -> JSONObject:
    """The ``chat.completion`` object."""
    return {
        "id": new_id("chatcmpl-emu-"),
        "object": "chat.completion",
        "created": now(),
        "model": request.model.id,
        "choices": [
            {
                "index": index,
                "message": chat_message(request, completion, choice),
                "finish_reason": choice.finish_reason,
            }
            for index, choice in enumerate(completion.choices)
        ],
        "usage": chat_usage(completion),
    }


def chat_completion(body: JSONObject, context: ContextPolicy) -> tuple[ChatRequest, Completion]:
    """Validate a chat body and generate its completion."""
    request = parse_chat(body, context)
    return request, complete(request)


def batch_body(envelope: JSONObject) -> JSONObject:
    """Add the fields the docs show on batch output bodies (Batch API output examples)."""
    usage = envelope["usage"]
    reasoning = usage.get("completion_tokens_details", {}).get("reasoning_tokens", 0)
    body = dict(envelope)
    body["choices"] = [
        {**c, "message": {**c["message"], "annotations": []}, "logprobs": None}
        for c in envelope["choices"]
    ]
    body["usage"] = {
        **usage,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": reasoning,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }
    body["service_tier"] = "default"
    body["system_fingerprint"] = None
    return body


def responses_envelope(request: ChatRequest, completion: Completion) -> JSONObject:
    """The ``response`` object: generic shape, or the gpt-oss shape for reasoning models."""
    choice = completion.choices[0]
    text_block = {"type": "output_text", "text": choice.content or ""}
    usage: JSONObject = {
        "input_tokens": completion.prompt_tokens,
        "output_tokens": completion.completion_tokens,
        "total_tokens": completion.prompt_tokens + completion.completion_tokens,
    }
    if not request.model.reasoning:
        return {
            "id": new_id("resp_emu_"),
            "object": "response",
            "created": now(),
            "model": request.model.id,
            "output": [{"type": "message", "role": "assistant", "content": [text_block]}],
            "usage": usage,
        }
    incomplete = choice.finish_reason == "length"
    output: list[JSONObject] = []
    if completion.separate_reasoning and choice.reasoning is not None:
        output.append(
            {
                "id": new_id("rs_emu_", 16),
                "type": "reasoning",
                "content": [{"type": "reasoning_text", "text": choice.reasoning}],
            }
        )
        if completion.reasoning_tokens:
            usage["output_tokens_details"] = {"reasoning_tokens": completion.reasoning_tokens}
    output.append(
        {
            "id": new_id("msg_emu_", 16),
            "type": "message",
            "role": "assistant",
            "status": "incomplete" if incomplete else "completed",
            "content": [text_block],
        }
    )
    envelope: JSONObject = {
        "id": new_id("resp_emu_"),
        "object": "response",
        "created_at": now(),
        "model": request.model.id,
        "status": "incomplete" if incomplete else "completed",
        "instructions": request.instructions,
        "output": output,
        "usage": usage,
    }
    if incomplete:
        envelope["incomplete_details"] = {"reason": "max_output_tokens"}
    return envelope


def run_responses(body: JSONObject, context: ContextPolicy) -> JSONObject:
    """Answer a ``/v1/responses`` body."""
    request = parse_responses(body, context)
    return responses_envelope(request, complete(request))
