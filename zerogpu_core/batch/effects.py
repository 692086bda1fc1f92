"""The I/O a batch job asks for, as typed values the runners execute.

A job step yields one of these and receives its result. Each Files or Batches
API operation is its own frozen dataclass with typed fields and knows the one
client method that performs it, for either client flavour, so ``mypy --strict``
checks every call and its result type. Arguments are passed by keyword so a
wrapped or fake client sees the same call as the real one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Generator, Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Generic, TypeVar

from zerogpu_core.types import Batch, BatchList, FileDeleted, FileList, FileObject

if TYPE_CHECKING:
    from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient

__all__ = [
    "CancelBatch",
    "ClientCall",
    "CreateBatch",
    "DeleteFile",
    "Effect",
    "FileContent",
    "ListBatches",
    "ListFiles",
    "RetrieveBatch",
    "Sleep",
    "UploadFile",
    "call",
]

T = TypeVar("T")


class ClientCall(ABC, Generic[T]):
    """One client call whose result (a ``T``) is sent back to the step."""

    @abstractmethod
    def run(self, client: ZeroGPUClient) -> T:
        """Perform the call with the sync client."""

    @abstractmethod
    def arun(self, client: AsyncZeroGPUClient) -> Awaitable[T]:
        """Perform the call with the async client."""


@dataclass(frozen=True)
class UploadFile(ClientCall[FileObject]):
    """``POST /v1/files`` with ``purpose=batch``; ``content`` is JSONL bytes or a file to stream."""

    content: bytes | IO[bytes]
    filename: str

    def run(self, client: ZeroGPUClient) -> FileObject:
        return client.upload_file(file=self.content, filename=self.filename)

    def arun(self, client: AsyncZeroGPUClient) -> Awaitable[FileObject]:
        return client.upload_file(file=self.content, filename=self.filename)


@dataclass(frozen=True)
class ListFiles(ClientCall[FileList]):
    """``GET /v1/files`` for one page of batch input files."""

    purpose: str
    after: str | None = None

    def run(self, client: ZeroGPUClient) -> FileList:
        return client.list_files(purpose=self.purpose, after=self.after)

    def arun(self, client: AsyncZeroGPUClient) -> Awaitable[FileList]:
        return client.list_files(purpose=self.purpose, after=self.after)


@dataclass(frozen=True)
class DeleteFile(ClientCall[FileDeleted]):
    """``DELETE /v1/files/{file_id}``."""

    file_id: str

    def run(self, client: ZeroGPUClient) -> FileDeleted:
        return client.delete_file(file_id=self.file_id)

    def arun(self, client: AsyncZeroGPUClient) -> Awaitable[FileDeleted]:
        return client.delete_file(file_id=self.file_id)


@dataclass(frozen=True)
class FileContent(ClientCall[bytes]):
    """``GET /v1/files/{file_id}/content`` (an output or error file)."""

    file_id: str

    def run(self, client: ZeroGPUClient) -> bytes:
        return client.file_content(file_id=self.file_id)

    def arun(self, client: AsyncZeroGPUClient) -> Awaitable[bytes]:
        return client.file_content(file_id=self.file_id)


@dataclass(frozen=True)
class CreateBatch(ClientCall[Batch]):
    """``POST /v1/batches``."""

    input_file_id: str
    endpoint: str
    completion_window: str
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def run(self, client: ZeroGPUClient) -> Batch:
        return client.create_batch(
            input_file_id=self.input_file_id,
            endpoint=self.endpoint,
            completion_window=self.completion_window,
            metadata=self.metadata,
        )

    def arun(self, client: AsyncZeroGPUClient) -> Awaitable[Batch]:
        return client.create_batch(
            input_file_id=self.input_file_id,
            endpoint=self.endpoint,
            completion_window=self.completion_window,
            metadata=self.metadata,
        )


@dataclass(frozen=True)
class ListBatches(ClientCall[BatchList]):
    """``GET /v1/batches`` for one page."""

    limit: int
    after: str | None = None

    def run(self, client: ZeroGPUClient) -> BatchList:
        return client.list_batches(limit=self.limit, after=self.after)

    def arun(self, client: AsyncZeroGPUClient) -> Awaitable[BatchList]:
        return client.list_batches(limit=self.limit, after=self.after)


@dataclass(frozen=True)
class RetrieveBatch(ClientCall[Batch]):
    """``GET /v1/batches/{batch_id}``."""

    batch_id: str

    def run(self, client: ZeroGPUClient) -> Batch:
        return client.retrieve_batch(batch_id=self.batch_id)

    def arun(self, client: AsyncZeroGPUClient) -> Awaitable[Batch]:
        return client.retrieve_batch(batch_id=self.batch_id)


@dataclass(frozen=True)
class CancelBatch(ClientCall[Batch]):
    """``POST /v1/batches/{batch_id}/cancel``."""

    batch_id: str

    def run(self, client: ZeroGPUClient) -> Batch:
        return client.cancel_batch(batch_id=self.batch_id)

    def arun(self, client: AsyncZeroGPUClient) -> Awaitable[Batch]:
        return client.cancel_batch(batch_id=self.batch_id)


@dataclass(frozen=True)
class Sleep:
    """Wait ``seconds`` before the next step."""

    seconds: float


Effect = ClientCall[Any] | Sleep


def call(effect: ClientCall[T]) -> Generator[Effect, Any, T]:
    """Yield ``effect`` and return its result, typed (``x = yield from call(...)``)."""
    result: T = yield effect
    return result
