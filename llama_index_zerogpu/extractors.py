"""``ZeroGPUIABExtractor``: IAB categories as node metadata in ingestion pipelines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llama_index.core.bridge.pydantic import Field
from llama_index.core.extractors import BaseExtractor
from llama_index.core.schema import BaseNode, MetadataMode

from llama_index_zerogpu._tasks import ZeroGPUTaskSettings, node_texts
from zerogpu_core import ConnectionSettings
from zerogpu_core.tasks import DEFAULT_MAX_CONCURRENCY, aclassify_iab_documents
from zerogpu_core.tasks.fields import BatchModeFields, IABFields

__all__ = ["ZeroGPUIABExtractor"]


class ZeroGPUIABExtractor(BaseExtractor, IABFields, BatchModeFields, ZeroGPUTaskSettings):
    """Adds ``metadata["iab"]`` (IAB 1.0 / 2.2 categories, audience, and topics,
    keywords and intent for enriched models) to every node.

    Example:
        >>> from llama_index.core.ingestion import IngestionPipeline
        >>> pipeline = IngestionPipeline(transformations=[ZeroGPUIABExtractor()])
        >>> nodes = pipeline.run(documents=docs)  # doctest: +SKIP

    Nodes are read without their metadata header (``metadata_mode=NONE``); long
    nodes are classified in chunks and merged. At most ``num_workers`` requests run
    at once. A failure raises :class:`~zerogpu_core.tasks.BatchTransformError`
    (``.results`` holds the finished metadata dicts), or with ``on_failure="keep"``
    leaves the node's other metadata and records ``{"iab": {"error": {...}}}``.
    ``api_max_retries`` sets per-request retries; the inherited ``max_retries``
    re-runs the whole extraction and is best left at 0. ``mode="batch"`` runs the
    chunks as one Batch API job with the same results (``docs/guides/batch.md``).
    """

    api_max_retries: int | None = Field(default=None, ge=0, description="Per-request retries.")
    num_workers: int = Field(
        default=DEFAULT_MAX_CONCURRENCY, ge=1, description="Requests in flight at once."
    )
    metadata_mode: MetadataMode = Field(
        default=MetadataMode.NONE, description="How node text is read for classification."
    )

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUIABExtractor"

    def _connection(self) -> ConnectionSettings:
        # BaseExtractor's max_retries re-runs the whole extraction; requests use ours.
        settings = super()._connection()
        return settings.model_copy(update={"max_retries": self.api_max_retries})

    async def aextract(self, nodes: Sequence[BaseNode]) -> list[dict[str, Any]]:
        """One ``{"iab": {...}}`` dict per node, in node order."""
        texts, ids = node_texts(
            nodes, self.metadata_mode, free_key=self.metadata_key, owner="ZeroGPUIABExtractor"
        )
        outcome = await aclassify_iab_documents(
            self._clients().async_client(),
            texts,
            self._iab_options(),
            ids=ids,
            max_concurrency=self.num_workers,
            progress=self.show_progress,
            batch=self._batch_api(),
        )
        key = self.metadata_key
        converted = [None if r is None else {key: r.to_metadata()} for r in outcome.results]
        return outcome.keep_failed(
            converted,
            on_failure=self.on_failure,
            kept=lambda _index, failure: {key: {"error": failure.to_metadata()}},
            noun="node",
        )
