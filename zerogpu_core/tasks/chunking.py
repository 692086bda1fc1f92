"""Splitting text to a task model's input budget without losing a character.

Task models silently truncate (or reject) input over their catalog limit, which for
a redactor would leave the tail unredacted. Every piece here is an exact slice of
the document, each piece's *estimated* token count fits the budget, and:

- :func:`split_text` gives contiguous chunks that concatenate back to the text
  (classification, where every character must be seen once);
- :func:`plan_windows` gives overlapping windows for redaction: consecutive
  windows share at least :data:`ENTITY_GUARANTEE` characters, so any entity of
  at most that many characters lies whole inside at least one window, wherever
  the cuts fall. Cuts still prefer sentence ends and whitespace, but nothing
  depends on guessing them right ("Dr. Novak", "John R. Smith").

The estimate is deliberately conservative for every kind of text: a subword
tokenizer spends a token on each digit, punctuation mark and symbol, one or more
on each CJK or full-width character, and about one per short word of prose. See
:func:`estimate_tokens`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from zerogpu_core.catalog import get_model

__all__ = [
    "DEFAULT_TOKEN_BUDGET",
    "ENTITY_GUARANTEE",
    "MIN_WINDOW_TOKENS",
    "TextChunk",
    "estimate_tokens",
    "plan_windows",
    "split_text",
    "token_budget",
]

#: Budget for model ids the catalog does not know: the smallest text-task limit.
DEFAULT_TOKEN_BUDGET = 400
#: Any entity of at most this many characters is seen whole by at least one request.
ENTITY_GUARANTEE = 100
# Costs are in twelfths of a token, so sums stay exact integers.
_UNIT = 12
_MAX_CHAR_COST = 2 * _UNIT
#: The smallest per-request budget that keeps the guarantee for any text: a window
#: must hold twice the overlap even if every character costs the maximum.
MIN_WINDOW_TOKENS = 2 * ENTITY_GUARANTEE * _MAX_CHAR_COST // _UNIT

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


# Each character is classified by a few regular-expression passes over the whole
# text (C speed) into a one-character code, then translated to its cost.
_CONTROL = re.compile("[\x00-\x08]")
_DOUBLE = re.compile("[\U00010000-\U0010ffff\uff01-\uff60\uffe0-\uffe6]")
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f]"
)
_WORD_START = re.compile(r"(?<![^\W\d_])[^\W\d_]")
_ASCII_LETTER = re.compile("[A-Za-z]")
_LETTER = re.compile(r"[^\W\d_]")
_EXTRA_SPACE = re.compile(r"(?<=\s) ")
_UNCLASSIFIED = re.compile("[^\x01-\x07 ]")
_COST = {1: _MAX_CHAR_COST, 2: _UNIT, 3: _UNIT, 4: _UNIT // 4, 5: _UNIT // 2, 6: _UNIT // 4}
_COST |= {7: _UNIT, 32: 0}
_TABLE = str.maketrans({chr(code): chr(cost) for code, cost in _COST.items()})
# Standalone cost of a code at the start of a slice (continuations become starts).
_START_COST = {_UNIT // 4: _UNIT, _UNIT // 2: _UNIT}


def _char_costs(text: str) -> bytes:
    """Each character's cost in twelfths of a token, in context.

    Codes: 1 emoji or full-width form, 2 CJK, 3 word start, 4 further ASCII letter,
    5 further letter of another script, 6 extra space of a run, 7 anything else
    (digit, punctuation, symbol, line break); a single space is free.
    """
    codes = _WIDE.sub("\x02", _DOUBLE.sub("\x01", _CONTROL.sub("\x07", text)))
    codes = _WORD_START.sub("\x03", codes)
    codes = _LETTER.sub("\x05", _ASCII_LETTER.sub("\x04", codes))
    codes = _UNCLASSIFIED.sub("\x07", _EXTRA_SPACE.sub("\x06", codes))
    return codes.translate(_TABLE).encode("latin-1")


def estimate_tokens(text: str) -> int:
    """A conservative token estimate for any text.

    One token per word start, digit, punctuation mark, symbol, line break and CJK
    character; a quarter token per further ASCII letter of a word (half for other
    scripts) and per extra space of a run; two tokens per full-width form or emoji;
    a single space is free. Prose comes out near 2.7 characters per token, a log
    of e-mails and phone numbers near 1.2.
    """
    return -(-sum(_char_costs(text)) // _UNIT)


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


class _Costs:
    """Prefix sums of a text's character costs, for slices starting anywhere."""

    def __init__(self, text: str) -> None:
        self.costs = _char_costs(text)
        self.prefix = [0, *accumulate(self.costs)]

    def furthest_end(self, start: int, max_tokens: int) -> int:
        """The largest end whose slice from ``start`` fits ``max_tokens`` (at least one char)."""
        # A slice's first character is costed as if it started the text.
        first = self.costs[start]
        correction = _START_COST.get(first, first) - first
        target = self.prefix[start] + max_tokens * _UNIT - correction
        return max(start + 1, bisect_right(self.prefix, target) - 1)


