"""Pure PII text logic: reading entities, checking offsets, masking, numbering.

Nothing here talks to the API, so every rule that decides whether personal data can
leak is unit-tested directly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from zerogpu_core.tasks._payload import TaskOutputError

__all__ = [
    "PIISpan",
    "PIIVerificationError",
    "Placeholders",
    "RawEntity",
    "TruncatedReplyError",
    "deanonymize",
    "find_occurrences",
    "locate_entity",
    "merge_overlaps",
    "parse_pii_payload",
    "placeholder_label",
    "redact_spans",
]

_NOT_WORD = re.compile(r"[^0-9A-Za-z]+")
_PLACEHOLDER = r"\[[A-Z0-9_]+\]"


class PIIVerificationError(TaskOutputError):
    """A PII reply could not be verified against the text it was about.

    Raised (failing the document, never passing it on) when an entity cannot be
    located, when ``redacted_text`` masks something the entities do not or the
    reverse, or when a reply has only ``entities_by_label``. The message names the
    problem and the chunk's offset, never the text.
    """


class TruncatedReplyError(PIIVerificationError):
    """The reply covers only the start of the chunk: the server silently truncated it."""


@dataclass(frozen=True)
class RawEntity:
    """An entity as the model reported it (offsets not yet trusted)."""

    label: str
    score: float
    start: int | None = None
    end: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class PIISpan:
    """A verified PII span of a document.

    Attributes:
        label: the model's label, e.g. ``person`` or ``phone number``.
        start: offset of the first character in the original text.
        end: offset after the last character (exclusive).
        score: the model's confidence (the detection's score for an inferred span).
        placeholder: what replaced the span, e.g. ``[PERSON_1]`` (redaction only).
        inferred: ``True`` when the model flagged the same string elsewhere in the
            document and this occurrence was masked for that reason.
    """

    label: str
    start: int
    end: int
    score: float
    placeholder: str | None = None
    inferred: bool = False

    def to_json(self) -> dict[str, Any]:
        """Label, offsets and score as plain JSON; never the original string."""
        data: dict[str, Any] = {
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "score": self.score,
        }
        if self.placeholder is not None:
            data["placeholder"] = self.placeholder
        if self.inferred:
            data["inferred"] = True
        return data


def _offset(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _score(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _entity(item: Any) -> RawEntity:
    if not isinstance(item, Mapping):
        raise TaskOutputError(f"PII entity is a {type(item).__name__}, expected an object")
    label = item.get("label")
    label = label if isinstance(label, str) and label.strip() else "pii"
    text = item.get("text") if isinstance(item.get("text"), str) else None
    start, end = _offset(item.get("start")), _offset(item.get("end"))
    if text is None and (start is None or end is None):
        raise TaskOutputError("PII entity has neither its text nor its offsets")
    return RawEntity(label, _score(item.get("score")), start, end, text)


def parse_pii_payload(payload: Mapping[str, Any]) -> tuple[list[RawEntity], str | None]:
    """Entities and ``redacted_text`` from a ``gliner-multi-pii-v1`` payload.

    ``entities`` is preferred; a payload with only ``entities_by_label`` gives
    entities without offsets, which are then found by their text.

    Raises:
        TaskOutputError: when the payload has no entity information at all, or an
            entity can be neither placed nor identified (dropping it could leak).
    """
    redacted = payload.get("redacted_text")
    redacted = redacted if isinstance(redacted, str) else None
    entities = payload.get("entities")
    if isinstance(entities, list):
        return [_entity(item) for item in entities], redacted
    by_label = payload.get("entities_by_label")
    if isinstance(by_label, Mapping):
        return [
            RawEntity(str(label), 0.0, text=value)
            for label, values in by_label.items()
            for value in (values if isinstance(values, list) else [values])
            if isinstance(value, str)
        ], redacted
    raise TaskOutputError(
        "PII payload has no 'entities' list (keys: " + ", ".join(sorted(map(str, payload))) + ")"
    )


def _nearest(starts: Iterable[int], hint: int | None) -> int | None:
    ordered = list(starts)
    if not ordered:
        return None
    return min(ordered, key=lambda s: abs(s - (hint or 0)))


def _points_at(text: str, start: int, end: int, value: str | None) -> bool:
    return 0 <= start < end <= len(text) and (value is None or text[start:end] == value)


def locate_entity(text: str, entity: RawEntity) -> tuple[int, int] | None:
    """Where ``entity`` is in ``text``, with its offsets checked against its text.

    Reported offsets are used when they point at the reported text. Otherwise (the
    unit of offsets for non-ASCII text is undocumented) the text is searched for,
    exactly and then ignoring whitespace runs, case and Unicode normalisation; the
    occurrence nearest the reported start wins. ``None`` when it is not found.
    """
    start, end, value = entity.start, entity.end, entity.text
    if start is not None and end is not None and _points_at(text, start, end, value):
        return start, end
    if not value or not value.strip():
        return None
    exact = _nearest((m.start() for m in re.finditer(re.escape(value), text)), start)
    if exact is not None:
        return exact, exact + len(value)
    words = unicodedata.normalize("NFC", value).split()
    pattern = re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE)
    normalised = unicodedata.normalize("NFC", text)
    # Search the normalised text only when that keeps every offset in place.
    haystack = normalised if len(normalised) == len(text) else text
    matches = {m.start(): m.end() for m in pattern.finditer(haystack)}
    best = _nearest(matches, start)
    return None if best is None else (best, matches[best])


def merge_overlaps(spans: Iterable[PIISpan]) -> list[PIISpan]:
    """Sorted spans where overlapping ones become one covering both.

    The union keeps the label and score of its highest-scoring part, so every
    character any span covered stays covered.
    """
    merged: list[PIISpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            lead = span if span.score > last.score else last
            merged[-1] = replace(lead, start=last.start, end=max(last.end, span.end))
        else:
            merged.append(span)
    return merged


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _bounded(text: str, value: str) -> Iterator[tuple[int, int]]:
    """Non-overlapping occurrences of ``value`` in ``text`` that respect word edges.

    A detected "Al" must not mask the "Al" in "Also". ``str.find`` instead of a
    compiled pattern: every value is new, so a regex per value defeats the cache.
    """
    edge_left, edge_right = value[:1].isalnum(), value[-1:].isalnum()
    start = text.find(value)
    while start >= 0:
        end = start + len(value)
        inside_word = (edge_left and start > 0 and _is_word(text[start - 1])) or (
            edge_right and end < len(text) and _is_word(text[end])
        )
        if not inside_word:
            yield start, end
        start = text.find(value, start + 1 if inside_word else end)


def find_occurrences(
    text: str, detected: Mapping[str, PIISpan], exclude: Sequence[tuple[int, int]] = ()
) -> list[PIISpan]:
    """Every other occurrence in ``text`` of a detected value, as inferred spans.

    Args:
        text: where to search.
        detected: detected value -> the span it came from (label and score source).
        exclude: ranges to leave alone (already handled).
    """
    found: list[PIISpan] = []
    for value, origin in detected.items():
        if not value.strip():
            continue
        for start, end in _bounded(text, value):
            if not any(a < end and start < b for a, b in exclude):
                found.append(replace(origin, start=start, end=end, inferred=True))
    return found


def placeholder_label(label: str) -> str:
    """``phone number`` -> ``PHONE_NUMBER`` (the model's own placeholder style)."""
    return _NOT_WORD.sub("_", label).strip("_").upper() or "PII"


class Placeholders:
    """Placeholders for one document; numbered (``[PERSON_1]``) when reversible.

    The same value under the same label always gets the same placeholder, and a
    numbered placeholder is never one that already occurs in ``reserved`` (the
    document's own text), so :func:`deanonymize` restores the document exactly.
    """

    def __init__(self, reversible: bool, reserved: Sequence[str] = ()) -> None:
        self.reversible = reversible
        self._reserved = tuple(reserved)
        self.mapping: dict[str, str] = {}
        self._assigned: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}

    def for_value(self, label: str, value: str) -> str:
        """The placeholder replacing ``value`` detected as ``label``."""
        name = placeholder_label(label)
        if not self.reversible:
            return f"[{name}]"
        key = (name, value)
        if key not in self._assigned:
            token = self._next_free(name)
            self._assigned[key] = token
            self.mapping[token] = value
        return self._assigned[key]

    def _next_free(self, name: str) -> str:
        while True:
            self._counts[name] = self._counts.get(name, 0) + 1
            token = f"[{name}_{self._counts[name]}]"
            if not any(token in text for text in self._reserved):
                return token


