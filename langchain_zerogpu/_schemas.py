"""Argument schemas of the ZeroGPU tools (the ``langchain-zerogpu`` 1.2.0 fields).

The field names, types, defaults and constraints are what 1.2.0 tools accept, so
existing agents and tool calls keep validating; ``tests/langchain/compat`` compares
them with a snapshot taken from the 1.2.0 wheel.
"""

from __future__ import annotations

import warnings
from typing import Any

from pydantic import BaseModel, Field

# Two schemas need a field called "schema" (the name tool-calling models see), which
# shadows BaseModel.schema; pydantic warns each time such a model is built, including
# LangChain's rebuilds when a tool is bound. Silence exactly that warning.
warnings.filterwarnings(
    "ignore",
    message=r'Field name "schema" in "[^"]*" shadows an attribute in parent "BaseModel"',
    category=UserWarning,
)

__all__ = [
    "ChatInput",
    "DomainInput",
    "ExtractEntitiesInput",
    "ExtractJSONInput",
    "ExtractPIIInput",
    "RedactPIIInput",
    "StructuredClassifyInput",
    "TextInput",
    "ZeroShotInput",
]

_THRESHOLD = "Minimum confidence from 0 to 1; lower-scoring results are left out."


class TextInput(BaseModel):
    """One passage of text."""

    text: str = Field(..., description="The text to process.")


class ChatInput(BaseModel):
    """A single-turn prompt."""

    text: str = Field(..., description="The prompt or message to answer.")
    system: str | None = Field(default=None, description="Optional system instructions.")


class DomainInput(BaseModel):
    """A site's domain name."""

    domain: str = Field(
        ...,
        description="A bare domain name such as 'example.com' (a URL is reduced to its host).",
    )


class ZeroShotInput(BaseModel):
    """Text and the labels to score it against."""

    text: str = Field(..., description="The text to classify.")
    labels: list[str] = Field(
        ...,
        min_length=1,
        description="Candidate labels, e.g. ['billing', 'shipping', 'returns'].",
    )


class StructuredClassifyInput(BaseModel):
    """Text and the axes to classify it on."""

    text: str = Field(..., description="The text to classify.")
    schema: dict[str, Any] = Field(  # type: ignore[assignment]
        ...,
        description="Each axis with its candidate labels, e.g. "
        "{'sentiment': ['positive', 'negative'], 'urgency': ['high', 'low']}.",
    )
    threshold: float | None = Field(default=None, description=_THRESHOLD)


class ExtractEntitiesInput(BaseModel):
    """Text and the entity types to find."""

    text: str = Field(..., description="The text to search.")
    labels: list[str] = Field(
        ..., min_length=1, description="Entity types, e.g. ['person', 'product', 'city']."
    )
    threshold: float | None = Field(default=None, description=_THRESHOLD)


class ExtractJSONInput(BaseModel):
    """Text and the fields to extract from it."""

    text: str = Field(..., description="The text to extract from.")
    schema: dict[str, Any] = Field(  # type: ignore[assignment]
        ...,
        description="Groups of 'field::type::description' specs, e.g. "
        "{'order': ['id::str::Order number', 'total::str::Amount paid']}.",
    )
    threshold: float | None = Field(default=None, description=_THRESHOLD)


class ExtractPIIInput(BaseModel):
    """Text to scan for personal data."""

    text: str = Field(..., description="The text to scan.")
    categories: list[str] | None = Field(
        default=None,
        description="Category groups to look for, e.g. ['identity', 'contact']; all if omitted.",
    )
    threshold: float | None = Field(default=None, description=_THRESHOLD)


class RedactPIIInput(BaseModel):
    """Text to remove personal data from."""

    text: str = Field(..., description="The text to redact.")
    categories: list[str] | None = Field(
        default=None,
        description="Category groups to redact, e.g. ['contact']; all if omitted.",
    )
    threshold: float | None = Field(default=None, description=_THRESHOLD)
