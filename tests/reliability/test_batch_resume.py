"""Batch jobs across crashes and faults: one batch per part, whatever happens.

A crash is simulated by a client whose call reaches the server and then "kills" the
process (raises a ``BaseException`` the runner does not handle), before the runner
has saved the answer. The emulator's batch list lags like the API's ("may lag a few
seconds"), and its request log is checked for duplicate creates.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.reliability._faults import API_KEY
from zerogpu_core import ZeroGPUClient
from zerogpu_core.batch import BatchRunner, BatchStateError
from zerogpu_core.emulator import Emulator, Fault

pytestmark = pytest.mark.emulator

MODEL = "llama-3.1-8b-instruct-fast"
LIST_LAG = 1.0
#: Must cover the list lag; in production it defaults to 30 s.
GRACE = 1.5
FAST = {"poll_interval": 0.02, "lookup_grace": GRACE}


class Killed(BaseException):
    """The process died right after the server acted on a call."""


class KillAfter:
    """A client that dies right after ``method`` reached the server."""

    def __init__(self, client: ZeroGPUClient, method: str) -> None:
        self._client = client
        self._method = method

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name != self._method:
            return attribute

        def call(**kwargs: Any) -> Any:
            attribute(**kwargs)
            raise Killed

        return call


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key=API_KEY, batch_list_lag=LIST_LAG) as emu:
        yield emu


def _client(emulator: Emulator, **kwargs: Any) -> ZeroGPUClient:
    return ZeroGPUClient(api_key=API_KEY, base_url=emulator.base_url, **kwargs)


def bodies(count: int) -> list[dict[str, Any]]:
    return [
        {"model": MODEL, "messages": [{"role": "user", "content": f"Question {i}"}]}
        for i in range(count)
    ]


def creates(emulator: Emulator) -> int:
    return sum(r.method == "POST" and r.path == "/v1/batches" for r in emulator.requests)


def _killed_during(emulator: Emulator, method: str, path: Path) -> None:
    runner = BatchRunner(KillAfter(_client(emulator), method), state_path=path, **FAST)  # type: ignore[arg-type]
    with pytest.raises(Killed):
        runner.submit(bodies(3))


def test_a_crash_during_create_does_not_create_twice(emulator: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "job.json"
    _killed_during(emulator, "create_batch", path)
    # Restarted at once: the list does not show the new batch yet.
    results = BatchRunner.resume(_client(emulator), path, **FAST).run(bodies(3))
    assert [r.ok for r in results] == [True, True, True]
    assert creates(emulator) == 1


def test_the_look_up_pages_through_every_batch(emulator: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "job.json"
    _killed_during(emulator, "create_batch", path)
    client = _client(emulator)
    line = {"custom_id": "o", "method": "POST", "url": "/v1/chat/completions"}
    line["body"] = bodies(1)[0]
    other = client.upload_file(json.dumps(line).encode() + b"\n", filename="other.jsonl").id
    for _ in range(101):  # other jobs of the account, listed before this one
        client.create_batch(input_file_id=other)
    # Let the list show all 102: on a slow machine the last creates would still be
    # hidden by the lag, and this job's batch would move up onto the first page.
    time.sleep(LIST_LAG)
    BatchRunner.resume(client, path, **FAST).run(bodies(3))
    assert creates(emulator) == 1 + 101
    listed = [r for r in emulator.requests if r.method == "GET" and r.path == "/v1/batches"]
    assert len(listed) >= 2


def test_a_lost_create_answer_is_looked_up_not_retried(emulator: Emulator, tmp_path: Path) -> None:
    # The server creates the batch, but its answer comes after the client gave up.
    emulator.faults.add(Fault(path="/v1/batches", latency=1.0))
    client = _client(emulator, timeout=0.3, max_retries=2)
    results = BatchRunner(client, state_path=tmp_path / "job.json", **FAST).run(bodies(2))
    assert [r.ok for r in results] == [True, True]
    assert creates(emulator) == 1


def test_a_create_that_never_arrived_is_sent_again_after_looking(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.faults.add(Fault(path="/v1/batches", drop_connection=True))
    runner = BatchRunner(_client(emulator, max_retries=2), state_path=tmp_path / "j.json", **FAST)
    results = runner.run(bodies(2))
    assert [r.ok for r in results] == [True, True]
    log = [(r.method, r.path) for r in emulator.requests]
    first, second = (i for i, call in enumerate(log) if call == ("POST", "/v1/batches"))
    assert ("GET", "/v1/batches") in log[first:second]  # looked before creating again
    assert len(emulator.app.batches.list_page({"limit": ["100"]})["data"]) <= 1
    assert len(runner.state.parts) == 1


def test_a_crash_during_upload_leaves_no_orphaned_file(emulator: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "job.json"
    _killed_during(emulator, "upload_file", path)
    client = _client(emulator)
    BatchRunner.resume(client, path, **FAST).run(bodies(3))
    inputs = client.list_files(purpose="batch").data
    assert len(inputs) == 1  # the orphan was deleted, the re-upload kept
    assert sum(r.method == "DELETE" for r in emulator.requests) == 1


@pytest.mark.parametrize(
    "content", ["{not json", '{"a": 1}', json.dumps({"job_id": "x"}), "\udcff"], ids=repr
)
def test_a_corrupt_state_file_names_the_path_and_what_to_do(
    emulator: Emulator, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "job.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.raises(BatchStateError) as caught:
        BatchRunner.resume(_client(emulator), path)
    message = str(caught.value)
    assert str(path) in message
    assert "move it away" in message
    assert "input_value" not in message
    assert emulator.requests == []


def test_a_directory_as_state_file_is_refused_clearly(emulator: Emulator, tmp_path: Path) -> None:
    with pytest.raises(BatchStateError, match="is a directory"):
        BatchRunner.resume(_client(emulator), tmp_path)
    with pytest.raises(BatchStateError, match="is a directory"):
        BatchRunner(_client(emulator), state_path=tmp_path).submit(bodies(1))
    assert emulator.requests == []
