"""What replaces detected PII: a label, a mask, or a keyed hash.

Pure functions over verified spans (from :func:`~zerogpu_core.tasks.redact_pii`),
so the agent middleware and any other caller apply the same rules:

- ``redact``: ``[EMAIL]`` (the redactor's own placeholders);
- ``mask``: letters and digits become ``*``, separators stay; a value made only of
  digits and separators with at least eight digits keeps its last four
  (``***-***-0134``, ``**** **** **** 1111``), nothing else keeps a character;
- ``hash``: ``<email_hash:1a2b3c4d5e6f>``, an HMAC-SHA256 of the label and value
  under a secret key, so equal values give equal tokens but a token cannot be
  reversed by hashing guesses (a plain hash of a phone number can).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Literal

from zerogpu_core.tasks.redaction import PIISpan, placeholder_label

__all__ = ["PIIStrategy", "apply_pii_strategy", "hash_value", "mask_value"]

PIIStrategy = Literal["redact", "mask", "hash", "block"]
_KEEP_DIGITS = 4
_MIN_DIGITS_TO_KEEP = 8
_DIGEST_CHARS = 12


def mask_value(value: str) -> str:
    """``value`` with its letters and digits masked (see the module docstring)."""
    digits = sum(c.isdigit() for c in value)
    numeric = not any(c.isalpha() for c in value) and digits >= _MIN_DIGITS_TO_KEEP
    keep = _KEEP_DIGITS if numeric else 0
    out: list[str] = []
    for char in reversed(value):
        if char.isdigit() and keep:
            out.append(char)
            keep -= 1
        else:
            out.append("*" if char.isalnum() else char)
    return "".join(reversed(out))


def hash_value(label: str, value: str, key: bytes) -> str:
    """``<label_hash:digest>`` for ``value``, keyed with ``key``."""
    name = placeholder_label(label).lower()
    digest = hmac.new(key, f"{name}\0{value}".encode(), hashlib.sha256).hexdigest()
    return f"<{name}_hash:{digest[:_DIGEST_CHARS]}>"


def apply_pii_strategy(
    text: str,
    spans: Sequence[PIISpan],
    strategy: Literal["redact", "mask", "hash"],
    *,
    hash_key: bytes | None = None,
) -> str:
    """``text`` with each of the sorted, non-overlapping ``spans`` replaced.

    Raises:
        ValueError: for ``hash`` without a ``hash_key``, or an unknown strategy.
    """
    if strategy == "hash" and not hash_key:
        raise ValueError("the hash strategy needs a secret hash_key")
    pieces: list[str] = []
    cursor = 0
    for span in spans:
        value = text[span.start : span.end]
        pieces += [text[cursor : span.start], _replacement(span.label, value, strategy, hash_key)]
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _replacement(label: str, value: str, strategy: str, key: bytes | None) -> str:
    if strategy == "redact":
        return f"[{placeholder_label(label)}]"
    if strategy == "mask":
        return mask_value(value)
    if strategy == "hash" and key:
        return hash_value(label, value, key)
    raise ValueError(f"strategy must be 'redact', 'mask' or 'hash', got {strategy!r}")
