"""Job planning, polling decisions, result assembly and state files (no HTTP)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import pytest

from zerogpu_core import ConflictError, InternalServerError
from zerogpu_core._exceptions import BadRequestError, ErrorDetail
from zerogpu_core.batch import (
    MAX_LINES,
    BatchCreateError,
    BatchItemError,
    BatchJobError,
    BatchRunner,
    BatchStateError,
    BatchTimeoutError,
    BatchValidationError,
    load_state,
    save_state,
)
from zerogpu_core.batch.job import (
    JobOptions,
    assemble_results,
    build_job,
    check_same_requests,
    encode_requests,
    finished_lines,
    next_poll_delay,
)
from zerogpu_core.types import Batch, BatchError, BatchList, ChatCompletion, FileList, FileObject

BODY = {"model": "llama-3.1-8b-instruct-fast", "messages": [{"role": "user", "content": "Hi"}]}
COMPLETION = ChatCompletion.model_validate(
    {"id": "c", "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}]}
)


def bodies(count: int) -> list[dict[str, Any]]:
    return [{**BODY, "messages": [{"role": "user", "content": f"q{i}"}]} for i in range(count)]


class FakeClient:
    """Answers the client methods the runner calls from simple scripts."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.create_error: Exception | None = None
        self.cancel_error: Exception | None = None
        self.listed: list[Batch] = []
        self.status = "in_progress"

    def _log(self, name: str, **kwargs: Any) -> None:
        self.calls.append((name, kwargs))

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    # Same keyword signatures as ZeroGPUClient, so a misnamed effect field fails here.
    def upload_file(
        self, file: bytes, *, purpose: str = "batch", filename: str | None = None
    ) -> FileObject:
        self._log("upload_file", file=file, filename=filename)
        return FileObject(id=f"file-{len(self.calls)}")

    def create_batch(
        self,
        *,
        input_file_id: str,
        endpoint: str,
        completion_window: str,
        metadata: Mapping[str, Any] | None = None,
    ) -> Batch:
        self._log("create_batch", input_file_id=input_file_id, metadata=metadata)
        if self.create_error:
            raise self.create_error
        return Batch(id=f"batch-{input_file_id}", status="in_progress")

    def retrieve_batch(self, batch_id: str) -> Batch:
        self._log("retrieve_batch", batch_id=batch_id)
        return Batch(id=batch_id, status=self.status)

    def list_batches(self, *, limit: int | None = None, after: str | None = None) -> BatchList:
        self._log("list_batches", limit=limit, after=after)
        return BatchList(data=self.listed)

    def list_files(self, *, purpose: str | None = None, after: str | None = None) -> FileList:
        self._log("list_files", purpose=purpose, after=after)
        return FileList(data=[])

    def cancel_batch(self, batch_id: str) -> Batch:
        self._log("cancel_batch", batch_id=batch_id)
        if self.cancel_error:
            raise self.cancel_error
        return Batch(id=batch_id, status="cancelling")


def runner(fake: FakeClient, **options: Any) -> BatchRunner:
    options.setdefault("poll_interval", 0.001)
    return BatchRunner(cast(Any, fake), **options)


def test_build_job_splits_above_50000_lines_in_input_order() -> None:
    state, encoded = build_job(bodies(MAX_LINES + 1), None, JobOptions())

    assert [(part.start, part.stop) for part in state.parts] == [
        (0, MAX_LINES),
        (MAX_LINES, MAX_LINES + 1),
    ]
    assert state.custom_ids[MAX_LINES] == f"request-{MAX_LINES}"
    assert len(encoded) == MAX_LINES + 1
    assert state.parts[1].bytes == len(encoded[-1]) + 1


def test_local_validation_names_input_lines_and_can_be_switched_off() -> None:
    requests = [*bodies(3), {**BODY, "stream": True}]

    with pytest.raises(BatchValidationError) as caught:
        encode_requests(requests, ["a", "b", "a", "c"], JobOptions())

    assert [(i.line, i.message) for i in caught.value.issues] == [
        (3, 'Line 3 duplicates custom_id "a"'),
        (4, "Line 4 has stream=true; streaming is not supported in batch mode"),
    ]
    assert caught.value.line == 3
    assert "(and 1 more problem)" in str(caught.value)
    ids, _ = encode_requests(requests, ["a", "b", "a", "c"], JobOptions(validate=False))
    assert ids == ["a", "b", "a", "c"]


