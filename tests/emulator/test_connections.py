"""A client that drops its connection is the client's business, not a server error."""

from __future__ import annotations

import socket
import struct
import time

import httpx
import pytest

from zerogpu_core.emulator import Emulator


def _reset(port: int) -> None:
    """Connect, then close with a TCP reset instead of a FIN (SO_LINGER 0)."""
    connection = socket.create_connection(("127.0.0.1", port))
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


def _handlers_done(emulator: Emulator, seconds: float) -> None:
    server = emulator._server
    assert server is not None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with server._lock:
            if not server._connections:
                return
        time.sleep(0.01)
    raise AssertionError("the emulator still holds the reset connection")


def test_a_connection_reset_by_the_client_prints_nothing_and_serving_goes_on(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with Emulator(api_key="k") as emulator:
        for _ in range(3):
            _reset(emulator.port)
        _handlers_done(emulator, 5.0)
        response = httpx.get(f"{emulator.base_url}/files", headers={"x-api-key": "k"})
        assert response.status_code == 200
    assert capfd.readouterr().err == ""


def test_other_handler_errors_are_still_reported(capfd: pytest.CaptureFixture[str]) -> None:
    with Emulator(api_key="k") as emulator:
        server = emulator._server
        assert server is not None
        try:
            raise ValueError("a bug in a handler")
        except ValueError:
            server.handle_error(None, ("127.0.0.1", 1))
    assert "ValueError: a bug in a handler" in capfd.readouterr().err
