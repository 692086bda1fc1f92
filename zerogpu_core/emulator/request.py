"""Parse and validate ``/v1/chat/completions`` and ``/v1/responses`` bodies.

Both routes become one :class:`ChatRequest` so generation is written once. Errors are
raised as :class:`~zerogpu_core.emulator.wire.ApiError` with the documented
``invalid_request_error`` envelope and the offending ``param``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from zerogpu_core.catalog import ModelInfo, Route, get_model
from zerogpu_core.emulator.tokens import ContextPolicy, count_tokens, truncate_to_tokens
from zerogpu_core.emulator.wire import ApiError, JSONObject, bad_request

__all__ = [
    "MAX_INPUT_CHARS",
    "ChatRequest",
    "Message",
    "flatten_content",
    "parse_chat",
    "parse_responses",
    "resolve_model",
]

MAX_INPUT_CHARS = 131_072
_ROLES = {"system", "user", "assistant", "developer", "tool"}
_TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass
class Message:
    """One conversation message with its content flattened to text."""

    role: str
    text: str
    name: str | None = None
    tool_calls: list[JSONObject] = field(default_factory=list)
    tool_call_id: str | None = None


@dataclass
class ChatRequest:
    """A validated inference request, whichever route it came from.

    ``tool_choice`` is ``"none"``, ``"auto"``, ``"required"`` or a forced tool name.
    """

    route: Route
    model: ModelInfo
    messages: list[Message]
    raw: JSONObject
    max_tokens: int | None = None
    n: int = 1
    stop: list[str] = field(default_factory=list)
    stream: bool = False
    include_usage: bool = False
    tools: list[JSONObject] = field(default_factory=list)
    tool_choice: str = "auto"
    parallel_tool_calls: bool = True
    response_format: JSONObject | None = None
    metadata: JSONObject = field(default_factory=dict)
    instructions: str | None = None

    @property
    def last_user_text(self) -> str:
        """Text of the most recent user message (empty when there is none)."""
        for message in reversed(self.messages):
            if message.role == "user":
                return message.text
        return ""

    @property
    def system_text(self) -> str:
        """All system/developer text joined by newlines."""
        parts = [m.text for m in self.messages if m.role in ("system", "developer")]
        return "\n".join(p for p in parts if p)


def resolve_model(body: JSONObject, route: Route) -> ModelInfo:
    """Return the catalog entry for ``body["model"]`` if it may use ``route``."""
    model_id = body.get("model")
    if not isinstance(model_id, str) or not model_id:
        raise ApiError(400, "model is required", param="model")
    info = get_model(model_id)
    if info is None:
        raise ApiError(
            404,
            f"The model `{model_id}` does not exist or you do not have access to it.",
            type_="not_found_error",
            code="not_found_error",
            param="model",
        )
    if route in info.routes:
        return info
    if route == "responses" and model_id == "llama-3.1-8b-instruct-fast":
        raise bad_request(
            "Invalid prompt: required properties at '/' are 'prompt' or 'messages'",
            "input",
            code="invalid_prompt",
        )
    usable = {"embedding": "/v1/embeddings", "moderation": "/v1/moderations"}
    hint = usable.get(info.kind, "/v1/chat/completions")
    raise bad_request(
        f"Model {model_id} is not supported on /v1/{_route_path(route)}; use {hint}",
        "model",
    )


def _route_path(route: Route) -> str:
    return "chat/completions" if route == "chat" else route


def flatten_content(content: Any, param: str) -> str:
    """Flatten string / content-part content to text (parts are joined by newlines)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts: list[str] = []
        for part in content:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                texts.append(part["text"])
        return "\n".join(texts)
    raise bad_request(f"{param} must be a string or an array of content parts", param)


