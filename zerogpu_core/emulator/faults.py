"""Injected faults: errors, latency, dropped connections, cut streams, broken JSON."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from zerogpu_core.emulator.wire import JSONObject

__all__ = ["Fault", "FaultQueue", "default_error_body"]

# Documented bodies where the docs give one (the API reference's error pages and example bodies);
# the rest follow the same envelope so clients exercise one parser.
_DEFAULT_BODIES: dict[int, JSONObject] = {
    400: {"message": "Invalid request", "type": "invalid_request_error"},
    401: {"message": "Missing authentication headers"},
    403: {"message": "Invalid credentials"},
    404: {"message": "Not found"},
    408: {"message": "Request timed out", "type": "internal_error", "code": "timeout"},
    409: {"message": "Conflict", "type": "invalid_request_error", "code": "conflict"},
    413: {
        "message": "Request too large",
        "type": "invalid_request_error",
        "code": "request_too_large",
    },
    420: {
        "code": "insufficient_quota",
        "message": "You have insufficient quota to complete this request.",
    },
    429: {
        "message": "Rate limit exceeded, please retry later.",
        "type": "rate_limit_exceeded",
        "code": "rate_limit_exceeded",
    },
    500: {"message": "Internal error", "type": "internal_error"},
    502: {"message": "Bad gateway", "type": "internal_error"},
    503: {"message": "Service unavailable", "type": "internal_error"},
    504: {"message": "Gateway timeout", "type": "internal_error"},
}


def default_error_body(status: int) -> JSONObject:
    """Return the documented-style error body for ``status``."""
    known = _DEFAULT_BODIES.get(status)
    if known is not None:
        return {"error": dict(known)}
    kind = "internal_error" if status >= 500 else "invalid_request_error"
    return {"error": {"message": f"Emulated HTTP {status}", "type": kind}}


@dataclass
class Fault:
    """One injected misbehaviour, consumed by the next matching request(s).

    Example:
        ``emu.faults.add(Fault(status=429, headers={"Retry-After": "1"}, times=2))``

    Attributes:
        status: Answer with this status instead of the normal answer.
        body: JSON-serialisable body (or raw ``str``/``bytes``) for ``status``;
            defaults to the documented error body for that status.
        headers: Extra response headers.
        path: Only requests to exactly this path (e.g. ``"/v1/embeddings"``) match.
        times: How many matching requests consume this fault.
        latency: Seconds to wait before answering.
        drop_connection: Close the socket without any answer.
        cut_stream_after: Close an SSE stream abruptly after this many chunks.
        malformed_json: Answer ``200`` with a truncated, unparsable JSON body.
        trickle_bytes: Send the body (or each stream chunk) this many bytes at a
            time, ``trickle_interval`` seconds apart, after the headers.
        trickle_interval: Seconds between trickled pieces.
    """

    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    path: str | None = None
    times: int = 1
    latency: float = 0.0
    drop_connection: bool = False
    cut_stream_after: int | None = None
    malformed_json: bool = False
    trickle_bytes: int | None = None
    trickle_interval: float = 0.1

    def matches(self, path: str) -> bool:
        """Whether this fault applies to a request for ``path``."""
        return self.path is None or self.path == path


@dataclass
class _Pending:
    fault: Fault
    remaining: int


class FaultQueue:
    """Thread-safe FIFO of faults; each matching request consumes one use."""

    def __init__(self) -> None:
        """Create an empty queue."""
        self._lock = threading.Lock()
        self._faults: list[_Pending] = []

    def add(self, fault: Fault) -> None:
        """Queue ``fault`` behind the existing ones."""
        if fault.times < 1:
            raise ValueError("Fault.times must be >= 1")
        if fault.trickle_bytes is not None and fault.trickle_bytes < 1:
            raise ValueError("Fault.trickle_bytes must be >= 1")
        with self._lock:
            self._faults.append(_Pending(fault, fault.times))

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._faults.clear()

    def __len__(self) -> int:
        """Number of faults with uses left."""
        with self._lock:
            return len(self._faults)

    def take(self, path: str) -> Fault | None:
        """Consume one use of the first fault matching ``path``."""
        with self._lock:
            for entry in self._faults:
                if entry.fault.matches(path):
                    entry.remaining -= 1
                    if entry.remaining == 0:
                        self._faults.remove(entry)
                    return entry.fault
        return None
