"""Batch input lines: building, local validation and splitting (Batch API reference).

Validation mirrors every rule the server applies at batch create, with the server's
message wording and 1-based line numbers, so a bad line is reported before anything
is uploaded. Splitting keeps each part under the line cap and the upload cap.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from zerogpu_core.types.requests import ChatCompletionRequest

__all__ = [
    "BATCH_URL",
    "MAX_FILE_BYTES",
    "MAX_LINES",
    "MAX_LINE_BYTES",
    "MAX_UPLOAD_BYTES",
    "BatchInput",
    "BatchLine",
    "LineIssue",
    "encode_file",
    "make_batch_line",
    "split_lines",
    "to_batch_lines",
    "validate_endpoint",
    "validate_file",
    "validate_lines",
]

BATCH_URL = "/v1/chat/completions"
MAX_LINES = 50_000
MAX_LINE_BYTES = 1_048_576
MAX_FILE_BYTES = 209_715_200
# The upload endpoint answers 413 above 100 MB, so this, not MAX_FILE_BYTES, binds.
MAX_UPLOAD_BYTES = 104_857_600


@dataclass(frozen=True)
class BatchLine:
    """One input line: a custom id and a chat-completions body."""

    custom_id: str
    body: dict[str, Any]
    url: str = BATCH_URL
    method: str = "POST"

    def to_dict(self) -> dict[str, Any]:
        """The line as the JSON object the server reads."""
        return {
            "custom_id": self.custom_id,
            "method": self.method,
            "url": self.url,
            "body": self.body,
        }

    def encode(self) -> bytes:
        """The line as compact UTF-8 JSON, without the trailing newline."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()


BatchInput = ChatCompletionRequest | Mapping[str, Any] | BatchLine


def make_batch_line(body: ChatCompletionRequest | Mapping[str, Any], custom_id: str) -> BatchLine:
    """Turn a chat-completions body into a batch line.

    The body is validated as :class:`ChatCompletionRequest` (so the task helpers'
    bodies work unchanged); ``extra_body`` is merged as in the synchronous client.

    Raises:
        ValueError: when the body is not a valid chat-completions body.
    """
    if isinstance(body, ChatCompletionRequest):
        return BatchLine(custom_id=custom_id, body=body.to_body())
    merged = {k: v for k, v in body.items() if k != "extra_body"}
    merged.update(body.get("extra_body") or {})
    try:
        request = ChatCompletionRequest.model_validate(merged)
    except ValidationError as exc:
        raise ValueError(f"Batch request {custom_id!r} is not a valid chat body: {exc}") from exc
    return BatchLine(custom_id=custom_id, body=request.to_body())


def to_batch_lines(
    requests: Iterable[BatchInput], custom_ids: Sequence[str] | None = None
) -> list[BatchLine]:
    """Batch lines for ``requests``, in order.

    A custom id comes from ``custom_ids[i]`` when given, else from a
    :class:`BatchLine` item, else ``request-<i>``.

    Raises:
        ValueError: on a count mismatch or an invalid body.
    """
    items = list(requests)
    if custom_ids is not None and len(custom_ids) != len(items):
        raise ValueError(f"Got {len(custom_ids)} custom_ids for {len(items)} requests")
    lines: list[BatchLine] = []
    for index, item in enumerate(items):
        own_id = item.custom_id if isinstance(item, BatchLine) else f"request-{index}"
        custom_id = custom_ids[index] if custom_ids is not None else own_id
        if isinstance(item, BatchLine):
            lines.append(BatchLine(custom_id, item.body, item.url, item.method))
        else:
            lines.append(make_batch_line(item, custom_id))
    return lines


@dataclass(frozen=True)
class LineIssue:
    """One validation failure; ``line`` is 1-based, ``None`` for file-level rules."""

    message: str
    line: int | None = None


@dataclass
class _LineChecker:
    """Applies the per-line rules in the server's order; remembers seen custom ids."""

    endpoint: str
    seen: set[str] | None = field(default_factory=set)

    def check(self, number: int, raw: bytes) -> str | None:
        if len(raw) > MAX_LINE_BYTES:
            return f"Line {number} exceeds maximum size of {MAX_LINE_BYTES} bytes"
        try:
            value = json.loads(raw)
        except ValueError:
            return f"Line {number} is not valid JSON"
        if not isinstance(value, dict):
            return f"Line {number} must be a JSON object"
        return self._check_id(number, value) or _check_request(number, value, self.endpoint)

    def _check_id(self, number: int, value: dict[str, Any]) -> str | None:
        custom_id = value.get("custom_id")
        if not isinstance(custom_id, str) or not custom_id:
            return f"Line {number} is missing custom_id"
        if self.seen is None:
            return None
        if custom_id in self.seen:
            return f'Line {number} duplicates custom_id "{custom_id}"'
        self.seen.add(custom_id)
        return None