def redact_spans(
    text: str, spans: Sequence[PIISpan], placeholders: Placeholders
) -> tuple[str, list[PIISpan]]:
    """Replace non-overlapping sorted ``spans`` of ``text`` with placeholders.

    Returns the redacted text and the spans with their placeholders filled in.
    """
    pieces: list[str] = []
    done: list[PIISpan] = []
    cursor = 0
    for span in spans:
        token = placeholders.for_value(span.label, text[span.start : span.end])
        pieces += [text[cursor : span.start], token]
        done.append(replace(span, placeholder=token))
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces), done


def deanonymize(text: str, mapping: Mapping[str, str]) -> str:
    """Put the original values back in place of their placeholders.

    Example:
        >>> deanonymize("Hi [PERSON_1]", {"[PERSON_1]": "Jane"})
        'Hi Jane'
    """
    if not mapping:
        return text
    keys = sorted(mapping, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, keys)))
    return pattern.sub(lambda m: mapping[m.group(0)], text)


def render_labels(text: str, spans: Sequence[PIISpan]) -> str:
    """``text`` with merged ``spans`` replaced the way the model masks: ``[LABEL]``."""
    pieces: list[str] = []
    cursor = 0
    for span in merge_overlaps(spans):
        pieces += [text[cursor : span.start], f"[{placeholder_label(span.label)}]"]
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _joined(spans: Sequence[PIISpan]) -> list[tuple[int, int]]:
    """Merged spans, with touching ones joined (the model masks them as one run)."""
    joined: list[tuple[int, int]] = []
    for span in merge_overlaps(spans):
        if joined and span.start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], span.end))
        else:
            joined.append((span.start, span.end))
    return joined


