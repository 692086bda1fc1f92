"""ZeroGPU task results as node metadata in ingestion pipelines.

``ZeroGPUIABExtractor`` (IAB categories), ``ZeroGPUEntityExtractor`` (named
entities) and ``ZeroGPUZeroShotExtractor`` (scores for your labels) share one base:
the connection settings, ``num_workers``, batch mode and the failure policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llama_index.core.bridge.pydantic import Field
from llama_index.core.extractors import BaseExtractor
from llama_index.core.schema import BaseNode, MetadataMode

from llama_index_zerogpu._tasks import ZeroGPUTaskSettings, node_texts
from zerogpu_core import ConnectionSettings
from zerogpu_core.tasks import DEFAULT_MAX_CONCURRENCY, ChunkedTask, KeepPolicy
from zerogpu_core.tasks.fields import BatchModeFields, EntityFields, IABFields, ZeroShotFields
from zerogpu_core.tasks.outcomes import acollect_converted
from zerogpu_core.tasks.results import FailurePolicy
from zerogpu_core.tasks.runner import aiter_documents

__all__ = ["ZeroGPUEntityExtractor", "ZeroGPUIABExtractor", "ZeroGPUZeroShotExtractor"]


class _TaskExtractor(BaseExtractor, BatchModeFields, ZeroGPUTaskSettings):
    """What every ZeroGPU extractor shares; subclasses give the task and its options."""

    api_max_retries: int | None = Field(default=None, ge=0, description="Per-request retries.")
    num_workers: int = Field(
        default=DEFAULT_MAX_CONCURRENCY, ge=1, description="Requests in flight at once."
    )
    metadata_mode: MetadataMode = Field(
        default=MetadataMode.NONE, description="How node text is read for the task."
    )

    def _pool_size(self) -> int | None:
        return self.num_workers

    def _connection(self) -> ConnectionSettings:
        # BaseExtractor's max_retries re-runs the whole extraction; requests use ours.
        return self.connection_settings().model_copy(update={"max_retries": self.api_max_retries})

    async def _extract(
        self,
        nodes: Sequence[BaseNode],
        task: ChunkedTask[str, Any, Any, Any],
        key: str,
        on_failure: KeepPolicy,
    ) -> list[dict[str, Any]]:
        """One ``{key: result}`` dict per node, failures handled by ``on_failure``."""
        owner = self.class_name()
        texts, ids = node_texts(nodes, self.metadata_mode, free_key=key, owner=owner)
        outcomes = aiter_documents(
            task,
            self._clients().async_client(),
            texts,
            ids=ids,
            max_concurrency=self.num_workers,
            progress=self.show_progress,
            batch=self._batch_api(),
        )
        policy: FailurePolicy[dict[str, Any]] = FailurePolicy(
            on_failure,
            kept=lambda _index, failure: {key: {"error": failure.to_metadata()}},
            noun="node",
        )
        return await acollect_converted(
            outcomes, len(texts), lambda _index, result: {key: result.to_metadata()}, policy
        )


class ZeroGPUIABExtractor(_TaskExtractor, IABFields):
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

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUIABExtractor"

    async def aextract(self, nodes: Sequence[BaseNode]) -> list[dict[str, Any]]:
        """One ``{"iab": {...}}`` dict per node, in node order."""
        task = self._tagging_task()
        return await self._extract(nodes, task, self.metadata_key, self.on_failure)


class ZeroGPUEntityExtractor(_TaskExtractor, EntityFields):
    """Adds ``metadata["entities"]`` (``{label, text, start, end}`` spans and the
    texts grouped by label) to every node, for ``labels`` such as
    ``["person", "company"]``.

    Long nodes are read in overlapping windows and merged. Settings, failure policy
    and batch mode are those of :class:`ZeroGPUIABExtractor`.
    """

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUEntityExtractor"

    async def aextract(self, nodes: Sequence[BaseNode]) -> list[dict[str, Any]]:
        """One ``{"entities": {...}}`` dict per node, in node order."""
        task = self._tagging_task()
        return await self._extract(nodes, task, self.metadata_key, self.on_failure)


class ZeroGPUZeroShotExtractor(_TaskExtractor, ZeroShotFields):
    """Adds ``metadata["zero_shot"]`` (the best label and every label's score) to
    every node, for 1 to 10 candidate ``labels``.

    Long nodes are scored in chunks; scores are averaged weighted by chunk length.
    Settings, failure policy and batch mode are those of :class:`ZeroGPUIABExtractor`.
    """

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUZeroShotExtractor"

    async def aextract(self, nodes: Sequence[BaseNode]) -> list[dict[str, Any]]:
        """One ``{"zero_shot": {...}}`` dict per node, in node order."""
        task = self._tagging_task()
        return await self._extract(nodes, task, self.metadata_key, self.on_failure)
