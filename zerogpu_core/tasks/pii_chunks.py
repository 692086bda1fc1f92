"""One PII request: its window, how the reply is verified, and re-splitting.

A reply is trusted only as far as it can be checked against the text it was
about. In the default ``strict`` verification every entity must be located in the
window, and ``redacted_text`` (when the model sends it) must mask exactly those
entities; anything else fails the document with :class:`PIIVerificationError`.
``lenient`` verification instead masks the union of what the entities and
``redacted_text`` flag, skipping entities that cannot be located.

A window the server rejects as too long (``context_length_exceeded``, whatever the
status), or whose reply shows it was silently truncated, is split in two
overlapping halves and retried, down to a floor below which the document fails
with :class:`PIIChunkTooLongError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from zerogpu_core._exceptions import ContextLengthExceededError
from zerogpu_core.tasks._payload import TaskOutputError
from zerogpu_core.tasks.chunking import ENTITY_GUARANTEE, TextChunk
from zerogpu_core.tasks.redaction import (
    PIISpan,
    PIIVerificationError,
    RawEntity,
    TruncatedReplyError,
    agrees,
    is_truncated,
    locate_entity,
    masked_regions,
    parse_pii_payload,
)

__all__ = [
    "MIN_SPLIT_CHARS",
    "ChunkRedaction",
    "PIIChunk",
    "PIIChunkTooLongError",
    "Verification",
    "resolve_chunk",
    "split_chunk",
]

Verification = Literal["strict", "lenient"]
#: A window shorter than this is not split further when the server rejects it.
MIN_SPLIT_CHARS = 4 * ENTITY_GUARANTEE


class PIIChunkTooLongError(TaskOutputError):
    """The server rejected (or truncated) a window even after splitting it to the floor."""


@dataclass(frozen=True)
class PIIChunk:
    """A window of one field of a document (field 0 is the text, then metadata values)."""

    field: int
    chunk: TextChunk


@dataclass(frozen=True)
class ChunkRedaction:
    """What one window's reply established.

    Attributes:
        field: the field the spans belong to.
        spans: verified spans, with offsets into the field's text.
        unverified: how many disagreements the lenient mode accepted in this reply.
    """

    field: int
    spans: tuple[PIISpan, ...]
    unverified: int = 0


def _fail(chunk: TextChunk, problem: str) -> PIIVerificationError:
    return PIIVerificationError(
        f"the PII reply for the text at offset {chunk.start} cannot be verified: {problem}; "
        "the document was not passed on (verification='lenient' accepts such replies)"
    )


def _entities(payload: Mapping[str, Any], chunk: TextChunk, strict: bool) -> list[RawEntity]:
    entities, _ = parse_pii_payload(payload)
    if "entities" not in payload and strict:
        raise _fail(chunk, "it has only 'entities_by_label', without offsets")
    by_label = payload.get("entities_by_label")
    if strict and "entities" in payload and isinstance(by_label, Mapping):
        reported = {e.text for e in entities}
        for values in by_label.values():
            listed = values if isinstance(values, list) else [values]
            if any(isinstance(v, str) and v not in reported for v in listed):
                raise _fail(chunk, "'entities_by_label' names a string missing from 'entities'")
    return entities


def resolve_chunk(
    chunk: PIIChunk, payload: Mapping[str, Any], verification: Verification = "strict"
) -> ChunkRedaction:
    """Verify a window's reply and map its entities to offsets in the field.

    Raises:
        PIIVerificationError: in strict mode, when the reply cannot be verified.
        TruncatedReplyError: when ``redacted_text`` covers only the window's start.
    """
    window, strict = chunk.chunk, verification == "strict"
    spans: list[PIISpan] = []
    unverified = 0
    for entity in _entities(payload, window, strict):
        where = locate_entity(window.text, entity)
        if where is None:
            if strict:
                raise _fail(window, f"an entity labelled {entity.label!r} is not in the text")
            unverified += 1
            continue
        spans.append(PIISpan(entity.label, where[0], where[1], entity.score))
    redacted = payload.get("redacted_text")
    if isinstance(redacted, str) and not agrees(window.text, spans, redacted):
        if is_truncated(window.text, spans, redacted):
            raise TruncatedReplyError(
                f"the PII reply for the text at offset {window.start} covers only its start "
                f"({len(redacted)} of {len(window.text)} characters): the input was truncated"
            )
        regions = masked_regions(window.text, redacted)
        if strict or regions is None:
            raise _fail(window, "'redacted_text' does not mask exactly the reported entities")
        spans += [PIISpan(label, start, end, 0.0) for start, end, label in regions]
        unverified += 1
    shifted = tuple(
        PIISpan(s.label, s.start + window.start, s.end + window.start, s.score) for s in spans
    )
    return ChunkRedaction(chunk.field, shifted, unverified)


def _too_long(error: Exception) -> bool:
    code = getattr(error, "code", None)
    return isinstance(error, (ContextLengthExceededError, TruncatedReplyError)) or (
        code == "context_length_exceeded"
    )


def split_chunk(chunk: PIIChunk, error: Exception) -> list[PIIChunk] | None:
    """Two halves overlapping by :data:`ENTITY_GUARANTEE` characters, when ``error``
    says the window was too long; ``None`` for any other error.

    Raises:
        PIIChunkTooLongError: when the window is already at the floor.
    """
    if not _too_long(error):
        return None
    window = chunk.chunk
    if len(window.text) < MIN_SPLIT_CHARS:
        raise PIIChunkTooLongError(
            f"the server still rejects the text at offset {window.start} as too long at "
            f"{len(window.text)} characters; it cannot be split further and keep every entity "
            "whole, so the document was not passed on"
        ) from error
    middle = len(window.text) // 2
    cut = window.text.rfind(" ", middle - ENTITY_GUARANTEE // 2, middle) + 1 or middle
    first = TextChunk(window.start, window.text[: cut + ENTITY_GUARANTEE // 2])
    second_start = cut - ENTITY_GUARANTEE + ENTITY_GUARANTEE // 2
    second = TextChunk(window.start + second_start, window.text[second_start:])
    return [PIIChunk(chunk.field, first), PIIChunk(chunk.field, second)]
