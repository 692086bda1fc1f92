"""What one framework's run produced, in a shape the report can print."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from zerogpu_core.tasks import ModerationVerdict

__all__ = [
    "ENTITY_LABELS",
    "PipelineRun",
    "Source",
    "TokenCount",
    "add_entities",
    "stored_text",
    "top_category",
]

#: What the entity extractors look for (after redaction, so no personal data).
ENTITY_LABELS = ("product", "organization", "date")


@dataclass
class TokenCount:
    """Chat-model tokens as reported by the server."""

    input: int = 0
    output: int = 0
    reasoning: int = 0
    calls: int = 0

    def add(self, input: int, output: int, reasoning: int = 0) -> None:
        """Count one chat call."""
        self.input += input
        self.output += output
        self.reasoning += reasoning
        self.calls += 1


@dataclass(frozen=True)
class Source:
    """A retrieved document the answer was based on."""

    doc_id: str
    score: float | None
    category: str


@dataclass
class PipelineRun:
    """One framework's ingestion, retrieval and answer.

    Attributes:
        framework: ``"LlamaIndex"`` or ``"LangChain"``.
        documents: number of input documents.
        redacted: placeholders inserted, per PII label.
        categories: documents per top IAB 2.2 category.
        entities: ``(document, label, text)`` of each entity found, once per document.
        stored: everything written to the vector store (text and metadata as JSON).
        vectors: number of vectors stored, and their dimension.
        question: what was asked.
        answer: the model's answer.
        sources: retrieved documents.
        tool_calls: ``name(arguments)`` of each tool call the model made.
        moderation: the verdict on the ``"question"`` and on the ``"answer"``.
        tokens: chat tokens reported by the server.
        response_ids: chat completion ids (to tell emulated answers apart).
        timings: seconds per stage.
    """

    framework: str
    documents: int = 0
    redacted: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    entities: set[tuple[str, str, str]] = field(default_factory=set)
    stored: list[str] = field(default_factory=list)
    vectors: tuple[int, int] = (0, 0)
    question: str = ""
    answer: str = ""
    sources: list[Source] = field(default_factory=list)
    tool_calls: list[str] = field(default_factory=list)
    moderation: dict[str, ModerationVerdict] = field(default_factory=dict)
    tokens: TokenCount = field(default_factory=TokenCount)
    response_ids: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Record the seconds the ``with`` block takes under ``stage``."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = time.perf_counter() - start


def top_category(iab: Mapping[str, Any] | None) -> str:
    """The highest-scoring IAB 2.2 (else 1.0) category name of an ``iab`` metadata dict."""
    for key in ("iab_2_2", "iab_1_0"):
        found = (iab or {}).get(key) or []
        if found:
            return str(found[0]["name"])
    return "(none)"


def stored_text(text: str, metadata: Mapping[str, Any]) -> str:
    """A stored item as one string, so a leak check sees its metadata too."""
    return text + "\n" + json.dumps(dict(metadata), ensure_ascii=False, default=str)


def add_entities(run: PipelineRun, doc_id: str, entities: Mapping[str, Any] | None) -> None:
    """Record the ``metadata["entities"]`` of one document or node (texts by label)."""
    for label, texts in (entities or {}).get("by_label", {}).items():
        run.entities.update((doc_id, str(label), str(text)) for text in texts)
