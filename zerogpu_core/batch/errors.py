"""Job-level batch errors (per-item errors are :class:`~.results.BatchItemError`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zerogpu_core._exceptions import APIStatusError, ZeroGPUError
from zerogpu_core.batch.jsonl import LineIssue

__all__ = [
    "BatchCreateError",
    "BatchJobError",
    "BatchStateError",
    "BatchTimeoutError",
    "BatchValidationError",
]


class BatchJobError(ZeroGPUError):
    """A batch job cannot do what was asked (wrong step, mismatched inputs, ...)."""


class BatchValidationError(BatchJobError, ValueError):
    """Local validation found lines the server would reject; nothing was uploaded.

    Attributes:
        issues: every problem found, first one first.
        line: the 1-based line of the first problem (``None`` for file-level ones);
            for a job, line ``N`` is input ``N - 1``.
    """

    def __init__(self, issues: Sequence[LineIssue]) -> None:
        if not issues:
            raise ValueError("BatchValidationError needs at least one issue")
        self.issues = list(issues)
        self.line = self.issues[0].line
        more = len(self.issues) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(f"{self.issues[0].message}{suffix}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its fields so it survives a trip through a worker process.
        return (type(self), (self.issues,))


class BatchCreateError(BatchJobError):
    """The server rejected a part's input file at batch create.

    Earlier parts keep running and later ones are not submitted: ``cancel()`` stops
    the job, or ``run()`` submits the rest and collects (this part's items are then
    reported as ``batch_failed``).

    Attributes:
        line: the 1-based line of the part's file the server named, if any.
        index: the input index of that line, if known.
        custom_id: that input's custom id, if known.
        part: the number of the rejected part (0-based).
        cause: the server's error (also ``__cause__``).
    """

    def __init__(
        self,
        cause: APIStatusError,
        *,
        part: int,
        index: int | None,
        custom_id: str | None,
    ) -> None:
        self.cause = cause
        self.line = cause.line
        self.part = part
        self.index = index
        self.custom_id = custom_id
        where = f" (input {index}, custom_id {custom_id!r})" if index is not None else ""
        super().__init__(
            f"The server rejected batch part {part} at create: {cause.detail_message}{where}"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        fields = {"part": self.part, "index": self.index, "custom_id": self.custom_id}
        return (_rebuild_create_error, (type(self), self.cause, fields))


class BatchStateError(BatchJobError, ValueError):
    """A job state file cannot be read or written (corrupt, foreign, a directory).

    The message names the path and what to do, never the file's content.

    Attributes:
        path: the state file.
    """

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(
            f"{path} is not a usable batch job state file: {problem}. Pass the state file "
            "this job wrote, or move it away (or choose another path) to start a new job; "
            "batches already created keep running on the account."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.problem))


class BatchTimeoutError(BatchJobError):
    """``wait`` gave up before every batch of the job was terminal; the job goes on."""


def _rebuild_create_error(
    cls: type[BatchCreateError], cause: APIStatusError, fields: dict[str, Any]
) -> BatchCreateError:
    return cls(cause, **fields)
