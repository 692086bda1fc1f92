"""Batch output and error files into typed per-item results (Batch API reference).

The server writes successes to the output file and failures to the error file, in
no particular order; results are matched back to inputs by ``custom_id``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from pydantic import ValidationError

from zerogpu_core._exceptions import ZeroGPUError
from zerogpu_core.types import ChatCompletion

__all__ = [
    "RESUBMITTABLE_CODES",
    "BatchItemError",
    "BatchResult",
    "BatchResults",
    "Outcome",
    "merge_outcomes",
    "parse_result_file",
    "parse_result_line",
    "split_legacy_prefix",
]

# Codes whose lines may succeed when resubmitted unchanged (the errors page's advice).
RESUBMITTABLE_CODES = frozenset(
    {
        "insufficient_quota",
        "rate_limit_exceeded",
        "internal_error",
        "batch_cancelled",
        "batch_expired",
    }
)
_LEGACY = re.compile(r"^\[legacy:([^\]]+)\]\s?")


def split_legacy_prefix(message: str) -> tuple[str | None, str]:
    """``"[legacy:http_400] text"`` -> ``("http_400", "text")``; else ``(None, message)``."""
    match = _LEGACY.match(message)
    if not match:
        return None, message
    return match.group(1), message[match.end() :]


class BatchItemError(ZeroGPUError):
    """Why one batch request produced no completion.

    Attributes:
        code: the error-file ``code`` (``not_found_error``, ``batch_expired``, ...) or a
            local one: ``batch_failed`` (its batch was rejected at create),
            ``missing_result`` (in neither file), ``invalid_output`` (unreadable line).
        message: the message without its ``[legacy:...]`` prefix (may be upstream JSON).
        legacy_code: the prefix's code (``http_400``, ``retries_exhausted``, ...).
        upstream: the upstream JSON error object embedded in the message, if any.
        param: the error-file ``param``.
        custom_id: the request's custom id.
        status_code: the HTTP status of a non-2xx output line, if that is how it failed.
        line: the 1-based input-file line of a create-time failure.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        custom_id: str | None = None,
        legacy_code: str | None = None,
        param: str | None = None,
        status_code: int | None = None,
        line: int | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.custom_id = custom_id
        self.legacy_code = legacy_code
        self.param = param
        self.status_code = status_code
        self.line = line
        self.upstream = _embedded_json(message)
        where = f" (custom_id {custom_id!r})" if custom_id else ""
        super().__init__(f"Batch request failed{where}: {code}: {self.detail}")

    @property
    def detail(self) -> str:
        """The human-readable reason: the embedded upstream message when there is one."""
        inner = (self.upstream or {}).get("message")
        return inner if isinstance(inner, str) and inner else self.message

    @property
    def is_expired(self) -> bool:
        """The batch reached its 24 h window before this line ran."""
        return self.code == "batch_expired"

    @property
    def is_cancelled(self) -> bool:
        """The batch was cancelled before this line ran."""
        return self.code == "batch_cancelled"

    @property
    def resubmittable(self) -> bool:
        """Resubmitting the same line may succeed (quota, rate, server, never ran)."""
        return self.code in RESUBMITTABLE_CODES

    @classmethod
    def from_error_object(cls, error: Mapping[str, Any], custom_id: str | None) -> BatchItemError:
        """Build from an error line's ``error`` object."""
        legacy, message = split_legacy_prefix(str(error.get("message") or ""))
        param = error.get("param")
        return cls(
            str(error.get("code") or "unknown_error"),
            message,
            custom_id=custom_id,
            legacy_code=legacy,
            param=param if isinstance(param, str) else None,
        )


def _embedded_json(message: str) -> dict[str, Any] | None:
    text = message.strip()
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


Outcome = ChatCompletion | BatchItemError


def parse_result_line(value: Mapping[str, Any]) -> tuple[str, Outcome, str | None]:
    """One output/error line -> ``(custom_id, completion or error, request_id)``.

    Raises:
        ValueError: when the line has no custom id to match it by.
    """
    custom_id = value.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        raise ValueError(f"Batch result line has no custom_id: {value!r}")
    error = value.get("error")
    if isinstance(error, Mapping):
        return custom_id, BatchItemError.from_error_object(error, custom_id), None
    response = value.get("response")
    if not isinstance(response, Mapping):
        return custom_id, _invalid(custom_id, "line has neither response nor error"), None
    request_id = response.get("request_id")
    request_id = request_id if isinstance(request_id, str) else None
    return custom_id, _response_outcome(custom_id, response), request_id


