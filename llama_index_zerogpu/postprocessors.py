"""``ZeroGPUPIINodePostprocessor``: mask PII in retrieved nodes at query time."""

from __future__ import annotations

from llama_index.core.bridge.pydantic import Field
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.schema import MetadataMode, NodeWithScore, QueryBundle

from llama_index_zerogpu._tasks import (
    ZeroGPUTaskSettings,
    node_metadata,
    node_texts,
    redacted_nodes,
)
from zerogpu_core.tasks import (
    DEFAULT_MAX_CONCURRENCY,
    DocumentResults,
    PIIOptions,
    PIIResult,
    aredact_pii_documents,
    redact_pii_documents,
)
from zerogpu_core.tasks.fields import PIIRedactionFields

__all__ = ["ZeroGPUPIINodePostprocessor"]


class ZeroGPUPIINodePostprocessor(PIIRedactionFields, ZeroGPUTaskSettings, BaseNodePostprocessor):
    """Masks PII in retrieved nodes before they reach the LLM.

    Example:
        >>> engine = index.as_query_engine(  # doctest: +SKIP
        ...     node_postprocessors=[ZeroGPUPIINodePostprocessor()]
        ... )

    Node text is read without the metadata header. Placeholders are numbered
    (``[PERSON_1]``) and the mapping is stored under ``metadata["__pii_node_info__"]``
    and excluded from embedding and LLM metadata, as LlamaIndex's own PII
    postprocessors do. A node that cannot be masked raises (default) or is dropped
    (``on_failure="drop"``); it is never passed on unmasked.
    """

    max_concurrency: int = Field(
        default=DEFAULT_MAX_CONCURRENCY, ge=1, description="Requests in flight at once."
    )
    pii_node_info_key: str = Field(default="__pii_node_info__", description="Mapping key.")

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUPIINodePostprocessor"

    def _options(self) -> PIIOptions:
        return self._pii_options(reversible=True)

    def _pool_size(self) -> int | None:
        return self.max_concurrency

    def _finish(
        self, nodes: list[NodeWithScore], outcome: DocumentResults[PIIResult]
    ) -> list[NodeWithScore]:
        copies = redacted_nodes(
            [n.node for n in nodes],
            outcome,
            metadata_key=self.metadata_key,
            mapping_key=self.pii_node_info_key,
        )
        out = [
            None if copy is None else NodeWithScore(node=copy, score=original.score)
            for original, copy in zip(nodes, copies, strict=True)
        ]
        return outcome.drop_failed(out, on_failure=self.on_failure, noun="node", action="masked")

    def _postprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        texts, ids = node_texts([n.node for n in nodes], MetadataMode.NONE)
        outcome = redact_pii_documents(
            self._clients().sync,
            texts,
            self._options(),
            ids=ids,
            metadata=node_metadata([n.node for n in nodes]),
            max_concurrency=self.max_concurrency,
        )
        return self._finish(nodes, outcome)

    async def _apostprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        texts, ids = node_texts([n.node for n in nodes], MetadataMode.NONE)
        outcome = await aredact_pii_documents(
            self._clients().async_client(),
            texts,
            self._options(),
            ids=ids,
            metadata=node_metadata([n.node for n in nodes]),
            max_concurrency=self.max_concurrency,
        )
        return self._finish(nodes, outcome)
