"""Injected faults: statuses, latency, dropped connections, cut streams, broken JSON."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from zerogpu_core.emulator import Emulator, Fault

CHAT = {"model": "glm-5.2", "messages": [{"role": "user", "content": "Hi"}]}


def test_status_fault_with_headers_then_success(
    zerogpu_emulator: Emulator, client: httpx.Client
) -> None:
    zerogpu_emulator.faults.add(Fault(status=429, headers={"Retry-After": "1"}, times=2))
    first = client.post("/chat/completions", json=CHAT)
    second = client.post("/chat/completions", json=CHAT)
    third = client.post("/chat/completions", json=CHAT)
    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert first.headers["retry-after"] == "1"
    assert first.json() == {
        "error": {
            "message": "Rate limit exceeded, please retry later.",
            "type": "rate_limit_exceeded",
            "code": "rate_limit_exceeded",
        }
    }
    assert len(zerogpu_emulator.faults) == 0


@pytest.mark.parametrize("status", [420, 500, 503, 418])
def test_default_error_bodies(
    zerogpu_emulator: Emulator, client: httpx.Client, status: int
) -> None:
    zerogpu_emulator.faults.add(Fault(status=status))
    response = client.get("/files")
    assert response.status_code == status
    assert response.json()["error"]["message"]


def test_custom_body_and_path_filter(zerogpu_emulator: Emulator, client: httpx.Client) -> None:
    zerogpu_emulator.faults.add(
        Fault(status=400, body={"message": "top-level"}, path="/v1/embeddings")
    )
    assert client.post("/chat/completions", json=CHAT).status_code == 200
    response = client.post("/embeddings", json={"model": "bge-small-en-v1.5", "input": "x"})
    assert response.status_code == 400
    assert response.json() == {"message": "top-level"}


def test_faults_are_fifo(zerogpu_emulator: Emulator, client: httpx.Client) -> None:
    zerogpu_emulator.faults.add(Fault(status=500))
    zerogpu_emulator.faults.add(Fault(status=502))
    assert [client.get("/files").status_code for _ in range(3)] == [500, 502, 200]


def test_drop_connection(zerogpu_emulator: Emulator, client: httpx.Client) -> None:
    zerogpu_emulator.faults.add(Fault(drop_connection=True, path="/v1/embeddings"))
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/embeddings", json={"model": "bge-small-en-v1.5", "input": "x"})
    assert (
        client.post("/embeddings", json={"model": "bge-small-en-v1.5", "input": "x"}).status_code
        == 200
    )


def test_latency_fault_and_global_latency(zerogpu_emulator: Emulator, client: httpx.Client) -> None:
    zerogpu_emulator.faults.add(Fault(latency=0.3))
    start = time.monotonic()
    assert client.post("/chat/completions", json=CHAT).status_code == 200
    assert time.monotonic() - start >= 0.3
    zerogpu_emulator.latency = 0.1
    start = time.monotonic()
    client.get("/files")
    assert 0.1 <= time.monotonic() - start < 0.3


def test_cut_stream(zerogpu_emulator: Emulator, client: httpx.Client) -> None:
    zerogpu_emulator.faults.add(Fault(cut_stream_after=3))
    received: list[str] = []
    stream = client.stream("POST", "/chat/completions", json={**CHAT, "stream": True})
    with pytest.raises(httpx.RemoteProtocolError), stream as response:
        assert response.status_code == 200
        received.extend(line for line in response.iter_lines() if line)
    assert len(received) == 3
    assert "data: [DONE]" not in received
    assert all(json.loads(line[6:])["object"] == "chat.completion.chunk" for line in received)


def test_malformed_json(zerogpu_emulator: Emulator, client: httpx.Client) -> None:
    zerogpu_emulator.faults.add(Fault(malformed_json=True))
    response = client.post("/chat/completions", json=CHAT)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_fault_times_must_be_positive(zerogpu_emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="times"):
        zerogpu_emulator.faults.add(Fault(status=500, times=0))


def test_clear_drops_pending_faults(zerogpu_emulator: Emulator, client: httpx.Client) -> None:
    zerogpu_emulator.faults.add(Fault(status=500, times=3))
    zerogpu_emulator.faults.clear()
    assert client.get("/files").status_code == 200


def test_trickled_body_arrives_whole_and_slowly(
    zerogpu_emulator: Emulator, client: httpx.Client
) -> None:
    zerogpu_emulator.faults.add(Fault(trickle_bytes=64, trickle_interval=0.02))
    started = time.monotonic()
    response = client.post("/chat/completions", json=CHAT)
    elapsed = time.monotonic() - started
    pieces = -(-len(response.content) // 64)
    assert response.json()["object"] == "chat.completion"
    assert elapsed >= 0.02 * (pieces - 1)
    with pytest.raises(ValueError, match="trickle_bytes"):
        zerogpu_emulator.faults.add(Fault(trickle_bytes=0))