def agrees(text: str, spans: Sequence[PIISpan], redacted: str) -> bool:
    """Whether ``redacted`` masks exactly ``spans`` of ``text`` (whatever the labels).

    The unmasked pieces of the text must appear verbatim between placeholders, so
    a placeholder-like string already in the text is not mistaken for a mask.
    """
    if redacted == render_labels(text, spans):
        return True
    regions = _joined(spans)
    cuts = [0, *(edge for region in regions for edge in region), len(text)]
    pieces = [re.escape(text[a:b]) for a, b in zip(cuts[::2], cuts[1::2], strict=True)]
    pattern = f"(?:{_PLACEHOLDER})+".join(pieces)
    return re.fullmatch(pattern, redacted, re.DOTALL) is not None


def is_truncated(text: str, spans: Sequence[PIISpan], redacted: str) -> bool:
    """Whether ``redacted`` is the redaction of only a leading part of ``text``."""
    expected = render_labels(text, spans).rstrip()
    shown = redacted.rstrip()
    return len(shown) < len(expected) and expected.startswith(shown)


def masked_regions(text: str, redacted: str) -> list[tuple[int, int, str]] | None:
    """Best-effort ``(start, end, label)`` of what ``redacted`` masks in ``text``.

    Aligns the unmasked pieces left to right; ``None`` when they do not fit the
    text. Used only by the lenient mode, to mask what the model's own redaction
    masked even where its entities do not say so.
    """
    parts = re.split(f"({_PLACEHOLDER})", redacted)
    if not text.startswith(parts[0]):
        return None
    regions: list[tuple[int, int, str]] = []
    cursor = len(parts[0])
    for index in range(1, len(parts), 2):
        token, literal = parts[index], parts[index + 1]
        if index + 2 >= len(parts):
            end = len(text) - len(literal) if text.endswith(literal) else -1
        else:
            end = text.find(literal, cursor + 1) if literal else cursor
        if end < cursor:
            return None
        if end > cursor and text[cursor:end] != token:
            regions.append((cursor, end, token[1:-1].replace("_", " ").lower()))
        cursor = end + len(literal)
    return regions if cursor == len(text) else None
