"""``ZeroGPUEmbedding``: ZeroGPU embedding models for LlamaIndex."""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from llama_index.core.bridge.pydantic import Field, PrivateAttr, SecretStr, field_validator

from zerogpu_core import DEFAULT_TIMEOUT, catalog
from zerogpu_core._secrets import InputHidingModel
from zerogpu_core.client_cache import ClientCache

__all__ = ["ZeroGPUEmbedding"]


class ZeroGPUEmbedding(InputHidingModel, BaseEmbedding):
    """ZeroGPU embeddings (``/v1/embeddings``, 384-dimensional vectors).

    Example:
        >>> from llama_index_zerogpu import ZeroGPUEmbedding
        >>> embed = ZeroGPUEmbedding(model_name="bge-small-en-v1.5")
        >>> len(embed.get_text_embedding("hello"))  # doctest: +SKIP
        384

    Each batch of ``embed_batch_size`` texts is one request; vectors come back in
    input order. Guide: ``docs/llama_index/embeddings.md``.
    """

    model_name: str = Field(
        default=catalog.DEFAULT_EMBEDDING_MODEL, description="ZeroGPU embedding model id."
    )
    api_key: SecretStr | None = Field(
        default=None, exclude=True, description="API key; defaults to ZEROGPU_API_KEY."
    )
    project_id: str | None = Field(
        default=None, exclude=True, description="Project id; defaults to ZEROGPU_PROJECT_ID."
    )
    base_url: str | None = Field(
        default=None, description="API base URL; defaults to ZEROGPU_BASE_URL, then production."
    )
    timeout: float = Field(default=DEFAULT_TIMEOUT, gt=0, description="Seconds per attempt.")
    max_retries: int = Field(default=2, ge=0, description="Retries of transient failures.")
    max_retry_after: float | None = Field(
        default=None, ge=0, description="Longest Retry-After waited out (core default 60 s)."
    )
    default_headers: dict[str, str] | None = Field(
        default=None, exclude=True, repr=False, description="Extra headers on every request."
    )

    _cache: ClientCache | None = PrivateAttr(default=None)

    @field_validator("model_name")
    @classmethod
    def _embedding_model(cls, model_name: str) -> str:
        catalog.require_kind(model_name, "embedding", purpose="ZeroGPUEmbedding")
        return model_name

    def model_post_init(self, context: Any, /) -> None:
        self._clients()  # a malformed base_url fails here, not at the first call

    def _clients(self) -> ClientCache:
        self._cache = ClientCache.of(self, self._cache)
        return self._cache

    @classmethod
    def class_name(cls) -> str:
        return "ZeroGPUEmbedding"

    def _get_query_embedding(self, query: str) -> Embedding:
        return self._get_text_embeddings([query])[0]

    def _get_text_embedding(self, text: str) -> Embedding:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        response = self._clients().sync.create_embeddings(model=self.model_name, input=texts)
        return response.vectors(expected=len(texts))

    async def _aget_query_embedding(self, query: str) -> Embedding:
        return (await self._aget_text_embeddings([query]))[0]

    async def _aget_text_embedding(self, text: str) -> Embedding:
        return (await self._aget_text_embeddings([text]))[0]

    async def _aget_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        client = self._clients().async_client()
        response = await client.create_embeddings(model=self.model_name, input=texts)
        return response.vectors(expected=len(texts))
