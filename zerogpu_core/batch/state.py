"""The persisted state of a batch job, so another process can resume it after a crash.

The state holds ids and bookkeeping only (never request bodies or credentials):
which input indexes each part covers, the part's file hash, its input file and
batch ids, and the last status seen.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, ValidationError

from zerogpu_core.batch.errors import BatchStateError
from zerogpu_core.batch.ids import LineIds
from zerogpu_core.types import Batch, BatchError, BatchRequestCounts

__all__ = ["STATE_VERSION", "BatchJobState", "BatchPartState", "load_state", "save_state"]

STATE_VERSION = 1
PENDING = "pending"  # built locally, not uploaded
UPLOADED = "uploaded"  # input file uploaded, batch not created


class BatchPartState(BaseModel):
    """One part of a job: a contiguous slice of the inputs sent as one batch.

    ``create_sent_at`` (Unix time) is recorded before each create call: a process
    resuming the job then knows a batch may exist that the list does not show yet.
    """

    model_config = ConfigDict(hide_input_in_errors=True)

    number: int
    start: int
    stop: int
    sha256: str
    bytes: int
    status: str = PENDING
    input_file_id: str | None = None
    batch_id: str | None = None
    create_sent_at: float | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: list[BatchError] = Field(default_factory=list)
    request_counts: BatchRequestCounts = Field(default_factory=BatchRequestCounts)

    @property
    def size(self) -> int:
        """Number of input lines in the part."""
        return self.stop - self.start

    def update_from(self, batch: Batch) -> None:
        """Record what the server said about this part's batch."""
        self.batch_id = batch.id
        self.status = batch.status
        self.output_file_id = batch.output_file_id
        self.error_file_id = batch.error_file_id
        self.request_counts = batch.request_counts
        if batch.errors is not None:
            self.errors = list(batch.errors.data)


def _custom_ids_in(value: object) -> Sequence[str]:
    if isinstance(value, LineIds):
        return value
    if isinstance(value, dict) and list(value) == ["document_line_ends"]:
        ends = value["document_line_ends"]
        if isinstance(ends, str):
            return LineIds.decode(ends)
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return list(value)
    raise ValueError('custom_ids must be a list of strings or {"document_line_ends": "..."}')


def _custom_ids_out(value: Sequence[str]) -> list[str] | dict[str, str]:
    return {"document_line_ends": value.encode()} if isinstance(value, LineIds) else list(value)


#: A list of ids, or a document job's :class:`~zerogpu_core.batch.ids.LineIds` (8 bytes
#: per document instead of a string per line, in memory and in the state file).
CustomIds = Annotated[
    Sequence[str], PlainValidator(_custom_ids_in), PlainSerializer(_custom_ids_out)
]


class BatchJobState(BaseModel):
    """Everything needed to resume polling and collecting a job.

    ``custom_ids[i]`` is the custom id of input ``i``; that sequence is the custom-id
    to input-index mapping.
    """

    model_config = ConfigDict(hide_input_in_errors=True)

    version: int = STATE_VERSION
    job_id: str
    endpoint: str
    completion_window: str = "24h"
    metadata: dict[str, Any] = Field(default_factory=dict)
    custom_ids: CustomIds
    parts: list[BatchPartState]


def save_state(state: BatchJobState, path: str | os.PathLike[str]) -> None:
    """Write the state atomically: a crash leaves the old file or the new one, never half."""
    target = Path(path)
    if target.is_dir():
        raise BatchStateError(os.fspath(path), "it is a directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(state.model_dump_json(indent=1))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_state(path: str | os.PathLike[str]) -> BatchJobState:
    """Read a state file written by :func:`save_state`.

    Raises:
        FileNotFoundError: when there is no such file.
        BatchStateError: when the path is a directory, unreadable, not a job state
            or of another version (the error names the path, never the content).
    """
    where = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise BatchStateError(where, "it is a directory") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BatchStateError(where, f"it cannot be read ({type(exc).__name__})") from None
    try:
        state = BatchJobState.model_validate_json(text)
    except ValidationError as exc:
        raise BatchStateError(where, _what_is_wrong(exc)) from None
    if state.version != STATE_VERSION:
        raise BatchStateError(
            where, f"it is version {state.version}, this library reads {STATE_VERSION}"
        )
    return state


def _what_is_wrong(error: ValidationError) -> str:
    first = error.errors(include_input=False, include_url=False, include_context=False)[0]
    if first["type"] == "json_invalid":
        return "it is not valid JSON (truncated or corrupt)"
    where = ".".join(str(part) for part in first["loc"]) or "the top level"
    return f"it is not a batch job state ({where}: {first['msg']})"
