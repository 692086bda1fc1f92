"""``ZeroGPUPIIRedactor``: PII redaction as an ingestion-pipeline transformation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llama_index.core.schema import BaseNode, MetadataMode, TransformComponent

from llama_index_zerogpu._tasks import (
    ZeroGPUTaskSettings,
    node_metadata,
    node_texts,
    redacted_nodes,
)
from zerogpu_core.tasks import (
    DocumentResults,
    PIIResult,
    aredact_pii_documents,
    redact_pii_documents,
)
from zerogpu_core.tasks.fields import DocumentRunFields, PIIRedactionFields

__all__ = ["ZeroGPUPIIRedactor"]


class ZeroGPUPIIRedactor(
    PIIRedactionFields, DocumentRunFields, ZeroGPUTaskSettings, TransformComponent
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

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUPIIRedactor"

    def _finish(
        self, nodes: Sequence[BaseNode], outcome: DocumentResults[PIIResult]
    ) -> list[BaseNode]:
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
            **self._run_options(progress=bool(kwargs.get("show_progress"))),
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
            **self._run_options(progress=bool(kwargs.get("show_progress"))),
        )
        return self._finish(nodes, outcome)
