"""Splitting text to a task model's input budget without losing a character.

Task models silently truncate (or reject) input over their catalog limit, which for
a redactor would leave the tail unredacted. Chunks here always concatenate back to
the original text exactly, and each chunk's *estimated* token count fits the budget.

The estimate is deliberately conservative (CONTRACT 14): about three characters per
token, and one token per wide (CJK) character, whose scripts tokenise densely.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from zerogpu_core.catalog import get_model

__all__ = [
    "CHARS_PER_TOKEN",
    "DEFAULT_TOKEN_BUDGET",
    "TextChunk",
    "estimate_tokens",
    "split_text",
    "token_budget",
]

CHARS_PER_TOKEN = 3
#: Budget for model ids the catalog does not know: the smallest text-task limit.
DEFAULT_TOKEN_BUDGET = 400

# A boundary is the whitespace after sentence-final punctuation, or a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?;:\u3002\uff01\uff1f\u2026])\s+|\n\s*")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TextChunk:
    """A slice of a document: ``text == document[start:end]``."""

    start: int
    text: str

    @property
    def end(self) -> int:
        """End offset (exclusive) in the document."""
        return self.start + len(self.text)

    @property
    def is_blank(self) -> bool:
        """Whether the chunk holds only whitespace (nothing to send)."""
        return not self.text.strip()


def _cost(char: str) -> int:
    # Costs are in thirds of a token so the sum stays an exact integer.
    if ord(char) >= 0x1100 and unicodedata.east_asian_width(char) in ("W", "F"):
        return CHARS_PER_TOKEN
    return 1


def estimate_tokens(text: str) -> int:
    """A conservative token estimate: ``ceil(narrow / 3) + wide``."""
    thirds = sum(_cost(c) for c in text)
    return -(-thirds // CHARS_PER_TOKEN)


def token_budget(model: str, override: int | None = None) -> int:
    """Input tokens one request may carry: ``override``, else the catalog limit.

    Raises:
        ValueError: when ``override`` is not a positive integer.
    """
    if override is not None:
        if override < 1:
            raise ValueError(f"max_chunk_tokens must be at least 1, got {override}")
        return override
    info = get_model(model)
    return info.input_token_limit if info is not None else DEFAULT_TOKEN_BUDGET


def split_text(text: str, max_tokens: int) -> list[TextChunk]:
    """Split ``text`` into chunks of at most ``max_tokens`` estimated tokens.

    Cuts fall after the last sentence end or line break that fits, else after the last
    whitespace, else (one unbroken run longer than the budget) at the budget itself.
    The chunks concatenate to ``text``; an empty text gives no chunks.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
    if len(text) <= max_tokens:
        # No character costs more than a token, so short texts skip the per-character scan.
        return [TextChunk(0, text)] if text else []
    limit = max_tokens * CHARS_PER_TOKEN
    prefix = [0, *accumulate(_cost(c) for c in text)]
    chunks: list[TextChunk] = []
    start = 0
    while start < len(text):
        # Largest end with prefix[end] - prefix[start] <= limit (at least one char).
        hard_end = max(start + 1, bisect_right(prefix, prefix[start] + limit) - 1)
        end = hard_end if hard_end >= len(text) else _cut(text, start, hard_end)
        chunks.append(TextChunk(start, text[start:end]))
        start = end
    return chunks


def _cut(text: str, start: int, hard_end: int) -> int:
    window = text[start:hard_end]
    for pattern in (_SENTENCE_END, _WHITESPACE):
        ends = [m.end() for m in pattern.finditer(window) if m.start() > 0]
        if ends:
            return start + ends[-1]
    return hard_end
