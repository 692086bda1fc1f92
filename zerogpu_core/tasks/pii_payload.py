"""``gliner-multi-pii-v1`` payload shapes rebuilt from verified results.

The model's own payload lists ``entities`` (``text``, ``label``, ``start``, ``end``,
``score``) and ``entities_by_label``; redaction adds ``redacted_text``. These
functions give the same shapes from :func:`~zerogpu_core.tasks.detect_pii` and
:func:`~zerogpu_core.tasks.redact_pii` results, whose offsets were checked against the
text and which cover documents longer than one request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zerogpu_core.tasks.pii import PIIResult
from zerogpu_core.tasks.redaction import PIISpan

__all__ = ["extraction_payload", "redaction_payload"]


def extraction_payload(text: str, spans: Sequence[PIISpan]) -> dict[str, Any]:
    """``{"entities": [...], "entities_by_label": {...}}`` for spans found in ``text``.

    The span strings are cut from ``text``, which the caller already holds.
    """
    entities = [{"text": text[s.start : s.end], **s.to_json()} for s in spans]
    by_label: dict[str, list[str]] = {}
    for entity in entities:
        by_label.setdefault(entity["label"], []).append(entity["text"])
    return {"entities": entities, "entities_by_label": by_label}


def redaction_payload(result: PIIResult) -> dict[str, Any]:
    """``{"redacted_text": ..., "entities": [...], "entities_by_label": {...}}``.

    Unlike the model's payload, no original string appears: each entity carries its
    placeholder and offsets instead of its ``text``, and ``entities_by_label`` lists
    placeholders, so the result can be handed to another model without the data that
    was just removed.
    """
    entities = [span.to_json() for span in result.spans]
    by_label: dict[str, list[str]] = {}
    for span in result.spans:
        by_label.setdefault(span.label, []).append(span.placeholder or "")
    return {"redacted_text": result.text, "entities": entities, "entities_by_label": by_label}
