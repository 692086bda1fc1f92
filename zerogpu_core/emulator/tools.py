"""Tool-call decisions and structured-output content for generative models."""

from __future__ import annotations

import json
import re
from typing import Any

from zerogpu_core.emulator.request import ChatRequest
from zerogpu_core.emulator.schema_values import PromptValues, generate_value
from zerogpu_core.emulator.textgen import excerpt, tool_result_text
from zerogpu_core.emulator.wire import JSONObject, dumps, new_id

__all__ = [
    "json_object_content",
    "json_schema_content",
    "pending_tool_results",
    "plan_tool_calls",
    "tool_answer",
]

# Name parts too generic to show that the user asked for a particular tool.
_GENERIC = {"get", "set", "the", "tool", "tools", "function", "func", "run", "call", "do"}
_USE_TOOL = re.compile(r"\b(use|using|call|with)\s+(the|a|your|any)?\s*(tool|function)s?\b", re.I)
_QUOTED_KEY = re.compile(r"[\"'`“‘]([A-Za-z_][A-Za-z0-9_-]{0,40})[\"'`”’]")


def _name_tokens(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [t.lower() for t in re.split(r"[\s_\-]+", spaced) if t]


def _mentions(tool_name: str, prompt: str) -> bool:
    lowered = prompt.lower()
    if tool_name.lower() in lowered or tool_name.replace("_", " ").lower() in lowered:
        return True
    words = set(re.findall(r"\w+", lowered))
    for token in _name_tokens(tool_name):
        if len(token) < 3 or token in _GENERIC:
            continue
        # Compare stems so "weather"/"weathers" and "greeting"/"greet" still match.
        stem = token[:5]
        if any(word.startswith(stem) for word in words):
            return True
    return False


def _tool_name(tool: JSONObject) -> str:
    name: str = tool["function"]["name"]
    return name


def _chosen_tools(request: ChatRequest) -> list[JSONObject]:
    last = request.messages[-1]
    if not request.tools or request.tool_choice == "none" or last.role != "user":
        return []
    by_name = {_tool_name(t): t for t in request.tools}
    if request.tool_choice in by_name:
        return [by_name[request.tool_choice]]
    prompt = last.text
    mentioned = [t for t in request.tools if _mentions(_tool_name(t), prompt)]
    if not mentioned and (request.tool_choice == "required" or _USE_TOOL.search(prompt)):
        mentioned = request.tools[:1]
    return mentioned if request.parallel_tool_calls else mentioned[:1]


def plan_tool_calls(request: ChatRequest) -> list[JSONObject]:
    """Return the ``tool_calls`` the emulated model makes for ``request`` (maybe none).

    A call happens when the last message is from the user, tools are given and
    ``tool_choice`` is not ``none``: the forced tool, else (auto/required) every
    tool the prompt mentions, else the first tool when ``required`` or when the
    prompt says to use a tool. Arguments come from each tool's JSON schema.
    """
    chosen = _chosen_tools(request)
    prompt = request.messages[-1].text if chosen else ""
    names = sorted((_tool_name(t) for t in request.tools), key=len, reverse=True)
    calls: list[JSONObject] = []
    for tool in chosen:
        schema = tool["function"].get("parameters") or {"type": "object", "properties": {}}
        arguments = generate_value(schema, PromptValues(prompt, exclude=names))
        calls.append(
            {
                "id": new_id("call_emu_"),
                "type": "function",
                "function": {"name": _tool_name(tool), "arguments": dumps(arguments)},
            }
        )
    return calls


def pending_tool_results(request: ChatRequest) -> list[tuple[str, str]]:
    """``(tool name, output)`` for the tool messages that end the conversation."""
    names: dict[str, str] = {}
    for message in request.messages:
        for call in message.tool_calls:
            names[call["id"]] = call["function"]["name"]
    results: list[tuple[str, str]] = []
    for message in reversed(request.messages):
        if message.role != "tool":
            break
        name = names.get(message.tool_call_id or "", message.name or "tool")
        results.append((name, message.text))
    return list(reversed(results))


def tool_answer(request: ChatRequest) -> str | None:
    """Text answer after tool results, or ``None`` when the last message is not a tool's."""
    results = pending_tool_results(request)
    return tool_result_text(results) if results else None


def json_schema_content(request: ChatRequest, schema_spec: JSONObject) -> str:
    """Content for ``response_format: json_schema``: a schema-valid JSON document."""
    value = generate_value(schema_spec["schema"], PromptValues(request.last_user_text))
    return dumps(value)


def json_object_content(request: ChatRequest) -> str:
    """Content for ``json_object`` mode: a document valid against a JSON schema the
    prompt carries, else an object with the quoted key names the prompt asks for."""
    prompt = _prompt_text(request)
    schema = _prompt_schema(prompt)
    if schema is not None:
        return dumps(generate_value(schema, PromptValues(request.last_user_text)))
    keys: list[str] = []
    for match in _QUOTED_KEY.finditer(prompt):
        if match.group(1) not in keys:
            keys.append(match.group(1))
    topic = excerpt(request.last_user_text, 60)
    value: dict[str, Any] = {k: f"[emulated] {k} for: {topic}" for k in keys}
    return dumps(value or {"answer": f"[emulated] answer for: {topic}"})


def prompt_schema_content(request: ChatRequest) -> str | None:
    """JSON for a prompt that embeds a JSON schema to follow (prompt-and-parse programs).

    Frameworks without tool calling ask for structured output by pasting the schema
    into the prompt ("Here's a JSON schema to follow: {...}"); answer with a document
    that validates against it. ``None`` when the prompt carries no such schema.
    """
    prompt = _prompt_text(request)
    if "json schema" not in prompt.lower():
        return None
    schema = _prompt_schema(prompt)
    if schema is None:
        return None
    return dumps(generate_value(schema, PromptValues(request.last_user_text)))


def _prompt_text(request: ChatRequest) -> str:
    return "\n".join(m.text for m in request.messages if m.role in ("system", "user"))


def _prompt_schema(prompt: str) -> JSONObject | None:
    # LlamaIndex sends the schema with template braces still doubled ("{{").
    for text in (prompt, prompt.replace("{{", "{").replace("}}", "}")):
        schema = _first_schema(text)
        if schema is not None:
            return schema
    return None


def _first_schema(text: str) -> JSONObject | None:
    decoder = json.JSONDecoder()
    for start in (i for i, char in enumerate(text) if char == "{"):
        try:
            candidate, _ = decoder.raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(candidate, dict) and isinstance(candidate.get("properties"), dict):
            return candidate
    return None
