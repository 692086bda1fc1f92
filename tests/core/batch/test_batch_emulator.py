"""``BatchRunner`` against the emulator's Files and Batches API (outputs are emulated)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zerogpu_core import InternalServerError, ZeroGPUClient
from zerogpu_core.batch import (
    BatchCreateError,
    BatchRunner,
    BatchValidationError,
    load_state,
)
from zerogpu_core.emulator import Emulator, Fault

pytestmark = pytest.mark.emulator

MODEL = "llama-3.1-8b-instruct-fast"


def bodies(count: int, model: str = MODEL) -> list[dict[str, Any]]:
    return [
        {"model": model, "messages": [{"role": "user", "content": f"Question {i}"}]}
        for i in range(count)
    ]


@pytest.fixture
def emu(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    options = getattr(request, "param", {"batch_line_delay": 0.005})
    with Emulator(api_key="test-key", **options) as emulator:
        yield emulator


def client_for(emu: Emulator, **kwargs: Any) -> ZeroGPUClient:
    return ZeroGPUClient(api_key="test-key", base_url=emu.base_url, **kwargs)


def count(emu: Emulator, method: str, path: str) -> int:
    return sum(1 for r in emu.requests if r.method == method and r.path == path)


def test_happy_path_split_into_batches_returns_results_in_input_order(
    emu: Emulator, tmp_path: Path
) -> None:
    ids = [f"doc-{i}" for i in range(5)]
    runner = BatchRunner(
        client_for(emu),
        state_path=tmp_path / "job.json",
        poll_interval=0.02,
        max_lines_per_batch=2,
        metadata={"job": "nightly"},
    )

    results = runner.run(bodies(5), custom_ids=ids)

    assert [item.custom_id for item in results] == ids
    for index, item in enumerate(results):
        assert item.error is None
        content = item.unwrap().message.content or ""
        assert content.startswith("[emulated]")
        assert f'"Question {index}"' in content
        assert item.request_id
    assert count(emu, "POST", "/v1/files") == 3
    assert count(emu, "POST", "/v1/batches") == 3
    created = [r.json for r in emu.requests if r.path == "/v1/batches" and r.method == "POST"]
    assert created[0]["metadata"]["job"] == "nightly"
    assert [part.status for part in load_state(tmp_path / "job.json").parts] == ["completed"] * 3


def test_partial_failures_are_typed_per_item_errors(emu: Emulator) -> None:
    requests = bodies(4)
    requests[1]["model"] = requests[3]["model"] = "no-such-model"

    results = BatchRunner(client_for(emu), poll_interval=0.02).run(requests)

    assert [item.ok for item in results] == [True, False, True, False]
    error = results[1].error
    assert error is not None
    assert (error.code, error.legacy_code) == ("not_found_error", "http_404")
    assert "no-such-model" in error.detail
    assert [item.index for item in results.failed] == [1, 3]


def test_local_validation_rejects_before_any_request(emu: Emulator) -> None:
    requests = [*bodies(2), {**bodies(1)[0], "stream": True}]

    with pytest.raises(BatchValidationError, match="Line 3 has stream=true") as caught:
        BatchRunner(client_for(emu)).submit(requests)

    assert caught.value.line == 3
    assert emu.requests == []


def test_server_create_validation_error_is_surfaced_with_its_line(
    emu: Emulator, tmp_path: Path
) -> None:
    requests = [*bodies(2), {**bodies(1)[0], "stream": True}]
    runner = BatchRunner(
        client_for(emu), state_path=tmp_path / "job.json", validate=False, poll_interval=0.02
    )

    with pytest.raises(BatchCreateError) as caught:
        runner.submit(requests)

    error = caught.value
    assert (error.line, error.index, error.custom_id) == (3, 2, "request-2")
    assert error.cause.status_code == 400
    assert "Line 3 has stream=true; streaming is not supported in batch mode" in str(error)
    results = runner.run()
    assert {item.error.code for item in results if item.error} == {"batch_failed"}
    assert all(item.error and item.error.line == 3 for item in results)


@pytest.mark.parametrize("emu", [{"batch_line_delay": 0.03}], indirect=True)
def test_resume_after_a_crash_collects_without_resubmitting(emu: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "job.json"
    first = BatchRunner(client_for(emu), state_path=path, poll_interval=0.02)
    first.submit(bodies(6))
    del first  # the process "crashes" while the batch runs

    results = BatchRunner.resume(client_for(emu), path, poll_interval=0.02).run()

    assert [item.ok for item in results] == [True] * 6
    assert count(emu, "POST", "/v1/files") == 1
    assert count(emu, "POST", "/v1/batches") == 1


def test_resume_after_a_crash_between_upload_and_create(emu: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "job.json"
    emu.faults.add(Fault(status=500, path="/v1/batches", times=1))
    with pytest.raises(InternalServerError):
        BatchRunner(client_for(emu, max_retries=0), state_path=path).submit(bodies(3))
    assert load_state(path).parts[0].status == "uploaded"

    results = BatchRunner.resume(client_for(emu), path, poll_interval=0.02, lookup_grace=0.2).run(
        bodies(3)
    )

    assert [item.ok for item in results] == [True] * 3
    assert count(emu, "POST", "/v1/files") == 1
    assert count(emu, "GET", "/v1/batches") == 1


@pytest.mark.parametrize("emu", [{"batch_line_delay": 0.05}], indirect=True)
def test_cancel_reports_unrun_lines_as_cancelled(emu: Emulator) -> None:
    runner = BatchRunner(client_for(emu), poll_interval=0.02)
    runner.submit(bodies(20))

    runner.cancel()
    state = runner.wait()
    results = runner.collect()

    assert state.parts[0].status == "cancelled"
    cancelled = [item for item in results if item.error and item.error.is_cancelled]
    assert cancelled
    assert all(item.error and item.error.resubmittable for item in cancelled)
    assert len(results) == 20
    assert all(item.ok or item.error for item in results)


@pytest.mark.parametrize(
    "emu", [{"batch_line_delay": 0.05, "batch_expiry_seconds": 0.3}], indirect=True
)
def test_expired_batch_reports_unrun_lines_as_expired(emu: Emulator) -> None:
    results = BatchRunner(client_for(emu), poll_interval=0.02).run(bodies(12))

    expired = [item for item in results if item.error and item.error.is_expired]
    assert expired
    assert results[0].ok
    assert len(results.succeeded) + len(expired) == 12


def test_progress_bar_when_asked(emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    BatchRunner(client_for(emu), poll_interval=0.02, show_progress=True).run(bodies(3))

    assert "3/3" in capsys.readouterr().err
