"""Authentication, routing, response headers and the request log."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from zerogpu_core.emulator import Emulator

CHAT = {"model": "LFM2.5-1.2B-Instruct", "messages": [{"role": "user", "content": "Hi"}]}
Connect = Callable[..., httpx.Client]


def test_missing_api_key_is_401(zerogpu_emulator: Emulator, connect: Connect) -> None:
    response = connect(zerogpu_emulator).post("/chat/completions", json=CHAT)
    assert response.status_code == 401
    assert response.json() == {"error": {"message": "Missing authentication headers"}}


def test_wrong_api_key_is_403(zerogpu_emulator: Emulator, connect: Connect) -> None:
    http = connect(zerogpu_emulator, **{"x-api-key": "wrong"})
    response = http.post("/chat/completions", json=CHAT)
    assert response.status_code == 403
    assert response.json() == {"error": {"message": "Invalid credentials"}}


def test_any_key_accepted_without_configured_key(connect: Connect) -> None:
    with Emulator() as emu:
        http = connect(emu, **{"x-api-key": "anything"})
        assert http.post("/chat/completions", json=CHAT).status_code == 200
        assert connect(emu, **{"x-api-key": ""}).get("/files").status_code == 401


def test_project_id_rules(connect: Connect) -> None:
    with Emulator(api_key="k", project_id="p1", require_project_id=True) as emu:
        assert connect(emu, **{"x-api-key": "k"}).get("/files").status_code == 401
        wrong = connect(emu, **{"x-api-key": "k", "x-project-id": "p2"}).get("/files")
        assert wrong.status_code == 403
        right = connect(emu, **{"x-api-key": "k", "x-project-id": "p1"}).get("/files")
        assert right.status_code == 200


def test_every_response_is_marked_as_emulated(client: httpx.Client) -> None:
    first = client.post("/chat/completions", json=CHAT)
    second = client.get("/nowhere")
    assert first.headers["x-zerogpu-emulator"] == "1"
    assert second.headers["x-zerogpu-emulator"] == "1"
    assert first.headers["x-request-id"].startswith("req_emu_")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert first.json()["id"].startswith("chatcmpl-emu-")
    assert first.json()["choices"][0]["message"]["content"].startswith("[emulated]")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/models"), ("GET", "/chat/completions"), ("PUT", "/files"), ("GET", "/v2/x")],
)
def test_unknown_route_is_404(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 404
    assert "message" in response.json()["error"]


def test_invalid_json_body_is_400(client: httpx.Client) -> None:
    response = client.post(
        "/chat/completions", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": {"message": "Invalid JSON body", "type": "invalid_request_error"}
    }


def test_cors_preflight_is_204(client: httpx.Client) -> None:
    assert client.options("/chat/completions").status_code == 204


def test_request_log_masks_the_key(zerogpu_emulator: Emulator, client: httpx.Client) -> None:
    client.post("/chat/completions", json=CHAT)
    client.get("/files")
    log = zerogpu_emulator.requests
    assert [(r.method, r.path) for r in log] == [
        ("POST", "/v1/chat/completions"),
        ("GET", "/v1/files"),
    ]
    assert log[0].headers["x-api-key"] == "***"
    assert log[0].json == CHAT
    assert log[1].json is None
    assert log[0].timestamp <= log[1].timestamp


def test_keep_alive_connection_is_reused(client: httpx.Client) -> None:
    client.post("/chat/completions", json=CHAT)
    response = client.post("/chat/completions", json=CHAT)
    assert response.http_version == "HTTP/1.1"
    assert response.headers.get("connection", "keep-alive").lower() != "close"


def test_shutdown_leaves_no_threads(connect: Connect) -> None:
    before = set(threading.enumerate())
    emu = Emulator(api_key="k", batch_line_delay=1.0).start()
    http = connect(emu, **{"x-api-key": "k"})
    assert http.post("/chat/completions", json=CHAT).status_code == 200  # idle keep-alive
    line = {"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": CHAT}
    upload = http.post(
        "/files",
        files={"file": ("a.jsonl", json.dumps(line).encode())},
        data={"purpose": "batch"},
    )
    body = {"input_file_id": upload.json()["id"], "endpoint": "/v1/chat/completions"}
    assert http.post("/batches", json=body).json()["status"] == "in_progress"
    started = time.monotonic()
    emu.stop()
    assert time.monotonic() - started < 1
    assert [t for t in threading.enumerate() if t not in before] == []
