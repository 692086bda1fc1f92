"""Synchronous validation of a batch input file (Batch API reference, exact messages)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from zerogpu_core.emulator.wire import JSONObject

__all__ = [
    "ALLOWED_ENDPOINTS",
    "BatchLine",
    "LineError",
    "validate_create_body",
    "validate_jsonl",
]

ALLOWED_ENDPOINTS = ("/v1/chat/completions",)
MAX_FILE_BYTES = 209_715_200
MAX_LINES = 50_000
MAX_LINE_BYTES = 1_048_576


class LineError(ValueError):
    """A validation failure; ``line`` is 1-based, ``None`` for file-level problems."""

    def __init__(self, message: str, line: int | None = None, param: str | None = None) -> None:
        """Record the documented message, line and offending parameter."""
        super().__init__(message)
        self.message = message
        self.line = line
        self.param = param


@dataclass(frozen=True)
class BatchLine:
    """One validated input line."""

    custom_id: str
    body: JSONObject


def validate_create_body(body: JSONObject) -> tuple[str, str]:
    """Check the ``POST /v1/batches`` body; return ``(input_file_id, endpoint)``."""
    file_id = body.get("input_file_id")
    if not isinstance(file_id, str) or not file_id:
        raise LineError("input_file_id is required", param="input_file_id")
    endpoint = body.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint:
        raise LineError("endpoint is required", param="endpoint")
    if body.get("completion_window", "24h") != "24h":
        raise LineError('completion_window must be "24h"', param="completion_window")
    return file_id, endpoint


def _check_line(raw: bytes, number: int, endpoint: str, seen: set[str]) -> tuple[BatchLine, str]:
    if len(raw) > MAX_LINE_BYTES:
        raise LineError(f"Line {number} exceeds maximum size of {MAX_LINE_BYTES} bytes", number)
    try:
        record = json.loads(raw)
    except ValueError:
        raise LineError(f"Line {number} is not valid JSON", number) from None
    if not isinstance(record, dict):
        raise LineError(f"Line {number} must be a JSON object", number)
    custom_id = record.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        raise LineError(f"Line {number} is missing custom_id", number)
    if custom_id in seen:
        raise LineError(f'Line {number} duplicates custom_id "{custom_id}"', number)
    method = record.get("method")
    if not isinstance(method, str) or method.upper() != "POST":
        raise LineError(f'Line {number} method must be "POST"', number)
    url = record.get("url")
    if not isinstance(url, str) or not url:
        raise LineError(f"Line {number} is missing url", number)
    if url not in ALLOWED_ENDPOINTS:
        raise LineError(f'Line {number} url "{url}" is not an allowed batch endpoint', number)
    if endpoint in ALLOWED_ENDPOINTS and url != endpoint:
        raise LineError(
            f'Line {number} url "{url}" does not match the batch endpoint "{endpoint}"', number
        )
    body = record.get("body")
    if not isinstance(body, dict) or not body:
        raise LineError(f"Line {number} is missing body", number)
    if body.get("stream") is True:
        raise LineError(
            f"Line {number} has stream=true; streaming is not supported in batch mode", number
        )
    seen.add(custom_id)
    return BatchLine(custom_id, body), url


def validate_jsonl(content: bytes, endpoint: str) -> list[BatchLine]:
    """Validate a whole input file against ``endpoint``; raise :class:`LineError`."""
    if len(content) > MAX_FILE_BYTES:
        raise LineError(f"Input file exceeds maximum size of {MAX_FILE_BYTES} bytes")
    numbered = [(i, raw) for i, raw in enumerate(content.split(b"\n"), start=1) if raw.strip()]
    if not numbered:
        raise LineError("Input file contains no JSONL lines")
    if len(numbered) > MAX_LINES:
        raise LineError(f"Input file exceeds maximum of {MAX_LINES} lines")
    seen: set[str] = set()
    lines: list[BatchLine] = []
    url = ""
    for number, raw in numbered:
        line, url = _check_line(raw, number, endpoint, seen)
        lines.append(line)
    if endpoint != url:
        raise LineError(
            f'endpoint "{endpoint}" does not match the url "{url}" used by the input file',
            param="endpoint",
        )
    return lines
