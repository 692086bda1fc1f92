"""``ZeroGPUEmbeddings``: LangChain embeddings on ZeroGPU's ``/v1/embeddings`` route."""

from __future__ import annotations

from typing import Any, ClassVar

import httpx
from langchain_core.embeddings import Embeddings
from langchain_core.utils import from_env, secret_from_env
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, model_validator
from typing_extensions import Self

from langchain_zerogpu._errors import translating_errors
from zerogpu_core import catalog
from zerogpu_core._arguments import ArgumentPolicy
from zerogpu_core._inputs import require_texts
from zerogpu_core.client_cache import ClientCache
from zerogpu_core.embedding_batches import (
    DEFAULT_EMBEDDING_BATCH_SIZE,
    DEFAULT_EMBEDDING_CONCURRENCY,
    aembed_texts,
    embed_texts,
)

__all__ = ["ZeroGPUEmbeddings"]


class ZeroGPUEmbeddings(ArgumentPolicy, BaseModel, Embeddings):
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
    api_key: SecretStr | None = Field(
        default_factory=secret_from_env("ZEROGPU_API_KEY", default=None)
    )
    project_id: str | None = Field(default_factory=from_env("ZEROGPU_PROJECT_ID", default=None))
    base_url: str | None = None
    timeout: float | None = None
    max_retries: int | None = None
    max_retry_after: float | None = Field(default=None, ge=0)
    default_headers: dict[str, str] | None = None
    http_client: httpx.Client | None = Field(default=None, exclude=True)
    http_async_client: httpx.AsyncClient | None = Field(default=None, exclude=True)

    _clients: ClientCache | None = PrivateAttr(default=None)

    model_config = ConfigDict(arbitrary_types_allowed=True)

    @model_validator(mode="after")
    def _validate_and_connect(self) -> Self:
        catalog.check_model(self.model, "embeddings", owner="ZeroGPUEmbeddings")
        self._clients = ClientCache.of(self)  # a malformed base_url fails here
        return self

    def _zerogpu(self) -> ClientCache:
        # Rebuilt only when a connection setting changed since the last call.
        self._clients = ClientCache.of(self, self._clients)
        return self._clients

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in input order (an empty list gives an empty list)."""
        texts = _texts(texts, "embed_documents")
        with translating_errors():
            return embed_texts(
                self._zerogpu().sync,
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
                self._zerogpu().async_client(),
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
