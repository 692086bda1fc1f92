"""Rule-based stand-ins for models seen only in ``langchain-zerogpu`` 1.2.0.

``llama-guard-4-12b`` answers on the chat route with Llama Guard's text verdict:
``safe``, or ``unsafe`` and a line of hazard codes (``S1``-``S14``).
``zlm-v1-signal-extract`` returns topics, keywords and an intent; its exact payload is
not published, so the enriched IAB models' signal keys are used. Both are
deterministic keyword rules, not model output.
"""

from __future__ import annotations

from zerogpu_core.emulator.iab import signals_payload
from zerogpu_core.emulator.moderations import moderate
from zerogpu_core.emulator.wire import JSONObject

__all__ = ["guard_verdict", "signals_payload"]

# The emulated moderation categories, mapped to the Llama Guard 4 hazard codes.
_HAZARDS: dict[str, str] = {
    "violence": "S1",
    "violence/graphic": "S1",
    "harassment/threatening": "S1",
    "illicit/violent": "S1",
    "illicit": "S2",
    "sexual/minors": "S4",
    "hate": "S10",
    "hate/threatening": "S10",
    "harassment": "S10",
    "self-harm": "S11",
    "self-harm/intent": "S11",
    "self-harm/instructions": "S11",
    "sexual": "S12",
}


def guard_verdict(text: str) -> str:
    """``safe``, or ``unsafe`` and the comma-separated hazard codes on a second line."""
    flags: JSONObject = moderate(text)["categories"]
    codes = sorted({_HAZARDS[c] for c, flagged in flags.items() if flagged}, key=_code_order)
    return "safe" if not codes else "unsafe\n" + ",".join(codes)


def _code_order(code: str) -> int:
    return int(code[1:])
