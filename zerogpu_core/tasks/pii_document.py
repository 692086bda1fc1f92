"""What one redaction covers: a document's text and the metadata values named for it.

Metadata fields go through the same windows, verification and placeholders as the
text, so a name in ``metadata["author"]`` is masked like the same name in the
body (and, reversibly, with the same placeholder).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["PIIDocument", "metadata_fields", "restore_metadata"]


@dataclass(frozen=True)
class PIIDocument:
    """A text and its metadata fields to redact, as ``(field key, value)`` pairs."""

    text: str
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def values(self) -> list[str]:
        """The text first, then every field's value."""
        return [self.text, *(value for _, value in self.fields)]


def metadata_fields(
    metadata: Mapping[str, Any], keys: Sequence[str]
) -> tuple[tuple[str, str], ...]:
    """The text values of ``keys`` in ``metadata``; a list gives ``key[0]``, ``key[1]``...

    Keys that are absent or ``None`` have nothing to redact.

    Raises:
        TypeError: when a named key holds something other than text or a list of
            text (it could hold personal data that would pass through unredacted).
    """
    fields: list[tuple[str, str]] = []
    for key in keys:
        value = metadata.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            fields.append((key, value))
        elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            fields += [(f"{key}[{i}]", item) for i, item in enumerate(value)]
        else:
            raise TypeError(
                f"metadata[{key!r}] is {type(value).__name__}; only text or a list of text "
                "can be redacted (convert it first, or leave the key out of the redacted keys)"
            )
    return tuple(fields)


def restore_metadata(original: Mapping[str, Any], redacted: Mapping[str, str]) -> dict[str, Any]:
    """``original`` with each field from :func:`metadata_fields` replaced by ``redacted``."""
    out = dict(original)
    for field, value in redacted.items():
        key, bracket, index = field.partition("[")
        if field not in out and bracket and isinstance(out.get(key), (list, tuple)):
            items = list(out[key])
            items[int(index.rstrip("]"))] = value
            out[key] = items
        else:
            out[field] = value
    return out
