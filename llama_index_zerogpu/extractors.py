"""``ZeroGPUIABExtractor``: IAB categories as node metadata in ingestion pipelines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from llama_index.core.bridge.pydantic import Field, model_validator
from llama_index.core.extractors import BaseExtractor
from llama_index.core.schema import BaseNode, MetadataMode
from typing_extensions import Self

from llama_index_zerogpu._tasks import BatchModeSettings, ZeroGPUTaskSettings, node_texts
from zerogpu_core import ConnectionSettings
from zerogpu_core.tasks import (
    DEFAULT_IAB_MODEL,
    DEFAULT_MAX_CONCURRENCY,
    IABOptions,
    aclassify_iab_documents,
)

__all__ = ["ZeroGPUIABExtractor"]


class ZeroGPUIABExtractor(BaseExtractor, ZeroGPUTaskSettings, BatchModeSettings):
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

    model: str = Field(default=DEFAULT_IAB_MODEL, description="IAB model id.")
    multilingual: bool | None = Field(default=None, description="Sent as `multilingual`.")
    max_chunk_tokens: int | None = Field(default=None, ge=1, description="Budget override.")
    on_failure: Literal["raise", "keep"] = Field(default="raise")
    metadata_key: str = Field(default="iab", description="Metadata key for the result.")
    api_max_retries: int | None = Field(default=None, ge=0, description="Per-request retries.")
    num_workers: int = Field(
        default=DEFAULT_MAX_CONCURRENCY, ge=1, description="Requests in flight at once."
    )
    metadata_mode: MetadataMode = Field(
        default=MetadataMode.NONE, description="How node text is read for classification."
    )

    @model_validator(mode="after")
    def _check_options(self) -> Self:
        self._options()
        return self

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUIABExtractor"

    def _connection(self) -> ConnectionSettings:
        # BaseExtractor's max_retries re-runs the whole extraction; requests use ours.
        settings = super()._connection()
        return settings.model_copy(update={"max_retries": self.api_max_retries})

    def _options(self) -> IABOptions:
        return IABOptions(self.model, self.multilingual, self.max_chunk_tokens)

    async def aextract(self, nodes: Sequence[BaseNode]) -> list[dict[str, Any]]:
        """One ``{"iab": {...}}`` dict per node, in node order."""
        texts, ids = node_texts(
            nodes, self.metadata_mode, free_key=self.metadata_key, owner="ZeroGPUIABExtractor"
        )
        outcome = await aclassify_iab_documents(
            self._clients().async_client(),
            texts,
            self._options(),
            ids=ids,
            max_concurrency=self.num_workers,
            progress=self.show_progress,
            batch=self._batch_api(),
        )
        failed = {f.index: f for f in outcome.failures}
        metadata: list[dict[str, Any] | None] = []
        for index, result in enumerate(outcome.results):
            if result is not None:
                metadata.append({self.metadata_key: result.to_metadata()})
            elif self.on_failure == "keep":
                metadata.append({self.metadata_key: {"error": failed[index].to_metadata()}})
            else:
                metadata.append(None)
        if self.on_failure == "raise":
            outcome.raise_for_failures(metadata, noun="node")
        return [m if m is not None else {} for m in metadata]
