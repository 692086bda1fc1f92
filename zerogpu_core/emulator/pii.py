"""Rule-based ``gliner-multi-pii-v1``: PII extraction and redaction.

Emails, phone numbers (any digits, full-width too), cards, IBANs and the like come
from regular expressions; person names from rules (see ``docs/guides/testing.md``):
a known first name followed by capitalised words, a title ("Dr.", "Mrs.", "Prof.")
or initials ("J. R. R.") followed by a capitalised word, a family-name-first name
("Li Wei"), two capitalised words one of which has a non-ASCII letter ("Zoë
Ólafsdóttir"), or a capitalised word followed by a known last name. Offsets are
end-exclusive code-point indices into the input.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from zerogpu_core.emulator.lexicon import (
    ADDRESS,
    COMPANIES,
    EMAIL,
    PERSON,
    PHONE,
    URL_HANDLE,
    find_terms,
)
from zerogpu_core.emulator.wire import JSONObject, bad_request

__all__ = ["CATEGORIES", "Span", "detect_pii", "pii_payload"]

Finder = Callable[[str], list[tuple[int, int, str]]]


def _regex(pattern: re.Pattern[str]) -> Finder:
    return lambda text: [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]


def _password(text: str) -> list[tuple[int, int, str]]:
    pattern = re.compile(r"(?i)\b(?:password|passwd|pwd)\s*[:=]\s*(\S+)")
    return [(m.start(1), m.end(1), m.group(1)) for m in pattern.finditer(text)]


_ORG_SUFFIX = re.compile(r"\b[A-Z][\w&-]*(?: [A-Z][\w&-]*)* (?:Inc|Corp|LLC|Ltd|GmbH|SA)\b\.?")

# label -> (finder, base score); scores are shaped like the documented ones.
_DETECTORS: dict[str, tuple[Finder, float]] = {
    "person": (_regex(PERSON), 0.9982),
    "email": (_regex(EMAIL), 0.9812),
    "phone number": (_regex(PHONE), 0.9725),
    "address": (_regex(ADDRESS), 0.9351),
    "social media handle": (_regex(URL_HANDLE), 0.6243),
    "social security number": (_regex(re.compile(r"\b\d{3}-\d{2}-\d{4}\b")), 0.9543),
    "credit card number": (_regex(re.compile(r"\b(?:\d{4}[ -]?){3}\d{1,4}\b")), 0.9612),
    "iban": (
        _regex(re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?\b")),
        0.9288,
    ),
    "password": (_password, 0.9034),
    "api key": (_regex(re.compile(r"\b(?:sk|pk|zgpu|ghp)[-_][A-Za-z0-9_-]{8,}\b")), 0.8911),
    "medical record number": (_regex(re.compile(r"\bMRN[:#]?\s*\d{6,10}\b")), 0.9377),
    "organization": (
        lambda text: find_terms(text, COMPANIES) + _regex(_ORG_SUFFIX)(text),
        0.9139,
    ),
}

#: The documented category groups accepted in ``metadata.categories`` (or
#: ``metadata.labels``), and the labels each one turns on. ``organization`` is
#: detected only when no category is requested.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "identity": ("person", "social security number"),
    "contact": ("email", "phone number", "address", "social media handle"),
    "financial": ("credit card number", "iban"),
    "medical": ("medical record number",),
    "credentials": ("password", "api key"),
}


@dataclass(frozen=True)
class Span:
    """One detected entity."""

    start: int
    end: int
    text: str
    label: str
    score: float


def _score(base: float, text: str) -> float:
    # A small text-dependent jitter keeps scores realistic yet deterministic.
    return round(base - (zlib.crc32(text.encode()) % 90) / 10_000, 4)


def _wanted_labels(groups: Any, param: str) -> list[str]:
    if groups is None:
        return list(_DETECTORS)
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise bad_request(f"{param} must be an array of strings", param)
    unknown = [g for g in groups if g.strip().lower() not in CATEGORIES]
    if unknown:
        raise bad_request(
            f"{param} has unknown categories {unknown}; valid: {', '.join(CATEGORIES)}", param
        )
    labels: list[str] = []
    for group in groups:
        for label in CATEGORIES[group.strip().lower()]:
            if label not in labels:
                labels.append(label)
    return labels


def detect_pii(text: str, labels: list[str], threshold: float) -> list[Span]:
    """Non-overlapping entities of ``labels`` scoring at least ``threshold``."""
    candidates: list[Span] = []
    for label in labels:
        finder, base = _DETECTORS[label]
        for start, end, found in finder(text):
            score = _score(base, found)
            if score >= threshold:
                candidates.append(Span(start, end, found, label, score))
    candidates.sort(key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[Span] = []
    for span in candidates:
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def _redact(text: str, spans: list[Span]) -> str:
    pieces: list[str] = []
    cursor = 0
    for span in spans:
        pieces.append(text[cursor : span.start])
        pieces.append("[" + span.label.upper().replace(" ", "_") + "]")
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _threshold(metadata: JSONObject) -> float:
    value = metadata.get("threshold", 0.5)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise bad_request(
            "metadata.threshold must be a number between 0 and 1", "metadata.threshold"
        )
    return float(value)


def pii_payload(text: str, metadata: JSONObject) -> JSONObject:
    """The ``gliner-multi-pii-v1`` payload for ``text`` and its ``metadata`` options."""
    usecase = metadata.get("usecase", "extract-pii")
    if usecase not in ("extract-pii", "redact"):
        raise bad_request("metadata.usecase must be 'extract-pii' or 'redact'", "metadata.usecase")
    if metadata.get("mask", "label") != "label":
        raise bad_request("metadata.mask must be 'label'", "metadata.mask")
    key = "categories" if "categories" in metadata else "labels"
    labels = _wanted_labels(metadata.get(key), f"metadata.{key}")
    spans = detect_pii(text, labels, _threshold(metadata))
    by_label: dict[str, list[str]] = {}
    for span in spans:
        texts = by_label.setdefault(span.label, [])
        if span.text not in texts:
            texts.append(span.text)
    entities = [
        {"text": s.text, "label": s.label, "start": s.start, "end": s.end, "score": s.score}
        for s in spans
    ]
    payload: JSONObject = {"entities": entities, "entities_by_label": by_label}
    if usecase == "redact":
        payload = {"redacted_text": _redact(text, spans), **payload}
    return payload
