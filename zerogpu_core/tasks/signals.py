"""Contextual signals (topics, keywords, intent) with ``zlm-v1-signal-extract``.

The model is used by ``langchain-zerogpu`` 1.2.0 but not described in ZeroGPU's
docs, so its payload is returned as decoded, without a typed reading.
"""

from __future__ import annotations

from typing import Any

from zerogpu_core.tasks.single_turn import response_request

__all__ = ["SIGNALS_MODEL", "signals_request"]

SIGNALS_MODEL = "zlm-v1-signal-extract"


def signals_request(text: str, *, model: str = SIGNALS_MODEL) -> dict[str, Any]:
    """The ``/responses`` body extracting signals from a passage of ``text``."""
    return response_request(model, text)
