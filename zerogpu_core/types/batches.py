"""Batches API wire models (docs.zerogpu.ai, Batch API reference: Batches)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from zerogpu_core.types._base import ResponseModel, WireModel

__all__ = ["TERMINAL_BATCH_STATUSES", "Batch", "BatchError", "BatchList", "BatchRequestCounts"]

TERMINAL_BATCH_STATUSES = frozenset({"completed", "failed", "expired", "cancelled"})


class BatchRequestCounts(WireModel):
    """Live line counts; they add up to ``total`` only once the batch is terminal."""

    total: int = 0
    completed: int = 0
    failed: int = 0


class BatchError(WireModel):
    """One create-time validation error of a failed batch."""

    code: str | None = None
    message: str = ""
    line: int | None = None
    param: str | None = None


class BatchErrors(WireModel):
    """The ``errors`` list envelope of a failed batch."""

    object: str = "list"
    data: list[BatchError] = Field(default_factory=list)


class Batch(ResponseModel):
    """A batch and its lifecycle timestamps."""

    id: str
    object: str = "batch"
    endpoint: str = "/v1/chat/completions"
    errors: BatchErrors | None = None
    input_file_id: str = ""
    completion_window: str = "24h"
    status: str = "validating"
    output_file_id: str | None = None
    error_file_id: str | None = None
    created_at: int | None = None
    in_progress_at: int | None = None
    expires_at: int | None = None
    finalizing_at: int | None = None
    completed_at: int | None = None
    failed_at: int | None = None
    expired_at: int | None = None
    cancelling_at: int | None = None
    cancelled_at: int | None = None
    request_counts: BatchRequestCounts = Field(default_factory=BatchRequestCounts)
    metadata: dict[str, Any] | None = None

    @property
    def is_terminal(self) -> bool:
        """Whether polling can stop."""
        return self.status in TERMINAL_BATCH_STATUSES


class BatchList(ResponseModel):
    """A page of batches."""

    object: str = "list"
    data: list[Batch] = Field(default_factory=list)
    first_id: str | None = None
    last_id: str | None = None
    has_more: bool = False
