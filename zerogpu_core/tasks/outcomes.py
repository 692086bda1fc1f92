"""One document's outcome as it finishes, and the lists built from a run's outcomes.

Every way of running a task (:mod:`~zerogpu_core.tasks.concurrent`,
:mod:`~zerogpu_core.tasks.batch_mode`) yields a :class:`DocumentOutcome` per
document as soon as the document is finished and keeps nothing of it afterwards.
The list-returning functions (``process_documents`` and the ``*_documents``
helpers) collect those outcomes with :class:`Collector`; a caller that streams
them (``iter_documents``) holds only what it keeps itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tqdm.auto import tqdm

from zerogpu_core.tasks.results import (
    BatchTransformError,
    DocumentResults,
    FailurePolicy,
    ItemFailure,
    Planned,
    TransformInterrupted,
)

__all__ = [
    "Collector",
    "DocumentOutcome",
    "DocumentSteps",
    "acollect",
    "acollect_converted",
    "ahand_over",
    "collect",
    "collect_converted",
    "hand_over",
]

D = TypeVar("D")
J = TypeVar("J")
P = TypeVar("P")
R = TypeVar("R")
T = TypeVar("T")

#: Turns a finished document's result into what the caller gets: ``(index, result)``.
Convert = Callable[[int, R], T]


@dataclass(frozen=True)
class DocumentOutcome(Generic[R]):
    """One finished document: its position, its id, and its result or its failure.

    Attributes:
        index: the document's position in the input.
        id: its id (``None`` when the run was given none).
        result: the task's result; ``None`` when it failed.
        failure: why it failed; ``None`` when it succeeded.
    """

    index: int
    id: str | None
    result: R | None = None
    failure: ItemFailure | None = None


class DocumentSteps(Generic[D, J, P, R]):
    """Plan and finish one document at a time into outcomes (nothing is stored)."""

    def __init__(
        self,
        task: Planned[D, J, P, R],
        texts: Sequence[D],
        ids: Sequence[str | None],
        bar: tqdm[Any],
    ) -> None:
        self.task = task
        self.texts = texts
        self.ids = ids
        self.bar = bar

    def plan(self, index: int) -> Sequence[J] | DocumentOutcome[R]:
        """The document's jobs, or its failure when planning raised."""
        try:
            return self.task.plan(self.texts[index])
        except Exception as exc:
            return self.fail(index, exc)

    def fail(self, index: int, error: Exception) -> DocumentOutcome[R]:
        """The outcome of a failed document."""
        self.bar.update(1)
        return DocumentOutcome(
            index, self.ids[index], failure=ItemFailure(index, self.ids[index], error)
        )

    def finish(self, index: int, jobs: Sequence[J], outputs: Sequence[P]) -> DocumentOutcome[R]:
        """The outcome of a document whose jobs all succeeded (``finish`` may still fail)."""
        try:
            result = self.task.finish(self.texts[index], jobs, outputs)
        except Exception as exc:
            return self.fail(index, exc)
        self.bar.update(1)
        return DocumentOutcome(index, self.ids[index], result=result)


class Collector(Generic[R]):
    """Outcomes gathered into input-ordered results and index-ordered failures."""

    def __init__(self, size: int) -> None:
        self.results: list[R | None] = [None] * size
        self.failures: dict[int, ItemFailure] = {}

    def add(self, outcome: DocumentOutcome[R]) -> None:
        """Record one outcome."""
        if outcome.failure is not None:
            self.failures[outcome.index] = outcome.failure
        else:
            self.results[outcome.index] = outcome.result

    def outcome(self) -> DocumentResults[R]:
        """What the run produced, as :class:`DocumentResults`."""
        failures = tuple(self.failures[i] for i in sorted(self.failures))
        return DocumentResults(tuple(self.results), failures)


def collect(outcomes: Iterator[DocumentOutcome[R]], size: int) -> DocumentResults[R]:
    """Every outcome of a run, in input order.

    Raises:
        TransformInterrupted: on Ctrl-C; carries what had finished.
    """
    return _gather(outcomes, Collector(size))


