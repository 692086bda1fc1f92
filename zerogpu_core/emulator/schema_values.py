"""Generate JSON values that satisfy a JSON Schema, filled from the prompt.

Used for tool-call arguments and ``response_format: json_schema``. Numbers in the
prompt feed integer/number fields in order, quoted text and capitalised phrases feed
string fields, enum fields take a value the prompt mentions (else the first).
Supported: ``type`` (incl. lists), ``properties``/``required``, ``items``/
``prefixItems``, ``enum``/``const``, ``anyOf``/``oneOf``/``allOf``, local ``$ref``,
numeric bounds, string lengths and common ``format`` values. ``pattern`` is not.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from typing import Any

from zerogpu_core.emulator.textgen import excerpt
from zerogpu_core.emulator.wire import JSONObject

__all__ = ["PromptValues", "generate_value"]

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w])")
_QUOTED = re.compile(
    r"(?<![\w])'([^'\n]{1,200}?)'(?![\w])|\"([^\"\n]{1,200}?)\"|“([^”\n]{1,200}?)”|‘([^’\n]{1,200}?)’"
)
_CAPITALISED = re.compile(r"[A-Z][\w'’.&-]*(?:\s+[A-Z][\w'’.&-]*)*(?:,\s*[A-Z]{2}\b)?")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*)$")
_FORMATS = {
    "date": "2024-01-01",
    "date-time": "2024-01-01T00:00:00Z",
    "time": "00:00:00",
    "uri": "https://example.com/emulated",
    "url": "https://example.com/emulated",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "192.0.2.1",
}
_MAX_DEPTH = 4


class PromptValues:
    """Values mined from a prompt, handed out in order of appearance."""

    def __init__(self, prompt: str, exclude: Iterable[str] = ()) -> None:
        """Mine ``prompt``, ignoring the ``exclude`` strings (such as tool names)."""
        for word in exclude:
            prompt = prompt.replace(word, " ")
        self.prompt = prompt
        self.numbers: deque[float] = deque(float(n) for n in _NUMBER.findall(prompt))
        self.strings: deque[str] = deque(_quoted(prompt) + _capitalised(prompt))
        self.emails: deque[str] = deque(_EMAIL.findall(prompt))

    def number(self) -> float | None:
        """Next number of the prompt, if any is left."""
        return self.numbers.popleft() if self.numbers else None

    def string(self, key: str) -> str:
        """Next quoted/salient string, or a generated placeholder naming ``key``."""
        if self.strings:
            return self.strings.popleft()
        return f"[emulated] {key or 'value'} for: {excerpt(self.prompt, 60)}"


def _quoted(prompt: str) -> list[str]:
    return [next(g for g in match.groups() if g) for match in _QUOTED.finditer(prompt)]


def _capitalised(prompt: str) -> list[str]:
    found: list[str] = []
    for match in _CAPITALISED.finditer(prompt):
        phrase = match.group(0).rstrip(".")
        if _SENTENCE_START.search(prompt[: match.start()]):
            # A capital after a sentence break is grammar, not a name: drop that word.
            words = phrase.split(maxsplit=1)
            phrase = words[1] if len(words) > 1 else ""
        if phrase and phrase != "I":
            found.append(phrase)
    return found


def generate_value(
    schema: Any, values: PromptValues, *, key: str = "", root: Any = None, depth: int = 0
) -> Any:
    """Return a value valid against ``schema``, filled from ``values`` where possible."""
    root = schema if root is None else root
    if not isinstance(schema, dict):
        return values.string(key)
    schema = _resolve(schema, root)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return _pick_enum(schema["enum"], values.prompt)
    for combiner in ("anyOf", "oneOf"):
        options = schema.get(combiner)
        if isinstance(options, list) and options:
            return generate_value(
                _first_non_null(options, root), values, key=key, root=root, depth=depth
            )
    if isinstance(schema.get("allOf"), list):
        return generate_value(_merge(schema, root), values, key=key, root=root, depth=depth)
    kind = _type_of(schema)
    if kind == "object":
        return _object(schema, values, root, depth)
    if kind == "array":
        return _array(schema, values, key, root, depth)
    if kind in ("integer", "number"):
        return _number(schema, values, integer=kind == "integer")
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _string(schema, values, key)


def _resolve(schema: JSONObject, root: Any) -> JSONObject:
    seen = 0
    while isinstance(schema.get("$ref"), str) and seen < 32:
        target: Any = root
        for part in schema["$ref"].lstrip("#").strip("/").split("/"):
            if part:
                target = target.get(part, {}) if isinstance(target, dict) else {}
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**target, **rest} if isinstance(target, dict) else rest
        seen += 1
    return schema


def _first_non_null(options: list[Any], root: Any) -> Any:
    for option in options:
        if isinstance(option, dict) and _type_of(_resolve(option, root)) != "null":
            return option
    return options[0]


def _merge(schema: JSONObject, root: Any) -> JSONObject:
    merged: JSONObject = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        if not isinstance(part, dict):
            continue
        part = _resolve(part, root)
        for name, value in part.items():
            if name == "properties":
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif name == "required":
                merged["required"] = [*merged.get("required", []), *value]
            else:
                merged.setdefault(name, value)
    return merged


def _type_of(schema: JSONObject) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if isinstance(kind, str):
        return kind
    if "properties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return "string"


def _pick_enum(options: list[Any], prompt: str) -> Any:
    lowered = prompt.lower()
    for option in options:
        if isinstance(option, str) and option and option.lower() in lowered:
            return option
    return options[0]


def _object(schema: JSONObject, values: PromptValues, root: Any, depth: int) -> JSONObject:
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return {}
    required = set(schema.get("required") or [])
    result: JSONObject = {}
    for name, sub in properties.items():
        # Deep optional branches are skipped so recursive schemas terminate.
        if depth >= _MAX_DEPTH and name not in required:
            continue
        result[name] = generate_value(sub, values, key=name, root=root, depth=depth + 1)
    return result


def _array(schema: JSONObject, values: PromptValues, key: str, root: Any, depth: int) -> list[Any]:
    minimum = int(schema.get("minItems", 0))
    maximum = schema.get("maxItems")
    prefix = schema.get("prefixItems")
    if isinstance(prefix, list):
        return [
            generate_value(s, values, key=key, root=root, depth=depth + 1)
            for s in prefix[: max(minimum, len(prefix))]
        ]
    count = minimum if depth >= _MAX_DEPTH else max(minimum, 1)
    if isinstance(maximum, int):
        count = min(count, maximum)
    items = schema.get("items", {})
    return [
        generate_value(items, values, key=key, root=root, depth=depth + 1) for _ in range(count)
    ]


def _number(schema: JSONObject, values: PromptValues, *, integer: bool) -> float | int:
    found = values.number()
    value = float(found if found is not None else schema.get("default", 1))
    low, high = schema.get("minimum"), schema.get("maximum")
    ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    step = 1.0 if integer else 0.5
    if isinstance(low, (int, float)) and value < low:
        value = float(low)
    if isinstance(ex_low, (int, float)) and not isinstance(ex_low, bool) and value <= ex_low:
        value = float(ex_low) + step
    if isinstance(high, (int, float)) and value > high:
        value = float(high)
    if isinstance(ex_high, (int, float)) and not isinstance(ex_high, bool) and value >= ex_high:
        value = float(ex_high) - step
    if integer:
        return int(value)
    return int(value) if value.is_integer() else value


def _string(schema: JSONObject, values: PromptValues, key: str) -> str:
    fmt = schema.get("format")
    if fmt == "email":
        text = values.emails.popleft() if values.emails else "emulated@example.com"
    elif isinstance(fmt, str) and fmt in _FORMATS:
        text = _FORMATS[fmt]
    else:
        text = values.string(key)
    min_len, max_len = schema.get("minLength"), schema.get("maxLength")
    if isinstance(min_len, int) and len(text) < min_len:
        text += "." * (min_len - len(text))
    if isinstance(max_len, int):
        text = text[:max_len]
    return text
