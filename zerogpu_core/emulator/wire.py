"""Wire-level building blocks shared by every emulator module.

Everything here is pure: an :class:`EmulatedResponse` describes what the HTTP shell
should send, :class:`ApiError` carries a documented error envelope, and the helpers
mint emulator-prefixed ids and estimate token counts.
"""

from __future__ import annotations

import json
import math
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EMULATOR_HEADER",
    "ApiError",
    "EmulatedResponse",
    "JSONObject",
    "bad_request",
    "dumps",
    "estimate_tokens",
    "json_response",
    "new_id",
    "now",
    "parse_limit",
    "query_value",
]

JSONObject = dict[str, Any]

#: Header set on every response so emulated output can never pass for the real service.
EMULATOR_HEADER = ("x-zerogpu-emulator", "1")


@dataclass
class EmulatedResponse:
    """What the HTTP shell should send back for one request.

    Attributes:
        status: HTTP status code.
        headers: Response headers (the shell adds transport headers).
        body: A complete body, or ``None`` when ``chunks`` is used.
        chunks: Server-sent-event byte chunks, sent with chunked transfer encoding.
        delay: Seconds to wait before answering (latency faults).
        drop_connection: Close the socket without answering.
        cut_after: Close the stream abruptly after this many chunks.
        trickle: ``(size, interval)``: send the body ``size`` bytes at a time,
            ``interval`` seconds apart (a slow or stuck upstream).
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = b""
    chunks: Iterable[bytes] | None = None
    delay: float = 0.0
    drop_connection: bool = False
    cut_after: int | None = None
    trickle: tuple[int, float] | None = None


class ApiError(Exception):
    """An HTTP error answer with the documented ``{"error": {...}}`` envelope."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str | None = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        extra: JSONObject | None = None,
        bare: bool = False,
    ) -> None:
        """Build the error.

        Args:
            status: HTTP status code.
            message: Human-readable message.
            type_: ``error.type``; omitted when ``None``.
            code: ``error.code``; omitted when ``None`` unless ``param`` is set.
            param: ``error.param`` (the offending field).
            extra: Additional ``error`` keys such as ``line``.
            bare: Emit only ``{"error": {"message": ...}}`` (the auth/404 style).
        """
        super().__init__(message)
        self.status = status
        self.message = message
        error: JSONObject = {"message": message}
        if not bare:
            if type_ is not None:
                error["type"] = type_
            if code is not None or param is not None:
                error["code"] = code
                error["param"] = param
            error.update(extra or {})
        self.body: JSONObject = {"error": error}

    @property
    def error(self) -> JSONObject:
        """The inner ``error`` object."""
        inner: JSONObject = self.body["error"]
        return inner


def bad_request(message: str, param: str | None, code: str = "invalid_request_error") -> ApiError:
    """A 400 ``invalid_request_error`` naming the offending ``param``."""
    return ApiError(400, message, code=code, param=param)


def dumps(value: Any) -> str:
    """Serialise JSON compactly, keeping non-ASCII text readable."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_response(
    status: int, payload: Any, headers: dict[str, str] | None = None
) -> EmulatedResponse:
    """Build a JSON response."""
    merged = {"content-type": "application/json"}
    merged.update(headers or {})
    return EmulatedResponse(status=status, headers=merged, body=dumps(payload).encode())


def new_id(prefix: str, length: int = 24) -> str:
    """Return ``prefix`` followed by random hex (ids are not part of determinism)."""
    return prefix + uuid.uuid4().hex[:length]


def now() -> int:
    """Current Unix time in whole seconds."""
    return int(time.time())


def estimate_tokens(text: str) -> int:
    """Estimate tokens the way the emulator does everywhere: ``ceil(chars / 4)``."""
    return math.ceil(len(text) / 4)


def query_value(query: dict[str, list[str]], key: str) -> str | None:
    """The last value of query parameter ``key``, if present."""
    values = query.get(key)
    return values[-1] if values else None


def parse_limit(raw: str | None, default: int, maximum: int) -> int:
    """Parse a ``limit`` query value (1..maximum) or raise ``invalid_limit``."""
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise bad_request(
            f"limit must be an integer between 1 and {maximum}", "limit", "invalid_limit"
        )
    return int(raw)