def test_check_same_requests_detects_changed_inputs() -> None:
    state, encoded = build_job(bodies(3), None, JobOptions())
    check_same_requests(state, state.custom_ids, encoded)

    changed = [*encoded[:2], encoded[0]]
    with pytest.raises(BatchJobError, match="part 0 differ"):
        check_same_requests(state, state.custom_ids, changed)
    with pytest.raises(BatchJobError, match="custom ids"):
        check_same_requests(state, ["x", "y", "z"], encoded)


def test_poll_delay_grows_by_backoff_up_to_the_cap() -> None:
    options = JobOptions(poll_interval=1.0, backoff=2.0, max_poll_interval=3.0)
    delays = [next_poll_delay(None, options)]
    for _ in range(3):
        delays.append(next_poll_delay(delays[-1], options))

    assert delays == [1.0, 2.0, 3.0, 3.0]


def test_finished_lines_counts_live_counts_and_settled_parts() -> None:
    state, _ = build_job(bodies(5), None, JobOptions(max_lines_per_batch=3))
    state.parts[0].update_from(
        Batch.model_validate(
            {"id": "b0", "status": "in_progress", "request_counts": {"completed": 1, "failed": 1}}
        )
    )
    state.parts[1].status = "expired"

    assert finished_lines(state) == 4


def test_assemble_results_orders_by_input_and_reports_every_gap() -> None:
    state, _ = build_job(bodies(5), None, JobOptions(max_lines_per_batch=2))
    first, second, third = state.parts
    first.update_from(Batch(id="b0", status="completed"))
    second.status = "failed"
    second.errors = [
        BatchError(code="invalid_request_error", message="Line 2 is missing body", line=2)
    ]
    third.status = "cancelled"
    outcomes = {"request-1": (COMPLETION, "req_1"), "request-0": (BatchItemError("e", "m"), None)}

    results = assemble_results(state, outcomes)

    assert [item.custom_id for item in results] == [f"request-{i}" for i in range(5)]
    assert results[1].completion is COMPLETION
    assert results[1].request_id == "req_1"
    assert results[1].batch_id == "b0"
    assert results[0].error is not None
    assert results[0].error.code == "e"
    failed = results[2].error
    assert failed is not None
    assert failed.code == "batch_failed"
    assert failed.line == 2
    assert "Line 2 is missing body" in failed.message
    cancelled = results[4].error
    assert cancelled is not None
    assert cancelled.is_cancelled


def test_assemble_results_reports_lines_missing_from_both_files() -> None:
    state, _ = build_job(bodies(2), None, JobOptions())
    state.parts[0].update_from(Batch(id="b0", status="completed"))

    results = assemble_results(state, {"request-0": (COMPLETION, None)})

    missing = results[1].error
    assert missing is not None
    assert missing.code == "missing_result"
    assert "b0" in missing.message
    assert "'completed'" in missing.message


def test_state_round_trips_atomically_and_holds_no_bodies(tmp_path: Path) -> None:
    state, _ = build_job(bodies(3), None, JobOptions(metadata={"job": "nightly"}))
    path = tmp_path / "sub" / "job.json"

    save_state(state, path)
    save_state(state, path)

    assert load_state(path) == state
    assert [p.name for p in path.parent.iterdir()] == ["job.json"]
    assert "q1" not in path.read_text()


def test_state_of_another_version_is_refused(tmp_path: Path) -> None:
    state, _ = build_job(bodies(1), None, JobOptions())
    path = tmp_path / "job.json"
    path.write_text(json.dumps({**state.model_dump(mode="json"), "version": 99}))

    with pytest.raises(BatchStateError, match="it is version 99") as caught:
        load_state(path)
    assert caught.value.path == str(path)


