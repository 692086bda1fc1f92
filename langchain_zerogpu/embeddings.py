"""``ZeroGPUEmbeddings``: LangChain embeddings on ZeroGPU's ``/v1/embeddings`` route."""

from __future__ import annotations

from typing import Any, ClassVar

from langchain_core.embeddings import Embeddings
from pydantic import Field, model_validator
from typing_extensions import Self

from langchain_zerogpu._connection import LangChainConnection
from langchain_zerogpu._errors import translating_errors
from zerogpu_core import catalog
from zerogpu_core._arguments import ArgumentPolicy
from zerogpu_core._inputs import require_texts
from zerogpu_core.embedding_batches import (
    DEFAULT_EMBEDDING_BATCH_SIZE,
    DEFAULT_EMBEDDING_CONCURRENCY,
    aembed_texts,
    embed_texts,
)

__all__ = ["ZeroGPUEmbeddings"]


class ZeroGPUEmbeddings(ArgumentPolicy, LangChainConnection, Embeddings):
    """ZeroGPU text embeddings (``bge-small-en-v1.5`` or ``all-minilm-l6-v2``).

    Example:
        >>> from langchain_zerogpu import ZeroGPUEmbeddings
        >>> embeddings = ZeroGPUEmbeddings()  # key from ZEROGPU_API_KEY
        >>> len(embeddings.embed_query("hello"))  # doctest: +SKIP
        384

    Texts go ``batch_size`` per request, up to ``max_concurrency`` requests at
    once; vectors come back in input order. ``model_name``,
    ``openai_api_base``/``api_base`` and ``chunk_size`` (for ``batch_size``) are
    accepted as in ``OpenAIEmbeddings``; any other unknown argument is an error.
    """

    _argument_aliases: ClassVar[dict[str, str]] = {"chunk_size": "batch_size"}

    model: str = catalog.DEFAULT_EMBEDDING_MODEL
    """An embedding model id from the catalog."""
    batch_size: int = Field(default=DEFAULT_EMBEDDING_BATCH_SIZE, ge=1)
    """Texts sent per request; longer lists are split and the results joined in order."""
    max_concurrency: int = Field(default=DEFAULT_EMBEDDING_CONCURRENCY, ge=1)
    """Requests in flight at once when a call needs several (threads for sync calls)."""

    @model_validator(mode="after")
    def _validate(self) -> Self:
        catalog.check_model(self.model, "embeddings", owner="ZeroGPUEmbeddings")
        return self

    def _pool_size(self) -> int | None:
        return self.max_concurrency

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in input order (an empty list gives an empty list)."""
        texts = _texts(texts, "embed_documents")
        with translating_errors():
            return embed_texts(
                self._clients().sync,
                self.model,
                texts,
                batch_size=self.batch_size,
                max_concurrency=self.max_concurrency,
            )

    def embed_query(self, text: str) -> list[float]:
        """The vector of one text."""
        return self.embed_documents([text])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Async :meth:`embed_documents` (native, not a thread)."""
        texts = _texts(texts, "aembed_documents")
        with translating_errors():
            return await aembed_texts(
                self._clients().async_client(),
                self.model,
                texts,
                batch_size=self.batch_size,
                max_concurrency=self.max_concurrency,
            )

    async def aembed_query(self, text: str) -> list[float]:
        """Async :meth:`embed_query`."""
        return (await self.aembed_documents([text]))[0]


def _texts(texts: Any, method: str) -> list[str]:
    return require_texts(
        texts,
        owner=f"ZeroGPUEmbeddings.{method}",
        argument="texts",
        single_hint="Use embed_query() for one text.",
    )
