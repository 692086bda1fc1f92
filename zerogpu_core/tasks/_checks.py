"""Checks on task inputs, run before anything is sent.

Messages name the argument and the problem but never quote the text: task inputs
are often personal data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["check_labels", "check_schema", "check_text", "check_threshold"]


def check_text(text: Any, *, argument: str = "text") -> str:
    """``text`` itself, when it is a string with something other than whitespace.

    Raises:
        ValueError: for a non-string or blank value.
    """
    if not isinstance(text, str):
        raise ValueError(f"{argument} must be a string, got {type(text).__name__}")
    if not text.strip():
        raise ValueError(f"{argument} must not be empty or only whitespace")
    return text


def check_labels(labels: Any, *, argument: str = "labels") -> list[str]:
    """``labels`` as a list, when it is a non-empty sequence of non-blank strings.

    Raises:
        ValueError: for a bare string, an empty list or a blank/non-string item.
    """
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise ValueError(f"{argument} must be a list of strings, e.g. ['person', 'company']")
    if not labels:
        raise ValueError(f"{argument} must contain at least one label")
    for position, label in enumerate(labels):
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"{argument}[{position}] must be a non-empty string")
    return list(labels)


def check_threshold(threshold: Any) -> float | None:
    """``threshold`` when it is ``None`` or a number from 0 to 1.

    Raises:
        ValueError: for anything else.
    """
    if threshold is None:
        return None
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        raise ValueError(f"threshold must be a number between 0 and 1, got {threshold!r}")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    return float(threshold)


def check_schema(schema: Any, *, what: str) -> dict[str, list[str]]:
    """A GLiNER2 schema: each non-blank key maps to a non-empty list of strings.

    Args:
        schema: the user's schema.
        what: what each list holds, for the message (e.g. "field specs").

    Raises:
        ValueError: naming the first key whose value has the wrong shape.
    """
    if not isinstance(schema, Mapping) or not schema:
        raise ValueError(f"schema must be a non-empty object mapping names to lists of {what}")
    for key, items in schema.items():
        if not isinstance(key, str) or not key.strip():
            raise ValueError("schema keys must be non-empty strings")
        if isinstance(items, str) or not isinstance(items, Sequence) or not items:
            raise ValueError(f"schema[{key!r}] must be a non-empty list of {what}")
        if not all(isinstance(item, str) and item.strip() for item in items):
            raise ValueError(f"schema[{key!r}] must hold only non-empty strings ({what})")
    return {key: list(items) for key, items in schema.items()}
