"""Safety verdicts from ``llama-guard-4-12b`` on the chat route.

The text to judge (a prompt or a reply) is the user message of a chat request; Llama
Guard answers with text: ``safe``, or ``unsafe`` and, on the next line, the
violated hazard codes (``S1``-``S14``) separated by commas.
:func:`parse_guard_verdict` reads that into a :class:`GuardVerdict`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zerogpu_core.tasks._payload import TaskOutputError

__all__ = [
    "GUARD_MODEL",
    "HAZARD_CATEGORIES",
    "GuardVerdict",
    "parse_guard_verdict",
]

GUARD_MODEL = "llama-guard-4-12b"

#: Llama Guard 4's hazard taxonomy (MLCommons), code to name.
HAZARD_CATEGORIES: dict[str, str] = {
    "S1": "Violent Crimes",
    "S2": "Non-Violent Crimes",
    "S3": "Sex-Related Crimes",
    "S4": "Child Sexual Exploitation",
    "S5": "Defamation",
    "S6": "Specialized Advice",
    "S7": "Privacy",
    "S8": "Intellectual Property",
    "S9": "Indiscriminate Weapons",
    "S10": "Hate",
    "S11": "Suicide & Self-Harm",
    "S12": "Sexual Content",
    "S13": "Elections",
    "S14": "Code Interpreter Abuse",
}
_CODE = re.compile(r"S\d{1,2}")


@dataclass(frozen=True)
class GuardVerdict:
    """A Llama Guard verdict.

    Attributes:
        safe: ``True`` for ``safe``.
        codes: the hazard codes of an ``unsafe`` verdict, e.g. ``("S1", "S10")``.
        text: the verdict as the model wrote it.
    """

    safe: bool
    codes: tuple[str, ...]
    text: str

    @property
    def categories(self) -> list[str]:
        """The hazard names of :attr:`codes` (unknown codes as they are)."""
        return [HAZARD_CATEGORIES.get(code, code) for code in self.codes]


def parse_guard_verdict(text: str, *, model: str = GUARD_MODEL) -> GuardVerdict:
    """Read a verdict.

    Raises:
        TaskOutputError: when the text does not start with ``safe`` or ``unsafe``
            (not quoted: it may repeat the moderated input).
    """
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    head = lines[0].lower() if lines else ""
    if head not in ("safe", "unsafe"):
        raise TaskOutputError(
            f"{model} returned {len(text)} characters that are not a safe/unsafe verdict"
        )
    codes = tuple(_CODE.findall(" ".join(lines[1:]).upper())) if head == "unsafe" else ()
    return GuardVerdict(safe=head == "safe", codes=codes, text=text.strip())
