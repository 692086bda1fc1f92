"""The HTTP shell around :class:`~zerogpu_core.emulator.app.EmulatorApp`, and ``Emulator``."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from zerogpu_core.emulator.app import EmulatorApp, RecordedRequest
from zerogpu_core.emulator.faults import FaultQueue
from zerogpu_core.emulator.options import EmulatorOptions, StreamMode
from zerogpu_core.emulator.tokens import Overflow
from zerogpu_core.emulator.wire import EmulatedResponse

__all__ = ["Emulator"]

_IDLE_SECONDS = 30.0


class _Server(ThreadingHTTPServer):
    """Threaded server that can close idle keep-alive connections on shutdown."""

    daemon_threads = True
    allow_reuse_address = True
    # The stdlib's listen backlog is 5: in a burst of concurrent connections the rest
    # wait for a SYN retransmit (about 1 s), which test suites see as flaky slowness.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: EmulatorApp) -> None:
        super().__init__(address, _Handler)
        self.app = app
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._handler_threads: list[threading.Thread] = []
        self.in_flight = 0
        self.peak_in_flight = 0

    @contextlib.contextmanager
    def counting(self) -> Iterator[None]:
        """Count one request being answered (for :attr:`Emulator.peak_in_flight`)."""
        with self._lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= 1

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        )
        with self._lock:
            self._connections.add(request)
            self._handler_threads = [t for t in self._handler_threads if t.is_alive()]
            self._handler_threads.append(thread)
        thread.start()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Report a handler's error, except a client dropping its connection.

        A client may reset a keep-alive connection at any time (a pool discarding
        it, a process exiting); a server takes that as the end of the connection,
        not as an error of its own.
        """
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self, timeout: float) -> None:
        """Wake every handler blocked on an idle connection and wait for it."""
        with self._lock:
            connections = list(self._connections)
            threads = list(self._handler_threads)
        for connection in connections:
            _hard_close(connection)
        for thread in threads:
            thread.join(timeout)


def _hard_close(connection: socket.socket) -> None:
    # The peer may already have closed the socket; that is fine.
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "zerogpu-emulator"
    timeout = _IDLE_SECONDS
    # Headers and body go out in separate writes; Nagle would delay each answer ~40 ms.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet; the app keeps its own request log."""

    def _serve(self) -> None:
        with self.server.counting():
            self._answer()

    def _answer(self) -> None:
        body = self._read_body()
        app = self.server.app
        response = app.handle(self.command, self.path, dict(self.headers.items()), body)
        if response.delay and self.server.stopping.wait(response.delay):
            self.close_connection = True
            return
        if response.drop_connection:
            self.close_connection = True
            _hard_close(self.connection)
            return
        try:
            if response.chunks is None:
                self._send_body(response)
            else:
                self._send_stream(response)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_OPTIONS = _serve

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            parts = []
            while (size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)) > 0:
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(parts)
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def _start(self, response: EmulatedResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)

    def _send_body(self, response: EmulatedResponse) -> None:
        body = response.body or b""
        self._start(response)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self._write(body, response)

    def _write(self, data: bytes, response: EmulatedResponse) -> None:
        if response.trickle is None:
            self.wfile.write(data)
            return
        size, interval = response.trickle
        for start in range(0, len(data), size):
            self.wfile.write(data[start : start + size])
            self.wfile.flush()
            if self.server.stopping.wait(interval):
                return

    def _send_stream(self, response: EmulatedResponse) -> None:
        self._start(response)
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for sent, chunk in enumerate(response.chunks or []):
            if response.cut_after is not None and sent >= response.cut_after:
                # No terminating chunk: the client sees the stream break mid-body.
                self.wfile.flush()
                self.close_connection = True
                _hard_close(self.connection)
                return
            self._write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n", response)
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")


class Emulator:
    """A local, deterministic emulator of the ZeroGPU HTTP API on loopback.

    Example:
        ``with Emulator(api_key="test-key") as emu: httpx.post(emu.base_url + ...)``

    Outputs are emulated (ids carry ``emu``, free text starts with ``[emulated]``,
    every response has ``x-zerogpu-emulator: 1``); they are never real model output.
    """

    def __init__(
        self,
        api_key: str | None = None,
        project_id: str | None = None,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        require_project_id: bool = False,
        stream_mode: StreamMode = "sse",
        omit_tool_call_index: bool = False,
        context_length_status: int = 400,
        context_overflow: Overflow = "model",
        input_token_limit: int | None = None,
        batch_line_delay: float = 0.0,
        batch_expiry_seconds: float = 86_400.0,
        latency: float = 0.0,
        batch_list_lag: float = 0.0,
    ) -> None:
        """Configure the emulator; :meth:`start` (or ``with``) binds the port."""
        self.options = EmulatorOptions(
            api_key=api_key,
            project_id=project_id,
            require_project_id=require_project_id,
            stream_mode=stream_mode,
            omit_tool_call_index=omit_tool_call_index,
            context_length_status=context_length_status,
            context_overflow=context_overflow,
            input_token_limit=input_token_limit,
            batch_line_delay=batch_line_delay,
            batch_expiry_seconds=batch_expiry_seconds,
            latency=latency,
            batch_list_lag=batch_list_lag,
        )
        self.app = EmulatorApp(self.options)
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def faults(self) -> FaultQueue:
        """Queue of :class:`~zerogpu_core.emulator.faults.Fault` to inject."""
        return self.app.faults

    @property
    def requests(self) -> list[RecordedRequest]:
        """Snapshot of every request received so far."""
        return self.app.requests

    @property
    def latency(self) -> float:
        """Seconds added to every request."""
        return self.options.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self.options.latency = seconds

    @property
    def peak_in_flight(self) -> int:
        """The most requests answered at the same time since start (or the last reset).

        Tests use it to check a client's concurrency bound.
        """
        return 0 if self._server is None else self._server.peak_in_flight

    def reset_peak_in_flight(self) -> None:
        """Start counting :attr:`peak_in_flight` afresh."""
        if self._server is not None:
            with self._server._lock:
                self._server.peak_in_flight = self._server.in_flight

    @property
    def port(self) -> int:
        """The bound TCP port."""
        if self._server is None:
            raise RuntimeError("Emulator is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """The API base URL, e.g. ``http://127.0.0.1:8123/v1``."""
        return f"http://{self._address[0]}:{self.port}/v1"

    def start(self) -> Emulator:
        """Bind the port and serve in a background thread."""
        if self._server is not None:
            return self
        self._server = _Server(self._address, self.app)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            daemon=True,
            name="zerogpu-emulator",
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving, close open connections and stop batch workers."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()
        server.shutdown()
        server.close_connections(timeout)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout)
        self.app.batches.stop(timeout)

    def __enter__(self) -> Emulator:
        """Start on entering a ``with`` block."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop on leaving the ``with`` block."""
        self.stop()