def _response_outcome(custom_id: str, response: Mapping[str, Any]) -> Outcome:
    status = response.get("status_code")
    body = response.get("body")
    if isinstance(status, int) and not 200 <= status < 300:
        error = body.get("error") if isinstance(body, Mapping) else None
        failure = BatchItemError.from_error_object(
            error if isinstance(error, Mapping) else {"message": json.dumps(body)}, custom_id
        )
        failure.status_code = status
        return failure
    try:
        return ChatCompletion.model_validate(body)
    except ValidationError as exc:
        return _invalid(custom_id, f"response body is not a chat completion: {exc}")


def _invalid(custom_id: str, reason: str) -> BatchItemError:
    return BatchItemError("invalid_output", reason, custom_id=custom_id)


def parse_result_file(content: bytes) -> dict[str, tuple[Outcome, str | None]]:
    """Every line of an output or error file, keyed by custom id.

    Raises:
        ValueError: on a line that is not JSON or has no custom id (the file is corrupt).
    """
    parsed: dict[str, tuple[Outcome, str | None]] = {}
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise ValueError(f"Batch result file line {number} is not valid JSON") from exc
        if not isinstance(value, dict):
            raise ValueError(f"Batch result file line {number} must be a JSON object")
        custom_id, outcome, request_id = parse_result_line(value)
        parsed[custom_id] = (outcome, request_id)
    return parsed


def merge_outcomes(
    *files: Mapping[str, tuple[Outcome, str | None]],
) -> dict[str, tuple[Outcome, str | None]]:
    """Combine parsed files; a completion wins over an error for the same id."""
    merged: dict[str, tuple[Outcome, str | None]] = {}
    for parsed in files:
        for custom_id, entry in parsed.items():
            current = merged.get(custom_id)
            if current is None or isinstance(current[0], BatchItemError):
                merged[custom_id] = entry
    return merged


@dataclass(frozen=True)
class BatchResult:
    """The result of one input, at its input position.

    Attributes:
        index: position in the submitted requests.
        custom_id: the line's custom id.
        completion: the chat completion, or ``None`` when the request failed.
        error: why it failed, or ``None`` on success.
        request_id: the server's request id of the line, when given.
        batch_id: the batch the line ran in.
    """

    index: int
    custom_id: str
    completion: ChatCompletion | None = None
    error: BatchItemError | None = None
    request_id: str | None = None
    batch_id: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the request produced a completion."""
        return self.completion is not None

    def unwrap(self) -> ChatCompletion:
        """The completion, or raise the item's :class:`BatchItemError`."""
        if self.completion is not None:
            return self.completion
        raise self.error or BatchItemError("missing_result", "no result", custom_id=self.custom_id)


@dataclass(frozen=True)
class BatchResults(Sequence[BatchResult]):
    """Results of a batch job: one per input, in input order."""

    items: tuple[BatchResult, ...]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[BatchResult]:
        return iter(self.items)

    @overload
    def __getitem__(self, index: int) -> BatchResult: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[BatchResult, ...]: ...

    def __getitem__(self, index: int | slice) -> BatchResult | tuple[BatchResult, ...]:
        return self.items[index]

    @property
    def succeeded(self) -> list[BatchResult]:
        """Items with a completion."""
        return [item for item in self.items if item.ok]

    @property
    def failed(self) -> list[BatchResult]:
        """Items with an error."""
        return [item for item in self.items if not item.ok]

    def completions(self) -> list[ChatCompletion]:
        """Every completion in input order; raises the first item error, if any."""
        return [item.unwrap() for item in self.items]

    def by_custom_id(self, custom_id: str) -> BatchResult:
        """The item with this custom id.

        Raises:
            KeyError: for an unknown custom id.
        """
        for item in self.items:
            if item.custom_id == custom_id:
                return item
        raise KeyError(custom_id)