def test_server_create_error_names_line_input_and_custom_id(tmp_path: Path) -> None:
    fake = FakeClient()
    detail = ErrorDetail("Line 2 is missing body", code="invalid_request_error", line=2)
    fake.create_error = BadRequestError(detail, status_code=400)
    job = runner(fake, state_path=tmp_path / "s.json", max_lines_per_batch=2)

    with pytest.raises(BatchCreateError) as caught:
        job.submit(bodies(4))

    error = caught.value
    assert (error.line, error.index, error.custom_id, error.part) == (2, 1, "request-1", 0)
    assert "Line 2 is missing body" in str(error)
    assert load_state(tmp_path / "s.json").parts[0].status == "failed"
    assert fake.names() == ["upload_file", "create_batch"]


def test_transient_create_failure_leaves_the_part_uploaded(tmp_path: Path) -> None:
    fake = FakeClient()
    fake.create_error = InternalServerError(ErrorDetail("boom"), status_code=500)
    job = runner(fake, state_path=tmp_path / "s.json")

    with pytest.raises(InternalServerError):
        job.submit(bodies(1))

    assert load_state(tmp_path / "s.json").parts[0].status == "uploaded"


def test_resume_finds_a_batch_created_before_the_crash(tmp_path: Path) -> None:
    fake = FakeClient()
    fake.create_error = InternalServerError(ErrorDetail("lost reply"), status_code=500)
    path = tmp_path / "s.json"
    with pytest.raises(InternalServerError):
        runner(fake, state_path=path).submit(bodies(1))
    file_id = load_state(path).parts[0].input_file_id
    fake.calls.clear()
    fake.listed = [Batch(id="batch-found", input_file_id=file_id or "", status="in_progress")]

    resumed = BatchRunner.resume(cast(Any, fake), path, poll_interval=0.001, lookup_grace=0.1)
    resumed.submit()

    assert fake.names() == ["list_batches"]
    assert resumed.state.parts[0].batch_id == "batch-found"


def test_resume_of_a_never_uploaded_part_needs_the_same_requests(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    state, _ = build_job(bodies(2), None, JobOptions())
    save_state(state, path)
    fake = FakeClient()
    resumed = BatchRunner.resume(cast(Any, fake), path)

    with pytest.raises(BatchJobError, match="pass the same requests"):
        resumed.submit()
    with pytest.raises(BatchJobError, match="differ"):
        resumed.submit(bodies(2)[::-1], custom_ids=state.custom_ids)
    resumed.submit(bodies(2))

    # Uploaded in this process, so there is no lost batch to look for; an upload a
    # crashed process may have left behind is looked for (and would be deleted).
    assert fake.names() == ["list_files", "upload_file", "create_batch"]


def test_submit_refuses_to_overwrite_an_existing_job(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text("{}")

    with pytest.raises(BatchJobError, match="already holds a batch job"):
        runner(FakeClient(), state_path=path).submit(bodies(1))


def test_wait_times_out_and_wait_before_submit_fails() -> None:
    fake = FakeClient()
    job = runner(fake, poll_interval=0.05)
    with pytest.raises(BatchJobError, match="submit"):
        job.wait()
    job.submit(bodies(1))

    with pytest.raises(BatchTimeoutError, match="still running"):
        job.wait(timeout=0.01)
    with pytest.raises(BatchJobError, match=r"Parts \[0\] are not finished"):
        job.collect()


def test_cancel_records_how_an_already_finished_batch_ended() -> None:
    fake = FakeClient()
    job = runner(fake)
    job.submit(bodies(1))
    fake.cancel_error = ConflictError(ErrorDetail("terminal"), status_code=409)
    fake.status = "completed"

    state = job.cancel()

    assert fake.names()[-2:] == ["cancel_batch", "retrieve_batch"]
    assert state.parts[0].status == "completed"


def test_cancel_before_create_cancels_locally() -> None:
    fake = FakeClient()
    fake.create_error = InternalServerError(ErrorDetail("down"), status_code=500)
    job = runner(fake)
    with pytest.raises(InternalServerError):
        job.submit(bodies(2))

    job.cancel()
    results = job.collect()

    assert all(item.error is not None and item.error.is_cancelled for item in results)
    assert "cancel_batch" not in fake.names()


def test_runner_rejects_bad_poll_options() -> None:
    with pytest.raises(ValueError, match="backoff"):
        runner(FakeClient(), backoff=0.5)
