"""The pure handler layer: ``(method, path, headers, body) -> EmulatedResponse``.

Authentication, routing, fault injection and the request log live here; the HTTP
shell in :mod:`~zerogpu_core.emulator.server` only moves bytes.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from zerogpu_core.emulator.batches import BatchManager
from zerogpu_core.emulator.chat import batch_body, chat_completion, chat_envelope, run_responses
from zerogpu_core.emulator.embeddings import create_embeddings
from zerogpu_core.emulator.faults import Fault, FaultQueue, default_error_body
from zerogpu_core.emulator.files import FileStore
from zerogpu_core.emulator.moderations import create_moderation
from zerogpu_core.emulator.options import EmulatorOptions
from zerogpu_core.emulator.streaming import stream_events
from zerogpu_core.emulator.wire import (
    EMULATOR_HEADER,
    ApiError,
    EmulatedResponse,
    JSONObject,
    json_response,
)

__all__ = ["EmulatorApp", "RecordedRequest"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordedRequest:
    """One logged request (``x-api-key`` is masked as ``***``)."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any
    timestamp: float


@dataclass(frozen=True)
class _Call:
    """What a route handler receives."""

    headers: dict[str, str]
    body: bytes
    query: dict[str, list[str]]
    params: tuple[str, ...]


Handler = Callable[[_Call], EmulatedResponse]


def _json_body(raw: bytes) -> JSONObject:
    try:
        value = json.loads(raw or b"null")
    except ValueError:
        raise ApiError(400, "Invalid JSON body") from None
    if not isinstance(value, dict):
        raise ApiError(400, "Request body must be a JSON object")
    return value


def _json_route(function: Callable[[JSONObject], JSONObject]) -> Handler:
    return lambda call: json_response(200, function(_json_body(call.body)))


