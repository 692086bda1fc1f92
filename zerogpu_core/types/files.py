"""Files API wire models (docs.zerogpu.ai, Batch API reference: Files)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from zerogpu_core.types._base import ResponseModel

__all__ = ["FileDeleted", "FileList", "FileObject"]


class FileObject(ResponseModel):
    """An uploaded input file or a server-written output/error file."""

    id: str
    object: str = "file"
    bytes: int | None = None
    created_at: int | None = None
    expires_at: int | None = None
    filename: str | None = None
    purpose: str | None = None
    status: str | None = None
    status_details: Any = None
    is_error: bool | None = None


class FileList(ResponseModel):
    """A page of files; pass ``last_id`` as ``after`` for the next page."""

    object: str = "list"
    data: list[FileObject] = Field(default_factory=list)
    first_id: str | None = None
    last_id: str | None = None
    has_more: bool = False


class FileDeleted(ResponseModel):
    """Answer to a soft delete."""

    id: str
    object: str = "file"
    deleted: bool