def _parse_message(raw: Any, index: int) -> Message:
    param = f"messages[{index}]"
    if not isinstance(raw, dict):
        raise bad_request(f"{param} must be an object", param)
    role = raw.get("role")
    if not isinstance(role, str) or not role:
        raise bad_request(f"{param}.role is required", f"{param}.role")
    # The ZeroClick mirror normalises developer to system and unknown roles to user.
    role = role if role in _ROLES else "user"
    text = flatten_content(raw.get("content"), f"{param}.content")
    tool_calls = raw.get("tool_calls") or []
    if role in ("user", "system", "developer") and not text.strip():
        raise bad_request(f"{param}.content must be a non-empty string", f"{param}.content")
    if len(text) > MAX_INPUT_CHARS:
        raise bad_request(
            f"{param}.content exceeds maximum length of {MAX_INPUT_CHARS} characters",
            f"{param}.content",
        )
    if not isinstance(tool_calls, list) or not all(_valid_tool_call(c) for c in tool_calls):
        raise bad_request(
            f"{param}.tool_calls must be a list of function tool calls", f"{param}.tool_calls"
        )
    tool_call_id = raw.get("tool_call_id")
    if role == "tool" and not isinstance(tool_call_id, str):
        raise bad_request(f"{param}.tool_call_id is required", f"{param}.tool_call_id")
    name = raw.get("name")
    return Message(
        role=role,
        text=text,
        name=name if isinstance(name, str) else None,
        tool_calls=tool_calls,
        tool_call_id=tool_call_id if isinstance(tool_call_id, str) else None,
    )


def _valid_tool_call(call: Any) -> bool:
    if not isinstance(call, dict) or not isinstance(call.get("id"), str):
        return False
    function = call.get("function")
    return (
        isinstance(function, dict)
        and isinstance(function.get("name"), str)
        and isinstance(function.get("arguments"), str)
    )


def _positive_int(body: JSONObject, *keys: str) -> int | None:
    for key in keys:
        value = body.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise bad_request(f"{key} must be an integer >= 1", key)
        return value
    return None


def _parse_stop(value: Any) -> list[str]:
    if value is None:
        return []
    stops = [value] if isinstance(value, str) else value
    if (
        not isinstance(stops, list)
        or len(stops) > 4
        or not all(isinstance(s, str) and s for s in stops)
    ):
        raise bad_request("stop must be a string or an array of up to 4 strings", "stop")
    return stops


def _parse_tools(value: Any) -> list[JSONObject]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request("tools must be an array", "tools")
    for index, tool in enumerate(value):
        function = tool.get("function") if isinstance(tool, dict) else None
        ok = (
            isinstance(tool, dict)
            and tool.get("type") == "function"
            and isinstance(function, dict)
            and isinstance(function.get("name"), str)
            and _TOOL_NAME.match(function["name"]) is not None
            and isinstance(function.get("parameters", {}), dict)
        )
        if not ok:
            raise bad_request(
                f"tools[{index}] must be {{'type': 'function', 'function': {{'name', "
                "'parameters'}}} with a name of up to 64 letters, digits, _ or -",
                f"tools[{index}]",
            )
    return value


def _parse_tool_choice(value: Any, tools: list[JSONObject]) -> str:
    if value is None:
        return "none" if not tools else "auto"
    if not tools:
        raise bad_request("tool_choice is only allowed when tools are specified", "tool_choice")
    if value in ("none", "auto", "required"):
        return str(value)
    names = {t["function"]["name"] for t in tools}
    function = value.get("function") if isinstance(value, dict) else None
    if (
        isinstance(value, dict)
        and value.get("type") == "function"
        and isinstance(function, dict)
        and function.get("name") in names
    ):
        return str(function["name"])
    raise bad_request(
        "tool_choice must be 'none', 'auto', 'required' or "
        "{'type': 'function', 'function': {'name': <one of tools>}}",
        "tool_choice",
    )


def _parse_response_format(value: Any) -> JSONObject | None:
    if value is None:
        return None
    kind = value.get("type") if isinstance(value, dict) else None
    if kind not in ("text", "json_object", "json_schema"):
        raise bad_request(
            "response_format.type must be one of 'text', 'json_object', 'json_schema'",
            "response_format",
        )
    if kind == "json_schema":
        spec = value.get("json_schema")
        if (
            not isinstance(spec, dict)
            or not isinstance(spec.get("name"), str)
            or not isinstance(spec.get("schema"), dict)
        ):
            raise bad_request(
                "response_format.json_schema requires 'name' and an object 'schema'",
                "response_format.json_schema",
            )
    return None if kind == "text" else value


