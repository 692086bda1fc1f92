"""Batch API result lines into documents, one line at a time.

A line's completion is resolved into its job's part as soon as it is read and the
completion dropped; a document is handed over as soon as all its lines are
resolved. So a job's results are read in flat memory: what is held is the parts of
documents whose lines are not all read yet, and the error lines (small) until the
end, because a completion for the same line wins over an error.
"""

from __future__ import annotations

import bisect
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from zerogpu_core.batch import BatchItemError
from zerogpu_core.batch.ids import line_id, parse_line_id
from zerogpu_core.batch.job import no_line_error
from zerogpu_core.batch.results import parse_result_line
from zerogpu_core.batch.state import BatchJobState
from zerogpu_core.tasks.outcomes import DocumentOutcome
from zerogpu_core.types import ChatCompletion

if TYPE_CHECKING:
    from zerogpu_core.tasks.batch_plan import BatchPlan
    from zerogpu_core.tasks.runner import ChunkedTask

__all__ = ["LineAssembly", "Ready", "Resend", "missing_in"]

D = TypeVar("D")
J = TypeVar("J")
P = TypeVar("P")
R = TypeVar("R")

logger = logging.getLogger("zerogpu_core.tasks")

_UNREAD = object()


@dataclass(frozen=True)
class Resend(Generic[J]):
    """A line to send again as smaller regular requests (see ``ChunkedTask.resplit``)."""

    parts: Sequence[J]


@dataclass(frozen=True)
class Ready(Generic[J, P]):
    """A document whose lines are all resolved: its jobs and their parts (some may
    still have to be re-sent, see :class:`Resend`)."""

    index: int
    jobs: Sequence[J]
    parts: list[P | Resend[J]]


class LineAssembly(Generic[D, J, P, R]):
    """Resolves result lines as they come and says when a document is complete.

    A document's jobs are planned again (:meth:`BatchPlan.jobs`) when its first
    line is read and forgotten once it is handed over; one byte per document
    records that it was.
    """

    def __init__(self, plan: BatchPlan[D, J, P, R], task: ChunkedTask[D, J, P, R]) -> None:
        self.plan, self.task = plan, task
        self._jobs: dict[int, Sequence[J]] = {}
        self._parts: dict[int, list[object]] = {}
        self._unread: dict[int, int] = {}
        self._handed = bytearray(len(plan.ends))
        self._errors: dict[str, BatchItemError] = {}
        self._unknown = 0

    def raw(self, line: str) -> Ready[J, P] | DocumentOutcome[R] | None:
        """One line of an output or error file (blank lines are skipped).

        Raises:
            ValueError: on a line that is not a JSON object with a custom id.
        """
        if not line.strip():
            return None
        value = json.loads(line)
        if not isinstance(value, dict):
            raise ValueError("A batch result line must be a JSON object")
        custom_id, outcome, _request_id = parse_result_line(value)
        return self.add(custom_id, outcome)

    def add(
        self, custom_id: str, outcome: ChatCompletion | BatchItemError
    ) -> Ready[J, P] | DocumentOutcome[R] | None:
        """One line's outcome; returns the document when this completes (or fails) it."""
        where = parse_line_id(custom_id)
        if where is None or not self._known(*where):
            self._unknown += 1
            return None
        index, position = where
        if self._handed[index]:
            return None  # a repeated line of a document already handed over
        if isinstance(outcome, BatchItemError):
            self._errors.setdefault(custom_id, outcome)
            return None
        try:
            jobs = self._jobs_of(index)
        except ValueError as exc:
            return self._fail(index, exc)
        parts = self._parts.setdefault(index, [_UNREAD] * len(jobs))
        if parts[position] is not _UNREAD:
            return None  # a repeated line: the first completion counts
        job = jobs[position]
        try:
            parts[position] = self.task.resolve(job, outcome)
        except Exception as exc:
            smaller = self.task.resplit(job, exc)
            if smaller is None:
                return self._fail(index, exc)
            parts[position] = Resend(smaller)
        self._unread[index] = self._unread.get(index, len(jobs)) - 1
        if self._unread[index]:
            return None
        return self._ready(index)

    def _known(self, index: int, position: int) -> bool:
        return 0 <= index < len(self.plan.ends) and position < len(self.plan.lines(index))

    def _jobs_of(self, index: int) -> Sequence[J]:
        jobs = self._jobs.get(index)
        if jobs is None:
            jobs = self._jobs[index] = self.plan.jobs(index)
        return jobs

    def _ready(self, index: int) -> Ready[J, P]:
        self._unread.pop(index, None)
        self._handed[index] = 1
        done: list[P | Resend[J]] = self._parts.pop(index)  # type: ignore[assignment]
        return Ready(index, self._jobs.pop(index), done)

    def _fail(self, index: int, error: Exception) -> DocumentOutcome[R]:
        self._parts.pop(index, None)
        self._unread.pop(index, None)
        self._jobs.pop(index, None)
        self._handed[index] = 1
        return self.plan.steps.fail(index, error)

    def remaining(
        self, missing: Callable[[str], BatchItemError]
    ) -> Iterator[Ready[J, P] | DocumentOutcome[R]]:
        """Every document still incomplete once all lines are read. Each unresolved
        line's error (its error line, or ``missing(custom_id)`` without one) is a
        failed request: re-split when the task says so, else it fails the document."""
        if self._unknown:
            logger.warning("Batch files hold %d lines with unknown custom ids", self._unknown)
        for index in range(len(self.plan.ends)):
            if not self._handed[index] and self.plan.lines(index):
                yield self._settle_errors(index, missing)

    def _settle_errors(
        self, index: int, missing: Callable[[str], BatchItemError]
    ) -> Ready[J, P] | DocumentOutcome[R]:
        try:
            jobs = self._jobs_of(index)
        except ValueError as exc:
            return self._fail(index, exc)
        parts = self._parts.setdefault(index, [_UNREAD] * len(jobs))
        for position, part in enumerate(parts):
            if part is not _UNREAD:
                continue
            custom_id = line_id(index, position)
            error = self._errors.get(custom_id) or missing(custom_id)
            smaller = self.task.resplit(jobs[position], error)
            if smaller is None:
                return self._fail(index, error)
            parts[position] = Resend(smaller)
        return self._ready(index)


def missing_in(
    state: BatchJobState, plan: BatchPlan[D, J, P, R]
) -> Callable[[str], BatchItemError]:
    """Why a line of ``state``'s job has no result: from the part it was sent in."""
    starts = [part.start for part in state.parts]

    def missing(custom_id: str) -> BatchItemError:
        where = parse_line_id(custom_id)
        assert where is not None  # only our own ids are looked up
        line = plan.lines(where[0])[where[1]]
        return no_line_error(state.parts[bisect.bisect_right(starts, line) - 1], custom_id)

    return missing
