"""A Batch API job's plan: every document's lines, in memory that does not grow with it.

Every chunk the synchronous runner would send becomes one JSONL line whose custom
id encodes its document and chunk (``doc-3-chunk-0``). The lines are spooled to a
private temporary file; what the plan keeps per document and per line is a number.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from zerogpu_core.batch.ids import LineIds, line_id
from zerogpu_core.batch.jsonl import make_batch_line
from zerogpu_core.batch.spool import SpooledLines
from zerogpu_core.tasks.outcomes import DocumentOutcome, DocumentSteps
from zerogpu_core.tasks.results import check_ids, progress_bar

if TYPE_CHECKING:
    from tqdm.auto import tqdm

    from zerogpu_core.tasks.runner import ChunkedTask

__all__ = ["BatchPlan", "plan_batch"]

D = TypeVar("D")
J = TypeVar("J")
P = TypeVar("P")
R = TypeVar("R")


@dataclass
class BatchPlan(Generic[D, J, P, R]):
    """Every document planned into Batch API lines, in memory that does not grow with
    the documents' text or their jobs.

    A document's jobs are not kept: :meth:`jobs` plans the document again when its
    results come back, and checks that the lines it would send are, byte for byte,
    the ones that were sent (a 64-bit digest per line), so a result is never matched
    to text that changed in the meantime. What grows with the job is 8 bytes per
    document and 8 per line.

    Attributes:
        steps: plans and finishes each document into its outcome.
        task: the task whose requests the lines are.
        early: outcomes known before any request (planning failures, documents
            without jobs, which are finished at once).
        ends: per document, the number of lines of it and every document before it.
        digests: per line, a digest of its encoded body.
        bodies: the lines, encoded (``BatchLine.encode()``) and written to a private
            temporary file as they are planned, so memory does not grow with the job;
            the file is deleted once the job is submitted.
    """

    steps: DocumentSteps[D, J, P, R]
    task: ChunkedTask[D, J, P, R]
    early: list[DocumentOutcome[R]] = field(default_factory=list)
    ends: array[int] = field(default_factory=lambda: array("q"))
    digests: array[int] = field(default_factory=lambda: array("Q"))
    bodies: SpooledLines = field(default_factory=SpooledLines)

    @property
    def custom_ids(self) -> LineIds:
        """One custom id per line, in line order (computed, not stored)."""
        return LineIds(self.ends)

    def lines(self, index: int) -> range:
        """The line numbers of document ``index`` (empty when it has none)."""
        return range(self.ends[index - 1] if index else 0, self.ends[index])

    def add(self, jobs: Sequence[J]) -> None:
        """Record the next document's lines and spool their bodies."""
        index, first = len(self.ends), len(self.bodies)
        for position, job in enumerate(jobs):
            line = _encode(self.task, job, line_id(index, position))
            self.bodies.append(line)
            self.digests.append(_digest(line))
        self.ends.append(first + len(jobs))

    def jobs(self, index: int) -> Sequence[J]:
        """Document ``index``'s jobs, planned again and checked against the lines sent.

        Raises:
            ValueError: when the document no longer plans into the lines sent for it
                (its text changed after the job was submitted).
        """
        lines = self.lines(index)
        try:
            jobs = self.task.plan(self.steps.texts[index])
        except Exception:
            jobs = []  # it planned when submitted: whatever changed, it is not the same
        same = len(jobs) == len(lines) and all(
            _digest(_encode(self.task, job, line_id(index, position))) == self.digests[line]
            for position, (job, line) in enumerate(zip(jobs, lines, strict=True))
        )
        if not same:
            raise ValueError(
                f"Document {index} changed after its Batch API job was submitted: "
                "its results cannot be matched to its text"
            )
        return jobs


def _encode(task: ChunkedTask[D, J, P, R], job: J, custom_id: str) -> bytes:
    return make_batch_line(task.request(job), custom_id).encode()


def _digest(line: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(line, digest_size=8).digest(), "little")


def plan_batch(
    task: ChunkedTask[D, J, P, R],
    texts: Sequence[D],
    ids: Sequence[str | None] | None = None,
    bar: tqdm[Any] | None = None,
) -> BatchPlan[D, J, P, R]:
    """Plan every document and build one line per job (no requests).

    The lines go to a private temporary file (:class:`SpooledLines`); close
    ``plan.bodies`` when done with them.

    A document whose planning fails is recorded as a failure, one without jobs
    (blank) is finished at once, as in the concurrent runner.
    """
    doc_ids = check_ids(texts, ids, 1)
    steps = DocumentSteps(task, texts, doc_ids, bar or progress_bar(len(texts), False, ""))
    plan: BatchPlan[D, J, P, R] = BatchPlan(steps, task)
    for index in range(len(texts)):
        jobs = steps.plan(index)
        if isinstance(jobs, DocumentOutcome):
            plan.early.append(jobs)
            jobs = []
        elif not jobs:
            plan.early.append(steps.finish(index, jobs, []))
        plan.add(jobs)
    return plan