def parse_chat(body: JSONObject, context: ContextPolicy) -> ChatRequest:
    """Validate a ``/v1/chat/completions`` body."""
    model = resolve_model(body, "chat")
    raw_messages = body.get("messages")
    if not isinstance(raw_messages, list) or not raw_messages:
        raise bad_request("messages must be a non-empty array", "messages")
    messages = [_parse_message(m, i) for i, m in enumerate(raw_messages)]
    request = _common(body, "chat", model, messages)
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise bad_request("stream must be a boolean", "stream")
    options = body.get("stream_options")
    if options is not None and (not stream or not isinstance(options, dict)):
        raise bad_request("stream_options is only allowed when stream is true", "stream_options")
    request.stream = stream
    request.include_usage = bool(options and options.get("include_usage"))
    request.tools = _parse_tools(body.get("tools"))
    request.tool_choice = _parse_tool_choice(body.get("tool_choice"), request.tools)
    request.parallel_tool_calls = body.get("parallel_tool_calls", True) is not False
    request.response_format = _parse_response_format(body.get("response_format"))
    n = _positive_int(body, "n") or 1
    if n > 8:
        raise bad_request("n must be <= 8", "n")
    request.n = n
    _check_context(request, "messages", context)
    return request


def parse_responses(body: JSONObject, context: ContextPolicy) -> ChatRequest:
    """Validate a ``/v1/responses`` body (string ``input`` plus ``instructions``)."""
    model = resolve_model(body, "responses")
    text = body.get("input")
    if not isinstance(text, str):
        raise bad_request("input must be a string", "input")
    if not text.strip():
        raise bad_request("input must be a non-empty string", "input")
    if len(text) > MAX_INPUT_CHARS:
        raise bad_request(f"input exceeds maximum length of {MAX_INPUT_CHARS} characters", "input")
    instructions = body.get("instructions")
    if instructions is not None and not isinstance(instructions, str):
        raise bad_request("instructions must be a string", "instructions")
    if body.get("stream"):
        raise bad_request("stream is not supported on /v1/responses", "stream")
    fmt = body.get("text")
    fmt_type = fmt.get("format", {}).get("type", "text") if isinstance(fmt, dict) else "text"
    if fmt_type != "text":
        raise bad_request(
            f'text.format.type "{fmt_type}" is currently rejected; only "text" is supported',
            "text.format.type",
        )
    messages = [Message("system", instructions)] if instructions else []
    messages.append(Message("user", text))
    request = _common(body, "responses", model, messages)
    request.instructions = instructions
    _check_context(request, "input", context)
    return request


def _common(
    body: JSONObject, route: Route, model: ModelInfo, messages: list[Message]
) -> ChatRequest:
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise bad_request("metadata must be an object", "metadata")
    temperature = body.get("temperature")
    if temperature is not None and (
        isinstance(temperature, bool)
        or not isinstance(temperature, (int, float))
        or not 0 <= temperature <= 2
    ):
        raise bad_request("temperature must be a number between 0 and 2", "temperature")
    return ChatRequest(
        route=route,
        model=model,
        messages=messages,
        raw=body,
        max_tokens=_positive_int(body, "max_tokens", "max_completion_tokens", "max_output_tokens"),
        stop=_parse_stop(body.get("stop")),
        metadata=metadata or {},
    )


def _check_context(request: ChatRequest, param: str, context: ContextPolicy) -> None:
    limit = context.limit(request.model)
    used = count_tokens("".join(m.text for m in request.messages))
    if used <= limit:
        return
    if context.truncates(request.model):
        last = next(m for m in reversed(request.messages) if m.role == "user")
        others = used - count_tokens(last.text)
        last.text = truncate_to_tokens(last.text, max(limit - others, 0))
        return
    raise ApiError(
        context.status,
        f"Input exceeds max_tokens ({limit}) for model: {request.model.id}",
        code="context_length_exceeded",
        param=param,
    )