def _check_request(number: int, value: dict[str, Any], endpoint: str) -> str | None:
    method = value.get("method")
    if not isinstance(method, str) or method.upper() != "POST":
        return f'Line {number} method must be "POST"'
    url = value.get("url")
    if not isinstance(url, str) or not url:
        return f"Line {number} is missing url"
    if url != BATCH_URL:
        return f'Line {number} url "{url}" is not an allowed batch endpoint'
    if endpoint == BATCH_URL and url != endpoint:
        return f'Line {number} url "{url}" does not match the batch endpoint "{endpoint}"'
    body = value.get("body")
    if not isinstance(body, dict) or not body:
        return f"Line {number} is missing body"
    if body.get("stream") is True:
        return f"Line {number} has stream=true; streaming is not supported in batch mode"
    return None


def validate_lines(
    lines: Iterable[bytes | BatchLine], *, endpoint: str = BATCH_URL, unique_ids: bool = False
) -> list[LineIssue]:
    """Per-line rules for lines numbered 1, 2, ... (no file-level limits).

    Use this on a whole job before it is split: line ``N`` is input ``N - 1``.
    ``unique_ids`` says the ids are unique by construction (their duplicate check,
    which holds every id in memory, is skipped).
    """
    checker = _LineChecker(endpoint, None if unique_ids else set())
    issues: list[LineIssue] = []
    for number, line in enumerate(lines, start=1):
        raw = line.encode() if isinstance(line, BatchLine) else line
        message = checker.check(number, raw)
        if message:
            issues.append(LineIssue(message, number))
    return issues


def validate_endpoint(endpoint: str, file_url: str | None) -> list[LineIssue]:
    """The create-call rule: ``endpoint`` must equal the url the lines use."""
    if file_url is not None and endpoint != file_url:
        return [
            LineIssue(
                f'endpoint "{endpoint}" does not match the url "{file_url}" used by the input file'
            )
        ]
    return []


def validate_file(content: bytes, *, endpoint: str = BATCH_URL) -> list[LineIssue]:
    """Every create-time rule for one input file, as the server applies them.

    Lines are split on LF; blank lines are skipped but keep their number.
    """
    if len(content) > MAX_FILE_BYTES:
        return [LineIssue(f"Input file exceeds maximum size of {MAX_FILE_BYTES} bytes")]
    numbered = [
        (number, raw) for number, raw in enumerate(content.split(b"\n"), start=1) if raw.strip()
    ]
    if not numbered:
        return [LineIssue("Input file contains no JSONL lines")]
    if len(numbered) > MAX_LINES:
        return [LineIssue(f"Input file exceeds maximum of {MAX_LINES} lines")]
    checker = _LineChecker(endpoint)
    issues = [
        LineIssue(message, number)
        for number, raw in numbered
        if (message := checker.check(number, raw))
    ]
    return issues or validate_endpoint(endpoint, _first_url(numbered[0][1]))


def _first_url(raw: bytes) -> str | None:
    url = json.loads(raw).get("url")
    return url if isinstance(url, str) else None


def encode_file(lines: Iterable[bytes]) -> bytes:
    """JSONL file content: LF-separated lines with a trailing newline."""
    return b"".join(line + b"\n" for line in lines)


def split_lines(
    encoded: Sequence[bytes], *, max_lines: int = MAX_LINES, max_bytes: int = MAX_UPLOAD_BYTES
) -> list[range]:
    """Contiguous index ranges, each fitting one batch's line and byte limits.

    Sizes count the newline after each line. A single line larger than
    ``max_bytes`` cannot fit anywhere and raises.

    Raises:
        ValueError: on an empty input, bad limits or an oversized line.
    """
    if not encoded:
        raise ValueError("A batch needs at least one request")
    if max_lines < 1 or max_bytes < 1:
        raise ValueError("max_lines and max_bytes must be positive")
    parts: list[range] = []
    start, size = 0, 0
    for index, line in enumerate(encoded):
        line_size = len(line) + 1
        if line_size > max_bytes:
            raise ValueError(f"Line {index + 1} alone is larger than {max_bytes} bytes")
        if index > start and (index - start >= max_lines or size + line_size > max_bytes):
            parts.append(range(start, index))
            start, size = index, 0
        size += line_size
    parts.append(range(start, len(encoded)))
    return parts
