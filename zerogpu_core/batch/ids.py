"""Custom ids of a document job's lines, computed from line counts instead of stored.

A job built from documents sends one line per chunk, with the custom id
``doc-<document>-chunk-<chunk>``. Kept as strings, 100,000 ids cost about 7 MB in
memory and in every save of the job's state; :class:`LineIds` keeps 8 bytes per
document (where each document's lines end) and computes any id on demand. In a
state file they are saved as ``{"document_line_ends": "<base64>"}`` (little-endian
64-bit integers).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import sys
from array import array
from collections.abc import Sequence
from itertools import pairwise

from zerogpu_core._sequences import ComputedSequence

__all__ = ["LineIds", "line_id", "parse_line_id", "same_ids"]


def line_id(document: int, chunk: int) -> str:
    """The custom id of a document's chunk: ``doc-<document>-chunk-<chunk>``."""
    return f"doc-{document}-chunk-{chunk}"


def parse_line_id(custom_id: str) -> tuple[int, int] | None:
    """``(document, chunk)`` of a :func:`line_id`; ``None`` for any other id."""
    head, _, chunk = custom_id.partition("-chunk-")
    if not head.startswith("doc-") or not head[4:].isdigit() or not chunk.isdigit():
        return None
    return int(head[4:]), int(chunk)


class LineIds(ComputedSequence[str]):
    """The custom ids of a document job's lines, in line order.

    ``ends[i]`` is the number of lines of documents ``0`` to ``i`` (a document
    without lines ends where the one before it does).
    """

    def __init__(self, ends: array[int]) -> None:
        self.ends = ends

    def __len__(self) -> int:
        return self.ends[-1] if self.ends else 0

    def _item(self, line: int) -> str:
        document = bisect.bisect_right(self.ends, line)
        return line_id(document, line - (self.ends[document - 1] if document else 0))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return same_ids(self, other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def encode(self) -> str:
        """The ends as base64 of little-endian 64-bit integers."""
        ends = array("q", self.ends)
        if sys.byteorder == "big":
            ends.byteswap()
        return base64.b64encode(ends.tobytes()).decode("ascii")

    @classmethod
    def decode(cls, text: str) -> LineIds:
        """The inverse of :meth:`encode`.

        Raises:
            ValueError: when ``text`` is not such an encoding of non-decreasing,
                non-negative ends.
        """
        try:
            raw = base64.b64decode(text, validate=True)
        except binascii.Error:
            raise ValueError("document_line_ends is not base64") from None
        if len(raw) % 8:
            raise ValueError("document_line_ends is not a whole number of 64-bit integers")
        ends = array("q")
        ends.frombytes(raw)
        if sys.byteorder == "big":
            ends.byteswap()
        if ends and (ends[0] < 0 or any(b < a for a, b in pairwise(ends))):
            raise ValueError("document_line_ends must be non-negative and non-decreasing")
        return cls(ends)


def same_ids(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two id sequences are equal (without building strings when both are
    :class:`LineIds`)."""
    if isinstance(a, LineIds) and isinstance(b, LineIds):
        return a.ends == b.ends
    return len(a) == len(b) and all(x == y for x, y in zip(a, b, strict=True))
