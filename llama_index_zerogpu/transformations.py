"""``ZeroGPUPIIRedactor``: PII redaction as an ingestion-pipeline transformation."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

from llama_index.core.schema import BaseNode, MetadataMode, TransformComponent

from llama_index_zerogpu._tasks import (
    ZeroGPUTaskSettings,
    node_metadata,
    node_texts,
    redacted_node,
)
from zerogpu_core.tasks import PIIRedactionTask, PIIResult
from zerogpu_core.tasks.fields import DocumentRunFields, PIIRedactionFields
from zerogpu_core.tasks.outcomes import (
    DocumentOutcome,
    acollect_converted,
    ahand_over,
    collect_converted,
    hand_over,
)
from zerogpu_core.tasks.pii import pii_documents
from zerogpu_core.tasks.pii_document import PIIDocument
from zerogpu_core.tasks.results import FailurePolicy
from zerogpu_core.tasks.runner import aiter_documents, iter_documents

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
    (``docs/guides/batch.md``). :meth:`lazy_call` yields nodes as they finish, in
    flat memory.
    """

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUPIIRedactor"

    def _run(
        self, nodes: Sequence[BaseNode]
    ) -> tuple[PIIRedactionTask, Sequence[PIIDocument], list[str | None]]:
        texts, ids = node_texts(
            nodes, MetadataMode.NONE, free_key=self.metadata_key, owner="ZeroGPUPIIRedactor"
        )
        options = self._options()
        return PIIRedactionTask(options), pii_documents(texts, node_metadata(nodes), options), ids

    def _redacting(
        self, nodes: Sequence[BaseNode]
    ) -> tuple[Callable[[int, PIIResult], BaseNode], FailurePolicy[BaseNode]]:
        def convert(index: int, result: PIIResult) -> BaseNode:
            return redacted_node(nodes[index], result, metadata_key=self.metadata_key)

        return convert, FailurePolicy(self.on_failure, noun="node")

    def _outcomes(
        self, nodes: Sequence[BaseNode], kwargs: dict[str, Any]
    ) -> tuple[Iterator[DocumentOutcome[PIIResult]], int]:
        task, inputs, ids = self._run(nodes)
        options = self._run_options(progress=bool(kwargs.get("show_progress")))
        return iter_documents(task, self._clients().sync, inputs, ids=ids, **options), len(inputs)

    def _aoutcomes(
        self, nodes: Sequence[BaseNode], kwargs: dict[str, Any]
    ) -> tuple[AsyncIterator[DocumentOutcome[PIIResult]], int]:
        task, inputs, ids = self._run(nodes)
        options = self._run_options(progress=bool(kwargs.get("show_progress")))
        client = self._clients().async_client()
        return aiter_documents(task, client, inputs, ids=ids, **options), len(inputs)

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> list[BaseNode]:
        """Redacted copies of ``nodes`` in order."""
        outcomes, size = self._outcomes(nodes, kwargs)
        return collect_converted(outcomes, size, *self._redacting(nodes))

    async def acall(self, nodes: Sequence[BaseNode], **kwargs: Any) -> list[BaseNode]:
        """Async :meth:`__call__` (native, at most ``max_concurrency`` calls)."""
        outcomes, size = self._aoutcomes(nodes, kwargs)
        return await acollect_converted(outcomes, size, *self._redacting(nodes))

    def lazy_call(self, nodes: Sequence[BaseNode], **kwargs: Any) -> Iterator[BaseNode]:
        """Redacted copies one at a time, as they finish (not in input order; each
        keeps its ``node_id``), like a reader's ``lazy_load_data``; only a bounded
        window of nodes is in progress.

        A failed node is never yielded: ``on_failure="drop"`` logs it, ``"raise"``
        yields every other node first and then raises one
        :class:`~zerogpu_core.tasks.BatchTransformError` listing every failure.
        Leaving the loop early stops the run (nothing more is sent).
        """
        outcomes, _size = self._outcomes(nodes, kwargs)
        return hand_over(outcomes, *self._redacting(nodes))

    def alazy_call(self, nodes: Sequence[BaseNode], **kwargs: Any) -> AsyncIterator[BaseNode]:
        """Async :meth:`lazy_call` (``async for``); leaving the loop early cancels the
        requests in flight."""
        outcomes, _size = self._aoutcomes(nodes, kwargs)
        return ahand_over(outcomes, *self._redacting(nodes))
