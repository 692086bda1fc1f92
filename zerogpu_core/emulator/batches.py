"""``/v1/batches``: batch records, lifecycle and the background worker."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zerogpu_core.emulator.batch_input import (
    BatchLine,
    LineError,
    validate_create_body,
    validate_jsonl,
)
from zerogpu_core.emulator.files import FileStore
from zerogpu_core.emulator.wire import (
    ApiError,
    JSONObject,
    dumps,
    new_id,
    now,
    parse_limit,
    query_value,
)

__all__ = ["Batch", "BatchManager", "LineRunner"]

#: Runs one line body through the chat handler: ``(status, body)``.
LineRunner = Callable[[JSONObject], tuple[int, JSONObject]]

_TIMESTAMPS = (
    "in_progress_at",
    "finalizing_at",
    "completed_at",
    "failed_at",
    "expired_at",
    "cancelling_at",
    "cancelled_at",
)
_ERROR_CODES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "authentication_error",
    404: "not_found_error",
    413: "request_too_large",
    420: "insufficient_quota",
    422: "invalid_request_error",
    429: "rate_limit_exceeded",
}


@dataclass
class Batch:
    """A stored batch; ``lines`` and ``deadline`` are emulator internals."""

    id: str
    input_file_id: str
    endpoint: str
    metadata: Any
    created_at: int
    expires_at: int
    deadline: float
    listed_from: float = 0.0
    lines: list[BatchLine] = field(default_factory=list)
    status: str = "validating"
    errors: JSONObject | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    completed: int = 0
    failed: int = 0
    times: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(_TIMESTAMPS))

    def mark(self, status: str) -> None:
        """Move to ``status`` and stamp its ``<status>_at`` time."""
        self.status = status
        self.times[f"{status}_at"] = now()

    def to_object(self) -> JSONObject:
        """The Batch object of the API."""
        return {
            "id": self.id,
            "object": "batch",
            "endpoint": self.endpoint,
            "errors": self.errors,
            "input_file_id": self.input_file_id,
            "completion_window": "24h",
            "status": self.status,
            "output_file_id": self.output_file_id,
            "error_file_id": self.error_file_id,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            **self.times,
            "request_counts": {
                "total": len(self.lines),
                "completed": self.completed,
                "failed": self.failed,
            },
            "metadata": self.metadata,
        }


def batch_not_found(batch_id: str) -> ApiError:
    """The documented 404 body for an unknown batch."""
    return ApiError(404, f"Batch not found: {batch_id}", bare=True)


def _error_record(custom_id: str, code: str, message: str, param: Any = None) -> JSONObject:
    return {
        "id": new_id("batch_req_emu"),
        "custom_id": custom_id,
        "response": None,
        "error": {"code": code, "message": message, "param": param},
    }


def _failure(custom_id: str, status: int, body: JSONObject) -> JSONObject:
    error = body.get("error")
    upstream: JSONObject = error if isinstance(error, dict) else {}
    code = upstream.get("code")
    if code != "context_length_exceeded":
        code = _ERROR_CODES.get(status, "internal_error")
    embedded = {k: upstream[k] for k in ("message", "type") if k in upstream}
    message = f"[legacy:http_{status}] {dumps(embedded)}"
    return _error_record(custom_id, code, message, upstream.get("param"))


class BatchManager:
    """Creates batches, answers queries and runs one worker thread per batch."""

    def __init__(
        self,
        files: FileStore,
        run_line: LineRunner,
        next_request_id: Callable[[], str],
        line_delay: float,
        expiry_seconds: float,
        list_lag: float = 0.0,
    ) -> None:
        """Wire the manager to the file store and the chat handler."""
        self._files = files
        self._run_line = run_line
        self._next_request_id = next_request_id
        self._line_delay = line_delay
        self._expiry = expiry_seconds
        self._list_lag = list_lag
        self._lock = threading.Lock()
        self._batches: dict[str, Batch] = {}
        self._workers: list[threading.Thread] = []
        self._stopping = threading.Event()

    def create(self, body: JSONObject) -> JSONObject:
        """Validate and store a batch, then start its worker."""
        try:
            file_id, endpoint = validate_create_body(body)
        except LineError as err:
            raise ApiError(
                400, err.message, code="invalid_request_error", param=err.param
            ) from None
        stored = self._files.find(file_id)
        if stored is None:
            raise ApiError(
                404,
                f"Input file not found: {file_id}",
                code="file_not_found",
                param="input_file_id",
            )
        created = now()
        batch = Batch(
            id=new_id("batch_emu"),
            input_file_id=file_id,
            endpoint=endpoint,
            metadata=body.get("metadata") if body.get("metadata") is not None else {},
            created_at=created,
            expires_at=created + math.ceil(self._expiry),
            deadline=time.monotonic() + self._expiry,
            listed_from=time.monotonic() + self._list_lag,
        )
        try:
            batch.lines = validate_jsonl(stored.content, endpoint)
        except LineError as err:
            self._fail(batch, err)
            raise ApiError(
                400,
                err.message,
                code="invalid_request_error",
                param=err.param,
                extra={"line": err.line},
            ) from None
        batch.mark("in_progress")
        worker = threading.Thread(
            target=self._work, args=(batch,), daemon=True, name=f"emulator-{batch.id}"
        )
        with self._lock:
            self._batches[batch.id] = batch
            self._workers.append(worker)
            snapshot = batch.to_object()
        worker.start()
        return snapshot

    def _fail(self, batch: Batch, err: LineError) -> None:
        batch.errors = {
            "object": "list",
            "data": [
                {
                    "code": "invalid_request_error",
                    "message": err.message,
                    "line": err.line,
                    "param": err.param,
                }
            ],
        }
        batch.mark("failed")
        with self._lock:
            self._batches[batch.id] = batch

    def get(self, batch_id: str) -> JSONObject:
        """The current Batch object (live ``request_counts``)."""
        with self._lock:
            batch = self._batches.get(batch_id)
            if batch is None:
                raise batch_not_found(batch_id)
            return batch.to_object()

    def list_page(self, query: dict[str, list[str]]) -> JSONObject:
        """The list envelope for ``GET /v1/batches`` (newest first)."""
        limit = parse_limit(query_value(query, "limit"), 20, 100)
        shown = time.monotonic()
        with self._lock:
            batches = [
                b.to_object() for b in reversed(self._batches.values()) if b.listed_from <= shown
            ]
        after = query_value(query, "after")
        if after is not None:
            ids = [b["id"] for b in batches]
            batches = batches[ids.index(after) + 1 :] if after in ids else []
        page = batches[:limit]
        return {
            "object": "list",
            "data": page,
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
            "has_more": len(batches) > limit,
        }

    def cancel(self, batch_id: str) -> JSONObject:
        """Request cancellation; 409 once the batch is terminal or finalizing."""
        with self._lock:
            batch = self._batches.get(batch_id)
            if batch is None:
                raise batch_not_found(batch_id)
            if batch.status in ("validating", "in_progress"):
                batch.mark("cancelling")
            elif batch.status != "cancelling":
                raise ApiError(
                    409,
                    f"Batch {batch_id} cannot be cancelled: status is {batch.status}",
                    code="batch_not_cancellable",
                )
            return batch.to_object()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop every worker (batches still running stay ``in_progress``)."""
        self._stopping.set()
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            worker.join(timeout)

    def _work(self, batch: Batch) -> None:
        outputs: list[JSONObject] = []
        errors: list[JSONObject] = []
        for index, line in enumerate(batch.lines):
            if self._stopping.wait(self._line_delay):
                return
            with self._lock:
                ending = self._ending(batch)
            if ending is not None:
                errors.extend(self._unrun(batch, batch.lines[index:], ending))
                self._finish(batch, outputs, errors, final=ending)
                return
            record = self._run(line)
            with self._lock:
                if record.get("error") is None:
                    outputs.append(record)
                    batch.completed += 1
                else:
                    errors.append(record)
                    batch.failed += 1
        with self._lock:
            if batch.status == "in_progress":
                batch.mark("finalizing")
        if self._stopping.wait(self._line_delay):
            return
        self._finish(batch, outputs, errors, final=None)

    def _ending(self, batch: Batch) -> str | None:
        if batch.status == "cancelling":
            return "cancelled"
        if time.monotonic() >= batch.deadline:
            return "expired"
        return None

    def _unrun(self, batch: Batch, lines: list[BatchLine], ending: str) -> list[JSONObject]:
        reason = "the batch was cancelled" if ending == "cancelled" else "the batch expired"
        code = f"batch_{ending}"
        records = [
            _error_record(line.custom_id, code, f"[legacy:{code}] Line not run because {reason}")
            for line in lines
        ]
        with self._lock:
            batch.failed += len(records)
        return records

    def _run(self, line: BatchLine) -> JSONObject:
        try:
            status, body = self._run_line(line.body)
        except Exception as exc:  # a line must never take the worker down
            return _error_record(
                line.custom_id, "internal_error", f"[legacy:retries_exhausted] Line failed: {exc}"
            )
        if status != 200:
            return _failure(line.custom_id, status, body)
        return {
            "id": new_id("batch_req_emu"),
            "custom_id": line.custom_id,
            "response": {
                "status_code": 200,
                "request_id": self._next_request_id(),
                "body": body,
            },
        }

    def _finish(
        self, batch: Batch, outputs: list[JSONObject], errors: list[JSONObject], final: str | None
    ) -> None:
        # Reverse the records so clients must match results by custom_id, not position.
        output_file = self._write(outputs, is_error=False)
        error_file = self._write(errors, is_error=True)
        with self._lock:
            batch.output_file_id = output_file
            batch.error_file_id = error_file
            if final is None and batch.status == "cancelling":
                final = "cancelled"
            batch.mark(final or "completed")

    def _write(self, records: list[JSONObject], *, is_error: bool) -> str | None:
        if not records:
            return None
        content = "".join(dumps(r) + "\n" for r in reversed(records)).encode()
        return self._files.add(content, "batch_output", is_error=is_error).id