def split_text(text: str, max_tokens: int) -> list[TextChunk]:
    """Split ``text`` into contiguous chunks of at most ``max_tokens`` estimated tokens.

    Cuts fall after the last sentence end or line break that fits, else after the last
    whitespace, else (one unbroken run longer than the budget) at the budget itself.
    The chunks concatenate to ``text``; an empty text gives no chunks.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
    if len(text) * _MAX_CHAR_COST <= max_tokens * _UNIT:
        # No character costs more than the maximum, so short texts skip the scan.
        return [TextChunk(0, text)] if text else []
    costs = _Costs(text)
    chunks: list[TextChunk] = []
    start = 0
    while start < len(text):
        hard_end = costs.furthest_end(start, max_tokens)
        end = hard_end if hard_end >= len(text) else _cut(text, start, start + 1, hard_end)
        chunks.append(TextChunk(start, text[start:end]))
        start = end
    return chunks


def plan_windows(text: str, max_tokens: int, overlap: int = ENTITY_GUARANTEE) -> list[TextChunk]:
    """Overlapping windows of at most ``max_tokens`` estimated tokens covering ``text``.

    Consecutive windows share at least ``overlap`` characters, so every span of at
    most ``overlap`` characters lies whole inside one window. A window ends at the
    last sentence end, else whitespace, that leaves room for progress; the next one
    starts at a word start ``overlap`` to ``1.5 * overlap`` characters earlier.

    Raises:
        ValueError: when a window cannot hold ``2 * overlap`` characters of this text
            within ``max_tokens`` (the overlap guarantee could not be kept).
    """
    if len(text) * _MAX_CHAR_COST <= max_tokens * _UNIT:
        return [TextChunk(0, text)] if text else []
    costs = _Costs(text)
    windows: list[TextChunk] = []
    start = 0
    while True:
        hard_end = costs.furthest_end(start, max_tokens)
        if hard_end >= len(text):
            windows.append(TextChunk(start, text[start:]))
            return windows
        if hard_end - start < 2 * overlap:
            raise ValueError(
                f"a request of {max_tokens} tokens holds only {hard_end - start} characters of "
                f"this text at offset {start}, fewer than the {2 * overlap} needed to keep every "
                f"entity of up to {overlap} characters whole; use a budget of at least "
                f"{MIN_WINDOW_TOKENS} tokens"
            )
        end = _cut(text, start, start + 2 * overlap, hard_end)
        windows.append(TextChunk(start, text[start:end]))
        start = _next_start(text, end - overlap, overlap // 2)


def _cut(text: str, start: int, earliest: int, hard_end: int) -> int:
    """The preferred end in ``[earliest, hard_end]``: a sentence end, else whitespace."""
    window = text[start:hard_end]
    for pattern in (_SENTENCE_END, _WHITESPACE):
        ends = [
            m.end()
            for m in pattern.finditer(window)
            if m.start() > 0 and start + m.end() >= earliest
        ]
        if ends:
            return start + ends[-1]
    return hard_end


def _next_start(text: str, latest: int, slack: int) -> int:
    """The last word start in ``[latest - slack, latest]``, else ``latest``."""
    for position in range(latest, max(latest - slack, 1) - 1, -1):
        if text[position - 1].isspace() and not text[position].isspace():
            return position
    return latest
