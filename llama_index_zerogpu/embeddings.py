"""``ZeroGPUEmbedding``: ZeroGPU embedding models for LlamaIndex."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from llama_index.core.bridge.pydantic import Field, field_validator
from llama_index.core.schema import BaseNode, MetadataMode

from zerogpu_core import catalog
from zerogpu_core._arguments import ArgumentPolicy
from zerogpu_core._inputs import require_texts
from zerogpu_core.client_cache import ZeroGPUConnection

__all__ = ["ZeroGPUEmbedding"]


class ZeroGPUEmbedding(ArgumentPolicy, ZeroGPUConnection, BaseEmbedding):
    """ZeroGPU embeddings (``/v1/embeddings``, 384-dimensional vectors).

    Example:
        >>> from llama_index_zerogpu import ZeroGPUEmbedding
        >>> embed = ZeroGPUEmbedding(model_name="bge-small-en-v1.5")
        >>> len(embed.get_text_embedding("hello"))  # doctest: +SKIP
        384

    Each batch of ``embed_batch_size`` texts is one request; vectors come back in
    input order. ``model`` and ``api_base`` are accepted as synonyms; any other
    unknown argument is an error. Guide: ``docs/llama_index/embeddings.md``.
    """

    _ignored_arguments: ClassVar[frozenset[str]] = frozenset({"class_name"})

    model_name: str = Field(
        default=catalog.DEFAULT_EMBEDDING_MODEL, description="ZeroGPU embedding model id."
    )

    @field_validator("model_name")
    @classmethod
    def _embedding_model(cls, model_name: str) -> str:
        catalog.check_model(model_name, "embeddings", owner="ZeroGPUEmbedding")
        return model_name

    @classmethod
    def class_name(cls) -> str:
        return "ZeroGPUEmbedding"

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> Sequence[BaseNode]:
        """Embed nodes in a pipeline; an empty node is named before any request."""
        _check_nodes(nodes)
        return super().__call__(nodes, **kwargs)

    async def acall(self, nodes: Sequence[BaseNode], **kwargs: Any) -> Sequence[BaseNode]:
        """Async :meth:`__call__`."""
        _check_nodes(nodes)
        return await super().acall(nodes, **kwargs)

    def _get_query_embedding(self, query: str) -> Embedding:
        return self._get_text_embeddings([query])[0]

    def _get_text_embedding(self, text: str) -> Embedding:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        texts = require_texts(texts, owner="ZeroGPUEmbedding", argument="texts")
        response = self._clients().sync.create_embeddings(model=self.model_name, input=texts)
        return response.vectors(expected=len(texts))

    async def _aget_query_embedding(self, query: str) -> Embedding:
        return (await self._aget_text_embeddings([query]))[0]

    async def _aget_text_embedding(self, text: str) -> Embedding:
        return (await self._aget_text_embeddings([text]))[0]

    async def _aget_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        texts = require_texts(texts, owner="ZeroGPUEmbedding", argument="texts")
        client = self._clients().async_client()
        response = await client.create_embeddings(model=self.model_name, input=texts)
        return response.vectors(expected=len(texts))


def _check_nodes(nodes: Sequence[BaseNode]) -> None:
    # The text LlamaIndex embeds is the node's content with its embed metadata.
    require_texts(
        [node.get_content(metadata_mode=MetadataMode.EMBED) for node in nodes],
        owner="ZeroGPUEmbedding",
        argument="nodes",
        ids=[node.node_id for node in nodes],
    )
