"""Embedding many texts: batches of texts per request, a bounded number in flight.

Both frameworks' embedding classes call these functions, so batch size,
parallelism, input order and the one-vector-per-input check are decided here once.
One request per batch; with ``max_concurrency`` N, up to N batches are in flight
(threads on the blocking client, tasks on the async client). Vectors come back in
input order whatever order the requests finish in. A failed batch fails the call:
batches not yet sent are not sent, and no partial list is returned.

Example:
    >>> from zerogpu_core import ZeroGPUClient
    >>> from zerogpu_core.embedding_batches import embed_texts
    >>> with ZeroGPUClient() as client:  # doctest: +SKIP
    ...     vectors = embed_texts(client, "bge-small-en-v1.5", ["a", "b"])
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import TYPE_CHECKING

from zerogpu_core._exceptions import APIResponseValidationError

if TYPE_CHECKING:
    from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient

__all__ = [
    "DEFAULT_EMBEDDING_BATCH_SIZE",
    "DEFAULT_EMBEDDING_CONCURRENCY",
    "aembed_batch",
    "aembed_texts",
    "arun_batches",
    "embed_batch",
    "embed_texts",
    "run_batches",
    "split_batches",
]

#: Texts per request. The API publishes no maximum; 64 short texts are one small body.
DEFAULT_EMBEDDING_BATCH_SIZE = 64
#: Requests in flight at once. Enough to overlap network latency several times over
#: while staying far from any plausible per-key rate limit (none is published).
DEFAULT_EMBEDDING_CONCURRENCY = 4

Vectors = list[list[float]]
BatchEmbedder = Callable[[list[str]], Vectors]
AsyncBatchEmbedder = Callable[[list[str]], Awaitable[Vectors]]


def split_batches(texts: Sequence[str], batch_size: int) -> list[list[str]]:
    """``texts`` cut into consecutive lists of at most ``batch_size``.

    Raises:
        ValueError: when ``batch_size`` is below 1.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    return [list(texts[start : start + batch_size]) for start in range(0, len(texts), batch_size)]


def _check_concurrency(max_concurrency: int) -> None:
    if max_concurrency < 1:
        raise ValueError(f"max_concurrency must be at least 1, got {max_concurrency}")


def _joined(batches: Sequence[list[str]], results: Sequence[Vectors]) -> Vectors:
    """The vectors of every batch, in order, after checking one per input."""
    vectors: Vectors = []
    for position, (batch, got) in enumerate(zip(batches, results, strict=True)):
        if len(got) != len(batch):
            raise APIResponseValidationError(
                f"Embedding batch {position} sent {len(batch)} text(s) and got "
                f"{len(got)} vector(s) back",
                status_code=200,
                request_id=None,
            )
        vectors.extend(got)
    return vectors


def run_batches(
    texts: Sequence[str],
    embed: BatchEmbedder,
    *,
    batch_size: int = DEFAULT_EMBEDDING_BATCH_SIZE,
    max_concurrency: int = DEFAULT_EMBEDDING_CONCURRENCY,
) -> Vectors:
    """Call ``embed`` once per batch on up to ``max_concurrency`` threads.

    Each call runs in a copy of the caller's context (tracing spans and callbacks
    see their parent). One batch, or ``max_concurrency`` 1, runs in the calling
    thread without a pool.

    Raises:
        ValueError: for a ``batch_size`` or ``max_concurrency`` below 1.
        APIResponseValidationError: when a batch got a different number of vectors.
        Exception: the first failure of ``embed``; batches not yet started are
            cancelled.
    """
    _check_concurrency(max_concurrency)
    batches = split_batches(texts, batch_size)
    if len(batches) <= 1 or max_concurrency == 1:
        return _joined(batches, [embed(batch) for batch in batches])
    pool = ThreadPoolExecutor(min(max_concurrency, len(batches)), "zerogpu-embeddings")
    try:
        futures: list[Future[Vectors]] = [
            pool.submit(contextvars.copy_context().run, embed, batch) for batch in batches
        ]
        for done in as_completed(futures):
            done.result()  # the first failure to finish raises here
    except BaseException:
        # Requests already sent finish in the background; nothing new is sent.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return _joined(batches, [future.result() for future in futures])


async def arun_batches(
    texts: Sequence[str],
    embed: AsyncBatchEmbedder,
    *,
    batch_size: int = DEFAULT_EMBEDDING_BATCH_SIZE,
    max_concurrency: int = DEFAULT_EMBEDDING_CONCURRENCY,
) -> Vectors:
    """Async :func:`run_batches`: up to ``max_concurrency`` tasks, each taking the
    next unsent batch; a failure cancels the others."""
    _check_concurrency(max_concurrency)
    batches = split_batches(texts, batch_size)
    if len(batches) <= 1:
        return _joined(batches, [await embed(batch) for batch in batches])
    results: list[Vectors] = [[] for _ in batches]
    pending = iter(range(len(batches)))

    async def worker() -> None:
        for index in pending:  # shared iterator: each batch is taken exactly once
            results[index] = await embed(batches[index])

    workers = [asyncio.ensure_future(worker()) for _ in range(min(max_concurrency, len(batches)))]
    try:
        await asyncio.gather(*workers)
    except BaseException:
        for task in workers:
            task.cancel()
        raise
    return _joined(batches, results)


def embed_batch(client: ZeroGPUClient, model: str, texts: list[str]) -> Vectors:
    """One ``/embeddings`` request; the vectors in input order, one per text."""
    return client.create_embeddings(model=model, input=texts).vectors(expected=len(texts))


async def aembed_batch(client: AsyncZeroGPUClient, model: str, texts: list[str]) -> Vectors:
    """Async :func:`embed_batch`."""
    response = await client.create_embeddings(model=model, input=texts)
    return response.vectors(expected=len(texts))


def embed_texts(
    client: ZeroGPUClient,
    model: str,
    texts: Sequence[str],
    *,
    batch_size: int = DEFAULT_EMBEDDING_BATCH_SIZE,
    max_concurrency: int = DEFAULT_EMBEDDING_CONCURRENCY,
) -> Vectors:
    """One vector per text, in input order; see the module docstring."""
    return run_batches(
        texts,
        lambda batch: embed_batch(client, model, batch),
        batch_size=batch_size,
        max_concurrency=max_concurrency,
    )


async def aembed_texts(
    client: AsyncZeroGPUClient,
    model: str,
    texts: Sequence[str],
    *,
    batch_size: int = DEFAULT_EMBEDDING_BATCH_SIZE,
    max_concurrency: int = DEFAULT_EMBEDDING_CONCURRENCY,
) -> Vectors:
    """Async :func:`embed_texts`."""
    return await arun_batches(
        texts,
        lambda batch: aembed_batch(client, model, batch),
        batch_size=batch_size,
        max_concurrency=max_concurrency,
    )
