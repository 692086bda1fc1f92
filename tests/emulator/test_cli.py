"""``python -m zerogpu_core.emulator`` starts, prints its URL and serves."""

from __future__ import annotations

import socket
import subprocess
import sys

import httpx


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_cli_serves_until_terminated() -> None:
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "zerogpu_core.emulator",
        "--port",
        str(port),
        "--api-key",
        "cli",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        second = process.stdout.readline()
        assert first.strip() == f"ZeroGPU emulator listening on http://127.0.0.1:{port}/v1"
        assert "EMULATED" in second
        response = httpx.post(
            f"http://127.0.0.1:{port}/v1/embeddings",
            json={"model": "bge-small-en-v1.5", "input": "hi"},
            headers={"x-api-key": "cli"},
            timeout=5,
        )
        assert response.status_code == 200
        assert response.headers["x-zerogpu-emulator"] == "1"
    finally:
        process.terminate()
        process.wait(timeout=10)
