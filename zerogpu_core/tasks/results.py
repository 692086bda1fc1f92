"""What a run over many documents produces: results in order, failures, interrupts.

Shared by every way of running a task (:mod:`~zerogpu_core.tasks.concurrent`,
:mod:`~zerogpu_core.tasks.batch_mode`); adapters apply a failure policy to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from tqdm.auto import tqdm

from zerogpu_core._exceptions import ZeroGPUError

__all__ = [
    "BatchTransformError",
    "DocumentResults",
    "DropPolicy",
    "FailurePolicy",
    "ItemFailure",
    "KeepPolicy",
    "Planned",
    "TransformInterrupted",
    "check_ids",
    "check_texts",
    "progress_bar",
]

_LISTED_FAILURES = 3

#: What happens to a document that failed where passing it on is unsafe (PII).
DropPolicy = Literal["raise", "drop"]
#: What happens to a document that failed where it may go on unchanged (IAB).
KeepPolicy = Literal["raise", "keep"]

D = TypeVar("D")
J = TypeVar("J")
P = TypeVar("P")
R = TypeVar("R")
T = TypeVar("T")
D_contra = TypeVar("D_contra", contravariant=True)
P_contra = TypeVar("P_contra", contravariant=True)
R_co = TypeVar("R_co", covariant=True)

logger = logging.getLogger("zerogpu_core.tasks")


class Planned(Protocol[D_contra, J, P_contra, R_co]):
    """What a runner needs of a task: how a document becomes jobs and a result."""

    def plan(self, document: D_contra, /) -> Sequence[J]:
        """The document's jobs (may raise for bad input)."""
        ...

    def finish(self, document: D_contra, jobs: Sequence[J], outputs: Sequence[P_contra], /) -> R_co:
        """The document's result from its jobs' results."""
        ...


@dataclass(frozen=True)
class ItemFailure:
    """One document that failed: its position, its id and the cause."""

    index: int
    id: str | None
    error: Exception

    def describe(self) -> str:
        """``#3 (id 'doc-7'): RateLimitError: ...``."""
        where = f"#{self.index}" + (f" (id {self.id!r})" if self.id is not None else "")
        return f"{where}: {type(self.error).__name__}: {self.error}"

    def to_metadata(self) -> dict[str, str]:
        """The cause as plain JSON, for a document kept with its error recorded."""
        return {"type": type(self.error).__name__, "message": str(self.error)}


class BatchTransformError(ZeroGPUError):
    """Some documents of a run failed; the others finished.

    Attributes:
        results: one entry per input, in input order; ``None`` where it failed.
            Empty when the finished results were handed over one by one as they
            finished (the lazy methods), which ``total`` then says.
        failures: the failed inputs with index, id and cause.
        total: how many inputs the run had.
    """

    def __init__(
        self,
        results: Sequence[Any | None],
        failures: Sequence[ItemFailure],
        noun: str = "document",
        total: int | None = None,
    ) -> None:
        self.results = list(results)
        self.failures = list(failures)
        self.noun = noun
        self.total = len(self.results) if total is None else total
        self._streamed = total is not None
        listed = "; ".join(f.describe() for f in self.failures[:_LISTED_FAILURES])
        more = len(self.failures) - _LISTED_FAILURES
        suffix = f"; and {more} more" if more > 0 else ""
        where = (
            "The finished results and every failure are on this error (.results, .failures)."
            if total is None
            else f"The other {noun}s were handed over as they finished; every failure is "
            "on this error (.failures)."
        )
        super().__init__(
            f"{len(self.failures)} of {self.total} {noun}s failed: {listed}{suffix}. {where}"
        )
        if self.failures:
            self.__cause__ = self.failures[0].error

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword state does not survive the default pickling of exceptions, and
        # multi-process pipelines pickle errors back to the parent.
        total = self.total if self._streamed else None
        return (type(self), (self.results, self.failures, self.noun, total))

    @property
    def failed_indices(self) -> list[int]:
        """Input positions of the failed documents."""
        return [f.index for f in self.failures]

    @property
    def failed_ids(self) -> list[str | None]:
        """Ids of the failed documents (``None`` where a document had none)."""
        return [f.id for f in self.failures]


class TransformInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a blocking run; what had finished is on this error.

    Still a ``KeyboardInterrupt`` (``except Exception`` does not catch it, and an
    uncaught one ends the program as Ctrl-C does). Nothing more is sent after the
    interrupt: jobs not started are cancelled, and the at most ``max_concurrency``
    requests already in flight finish in the background, their results dropped.

    Attributes:
        results: one entry per input, in input order: the task's result (for example
            an ``IABResult`` or ``PIIResult``) where the document had finished,
            ``None`` where it had not or had failed.
        failures: the documents that had failed before the interrupt.
    """

    def __init__(self, results: Sequence[Any | None], failures: Sequence[ItemFailure]) -> None:
        self.results = list(results)
        self.failures = list(failures)
        done = sum(result is not None for result in self.results)
        super().__init__(
            f"Interrupted after {done} of {len(self.results)} documents finished "
            f"({len(self.failures)} failed); nothing more was sent. The finished results "
            "are on this error (.results, .failures, .finished_indices)."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.results, self.failures))

    @property
    def finished_indices(self) -> list[int]:
        """Input positions whose result is on :attr:`results`."""
        return [index for index, result in enumerate(self.results) if result is not None]


@dataclass(frozen=True)
class DocumentResults(Generic[R]):
    """What a run over many documents produced: results in input order and the failures.

    (A run of concurrent requests or of one Batch API job alike; one Batch API
    *line* is :class:`zerogpu_core.batch.BatchResult`.)
    """

    results: tuple[R | None, ...]
    failures: tuple[ItemFailure, ...] = ()

    def raise_for_failures(
        self, results: Sequence[Any | None] | None = None, *, noun: str = "document"
    ) -> None:
        """Raise :class:`BatchTransformError` if anything failed.

        Args:
            results: what to put on the error instead of the raw results (adapters
                pass their converted documents).
            noun: what the inputs are called in the message.
        """
        if self.failures:
            raise BatchTransformError(
                self.results if results is None else results, self.failures, noun
            )

    def drop_failed(
        self,
        converted: Sequence[T | None],
        *,
        on_failure: DropPolicy,
        noun: str = "document",
        action: str = "redacted",
    ) -> list[T]:
        """Apply a raise/drop failure policy to the adapter's converted results.

        Args:
            converted: one item per input, ``None`` where the input failed.
            on_failure: ``"raise"`` raises :class:`BatchTransformError` carrying
                ``converted``; ``"drop"`` logs each failure and leaves it out.
            noun: what the inputs are called in messages.
            action: what could not be done to a dropped input, for the log line.

        Raises:
            ValueError: for any other ``on_failure`` (nothing is dropped by mistake).
        """
        policy: FailurePolicy[T] = FailurePolicy(on_failure, noun=noun, action=action)
        return policy.apply(converted, self.failures)

    def keep_failed(
        self,
        converted: Sequence[T | None],
        *,
        on_failure: KeepPolicy,
        kept: Callable[[int, ItemFailure], T],
        noun: str = "document",
    ) -> list[T]:
        """Apply a raise/keep failure policy to the adapter's converted results.

        Args:
            converted: one item per input, ``None`` where the input failed.
            on_failure: ``"raise"`` raises :class:`BatchTransformError` carrying
                ``converted``; ``"keep"`` puts ``kept(index, failure)`` (the input
                with its error recorded) in the failed positions.
            kept: builds the item standing for a failed input.
            noun: what the inputs are called in messages.

        Raises:
            ValueError: for any other ``on_failure``.
        """
        return FailurePolicy(on_failure, kept=kept, noun=noun).apply(converted, self.failures)


@dataclass(frozen=True)
class FailurePolicy(Generic[T]):
    """What happens to a failed input: raise, keep it (with ``kept``) or drop it.

    The same policy serves a whole list (:meth:`apply`) and outcomes handed over
    one at a time (:meth:`streamed`), so both behave alike.

    Attributes:
        on_failure: ``"raise"``, and ``"keep"`` when ``kept`` is given, else ``"drop"``.
        kept: builds the item standing for a failed input (keep policies only).
        noun: what the inputs are called in messages.
        action: what could not be done to a dropped input, for the log line.

    Raises:
        ValueError: for an ``on_failure`` the policy does not allow.
    """

    on_failure: str
    kept: Callable[[int, ItemFailure], T] | None = None
    noun: str = "document"
    action: str = "redacted"

    def __post_init__(self) -> None:
        _check_policy(self.on_failure, ("raise", "drop" if self.kept is None else "keep"))

    def streamed(self, failure: ItemFailure) -> T | None:
        """The item standing for ``failure`` (``keep``), or ``None`` (dropped and
        logged, or left for the caller to raise at the end)."""
        if self.on_failure == "raise":
            return None
        if self.kept is not None:
            return self.kept(failure.index, failure)
        self._log(failure)
        return None

    def apply(self, converted: Sequence[T | None], failures: Sequence[ItemFailure]) -> list[T]:
        """The converted items (input order) with every failure handled.

        Raises:
            BatchTransformError: under ``"raise"`` when anything failed, carrying
                ``converted``.
        """
        if self.on_failure == "raise":
            if failures:
                raise BatchTransformError(converted, failures, self.noun)
            return [item for item in converted if item is not None]
        if self.kept is None:
            for failure in failures:
                self._log(failure)
            return [item for item in converted if item is not None]
        kept, failed = self.kept, {f.index: f for f in failures}
        return [
            kept(index, failed[index]) if item is None else item
            for index, item in enumerate(converted)
        ]

    def _log(self, failure: ItemFailure) -> None:
        logger.warning(
            "Dropped a %s that could not be %s: %s", self.noun, self.action, failure.describe()
        )


def _check_policy(on_failure: str, allowed: tuple[str, ...]) -> None:
    if on_failure not in allowed:
        names = " or ".join(repr(a) for a in allowed)
        raise ValueError(f"on_failure must be {names}, got {on_failure!r}")


def check_texts(texts: Sequence[Any]) -> None:
    """Raise ``TypeError`` for an input that is not text, before any request."""
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{position}] is {type(text).__name__}, expected str")


def check_ids(
    texts: Sequence[Any], ids: Sequence[str | None] | None, limit: int
) -> list[str | None]:
    """One id per text (``None`` when no ids); refuses a bad concurrency limit."""
    if limit < 1:
        raise ValueError(f"max_concurrency must be at least 1, got {limit}")
    if ids is None:
        return [None] * len(texts)
    if len(ids) != len(texts):
        raise ValueError(f"got {len(ids)} ids for {len(texts)} texts")
    return list(ids)


def progress_bar(total: int, progress: bool, desc: str) -> tqdm[Any]:
    """A per-document progress bar, hidden unless ``progress``."""
    return tqdm(total=total, desc=desc, unit="doc", disable=not progress)
