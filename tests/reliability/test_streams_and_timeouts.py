"""Cut streams raise, cancelled tasks close their connection, timeouts retry then raise."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from langchain_core.exceptions import ModelConnectionError, ModelTimeoutError
from llama_index.core.base.llms.types import ChatMessage

from langchain_zerogpu import ChatZeroGPU
from llama_index_zerogpu import ZeroGPU
from tests.reliability._faults import API_KEY
from zerogpu_core import APITimeoutError, StreamInterruptedError
from zerogpu_core.emulator import Emulator, Fault

pytestmark = [pytest.mark.emulator, pytest.mark.usefixtures("fast_backoff")]

MODEL = "LFM2.5-1.2B-Instruct"
_ESTABLISHED = "01"


def _chat(emulator: Emulator, **kwargs: object) -> ChatZeroGPU:
    return ChatZeroGPU(model=MODEL, base_url=emulator.base_url, api_key=API_KEY, **kwargs)


def _open_client_sockets(port: int) -> int:
    """Established loopback TCP connections *to* ``port`` (the client ends), from the
    kernel's table: the only view that shows whether a socket was really closed."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            count += remote_port == port and fields[3] == _ESTABLISHED
    return count


def test_langchain_stream_cut_midway_raises(emulator: Emulator) -> None:
    emulator.faults.add(Fault(cut_stream_after=4))
    received = []
    with pytest.raises(StreamInterruptedError) as caught:
        for chunk in _chat(emulator).stream("Tell me a story"):
            received.append(chunk.content)
    assert isinstance(caught.value, ModelConnectionError)
    assert received  # what arrived before the cut was delivered, then the error
    assert len(emulator.requests) == 1  # a half-delivered stream is not replayed


async def test_async_langchain_stream_cut_midway_raises(emulator: Emulator) -> None:
    emulator.faults.add(Fault(cut_stream_after=2))
    with pytest.raises(StreamInterruptedError):
        async for _ in _chat(emulator).astream("Tell me a story"):
            pass


def test_llama_index_stream_cut_midway_raises(emulator: Emulator) -> None:
    emulator.faults.add(Fault(cut_stream_after=3))
    llm = ZeroGPU(model=MODEL, base_url=emulator.base_url, api_key=API_KEY)
    with pytest.raises(StreamInterruptedError):
        for _ in llm.stream_chat([ChatMessage(role="user", content="Tell me a story")]):
            pass


async def test_cancelled_task_closes_its_connection(emulator: Emulator) -> None:
    emulator.faults.add(Fault(latency=10.0))
    task = asyncio.create_task(_chat(emulator, max_retries=0).ainvoke("Hang, please"))
    for _ in range(500):
        if emulator.requests:
            break
        await asyncio.sleep(0.01)
    assert _open_client_sockets(emulator.port) == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _open_client_sockets(emulator.port) == 0


def test_timed_out_request_is_retried_then_raises(emulator: Emulator) -> None:
    emulator.faults.add(Fault(latency=2.0, times=3))
    llm = _chat(emulator, timeout=0.2, max_retries=2)
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as caught:
        llm.invoke("Are you there?")
    assert isinstance(caught.value, ModelTimeoutError)
    assert len(emulator.requests) == 3
    assert time.monotonic() - started < 1.9  # three short timeouts, not one long wait


async def test_async_timed_out_request_is_retried_then_raises(emulator: Emulator) -> None:
    emulator.faults.add(Fault(latency=2.0, times=2))
    with pytest.raises(APITimeoutError):
        await _chat(emulator, timeout=0.2, max_retries=1).ainvoke("Are you there?")
    assert len(emulator.requests) == 2


def test_timeout_then_success_returns_the_answer(emulator: Emulator) -> None:
    # A healthy second attempt gets a whole second, so load on the box cannot time it out.
    emulator.faults.add(Fault(latency=3.0))
    reply = _chat(emulator, timeout=1.0, max_retries=1).invoke("Are you there?")
    assert "[emulated]" in str(reply.content)
    assert len(emulator.requests) == 2


# A server trickling 8 bytes every 0.4 s never breaks httpx's per-read timeout, and
# an answer of a few hundred bytes takes over ten seconds to arrive.
TRICKLE = Fault(trickle_bytes=8, trickle_interval=0.4)


def test_timeout_is_a_deadline_for_a_trickling_body(emulator: Emulator) -> None:
    emulator.faults.add(TRICKLE)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        _chat(emulator, timeout=1, max_retries=0).invoke("Hi")
    assert time.monotonic() - started < 1.5
    emulator.faults.add(Fault(trickle_bytes=8, trickle_interval=0.4, times=2))
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        _chat(emulator, timeout=0.5, max_retries=1).invoke("Hi")
    assert time.monotonic() - started < 1.5  # two attempts of 0.5 s and a short backoff
    assert len(emulator.requests) == 3


async def test_async_timeout_is_a_deadline_for_a_trickling_body(emulator: Emulator) -> None:
    emulator.faults.add(TRICKLE)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        await _chat(emulator, timeout=1, max_retries=0).ainvoke("Hi")
    assert time.monotonic() - started < 1.5


def test_llama_index_timeout_is_a_deadline(emulator: Emulator) -> None:
    emulator.faults.add(TRICKLE)
    llm = ZeroGPU(
        model=MODEL, base_url=emulator.base_url, api_key=API_KEY, timeout=1, max_retries=0
    )
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        llm.complete("Hi")
    assert time.monotonic() - started < 1.5


def test_a_stream_is_bounded_per_chunk_not_in_total(emulator: Emulator) -> None:
    # Documented: a stream may last longer than timeout as long as chunks keep coming.
    emulator.faults.add(Fault(trickle_bytes=64, trickle_interval=0.05))
    started = time.monotonic()
    chunks = list(_chat(emulator, timeout=0.5, max_retries=0).stream("Tell me a story"))
    assert len(chunks) > 3
    assert time.monotonic() - started > 0.5
