"""JSON extraction and schema classification (``gliner2-base-v1``) as node metadata.

Both derive from the shared ``_TaskExtractor`` of :mod:`llama_index_zerogpu.extractors`:
the connection settings, ``num_workers``, batch mode and the failure policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llama_index.core.schema import BaseNode

from llama_index_zerogpu.extractors import _TaskExtractor
from zerogpu_core.tasks.fields import JSONExtractionFields, SchemaClassificationFields

__all__ = ["ZeroGPUJSONExtractor", "ZeroGPUSchemaClassificationExtractor"]


class ZeroGPUJSONExtractor(_TaskExtractor, JSONExtractionFields):
    """Adds ``metadata["json_extraction"]`` (``{"data": {group: [records]}}``, one
    object per node) for an ``extraction_schema`` such as
    ``{"contact": ["name::str::Full name", "email::str::Email address"]}``.

    Example:
        >>> from llama_index.core.ingestion import IngestionPipeline
        >>> extractor = ZeroGPUJSONExtractor(extraction_schema={"order": ["id::str::Order id"]})
        >>> pipeline = IngestionPipeline(transformations=[extractor])
        >>> nodes = pipeline.run(documents=docs)  # doctest: +SKIP

    Long nodes are read in overlapping windows whose records are merged. Settings,
    failure policy and batch mode are those of
    :class:`~llama_index_zerogpu.ZeroGPUIABExtractor`.
    """

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUJSONExtractor"

    async def aextract(self, nodes: Sequence[BaseNode]) -> list[dict[str, Any]]:
        """One ``{"json_extraction": {...}}`` dict per node, in node order."""
        task = self._tagging_task()
        return await self._extract(nodes, task, self.metadata_key, self.on_failure)


class ZeroGPUSchemaClassificationExtractor(_TaskExtractor, SchemaClassificationFields):
    """Adds ``metadata["schema_classification"]`` (one label per axis, and the share
    of the text that chose each label) for a ``classification_schema`` such as
    ``{"sentiment": ["positive", "negative", "neutral"]}``.

    Long nodes are classified in chunks; each axis takes the label chosen for the
    largest share of the text. Settings, failure policy and batch mode are those of
    :class:`~llama_index_zerogpu.ZeroGPUIABExtractor`.
    """

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUSchemaClassificationExtractor"

    async def aextract(self, nodes: Sequence[BaseNode]) -> list[dict[str, Any]]:
        """One ``{"schema_classification": {...}}`` dict per node, in node order."""
        task = self._tagging_task()
        return await self._extract(nodes, task, self.metadata_key, self.on_failure)
