"""The ``response_format`` that asks a chat model for JSON matching a schema."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["json_schema_response_format"]

_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def json_schema_response_format(
    schema: Mapping[str, Any], *, name: str | None = None, strict: bool | None = None
) -> dict[str, Any]:
    """``{"type": "json_schema", ...}`` for ``schema``.

    Args:
        schema: A JSON Schema object (for example ``Model.model_json_schema()``).
        name: The format name; defaults to the schema's ``title``. Characters the
            OpenAI-style API rejects become ``_`` and the name is cut to 64.
        strict: Sent only when given.
    """
    raw_name = name or str(schema.get("title") or "output")
    json_schema: dict[str, Any] = {
        "name": _NAME_UNSAFE.sub("_", raw_name)[:64] or "output",
        "schema": dict(schema),
    }
    if strict is not None:
        json_schema["strict"] = strict
    return {"type": "json_schema", "json_schema": json_schema}
