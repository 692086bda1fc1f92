"""``ZeroGPUPIIRedactor``: PII redaction as an ingestion-pipeline transformation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from llama_index.core.bridge.pydantic import Field, model_validator
from llama_index.core.schema import BaseNode, MetadataMode, TransformComponent
from typing_extensions import Self

from llama_index_zerogpu._tasks import (
    BatchModeSettings,
    PIISafetySettings,
    ZeroGPUTaskSettings,
    node_metadata,
    node_texts,
    redacted_nodes,
)
from zerogpu_core.tasks import (
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_PII_MODEL,
    BatchResult,
    PIIOptions,
    PIIResult,
    aredact_pii_documents,
    redact_pii_documents,
)

__all__ = ["ZeroGPUPIIRedactor"]


class ZeroGPUPIIRedactor(
    ZeroGPUTaskSettings, BatchModeSettings, PIISafetySettings, TransformComponent
):
    """Replaces PII in node text with ``[LABEL]`` placeholders.

    Example:
        >>> from llama_index.core.ingestion import IngestionPipeline
        >>> pipeline = IngestionPipeline(transformations=[ZeroGPUPIIRedactor()])
        >>> nodes = pipeline.run(documents=docs)  # doctest: +SKIP

    Returns redacted copies; ``metadata["pii"]`` holds labels, offsets into the
    original text, scores and counts (never the original strings) and is hidden
    from embedding and LLM text. A node is never passed on unredacted: a failure
    raises :class:`~zerogpu_core.tasks.BatchTransformError` (default) or, with
    ``on_failure="drop"``, the node is dropped and logged. Picklable for
    ``IngestionPipeline(num_workers > 1)``; ``to_dict()`` holds no secret.
    ``mode="batch"`` runs the chunks as one Batch API job with the same results
    (``docs/guides/batch.md``).
    """

    model: str = Field(default=DEFAULT_PII_MODEL, description="PII model id.")
    threshold: float | None = Field(default=None, ge=0.0, le=1.0, description="Minimum score.")
    categories: list[str] | None = Field(default=None, description="Category groups.")
    extra_metadata: dict[str, Any] = Field(default_factory=dict, description="Model options.")
    propagate: bool = Field(default=True, description="Mask repeats of detected strings.")
    max_chunk_tokens: int | None = Field(default=None, ge=1, description="Budget override.")
    max_concurrency: int = Field(default=DEFAULT_MAX_CONCURRENCY, ge=1)
    show_progress: bool = Field(default=False)
    on_failure: Literal["raise", "drop"] = Field(default="raise")
    metadata_key: str = Field(default="pii", description="Metadata key for the audit data.")

    @model_validator(mode="after")
    def _check_options(self) -> Self:
        self._options()
        return self

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUPIIRedactor"

    def _options(self) -> PIIOptions:
        return PIIOptions(
            model=self.model,
            threshold=self.threshold,
            categories=self.categories,
            extra_metadata=self.extra_metadata,
            propagate=self.propagate,
            max_chunk_tokens=self.max_chunk_tokens,
            verification=self.verification,
            metadata_keys=self.redact_metadata_keys,
        )

    def _finish(self, nodes: Sequence[BaseNode], outcome: BatchResult[PIIResult]) -> list[BaseNode]:
        out = redacted_nodes(nodes, outcome, metadata_key=self.metadata_key)
        return outcome.drop_failed(out, on_failure=self.on_failure, noun="node")

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> list[BaseNode]:
        """Redacted copies of ``nodes`` in order."""
        texts, ids = node_texts(
            nodes, MetadataMode.NONE, free_key=self.metadata_key, owner="ZeroGPUPIIRedactor"
        )
        outcome = redact_pii_documents(
            self._clients().sync,
            texts,
            self._options(),
            ids=ids,
            metadata=node_metadata(nodes),
            max_concurrency=self.max_concurrency,
            progress=self.show_progress or bool(kwargs.get("show_progress")),
            batch=self._batch_api(),
        )
        return self._finish(nodes, outcome)

    async def acall(self, nodes: Sequence[BaseNode], **kwargs: Any) -> list[BaseNode]:
        """Async :meth:`__call__` (native, at most ``max_concurrency`` calls)."""
        texts, ids = node_texts(
            nodes, MetadataMode.NONE, free_key=self.metadata_key, owner="ZeroGPUPIIRedactor"
        )
        outcome = await aredact_pii_documents(
            self._clients().async_client(),
            texts,
            self._options(),
            ids=ids,
            metadata=node_metadata(nodes),
            max_concurrency=self.max_concurrency,
            progress=self.show_progress or bool(kwargs.get("show_progress")),
            batch=self._batch_api(),
        )
        return self._finish(nodes, outcome)
