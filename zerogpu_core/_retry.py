"""Retry policy as data: which failures are retried, and how long to wait."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from zerogpu_core._exceptions import APIStatusError, InsufficientQuotaError
from zerogpu_core._headers import parse_retry_after
from zerogpu_core._settings import DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_AFTER

__all__ = ["RetryPolicy", "parse_retry_after"]


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
