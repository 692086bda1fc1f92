"""How the emulator counts input tokens: roughly like a subword tokenizer.

Real tokenizers spend a token on most digits and punctuation marks, one or two on
CJK and full-width characters, and about one per short English word. Counting
``len / 4`` instead would let a client that sends token-dense text (logs, tables
of e-mails and phone numbers) pass the emulator's input limit and fail on the
real service. The client's own estimate (``zerogpu_core.tasks.estimate_tokens``)
is never below this count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from zerogpu_core.catalog import ModelInfo

__all__ = ["ContextPolicy", "Overflow", "count_tokens", "truncate_to_tokens"]

Overflow = Literal["model", "reject", "truncate"]
# Models whose documented behaviour is silent truncation rather than rejection.
_TRUNCATING = frozenset({"t5-small", "zlm-v1-multi-iab-classify"})


_DOUBLE = re.compile("[\U00010000-\U0010ffff\uff01-\uff60\uffe0-\uffe6]")
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f]"
)
_WORD = re.compile(r"[^\W\d_]+")
_ASCII_LETTER = re.compile("[A-Za-z]")
_EXTRA_SPACE = re.compile(r"(?<=\s) ")


def _count(pattern: re.Pattern[str], text: str) -> int:
    return pattern.subn("", text)[1]


def count_tokens(text: str) -> int:
    """Tokens of ``text``: a word is one token, plus one per four further ASCII
    letters (two for other scripts); every digit, mark, CJK character and line
    break is one; emoji and full-width forms two; a single space is free."""
    doubles = _count(_DOUBLE, text)
    wides = _count(_WIDE, text)
    narrow = _WIDE.sub("\x00", _DOUBLE.sub("\x00", text)) if doubles or wides else text
    words = _count(_WORD, narrow)
    letters = len(narrow) - len(_WORD.sub("", narrow))
    ascii_letters = _count(_ASCII_LETTER, narrow)
    others = len(text) - letters - doubles - wides - text.count(" ")
    # Each word's first letter is its token; the rest add up in quarters (halves).
    further = max(3 * ascii_letters + 6 * (letters - ascii_letters) - 6 * words, 0)
    return words + further // 12 + others + wides + 2 * doubles + _count(_EXTRA_SPACE, text) // 4


def truncate_to_tokens(text: str, limit: int) -> str:
    """The longest prefix of ``text`` that counts at most ``limit`` tokens."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if count_tokens(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return text[:low]


@dataclass(frozen=True)
class ContextPolicy:
    """What happens to input over a model's limit.

    Attributes:
        status: the status of a ``context_length_exceeded`` rejection (400 or 420).
        overflow: ``"model"`` truncates for the models documented to truncate and
            rejects for the others; ``"reject"`` and ``"truncate"`` apply to all.
        input_token_limit: replaces every model's catalog limit (tests use a small
            one to see overflow with short inputs).
    """

    status: int = 400
    overflow: Overflow = "model"
    input_token_limit: int | None = None

    def limit(self, model: ModelInfo) -> int:
        """The input limit that applies to ``model``."""
        return self.input_token_limit or model.input_token_limit

    def truncates(self, model: ModelInfo) -> bool:
        """Whether over-long input for ``model`` is cut instead of rejected."""
        if self.overflow == "model":
            return model.id in _TRUNCATING
        return self.overflow == "truncate"
