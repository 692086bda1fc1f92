"""Attempt deadlines: the shared watchdog that ends blocking reads, and the async bound."""

from __future__ import annotations

import asyncio
import sys
import threading
import time

import httpx
import pytest

from tests.core._tasks import counting_tasks
from zerogpu_core import APITimeoutError, AsyncZeroGPUClient
from zerogpu_core._deadline import _WATCHDOG

COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "m",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "Hello."}, "finish_reason": "stop"}
    ],
}


def test_an_earlier_alarm_armed_after_a_later_one_fires_on_time() -> None:
    # The watchdog is only woken for an alarm that becomes the earliest one; a call
    # with a short timeout after one with a long timeout must still end on time.
    fired = threading.Event()
    late = _WATCHDOG.arm(time.monotonic() + 30, lambda: None)
    time.sleep(0.1)  # the watchdog thread is now waiting for the late alarm
    early = _WATCHDOG.arm(time.monotonic() + 0.05, fired.set)
    try:
        assert fired.wait(5)
        assert early.fired
        assert not late.fired
    finally:
        late.cancel()


def test_a_cancelled_alarm_never_fires() -> None:
    fired = threading.Event()
    alarm = _WATCHDOG.arm(time.monotonic() + 0.05, fired.set)
    alarm.cancel()
    assert not fired.wait(0.3)
    assert not alarm.fired


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout is new in 3.11")
async def test_an_async_attempt_runs_in_the_callers_task() -> None:
    # asyncio.wait_for ran every attempt as a task of its own (about 10 us a request).
    async def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=COMPLETION)

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    async with AsyncZeroGPUClient(api_key="k", http_client=http, timeout=5) as client:
        with counting_tasks() as created:
            reply = await client.chat_completion(
                model="m", messages=[{"role": "user", "content": "hi"}]
            )
    assert reply.choices[0].message.content == "Hello."
    assert created[0] == 0


async def test_an_async_attempt_past_its_deadline_is_a_timeout() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, json=COMPLETION)

    http = httpx.AsyncClient(transport=httpx.MockTransport(slow))
    started = time.monotonic()
    async with AsyncZeroGPUClient(
        api_key="k", http_client=http, timeout=0.2, max_retries=0
    ) as client:
        with pytest.raises(APITimeoutError):
            await client.chat_completion(model="m", messages=[{"role": "user", "content": "hi"}])
    assert time.monotonic() - started < 2
