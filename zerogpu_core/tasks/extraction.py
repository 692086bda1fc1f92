"""``gliner2-base-v1``: entities, JSON fields and multi-axis classification.

One model, three ``metadata.usecase`` values, three payloads:

* ``ner``: ``{"entities": {label: [span, ...]}}`` (strings only, no offsets);
* ``json``: ``{"data": {group: [record, ...]}}`` from ``{group: ["field::type::description"]}``;
* ``classification``: ``{"classification": {axis: label}}`` from ``{axis: [labels]}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from zerogpu_core.tasks._checks import check_labels, check_schema, check_threshold
from zerogpu_core.tasks.single_turn import response_request

__all__ = [
    "EXTRACTION_MODEL",
    "classification_metadata",
    "classification_request",
    "entities_metadata",
    "entities_request",
    "json_extraction_request",
    "json_metadata",
    "task_metadata",
]

EXTRACTION_MODEL = "gliner2-base-v1"
Usecase = Literal["ner", "json", "classification"]


def task_metadata(usecase: Usecase, threshold: float | None, **options: Any) -> dict[str, Any]:
    """The ``metadata`` object of a gliner2 request (either route)."""
    metadata: dict[str, Any] = {"usecase": usecase, **options}
    checked = check_threshold(threshold)
    if checked is not None:
        metadata["threshold"] = checked
    return metadata


def entities_metadata(labels: Sequence[str], threshold: float | None = None) -> dict[str, Any]:
    """The ``ner`` metadata: the checked entity ``labels`` and optional ``threshold``."""
    return task_metadata("ner", threshold, labels=check_labels(labels))


def json_metadata(
    schema: Mapping[str, Sequence[str]], threshold: float | None = None
) -> dict[str, Any]:
    """The ``json`` metadata: the checked ``schema`` of field specs and optional ``threshold``."""
    checked = check_schema(schema, what='"field::type::description" specs')
    return task_metadata("json", threshold, schema=checked)


def classification_metadata(
    schema: Mapping[str, Sequence[str]], threshold: float | None = None
) -> dict[str, Any]:
    """The ``classification`` metadata: the checked ``{axis: [labels]}`` and ``threshold``."""
    checked = check_schema(schema, what="candidate labels")
    return task_metadata("classification", threshold, schema=checked)


def entities_request(
    text: str,
    labels: Sequence[str],
    *,
    threshold: float | None = None,
    model: str = EXTRACTION_MODEL,
) -> dict[str, Any]:
    """The body extracting spans of each entity type in ``labels``."""
    return response_request(model, text, metadata=entities_metadata(labels, threshold))


def json_extraction_request(
    text: str,
    schema: Mapping[str, Sequence[str]],
    *,
    threshold: float | None = None,
    model: str = EXTRACTION_MODEL,
) -> dict[str, Any]:
    """The body extracting the fields of ``schema`` (``"name::str::Full name"`` specs)."""
    return response_request(model, text, metadata=json_metadata(schema, threshold))


def classification_request(
    text: str,
    schema: Mapping[str, Sequence[str]],
    *,
    threshold: float | None = None,
    model: str = EXTRACTION_MODEL,
) -> dict[str, Any]:
    """The body choosing one label per axis of ``schema`` (``{axis: [labels]}``)."""
    return response_request(model, text, metadata=classification_metadata(schema, threshold))
