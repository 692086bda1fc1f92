"""The persisted state of a batch job, so another process can resume it after a crash.

The state holds ids and bookkeeping only (never request bodies or credentials):
which input indexes each part covers, the part's file hash, its input file and
batch ids, and the last status seen.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from zerogpu_core.types import Batch, BatchError, BatchRequestCounts

__all__ = ["STATE_VERSION", "BatchJobState", "BatchPartState", "load_state", "save_state"]

STATE_VERSION = 1
PENDING = "pending"  # built locally, not uploaded
UPLOADED = "uploaded"  # input file uploaded, batch not created


class BatchPartState(BaseModel):
    """One part of a job: a contiguous slice of the inputs sent as one batch."""

    number: int
    start: int
    stop: int
    sha256: str
    bytes: int
    status: str = PENDING
    input_file_id: str | None = None
    batch_id: str | None = None
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


class BatchJobState(BaseModel):
    """Everything needed to resume polling and collecting a job.

    ``custom_ids[i]`` is the custom id of input ``i``; that list is the custom-id
    to input-index mapping.
    """

    version: int = STATE_VERSION
    job_id: str
    endpoint: str
    completion_window: str = "24h"
    metadata: dict[str, Any] = Field(default_factory=dict)
    custom_ids: list[str]
    parts: list[BatchPartState]

    def index_by_custom_id(self) -> dict[str, int]:
        """``custom_id -> input index``."""
        return {custom_id: index for index, custom_id in enumerate(self.custom_ids)}


def save_state(state: BatchJobState, path: str | os.PathLike[str]) -> None:
    """Write the state atomically: a crash leaves the old file or the new one, never half."""
    target = Path(path)
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
        ValueError: when the file is not a job state of a supported version.
    """
    text = Path(path).read_text(encoding="utf-8")
    state = BatchJobState.model_validate_json(text)
    if state.version != STATE_VERSION:
        raise ValueError(f"Unsupported batch state version {state.version} in {path}")
    return state
