"""The emulator's handler layer behind an httpx transport: no sockets, no threads per call.

The leak suite sends tens of thousands of requests; going through loopback HTTP
would cost more than the redaction itself. The handler layer is the same one the
HTTP emulator serves, so answers are identical.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from zerogpu_core import ConnectionSettings
from zerogpu_core.client_cache import ClientCache
from zerogpu_core.emulator import EmulatorOptions
from zerogpu_core.emulator.app import EmulatorApp, _Call
from zerogpu_core.emulator.wire import EmulatedResponse, JSONObject

API_KEY = "test-key"
BASE_URL = "http://emulator.invalid/v1"

Perturb = Callable[[dict[str, Any], str], dict[str, Any]]


def handler(app: EmulatorApp) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        target = request.url.raw_path.decode()
        answer = app.handle(request.method, target, dict(request.headers), request.content)
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body or b"")

    return handle


@contextmanager
def inprocess_clients(app: EmulatorApp, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Route every framework object's ``ClientCache`` to ``app``."""
    transport = httpx.MockTransport(handler(app))
    # A mock transport holds no sockets, so the async client needs no closing and
    # may serve several event loops.
    aio = httpx.AsyncClient(transport=transport)
    with httpx.Client(transport=transport) as sync:
        cache = ClientCache(
            ConnectionSettings(
                api_key=API_KEY, base_url=BASE_URL, http_client=sync, http_async_client=aio
            )
        )
        monkeypatch.setattr(ClientCache, "reuse", classmethod(lambda cls, *a, **k: cache))
        try:
            yield
        finally:
            app.batches.stop()


def _content(envelope: JSONObject) -> tuple[dict[str, Any], str] | None:
    choices = envelope.get("choices")
    if not choices:
        return None
    payload = json.loads(choices[0]["message"]["content"])
    return payload, choices[0]["message"]["content"]


class ScriptedApp(EmulatorApp):
    """The emulator with every PII reply passed through ``perturb`` (also in batches)."""

    def __init__(self, perturb: Perturb) -> None:
        super().__init__(EmulatorOptions(api_key=API_KEY))
        self.perturb = perturb

    def _rewrite(self, envelope: JSONObject, text: str) -> JSONObject:
        found = _content(envelope)
        if found is None or "entities" not in found[0]:
            return envelope
        payload = self.perturb(found[0], text)
        envelope["choices"][0]["message"]["content"] = json.dumps(payload)
        return envelope

    def _chat(self, call: _Call) -> EmulatedResponse:
        response = super()._chat(call)
        if response.status != 200 or response.body is None:
            return response
        body = json.loads(call.body)
        envelope = self._rewrite(json.loads(response.body), body["messages"][-1]["content"])
        response.body = json.dumps(envelope).encode()
        return response

    def _run_batch_line(self, body: JSONObject) -> tuple[int, JSONObject]:
        status, answer = super()._run_batch_line(body)
        if status == 200:
            answer = self._rewrite(answer, body["messages"][-1]["content"])
        return status, answer


def misbehave(payload: dict[str, Any], text: str) -> dict[str, Any]:
    """Wrong offsets, disagreeing ``redacted_text``, unlocatable or missing entities.

    The choice is a deterministic function of the chunk, so every mode sees the same
    faults; about a third of the replies are left intact.
    """
    entities = payload["entities"]
    if not entities:
        return payload
    kind = zlib.crc32(text.encode()) % 6
    if kind == 1:  # offsets off by a few characters; the text is right
        payload["entities"] = [
            {**e, "start": e["start"] + 3, "end": e["end"] + 3} for e in entities
        ]
    elif kind == 2:  # entities dropped, redacted_text still masks them
        payload["entities"], payload["entities_by_label"] = [], {}
    elif kind == 3:  # an entity that is not in the text, and a partial redaction
        payload["entities"] = [{**entities[0], "text": "Nobody Here", "start": 0, "end": 11}]
        first = entities[0]
        payload["redacted_text"] = text[: first["start"]] + "[X]" + text[first["end"] :]
    elif kind == 4:  # only entities_by_label, no offsets, no redacted_text
        del payload["entities"]
        payload.pop("redacted_text", None)
    elif kind == 5:  # redacted_text masks nothing
        payload["redacted_text"] = text
    return payload
