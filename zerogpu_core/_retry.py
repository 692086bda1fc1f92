"""Retry policy as data: which failures are retried, and how long to wait."""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from zerogpu_core._exceptions import APIStatusError, InsufficientQuotaError

__all__ = ["RetryPolicy", "parse_retry_after"]


def parse_retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, from ``retry-after-ms`` or ``Retry-After``.

    ``Retry-After`` may be a number of seconds or an HTTP date. Returns ``None`` when
    neither header is present or parseable.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    millis = lowered.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, parsed.timestamp() - current)


def _default_jitter() -> float:
    return float(random.random())


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to retry.

    Attributes:
        max_retries: retries after the first attempt (0 disables retrying).
        initial_delay: backoff before the first retry, doubled each time.
        max_delay: cap on the computed backoff.
        max_retry_after: longest server-requested wait that is honoured as is; a
            longer ``Retry-After`` is capped to this value.
        jitter: fraction of the backoff subtracted at random, so clients that failed
            together do not retry together.
        retry_statuses: statuses that are retried (unless the body says quota).
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.25
    retry_statuses: frozenset[int] = frozenset({408, 409, 429, 500, 502, 503, 504})
    random: Callable[[], float] = field(default=_default_jitter, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {self.max_retries}")

    def should_retry_status(self, error: APIStatusError) -> bool:
        """Whether a status error is transient: never for quota or client errors."""
        if isinstance(error, InsufficientQuotaError):
            return False
        return error.status_code in self.retry_statuses or error.status_code > 504

    def delay(self, retry_index: int, headers: Mapping[str, str] | None = None) -> float:
        """Seconds to sleep before retry number ``retry_index`` (0-based)."""
        if headers is not None:
            requested = parse_retry_after(headers)
            if requested is not None:
                return min(requested, self.max_retry_after)
        backoff = min(self.initial_delay * (2.0**retry_index), self.max_delay)
        return backoff * (1.0 - self.jitter * self.random())
