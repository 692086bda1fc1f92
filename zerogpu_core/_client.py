"""``ZeroGPUClient`` and ``AsyncZeroGPUClient``: one method per API route."""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from zerogpu_core import _routes as routes
from zerogpu_core._base_client import AsyncTransport, ClientSettings, SyncTransport
from zerogpu_core._settings import ConnectionArgs, check_connection_args
from zerogpu_core.types.chat import ChatCompletion, ChatCompletionChunk
from zerogpu_core.types.requests import ChatCompletionRequest, ResponseRequest

if TYPE_CHECKING:
    from typing_extensions import Unpack

    # Return types only: their models load with the route that parses them.
    from zerogpu_core.types import (
        Batch,
        BatchList,
        EmbeddingResponse,
        FileDeleted,
        FileList,
        FileObject,
        ModerationResponse,
        Response,
    )

__all__ = ["AsyncZeroGPUClient", "ZeroGPUClient"]

ChatInput = ChatCompletionRequest | Mapping[str, Any] | None
ResponseInput = ResponseRequest | Mapping[str, Any] | None


class ZeroGPUClient(SyncTransport):
    """Blocking client for the whole ZeroGPU HTTP API.

    Example:
        >>> client = ZeroGPUClient()  # reads ZEROGPU_API_KEY / ZEROGPU_PROJECT_ID
        >>> reply = client.chat_completion(
        ...     model="gpt-oss-120b", messages=[{"role": "user", "content": "Hi"}]
        ... )  # doctest: +SKIP
        >>> reply.message.answer  # doctest: +SKIP

    Args:
        api_key: API key; defaults to ``ZEROGPU_API_KEY``. Checked when a request is
            made, not here.
        project_id: sent as ``x-project-id`` only when set; defaults to
            ``ZEROGPU_PROJECT_ID``.
        base_url: defaults to ``ZEROGPU_BASE_URL``, then ``https://api.zerogpu.ai/v1``.
        timeout: deadline of each attempt in seconds, from sending the request to
            the last byte of the answer; default 60. A stream must start within it,
            then each chunk within it. An ``httpx.Timeout`` keeps httpx's
            per-operation meaning instead (no overall deadline).
        max_retries: retries of transient failures; default 2.
        default_headers: extra headers on every request.
        max_retry_after: longest server-requested wait (``Retry-After``) slept
            through before a retry; default 60 s. A longer one raises at once,
            with the server's wait on the error's ``retry_after``.
        http_client: an ``httpx.Client`` to reuse (its pool, proxies, transport),
            used exactly as given.
        pool_size: requests you send at once (the bulk runners' ``max_concurrency``):
            the pool this client creates keeps that many connections open (at least
            20). Ignored with ``http_client``.
    """

    def __init__(
        self,
        *,
        http_client: httpx.Client | None = None,
        pool_size: int | None = None,
        **settings: Unpack[ConnectionArgs],
    ) -> None:
        check_connection_args(type(self).__name__, settings)
        super().__init__(ClientSettings.resolve(**settings), http_client, pool_size)

    def __enter__(self) -> ZeroGPUClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def chat_completion(self, request: ChatInput = None, /, **fields: Any) -> ChatCompletion:
        """``POST /chat/completions``. Pass a request object/mapping and/or fields;
        ``extra_body={...}`` adds undocumented top-level fields."""
        return self._request(routes.chat(request, fields, stream=False))

    def stream_chat_completion(
        self, request: ChatInput = None, /, **fields: Any
    ) -> Generator[ChatCompletionChunk, None, None]:
        """Streamed chat completion; see :mod:`zerogpu_core.streaming` for guarantees."""
        # Loaded on the first stream: the SSE decoder costs import time chat never uses.
        from zerogpu_core.streaming import open_chat_chunks

        spec = routes.chat(request, fields, stream=True)
        return open_chat_chunks(functools.partial(self._send, spec))

    def create_response(self, request: ResponseInput = None, /, **fields: Any) -> Response:
        """``POST /responses`` (string ``input``, optional ``instructions``)."""
        return self._request(routes.responses(request, fields))

    def create_embeddings(
        self, *, model: str, input: str | list[str], **extra: Any
    ) -> EmbeddingResponse:
        """``POST /embeddings``; use ``.vectors()`` for input-ordered vectors."""
        return self._request(routes.embeddings(model, input, extra))

    def create_moderation(
        self,
        *,
        input: str | list[str] | list[dict[str, Any]],
        model: str | None = None,
        **extra: Any,
    ) -> ModerationResponse:
        """``POST /moderations``."""
        return self._request(routes.moderations(input, model, extra))

    def upload_file(
        self, file: routes.FileInput, *, purpose: str = "batch", filename: str | None = None
    ) -> FileObject:
        """``POST /files``: upload JSONL bytes, a path, or a binary file object."""
        return self._request(routes.file_upload(file, purpose, filename))

    def list_files(
        self,
        *,
        purpose: str | None = None,
        order: str | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> FileList:
        """``GET /files`` (one page)."""
        return self._request(routes.file_list(purpose, order, after, limit))

    def retrieve_file(self, file_id: str) -> FileObject:
        """``GET /files/{file_id}``."""
        return self._request(routes.file_retrieve(file_id))

    def iter_file_lines(self, file_id: str) -> Iterator[str]:
        """``GET /files/{file_id}/content`` line by line, in flat memory: downloaded
        to a private temporary file first, so the connection is free however slowly
        the lines are consumed (the file is deleted when the iterator ends or is closed)."""
        from zerogpu_core.batch.spool import download_lines

        yield from download_lines(self._send(routes.file_content(file_id, stream=True)))

    def file_content(self, file_id: str) -> bytes:
        """``GET /files/{file_id}/content``: the raw JSONL."""
        return self._request(routes.file_content(file_id))

    def delete_file(self, file_id: str) -> FileDeleted:
        """``DELETE /files/{file_id}``."""
        return self._request(routes.file_delete(file_id))

    def create_batch(
        self,
        *,
        input_file_id: str,
        endpoint: str = routes.BATCH_ENDPOINT,
        completion_window: str = "24h",
        metadata: Mapping[str, Any] | None = None,
    ) -> Batch:
        """``POST /batches``; validation errors carry ``line``.

        Not idempotent: a lost answer may hide a created batch, so only a 429 is
        retried here (the batch runner looks the batch up before creating again).
        """
        return self._request(
            routes.batch_create(input_file_id, endpoint, completion_window, metadata)
        )

    def retrieve_batch(self, batch_id: str) -> Batch:
        """``GET /batches/{batch_id}``."""
        return self._request(routes.batch_retrieve(batch_id))

    def list_batches(self, *, limit: int | None = None, after: str | None = None) -> BatchList:
        """``GET /batches`` (one page)."""
        return self._request(routes.batch_list(limit, after))

    def cancel_batch(self, batch_id: str) -> Batch:
        """``POST /batches/{batch_id}/cancel``."""
        return self._request(routes.batch_cancel(batch_id))


class AsyncZeroGPUClient(AsyncTransport):
    """Async twin of :class:`ZeroGPUClient`, with the same arguments and methods."""

    def __init__(
        self,
        *,
        http_client: httpx.AsyncClient | None = None,
        pool_size: int | None = None,
        **settings: Unpack[ConnectionArgs],
    ) -> None:
        check_connection_args(type(self).__name__, settings)
        super().__init__(ClientSettings.resolve(**settings), http_client, pool_size)

    async def __aenter__(self) -> AsyncZeroGPUClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def chat_completion(self, request: ChatInput = None, /, **fields: Any) -> ChatCompletion:
        """See :meth:`ZeroGPUClient.chat_completion`."""
        return await self._request(routes.chat(request, fields, stream=False))

    def stream_chat_completion(
        self, request: ChatInput = None, /, **fields: Any
    ) -> AsyncGenerator[ChatCompletionChunk, None]:
        """See :meth:`ZeroGPUClient.stream_chat_completion`."""
        from zerogpu_core.streaming import aopen_chat_chunks  # on first use, as above

        spec = routes.chat(request, fields, stream=True)
        return aopen_chat_chunks(functools.partial(self._send, spec))

    async def create_response(self, request: ResponseInput = None, /, **fields: Any) -> Response:
        """See :meth:`ZeroGPUClient.create_response`."""
        return await self._request(routes.responses(request, fields))

    async def create_embeddings(
        self, *, model: str, input: str | list[str], **extra: Any
    ) -> EmbeddingResponse:
        """See :meth:`ZeroGPUClient.create_embeddings`."""
        return await self._request(routes.embeddings(model, input, extra))

    async def create_moderation(
        self,
        *,
        input: str | list[str] | list[dict[str, Any]],
        model: str | None = None,
        **extra: Any,
    ) -> ModerationResponse:
        """See :meth:`ZeroGPUClient.create_moderation`."""
        return await self._request(routes.moderations(input, model, extra))

    async def upload_file(
        self, file: routes.FileInput, *, purpose: str = "batch", filename: str | None = None
    ) -> FileObject:
        """See :meth:`ZeroGPUClient.upload_file`."""
        return await self._request(routes.file_upload(file, purpose, filename))

    async def list_files(
        self,
        *,
        purpose: str | None = None,
        order: str | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> FileList:
        """See :meth:`ZeroGPUClient.list_files`."""
        return await self._request(routes.file_list(purpose, order, after, limit))

    async def retrieve_file(self, file_id: str) -> FileObject:
        """See :meth:`ZeroGPUClient.retrieve_file`."""
        return await self._request(routes.file_retrieve(file_id))

    async def iter_file_lines(self, file_id: str) -> AsyncIterator[str]:
        """See :meth:`ZeroGPUClient.iter_file_lines`."""
        from zerogpu_core.batch.spool import adownload_lines

        response = await self._send(routes.file_content(file_id, stream=True))
        async for line in adownload_lines(response):
            yield line

    async def file_content(self, file_id: str) -> bytes:
        """See :meth:`ZeroGPUClient.file_content`."""
        return await self._request(routes.file_content(file_id))

    async def delete_file(self, file_id: str) -> FileDeleted:
        """See :meth:`ZeroGPUClient.delete_file`."""
        return await self._request(routes.file_delete(file_id))

    async def create_batch(
        self,
        *,
        input_file_id: str,
        endpoint: str = routes.BATCH_ENDPOINT,
        completion_window: str = "24h",
        metadata: Mapping[str, Any] | None = None,
    ) -> Batch:
        """See :meth:`ZeroGPUClient.create_batch`."""
        return await self._request(
            routes.batch_create(input_file_id, endpoint, completion_window, metadata)
        )

    async def retrieve_batch(self, batch_id: str) -> Batch:
        """See :meth:`ZeroGPUClient.retrieve_batch`."""
        return await self._request(routes.batch_retrieve(batch_id))

    async def list_batches(
        self, *, limit: int | None = None, after: str | None = None
    ) -> BatchList:
        """See :meth:`ZeroGPUClient.list_batches`."""
        return await self._request(routes.batch_list(limit, after))

    async def cancel_batch(self, batch_id: str) -> Batch:
        """See :meth:`ZeroGPUClient.cancel_batch`."""
        return await self._request(routes.batch_cancel(batch_id))
