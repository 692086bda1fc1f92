"""``ZeroGPUEmbedding``: ZeroGPU embedding models for LlamaIndex."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

import llama_index.core.instrumentation as instrument
from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from llama_index.core.bridge.pydantic import Field, field_validator
from llama_index.core.callbacks.schema import CBEventType, EventPayload
from llama_index.core.instrumentation.event_handlers import NullEventHandler
from llama_index.core.instrumentation.events.embedding import (
    EmbeddingEndEvent,
    EmbeddingStartEvent,
)
from llama_index.core.schema import BaseNode, MetadataMode

from zerogpu_core import catalog
from zerogpu_core._arguments import ArgumentPolicy
from zerogpu_core._inputs import require_texts
from zerogpu_core.client_cache import ZeroGPUConnection
from zerogpu_core.embedding_batches import (
    DEFAULT_EMBEDDING_BATCH_SIZE,
    DEFAULT_EMBEDDING_CONCURRENCY,
    aembed_batch,
    arun_batches,
    embed_batch,
    run_batches,
)

__all__ = ["ZeroGPUEmbedding"]

# Re-exported without __all__ by llama-index-core, as its own modules use it.
dispatcher = instrument.get_dispatcher(__name__)  # type: ignore[attr-defined]


class ZeroGPUEmbedding(ArgumentPolicy, ZeroGPUConnection, BaseEmbedding):
    """ZeroGPU embeddings (``/v1/embeddings``, 384-dimensional vectors).

    Example:
        >>> from llama_index_zerogpu import ZeroGPUEmbedding
        >>> embed = ZeroGPUEmbedding(model_name="bge-small-en-v1.5")
        >>> len(embed.get_text_embedding("hello"))  # doctest: +SKIP
        384

    Each batch of ``embed_batch_size`` texts is one request, and up to
    ``num_workers`` requests are in flight at once, sync or async; vectors come
    back in input order. ``model``, ``api_base`` and ``max_concurrency`` (for
    ``num_workers``) are accepted as synonyms; any other unknown argument is an
    error. Guide: ``docs/llama_index/embeddings.md``.
    """

    _ignored_arguments: ClassVar[frozenset[str]] = frozenset({"class_name"})
    _argument_aliases: ClassVar[dict[str, str]] = {"max_concurrency": "num_workers"}

    model_name: str = Field(
        default=catalog.DEFAULT_EMBEDDING_MODEL, description="ZeroGPU embedding model id."
    )
    embed_batch_size: int = Field(
        default=DEFAULT_EMBEDDING_BATCH_SIZE, gt=0, le=2048, description="Texts per request."
    )
    num_workers: int = Field(
        default=DEFAULT_EMBEDDING_CONCURRENCY, ge=1, description="Requests in flight at once."
    )

    @field_validator("model_name")
    @classmethod
    def _embedding_model(cls, model_name: str) -> str:
        catalog.check_model(model_name, "embeddings", owner="ZeroGPUEmbedding")
        return model_name

    @classmethod
    def class_name(cls) -> str:
        return "ZeroGPUEmbedding"

    def _pool_size(self) -> int | None:
        return self.num_workers

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> Sequence[BaseNode]:
        """Embed nodes in a pipeline; an empty node is named before any request."""
        _check_nodes(nodes)
        return super().__call__(nodes, **kwargs)

    async def acall(self, nodes: Sequence[BaseNode], **kwargs: Any) -> Sequence[BaseNode]:
        """Async :meth:`__call__`."""
        _check_nodes(nodes)
        return await super().acall(nodes, **kwargs)

    @dispatcher.span
    def get_text_embedding_batch(
        self, texts: list[str], show_progress: bool = False, **kwargs: Any
    ) -> list[Embedding]:
        """One vector per text, in input order: ``embed_batch_size`` texts per
        request, up to ``num_workers`` requests at once."""
        texts = require_texts(texts, owner="ZeroGPUEmbedding", argument="texts")
        payload = self.to_payload()
        with _progress(len(texts), show_progress) as bar:

            def one(batch: list[str]) -> list[Embedding]:
                with self._batch_events(payload, batch) as done:
                    if self.rate_limiter is not None:
                        self.rate_limiter.acquire()
                    vectors = self._embed_maybe_cached(batch)
                    done(vectors)
                bar.update(len(batch))
                return vectors

            return run_batches(
                texts, one, batch_size=self.embed_batch_size, max_concurrency=self.num_workers
            )

    @dispatcher.span
    async def aget_text_embedding_batch(
        self, texts: list[str], show_progress: bool = False, **kwargs: Any
    ) -> list[Embedding]:
        """Async :meth:`get_text_embedding_batch` (native, at most ``num_workers``
        requests in flight)."""
        texts = require_texts(texts, owner="ZeroGPUEmbedding", argument="texts")
        payload = self.to_payload()
        with _progress(len(texts), show_progress) as bar:

            async def one(batch: list[str]) -> list[Embedding]:
                with self._batch_events(payload, batch) as done:
                    if self.rate_limiter is not None:
                        await self.rate_limiter.async_acquire()
                    if self.embeddings_cache is not None:
                        vectors = await self._aget_text_embeddings_cached(batch)
                    else:
                        vectors = await self._aget_text_embeddings(batch)
                    done(vectors)
                bar.update(len(batch))
                return vectors

            return await arun_batches(
                texts, one, batch_size=self.embed_batch_size, max_concurrency=self.num_workers
            )

    def _embed_maybe_cached(self, batch: list[str]) -> list[Embedding]:
        if self.embeddings_cache is not None:
            return self._get_text_embeddings_cached(batch)
        return self._get_text_embeddings(batch)

    @contextmanager
    def _batch_events(
        self, payload: dict[str, Any], batch: list[str]
    ) -> Iterator[Callable[[list[Embedding]], None]]:
        """LlamaIndex's per-batch instrumentation (start/end events, callbacks)."""
        # Building the end event validates every float of the batch again (about
        # 0.3 ms per 64 vectors, CPU the emulator or server competes for), so the
        # events are built only when a handler would receive them.
        listening = _event_handlers_listening()
        if listening:
            dispatcher.event(EmbeddingStartEvent(model_dict=payload))
        result: list[list[Embedding]] = []
        with self.callback_manager.event(
            CBEventType.EMBEDDING, payload={EventPayload.SERIALIZED: payload}
        ) as event:
            yield result.append
            event.on_end(payload={EventPayload.CHUNKS: batch, EventPayload.EMBEDDINGS: result[0]})
        if listening:
            dispatcher.event(EmbeddingEndEvent(chunks=batch, embeddings=result[0]))

    def _get_query_embedding(self, query: str) -> Embedding:
        return self._get_text_embeddings([query])[0]

    def _get_text_embedding(self, text: str) -> Embedding:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        # One request: the batching is done by get_text_embedding_batch.
        texts = require_texts(texts, owner="ZeroGPUEmbedding", argument="texts")
        return embed_batch(self._clients().sync, self.model_name, texts)

    async def _aget_query_embedding(self, query: str) -> Embedding:
        return (await self._aget_text_embeddings([query]))[0]

    async def _aget_text_embedding(self, text: str) -> Embedding:
        return (await self._aget_text_embeddings([text]))[0]

    async def _aget_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        texts = require_texts(texts, owner="ZeroGPUEmbedding", argument="texts")
        return await aembed_batch(self._clients().async_client(), self.model_name, texts)


def _event_handlers_listening() -> bool:
    """Whether an event from this module reaches a handler that does something.

    Walks the dispatcher chain as ``Dispatcher.event`` does; LlamaIndex's root
    dispatcher holds a ``NullEventHandler`` by default, which drops every event.
    """
    current: Any = dispatcher  # a Dispatcher; llama-index-core does not re-export the type
    while current is not None:
        if any(not isinstance(h, NullEventHandler) for h in current.event_handlers):
            return True
        current = current.parent if current.propagate else None
    return False


@contextmanager
def _progress(total: int, show: bool) -> Iterator[Any]:
    """A tqdm bar over texts when ``show``, else a stand-in that ignores updates."""
    if not show:
        yield _NoBar()
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, desc="Generating embeddings") as bar:
        yield bar


class _NoBar:
    def update(self, count: int) -> None:
        """Ignore the update."""


def _check_nodes(nodes: Sequence[BaseNode]) -> None:
    # The text LlamaIndex embeds is the node's content with its embed metadata.
    require_texts(
        [node.get_content(metadata_mode=MetadataMode.EMBED) for node in nodes],
        owner="ZeroGPUEmbedding",
        argument="nodes",
        ids=[node.node_id for node in nodes],
    )
