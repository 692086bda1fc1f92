"""Retry policy as data: which failures are retried, and how long to wait.

Also the hand-over of retry waits to a bulk runner: inside :func:`deferring_retries`
the transport does not sleep before a retry; it raises :class:`RetryLater` with the
wait the policy computed, and the runner lets another job use the concurrency slot
meanwhile. Which failures are retried, how often and how long to wait stays decided
here and in the transport, once, for single calls and bulk runs alike.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from zerogpu_core._exceptions import APIStatusError, InsufficientQuotaError, ZeroGPUError
from zerogpu_core._headers import parse_retry_after
from zerogpu_core._settings import DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_AFTER

__all__ = [
    "DeferredRetries",
    "RetryLater",
    "RetryPolicy",
    "deferred_retries",
    "deferring_retries",
    "parse_retry_after",
]


def _default_jitter() -> float:
    return float(random.random())


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to retry.

    Attributes:
        max_retries: retries after the first attempt (0 disables retrying).
        initial_delay: backoff before the first retry, doubled each time.
        max_delay: cap on the computed backoff.
        max_retry_after: the longest server-requested wait (``Retry-After`` /
            ``retry-after-ms``) the client sleeps through. A longer one is not waited
            for: the error is raised at once with the server's wait on its
            ``retry_after``, so the caller can schedule the retry.
        jitter: fraction of the backoff subtracted at random, so clients that failed
            together do not retry together.
        retry_statuses: statuses that are retried (unless the body says quota).
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    jitter: float = 0.25
    retry_statuses: frozenset[int] = frozenset({408, 409, 429, 500, 502, 503, 504})
    random: Callable[[], float] = field(default=_default_jitter, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {self.max_retries}")
        if self.max_retry_after < 0:
            raise ValueError(f"max_retry_after must be >= 0, got {self.max_retry_after}")

    def should_retry_status(self, error: APIStatusError) -> bool:
        """Whether a status error is transient: never for quota or client errors."""
        if isinstance(error, InsufficientQuotaError):
            return False
        return error.status_code in self.retry_statuses or error.status_code > 504

    def delay(self, retry_index: int, headers: Mapping[str, str] | None = None) -> float | None:
        """Seconds to sleep before retry number ``retry_index`` (0-based).

        ``None`` when the server asked for a longer wait than ``max_retry_after``:
        the caller should not retry now.
        """
        if headers is not None:
            requested = parse_retry_after(headers)
            if requested is not None:
                return requested if requested <= self.max_retry_after else None
        backoff = min(self.initial_delay * (2.0**retry_index), self.max_delay)
        return backoff * (1.0 - self.jitter * self.random())


@dataclass
class DeferredRetries:
    """Retries of one bulk job so far, kept by the runner across its attempts."""

    retries: int = 0


class RetryLater(Exception):
    """A transient failure whose retry the caller schedules after ``delay`` seconds.

    Raised only inside :func:`deferring_retries`, instead of sleeping; the policy
    (retryable or not, retries left, ``Retry-After`` within ``max_retry_after``)
    was applied already, so the caller only waits and calls the job again.
    """

    def __init__(self, error: ZeroGPUError, delay: float) -> None:
        super().__init__(f"retry in {delay:.2f}s after: {error}")
        self.error = error
        self.delay = delay


_DEFERRED: ContextVar[DeferredRetries | None] = ContextVar("zerogpu_deferred_retries", default=None)


@contextmanager
def deferring_retries(state: DeferredRetries) -> Iterator[None]:
    """Requests made inside raise :class:`RetryLater` instead of sleeping before a retry.

    ``state`` counts the retries already made, so a job called again after its wait
    gets the next backoff and stops after ``max_retries`` like a single call.
    """
    token = _DEFERRED.set(state)
    try:
        yield
    finally:
        _DEFERRED.reset(token)


def deferred_retries() -> DeferredRetries | None:
    """The retry state of the bulk job running in this context, if any."""
    return _DEFERRED.get()
