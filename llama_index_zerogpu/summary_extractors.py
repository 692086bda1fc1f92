"""Summaries and signals as node metadata in ingestion pipelines.

``ZeroGPUSummaryExtractor`` writes the keys of LlamaIndex's own ``SummaryExtractor``
(``section_summary``, and ``prev_section_summary`` / ``next_section_summary`` when
asked), so it can replace it in a pipeline; ``ZeroGPUSignalsExtractor`` writes
``metadata["signals"]``. Both share ``_TaskExtractor`` (connection settings,
``num_workers``, batch mode, failure policy) with the other ZeroGPU extractors.

There is no domain-IAB extractor: a node holds a piece of a document's text, while
the domain classifier reads the site's domain name, one value per source rather
than per node (use ``zerogpu_core.tasks.classify_domains`` or LangChain's
``ZeroGPUDomainClassifier``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llama_index.core.bridge.pydantic import Field, field_validator
from llama_index.core.schema import BaseNode

from llama_index_zerogpu.extractors import _TaskExtractor
from zerogpu_core.tasks.content_fields import SignalsFields, SummaryFields

__all__ = ["ZeroGPUSignalsExtractor", "ZeroGPUSummaryExtractor"]

_SELF, _PREV, _NEXT = "section_summary", "prev_section_summary", "next_section_summary"
_WHICH = {"self", "prev", "next"}


class ZeroGPUSummaryExtractor(_TaskExtractor, SummaryFields):
    """Adds ``metadata["section_summary"]`` (and the neighbours' summaries when
    ``summaries`` includes ``"prev"`` / ``"next"``) to every node.

    Example:
        >>> from llama_index.core.ingestion import IngestionPipeline
        >>> extractor = ZeroGPUSummaryExtractor(model="t5-small", summaries=["self", "prev"])
        >>> pipeline = IngestionPipeline(transformations=[extractor])
        >>> nodes = pipeline.run(documents=docs)  # doctest: +SKIP

    A node longer than the model's input limit (512 tokens for ``t5-small``) is
    summarised in chunks joined in order, never truncated. With
    ``on_failure="keep"`` a failed node gets ``{"section_summary": {"error": {...}}}``
    and its neighbours no summary of it. Settings and batch mode are those of
    :class:`~llama_index_zerogpu.ZeroGPUIABExtractor`.
    """

    summaries: list[str] = Field(
        default=["self"], description="Which summaries to add: 'self', 'prev', 'next'."
    )

    @field_validator("summaries")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - _WHICH)
        if unknown or not value:
            raise ValueError(f"summaries must name some of 'self', 'prev', 'next'; got {value}")
        return value

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUSummaryExtractor"

    async def aextract(self, nodes: Sequence[BaseNode]) -> list[dict[str, Any]]:
        """One dict of summary keys per node, in node order."""
        task = self._tagging_task()
        found = await self._extract(nodes, task, _SELF, self.on_failure)
        texts = [_text(entry[_SELF]) for entry in found]
        return [self._entry(texts, i, entry[_SELF]) for i, entry in enumerate(found)]

    def _entry(self, texts: list[str | None], index: int, own: dict[str, Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        if "prev" in self.summaries and index > 0 and texts[index - 1] is not None:
            entry[_PREV] = texts[index - 1]
        if "next" in self.summaries and index + 1 < len(texts) and texts[index + 1] is not None:
            entry[_NEXT] = texts[index + 1]
        if "self" in self.summaries or texts[index] is None:
            # A failure is always recorded, even when only neighbours were asked for.
            entry[_SELF] = texts[index] if texts[index] is not None else own
        return entry


def _text(value: dict[str, Any]) -> str | None:
    """The summary text of a result entry, ``None`` for a kept failure."""
    summary = value.get("summary")
    return summary if isinstance(summary, str) else None


class ZeroGPUSignalsExtractor(_TaskExtractor, SignalsFields):
    """Adds ``metadata["signals"]`` (topics, keywords, intent) to every node.

    Long nodes are read in chunks and merged. ``zlm-v1-signal-extract`` is served
    on ``/v1/responses`` only, so ``mode="batch"`` is refused at construction.
    Settings and failure policy are those of
    :class:`~llama_index_zerogpu.ZeroGPUIABExtractor`.
    """

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUSignalsExtractor"

    async def aextract(self, nodes: Sequence[BaseNode]) -> list[dict[str, Any]]:
        """One ``{"signals": {...}}`` dict per node, in node order."""
        task = self._tagging_task()
        return await self._extract(nodes, task, self.metadata_key, self.on_failure)
