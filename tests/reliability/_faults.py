"""Scripted fault sequences for the reliability suite, and a corpus with PII.

The emulator's fault queue is consumed in arrival order, one entry per request, and
an empty ``Fault()`` lets a request through untouched. A script is therefore a list
of request outcomes: after a run, the first ``consumed`` entries are exactly the
faults that were injected, whichever document each request belonged to.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from typing import Any

from langchain_core.documents import Document

from zerogpu_core.emulator import Emulator, Fault

__all__ = [
    "API_KEY",
    "CLIENT_TIMEOUT",
    "RETRY_BUDGET",
    "FaultScript",
    "attempts_by_prompt",
    "documents_with_pii",
]

API_KEY = "test-key"
RETRY_BUDGET = 4
#: Client timeout per attempt; a ``timeout`` fault holds its answer twice as long. Generous
#: because the emulator shares the test process: under load a healthy request can stall
#: for a fraction of a second, and a spurious timeout would read as an extra retry.
CLIENT_TIMEOUT = 1.5
# One fault per ten requests; a timeout costs a worker CLIENT_TIMEOUT, so it is the rarest.
_ROTATION = ("429", "500", "503", "drop", "429-ms", "500", "503", "drop", "429", "timeout")


def _fault(kind: str) -> Fault:
    # Transient statuses carry a zero Retry-After so the suite does not sleep; the
    # header path is what is under test, not the length of the wait.
    if kind == "429":
        return Fault(status=429, headers={"Retry-After": "0"})
    if kind == "429-ms":
        return Fault(status=429, headers={"retry-after-ms": "1"})
    if kind in ("500", "503"):
        return Fault(status=int(kind), headers={"Retry-After": "0"})
    if kind == "drop":
        return Fault(drop_connection=True)
    if kind == "timeout":
        return Fault(latency=2 * CLIENT_TIMEOUT)
    raise ValueError(kind)


@dataclass
class FaultScript:
    """Request outcomes in arrival order: ``None`` passes, a kind injects that fault."""

    entries: list[str | None]

    @classmethod
    def every_tenth(cls, requests: int) -> FaultScript:
        """10% transient faults, kinds rotating, enough slots for ``requests`` requests."""
        slots = requests + requests // 9 + 10
        entries: list[str | None] = [None] * slots
        for number, slot in enumerate(range(9, slots, 10)):
            entries[slot] = _ROTATION[number % len(_ROTATION)]
        return cls(entries)

    def install(self, emulator: Emulator) -> None:
        """Queue the script on ``emulator``."""
        for entry in self.entries:
            emulator.faults.add(Fault() if entry is None else _fault(entry))

    def injected(self, emulator: Emulator) -> collections.Counter[str]:
        """The faults the emulator has served so far, by kind."""
        consumed = len(self.entries) - len(emulator.faults)
        return collections.Counter(e for e in self.entries[:consumed] if e is not None)


def attempts_by_prompt(emulator: Emulator) -> collections.Counter[str]:
    """How many requests the emulator saw per user message text."""
    counts: collections.Counter[str] = collections.Counter()
    for request in emulator.requests:
        body: Any = request.json
        counts[body["messages"][-1]["content"]] += 1
    return counts


def documents_with_pii(size: int) -> list[Document]:
    """Documents with ids and an email address and a phone number each."""
    return [
        Document(
            page_content=(
                f"Ticket {i}: the customer wrote from user{i}@example.com and asked for a "
                f"call back on +1 415 555 {i % 10_000:04d} about a delayed order."
            ),
            id=f"doc-{i}",
            metadata={"position": i},
        )
        for i in range(size)
    ]
