"""Zero-shot classification with ``deberta-v3-small`` against the caller's labels.

The labels travel as the top-level ``categories`` field (the docs also show a
bracketed list in ``instructions`` or a system message). The payload maps each label
to a probability, e.g. ``{"technology": 0.97, "sports": 0.01}``; keys may come back
lower-cased.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zerogpu_core.tasks._checks import check_labels
from zerogpu_core.tasks.single_turn import response_request

__all__ = ["ZERO_SHOT_MODEL", "zero_shot_request"]

ZERO_SHOT_MODEL = "deberta-v3-small"


def zero_shot_request(
    text: str, labels: Sequence[str], *, model: str = ZERO_SHOT_MODEL
) -> dict[str, Any]:
    """The ``/responses`` body scoring ``text`` against ``labels``."""
    categories = check_labels(labels, argument="labels")
    return response_request(model, text, extra_body={"categories": categories})
