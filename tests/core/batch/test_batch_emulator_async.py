"""``AsyncBatchRunner`` against the emulator (outputs are emulated)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zerogpu_core import AsyncZeroGPUClient
from zerogpu_core.batch import AsyncBatchRunner, BatchCreateError
from zerogpu_core.emulator import Emulator

pytestmark = pytest.mark.emulator


def bodies(count: int) -> list[dict[str, Any]]:
    return [
        {"model": "gpt-oss-120b", "messages": [{"role": "user", "content": f"Item {i}"}]}
        for i in range(count)
    ]


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_key="test-key", batch_line_delay=0.02) as emulator:
        yield emulator


def client_for(emu: Emulator) -> AsyncZeroGPUClient:
    return AsyncZeroGPUClient(api_key="test-key", base_url=emu.base_url)


async def test_async_run_returns_results_in_input_order(emu: Emulator) -> None:
    async with client_for(emu) as client:
        runner = AsyncBatchRunner(client, poll_interval=0.02, max_lines_per_batch=3)
        results = await runner.run(bodies(5), custom_ids=list("abcde"))

    assert [item.custom_id for item in results] == list("abcde")
    assert all(item.ok for item in results)
    assert len({item.batch_id for item in results}) == 2


async def test_async_resume_after_a_crash(emu: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "job.json"
    async with client_for(emu) as client:
        await AsyncBatchRunner(client, state_path=path).submit(bodies(4))
    async with client_for(emu) as client:
        runner = AsyncBatchRunner.resume(client, path, poll_interval=0.02)
        state = await runner.wait()
        results = await runner.collect()

    assert state.parts[0].status == "completed"
    assert [item.ok for item in results] == [True] * 4
    assert sum(1 for r in emu.requests if r.path == "/v1/files" and r.method == "POST") == 1


async def test_async_cancel(emu: Emulator) -> None:
    async with client_for(emu) as client:
        runner = AsyncBatchRunner(client, poll_interval=0.02)
        await runner.submit(bodies(30))
        await runner.cancel()
        await runner.wait()
        results = await runner.collect()

    assert any(item.error and item.error.is_cancelled for item in results)


async def test_async_server_validation_error_carries_the_line(emu: Emulator) -> None:
    requests = bodies(2)
    requests[1] = {**requests[1], "stream": True}
    async with client_for(emu) as client:
        runner = AsyncBatchRunner(client, validate=False)
        with pytest.raises(BatchCreateError) as caught:
            await runner.submit(requests)

    assert (caught.value.line, caught.value.index) == (2, 1)