class EmulatorApp:
    """Answers requests the way the documented ZeroGPU API does, deterministically."""

    def __init__(self, options: EmulatorOptions) -> None:
        """Create the stores, the fault queue and the batch manager."""
        self.options = options
        self.faults = FaultQueue()
        self.files = FileStore()
        self._ids = itertools.count(1)
        self._id_lock = threading.Lock()
        self._log: list[RecordedRequest] = []
        self._log_lock = threading.Lock()
        self.batches = BatchManager(
            self.files,
            self._run_batch_line,
            self.next_request_id,
            options.batch_line_delay,
            options.batch_expiry_seconds,
            options.batch_list_lag,
        )
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("POST", re.compile(r"/v1/chat/completions"), self._chat),
            ("POST", re.compile(r"/v1/responses"), self._responses),
            ("POST", re.compile(r"/v1/embeddings"), _json_route(create_embeddings)),
            ("POST", re.compile(r"/v1/moderations"), _json_route(self._moderate)),
            ("POST", re.compile(r"/v1/files"), self._upload),
            ("GET", re.compile(r"/v1/files"), self._list_files),
            ("GET", re.compile(r"/v1/files/([^/]+)"), self._file),
            ("GET", re.compile(r"/v1/files/([^/]+)/content"), self._file_content),
            ("DELETE", re.compile(r"/v1/files/([^/]+)"), self._delete_file),
            ("POST", re.compile(r"/v1/batches"), _json_route(self.batches.create)),
            ("GET", re.compile(r"/v1/batches"), self._list_batches),
            ("GET", re.compile(r"/v1/batches/([^/]+)"), self._batch),
            ("POST", re.compile(r"/v1/batches/([^/]+)/cancel"), self._cancel_batch),
        ]

    def next_request_id(self) -> str:
        """A fresh ``req_emu_<n>`` id."""
        with self._id_lock:
            return f"req_emu_{next(self._ids)}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the request log."""
        with self._log_lock:
            return list(self._log)

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> EmulatedResponse:
        """Answer one request."""
        request_id = self.next_request_id()
        url = urlsplit(target)
        path = url.path.rstrip("/") or "/"
        lowered = {k.lower(): v for k, v in headers.items()}
        self._record(method, path, lowered, body)
        fault = self.faults.take(path)
        response = self._faulted(fault) if fault is not None else None
        if response is None:
            response = self._dispatch(method, path, url.query, lowered, body)
        if fault is not None:
            response.delay += fault.latency
            response.headers.update(fault.headers)
            if fault.cut_stream_after is not None and response.chunks is not None:
                response.cut_after = fault.cut_stream_after
            if fault.trickle_bytes is not None:
                response.trickle = (fault.trickle_bytes, fault.trickle_interval)
        response.delay += self.options.latency
        response.headers.update(
            {EMULATOR_HEADER[0]: EMULATOR_HEADER[1], "x-request-id": request_id}
        )
        return response

    def _record(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        shown = {k: ("***" if k == "x-api-key" else v) for k, v in headers.items()}
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        entry = RecordedRequest(method, path, shown, parsed, time.monotonic())
        with self._log_lock:
            self._log.append(entry)

    def _faulted(self, fault: Fault) -> EmulatedResponse | None:
        if fault.drop_connection:
            return EmulatedResponse(status=0, drop_connection=True)
        if fault.status is not None:
            body = default_error_body(fault.status) if fault.body is None else fault.body
            if isinstance(body, (str, bytes)):
                raw = body.encode() if isinstance(body, str) else body
                return EmulatedResponse(fault.status, {"content-type": "application/json"}, raw)
            return json_response(fault.status, body)
        if fault.malformed_json:
            raw = b'{"id": "chatcmpl-emu-malformed", "object": "chat.completion", "choices": [{'
            return EmulatedResponse(200, {"content-type": "application/json"}, raw)
        return None

    def _dispatch(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> EmulatedResponse:
        if method == "OPTIONS":
            return EmulatedResponse(204, {"access-control-allow-origin": "*"})
        try:
            handler, params = self._route(method, path)
            self._authenticate(headers)
            call = _Call(headers, body, parse_qs(query), params)
            return handler(call)
        except ApiError as err:
            return json_response(err.status, err.body)
        except Exception:  # an emulator bug must still produce an HTTP answer
            _log.exception("emulator failed on %s %s", method, path)
            return json_response(
                500, {"error": {"message": "Internal error", "type": "internal_error"}}
            )

    def _route(self, method: str, path: str) -> tuple[Handler, tuple[str, ...]]:
        for verb, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match and verb == method:
                return handler, match.groups()
        raise ApiError(404, f"Unknown route: {method} {path}", type_="not_found_error")

    def _authenticate(self, headers: dict[str, str]) -> None:
        key = headers.get("x-api-key", "")
        project = headers.get("x-project-id")
        if not key or (self.options.require_project_id and not project):
            raise ApiError(401, "Missing authentication headers", bare=True)
        wrong_key = self.options.api_key is not None and key != self.options.api_key
        wrong_project = (
            self.options.project_id is not None
            and project is not None
            and project != self.options.project_id
        )
        if wrong_key or wrong_project:
            raise ApiError(403, "Invalid credentials", bare=True)

    def _chat(self, call: _Call) -> EmulatedResponse:
        request, completion = chat_completion(_json_body(call.body), self.options.context())
        if not request.stream or self.options.stream_mode == "json":
            return json_response(200, chat_envelope(request, completion))
        events = stream_events(
            request, completion, omit_tool_call_index=self.options.omit_tool_call_index
        )
        headers = {"content-type": "text/event-stream", "cache-control": "no-cache"}
        return EmulatedResponse(200, headers, body=None, chunks=events)

    def _moderate(self, body: JSONObject) -> JSONObject:
        return create_moderation(body, self.options.context_length_status)

    def _responses(self, call: _Call) -> EmulatedResponse:
        body = _json_body(call.body)
        return json_response(200, run_responses(body, self.options.context()))

    def _run_batch_line(self, body: JSONObject) -> tuple[int, JSONObject]:
        try:
            request, completion = chat_completion(body, self.options.context())
        except ApiError as err:
            return err.status, err.body
        return 200, batch_body(chat_envelope(request, completion))

    def _upload(self, call: _Call) -> EmulatedResponse:
        content_type = call.headers.get("content-type", "")
        return json_response(200, self.files.upload(content_type, call.body))

    def _file(self, call: _Call) -> EmulatedResponse:
        return json_response(200, self.files.get(call.params[0]).to_object())

    def _file_content(self, call: _Call) -> EmulatedResponse:
        stored = self.files.get(call.params[0])
        return EmulatedResponse(200, {"content-type": "application/jsonl"}, stored.content)

    def _delete_file(self, call: _Call) -> EmulatedResponse:
        return json_response(200, self.files.delete(call.params[0]))

    def _list_files(self, call: _Call) -> EmulatedResponse:
        return json_response(200, self.files.list_page(call.query))

    def _list_batches(self, call: _Call) -> EmulatedResponse:
        return json_response(200, self.batches.list_page(call.query))

    def _batch(self, call: _Call) -> EmulatedResponse:
        return json_response(200, self.batches.get(call.params[0]))

    def _cancel_batch(self, call: _Call) -> EmulatedResponse:
        return json_response(200, self.batches.cancel(call.params[0]))
