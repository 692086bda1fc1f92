"""``/v1/files``: an in-memory, thread-safe file store (the Batch API reference: Files)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP

from zerogpu_core.emulator.wire import (
    ApiError,
    JSONObject,
    bad_request,
    new_id,
    now,
    parse_limit,
    query_value,
)

__all__ = ["MAX_UPLOAD_BYTES", "FileStore", "StoredFile", "file_not_found"]

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
_RETENTION_SECONDS = 2_592_000
_PURPOSES = ("batch", "batch_output")


def file_not_found(file_id: str) -> ApiError:
    """The documented 404 body for a missing or deleted file."""
    return ApiError(404, f"File {file_id} not found", bare=True)


@dataclass
class StoredFile:
    """One stored file and its metadata."""

    id: str
    filename: str
    purpose: str
    content: bytes
    created_at: int
    is_error: bool | None = None

    def to_object(self) -> JSONObject:
        """The File object of the API."""
        obj: JSONObject = {
            "id": self.id,
            "object": "file",
            "bytes": len(self.content),
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
            "expires_at": self.created_at + _RETENTION_SECONDS,
        }
        if self.is_error is not None:
            obj["is_error"] = self.is_error
        return obj


class FileStore:
    """Files in upload order; deletion is soft (later lookups answer 404)."""

    def __init__(self) -> None:
        """Create an empty store."""
        self._lock = threading.Lock()
        self._files: dict[str, StoredFile] = {}

    def add(
        self,
        content: bytes,
        purpose: str,
        filename: str | None = None,
        is_error: bool | None = None,
    ) -> StoredFile:
        """Store ``content`` and return its record."""
        file_id = new_id("file-emu")
        stored = StoredFile(
            file_id, filename or f"{file_id}.jsonl", purpose, content, now(), is_error
        )
        with self._lock:
            self._files[file_id] = stored
        return stored

    def find(self, file_id: str) -> StoredFile | None:
        """The live file ``file_id``, or ``None``."""
        with self._lock:
            return self._files.get(file_id)

    def get(self, file_id: str) -> StoredFile:
        """The live file ``file_id`` or a 404 :class:`ApiError`."""
        stored = self.find(file_id)
        if stored is None:
            raise file_not_found(file_id)
        return stored

    def delete(self, file_id: str) -> JSONObject:
        """Soft-delete ``file_id``."""
        with self._lock:
            if self._files.pop(file_id, None) is None:
                raise file_not_found(file_id)
        return {"id": file_id, "object": "file", "deleted": True}

    def list_page(self, query: dict[str, list[str]]) -> JSONObject:
        """The list envelope for ``GET /v1/files`` query parameters."""
        purpose = query_value(query, "purpose")
        if purpose is not None and purpose not in _PURPOSES:
            raise bad_request(
                "purpose must be 'batch' or 'batch_output'", "purpose", "invalid_purpose"
            )
        order = query_value(query, "order") or "desc"
        if order not in ("asc", "desc"):
            raise bad_request("order must be 'asc' or 'desc'", "order")
        limit = parse_limit(query_value(query, "limit"), 10_000, 10_000)
        with self._lock:
            files = [f for f in self._files.values() if purpose in (None, f.purpose)]
        if order == "desc":
            files.reverse()
        after = query_value(query, "after")
        if after is not None:
            ids = [f.id for f in files]
            files = files[ids.index(after) + 1 :] if after in ids else []
        page = files[:limit]
        return {
            "object": "list",
            "data": [f.to_object() for f in page],
            "first_id": page[0].id if page else None,
            "last_id": page[-1].id if page else None,
            "has_more": len(files) > limit,
        }

    def upload(self, content_type: str, body: bytes) -> JSONObject:
        """Handle a multipart ``POST /v1/files`` upload."""
        if not content_type.lower().startswith("multipart/form-data"):
            raise bad_request(
                "Content-Type must be multipart/form-data", None, "invalid_content_type"
            )
        if len(body) > MAX_UPLOAD_BYTES:
            raise ApiError(
                413, "File exceeds maximum size of 100 MB", code="file_too_large", param="file"
            )
        fields = _multipart(content_type, body)
        if fields.get("purpose", (None, b""))[1].decode(errors="replace").strip() != "batch":
            raise bad_request("purpose must be 'batch'", "purpose", "invalid_purpose")
        if "file" not in fields:
            raise bad_request("file is required", "file", "missing_file")
        filename, content = fields["file"]
        if not content:
            raise bad_request("The uploaded file is empty", "file", "empty_file")
        return self.add(content, "batch", filename).to_object()


def _multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    header = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(header + body)
    if not message.is_multipart():
        raise bad_request("Malformed multipart body", None, "invalid_multipart")
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = (part.get_filename(), payload)
    if not fields:
        raise bad_request("Malformed multipart body", None, "invalid_multipart")
    return fields
