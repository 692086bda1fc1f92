"""The documented example requests and the answers the docs show for them.

``data/documented_examples.json`` holds, verbatim, every request/answer pair of the
ZeroGPU playground and OpenAPI files. A request that repeats a documented input
exactly gets the documented answer; everything else is rule-based.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from zerogpu_core.emulator.request import ChatRequest
from zerogpu_core.emulator.wire import JSONObject, dumps

__all__ = ["Documented", "documented_embedding", "documented_moderation", "find_documented"]


@dataclass(frozen=True)
class Documented:
    """A documented answer: output text (task payloads as a JSON string) and usage."""

    content: str
    reasoning: str | None = None
    usage: tuple[int, int] | None = None


@lru_cache(maxsize=1)
def _entries() -> dict[tuple[str, str], list[JSONObject]]:
    raw = resources.files("zerogpu_core.emulator").joinpath("data/documented_examples.json")
    table: dict[tuple[str, str], list[JSONObject]] = {}
    for entry in json.loads(raw.read_text(encoding="utf-8"))["entries"]:
        table.setdefault((entry["route"], entry["model"]), []).append(entry)
    return table


def _match(route: str, model: str, probe: JSONObject) -> JSONObject | None:
    for entry in _entries().get((route, model), []):
        if entry["match"] == probe:
            result: JSONObject = entry["result"]
            return result
    return None


def _plain_request(request: ChatRequest) -> bool:
    raw = request.raw
    return (
        request.n == 1
        and not request.tools
        and request.response_format is None
        and not raw.get("categories")
    )


def find_documented(request: ChatRequest) -> Documented | None:
    """The documented answer for ``request``, if it repeats a documented input."""
    if not _plain_request(request):
        return None
    raw = request.raw
    probe: JSONObject
    if request.route == "chat":
        messages = raw["messages"]
        probe = {
            "messages": [{"role": m.get("role"), "content": m.get("content")} for m in messages]
        }
    else:
        probe = {"input": raw["input"]}
        if raw.get("instructions") is not None:
            probe["instructions"] = raw["instructions"]
    if raw.get("metadata"):
        probe["metadata"] = raw["metadata"]
    result = _match(request.route, request.model.id, probe)
    if result is None:
        return None
    if result["kind"] == "payload":
        return Documented(dumps(result["value"]))
    usage = result.get("usage")
    return Documented(result["content"], result.get("reasoning"), tuple(usage) if usage else None)


def documented_embedding(model: str, text: Any) -> tuple[list[float], tuple[int, int]] | None:
    """Documented vector prefix and usage for an embeddings input, if documented."""
    result = _match("embeddings", model, {"input": text})
    if result is None:
        return None
    prompt, total = result["usage"]
    return list(result["prefix"]), (prompt, total)


def documented_moderation(model: str, value: Any) -> JSONObject | None:
    """Documented moderation result for an input, if documented."""
    result = _match("moderations", model, {"input": value})
    return None if result is None else dict(result["result"])
