"""``POST /v1/moderations`` wire models (OpenAI's 13-category envelope)."""

from __future__ import annotations

from pydantic import Field

from zerogpu_core.types._base import ResponseModel, WireModel

__all__ = ["ModerationResponse", "ModerationResult"]


class ModerationResult(WireModel):
    """The verdict for one input."""

    flagged: bool
    categories: dict[str, bool] = Field(default_factory=dict)
    category_scores: dict[str, float] = Field(default_factory=dict)
    category_applied_input_types: dict[str, list[str]] = Field(default_factory=dict)


class ModerationResponse(ResponseModel):
    """One result per input string (text parts together form a single input)."""

    id: str = ""
    model: str = ""
    results: list[ModerationResult] = Field(default_factory=list)
