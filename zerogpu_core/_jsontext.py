"""Reading JSON that a model wrote as text."""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["parse_json_text"]

_FENCE = re.compile(r"^\s*```[a-zA-Z0-9_-]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


def parse_json_text(text: str) -> Any:
    """Decode JSON from model output, tolerating a Markdown code fence around it.

    Task models return their payload as a JSON string; generative models asked for
    JSON sometimes wrap it in a fence (the batch cookbook strips it the same way).

    Raises:
        ValueError: when the text holds no JSON document; the message quotes it.
    """
    match = _FENCE.match(text)
    candidate = match.group(1) if match else text
    try:
        return json.loads(candidate)
    except json.JSONDecodeError as exc:
        preview = text if len(text) <= 200 else text[:200] + "..."
        raise ValueError(f"Expected JSON in the model output, got: {preview!r}") from exc