def _gather(outcomes: Iterator[DocumentOutcome[R]], gathered: Collector[R]) -> DocumentResults[R]:
    try:
        for outcome in outcomes:
            gathered.add(outcome)
    except KeyboardInterrupt as interrupt:
        done = gathered.outcome()
        raise TransformInterrupted(done.results, done.failures) from interrupt
    finally:
        # An interrupt between two outcomes must still stop the run's generator.
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()
    return gathered.outcome()


async def acollect(outcomes: AsyncIterator[DocumentOutcome[R]], size: int) -> DocumentResults[R]:
    """Async :func:`collect` (an interrupt cancels the run's task, which stops it)."""
    return await _agather(outcomes, Collector(size))


async def _agather(
    outcomes: AsyncIterator[DocumentOutcome[R]], gathered: Collector[R]
) -> DocumentResults[R]:
    try:
        async for outcome in outcomes:
            gathered.add(outcome)
    finally:
        close = getattr(outcomes, "aclose", None)
        if close is not None:
            await close()
    return gathered.outcome()


class _Converting(Collector[Any]):
    """A collector that keeps each result converted (the core result is dropped)."""

    def __init__(self, size: int, convert: Convert[Any, Any]) -> None:
        super().__init__(size)
        self.convert = convert

    def add(self, outcome: DocumentOutcome[Any]) -> None:
        if outcome.failure is None:
            outcome = DocumentOutcome(
                outcome.index, outcome.id, self.convert(outcome.index, outcome.result)
            )
        super().add(outcome)


def collect_converted(
    outcomes: Iterator[DocumentOutcome[R]],
    size: int,
    convert: Convert[R, T],
    policy: FailurePolicy[T],
) -> list[T]:
    """The converted results in input order, ``policy`` applied to the failures.

    Each result is converted as its document finishes, so only the converted form
    is kept. ``TransformInterrupted`` carries the converted items.

    Raises:
        BatchTransformError: under ``"raise"`` when anything failed.
    """
    done = _gather(outcomes, _Converting(size, convert))
    return policy.apply(done.results, done.failures)


async def acollect_converted(
    outcomes: AsyncIterator[DocumentOutcome[R]],
    size: int,
    convert: Convert[R, T],
    policy: FailurePolicy[T],
) -> list[T]:
    """Async :func:`collect_converted`."""
    done = await _agather(outcomes, _Converting(size, convert))
    return policy.apply(done.results, done.failures)


def hand_over(
    outcomes: Iterator[DocumentOutcome[R]], convert: Convert[R, T], policy: FailurePolicy[T]
) -> Iterator[T]:
    """Each converted result as its document finishes, ``policy`` applied on the way.

    ``"keep"`` yields the kept item in the failure's place, ``"drop"`` logs and skips
    it; ``"raise"`` lets the run finish (every other document is yielded) and then
    raises one :class:`BatchTransformError` listing every failure, as the list form
    does. Closing the iterator early stops the run.
    """
    failures: list[ItemFailure] = []
    total = 0
    try:
        for outcome in outcomes:
            total += 1
            item = _handed(outcome, convert, policy, failures)
            if item is not None:
                yield item
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()
    _raise_at_end(failures, total, policy)


async def ahand_over(
    outcomes: AsyncIterator[DocumentOutcome[R]], convert: Convert[R, T], policy: FailurePolicy[T]
) -> AsyncIterator[T]:
    """Async :func:`hand_over`."""
    failures: list[ItemFailure] = []
    total = 0
    try:
        async for outcome in outcomes:
            total += 1
            item = _handed(outcome, convert, policy, failures)
            if item is not None:
                yield item
    finally:
        close = getattr(outcomes, "aclose", None)
        if close is not None:
            await close()
    _raise_at_end(failures, total, policy)


def _handed(
    outcome: DocumentOutcome[R],
    convert: Convert[R, T],
    policy: FailurePolicy[T],
    failures: list[ItemFailure],
) -> T | None:
    if outcome.failure is None:
        return convert(outcome.index, outcome.result)  # type: ignore[arg-type]
    if policy.on_failure == "raise":
        failures.append(outcome.failure)
    return policy.streamed(outcome.failure)


def _raise_at_end(failures: list[ItemFailure], total: int, policy: FailurePolicy[Any]) -> None:
    if failures:
        failures.sort(key=lambda failure: failure.index)
        raise BatchTransformError([], failures, policy.noun, total=total)
