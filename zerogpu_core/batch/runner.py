"""``BatchRunner`` and ``AsyncBatchRunner``: run many chat requests as ZeroGPU batches.

Both runners share every decision (:mod:`zerogpu_core.batch.job`); each only
executes the yielded effects (:mod:`zerogpu_core.batch.effects`) in its own way.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from tqdm.auto import tqdm

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.batch import job
from zerogpu_core.batch.effects import Sleep
from zerogpu_core.batch.errors import BatchJobError, BatchStateError
from zerogpu_core.batch.jsonl import BATCH_URL, MAX_LINES, MAX_UPLOAD_BYTES, BatchInput
from zerogpu_core.batch.results import BatchResults
from zerogpu_core.batch.state import BatchJobState, load_state, save_state

__all__ = ["AsyncBatchRunner", "BatchRunner"]

C = TypeVar("C", ZeroGPUClient, AsyncZeroGPUClient)
R = TypeVar("R", bound="_RunnerBase[Any]")
StatePath = str | os.PathLike[str]


class _RunnerBase(Generic[C]):
    """Options, state and the step generators both runners drive."""

    def __init__(
        self,
        client: C,
        *,
        state_path: StatePath | None = None,
        poll_interval: float = 5.0,
        max_poll_interval: float = 60.0,
        backoff: float = 1.5,
        show_progress: bool = False,
        metadata: Mapping[str, Any] | None = None,
        validate: bool = True,
        max_lines_per_batch: int = MAX_LINES,
        max_bytes_per_batch: int = MAX_UPLOAD_BYTES,
        lookup_grace: float = job.LOOKUP_GRACE,
    ) -> None:
        if poll_interval <= 0 or max_poll_interval <= 0 or backoff < 1:
            raise ValueError("poll intervals must be positive and backoff at least 1")
        if lookup_grace < 0:
            raise ValueError("lookup_grace must be >= 0")
        self.options = job.JobOptions(
            endpoint=BATCH_URL,
            metadata=dict(metadata or {}),
            validate=validate,
            max_lines_per_batch=max_lines_per_batch,
            max_bytes_per_batch=max_bytes_per_batch,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            backoff=backoff,
            lookup_grace=lookup_grace,
        )
        self.client: C = client
        self.state_path = Path(state_path) if state_path is not None else None
        self.show_progress = show_progress
        self._state: BatchJobState | None = None
        self._resumed = False

    @property
    def state(self) -> BatchJobState:
        """The job's state (batch ids, custom ids, per-part status).

        Raises:
            BatchJobError: before anything was submitted.
        """
        if self._state is None:
            raise BatchJobError("No batch job yet; call submit() or run() first")
        return self._state

    @classmethod
    def resume(cls: type[R], client: C, state_path: StatePath, **options: Any) -> R:
        """A runner for the job saved at ``state_path``; nothing is resubmitted.

        ``options`` are the constructor's (poll intervals, progress, ...).
        """
        runner = cls(client, state_path=state_path, **options)
        runner._state = load_state(state_path)
        runner._resumed = True
        return runner

    def _save(self, state: BatchJobState) -> None:
        if self.state_path is not None:
            save_state(state, self.state_path)

    def _submit_steps(
        self, requests: Sequence[BatchInput | bytes] | None, custom_ids: Sequence[str] | None
    ) -> job.Steps:
        encoded: Sequence[bytes] | None = None
        if self._state is None:
            if requests is None:
                raise BatchJobError("submit() needs the requests of a new job")
            if self.state_path is not None and self.state_path.is_dir():
                raise BatchStateError(os.fspath(self.state_path), "it is a directory")
            if self.state_path is not None and self.state_path.exists():
                raise BatchJobError(
                    f"{self.state_path} already holds a batch job; resume it with "
                    f"{type(self).__name__}.resume(client, path) or choose another path"
                )
            self._state, encoded = job.build_job(requests, custom_ids, self.options)
            self._save(self._state)
        elif requests is not None:
            ids, encoded = job.encode_requests(requests, custom_ids, self.options)
            job.check_same_requests(self._state, ids, encoded)
        yield from job.submit_steps(
            self._state, encoded, self._save, self.options, recover=self._resumed
        )
        return self._state

    def _wait_steps(self, timeout: float | None) -> job.Steps:
        state = self.state
        bar = tqdm(
            total=len(state.custom_ids), unit="req", desc="batch", disable=not self.show_progress
        )

        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)

        try:
            return (yield from job.wait_steps(state, self.options, self._save, progress, timeout))
        finally:
            bar.close()

    def _run_steps(
        self, requests: Sequence[BatchInput | bytes] | None, custom_ids: Sequence[str] | None
    ) -> job.Steps:
        if self._state is None or job.unsubmitted(self._state) or requests is not None:
            yield from self._submit_steps(requests, custom_ids)
        yield from self._wait_steps(None)
        return (yield from job.collect_steps(self.state))


class BatchRunner(_RunnerBase[ZeroGPUClient]):
    """Run chat-completions requests through the Files and Batches API.

    Example:
        >>> runner = BatchRunner(ZeroGPUClient(), state_path="job.json")  # doctest: +SKIP
        >>> results = runner.run(bodies)  # doctest: +SKIP
        >>> results[0].unwrap().message.content  # doctest: +SKIP

    Args:
        client: the client every call goes through.
        state_path: where the job state is saved after every step; a new process
            continues with :meth:`resume`.
        poll_interval: first delay between status polls, in seconds.
        max_poll_interval: cap of the growing delay.
        backoff: factor the delay grows by after each poll.
        show_progress: show a tqdm progress bar while waiting.
        metadata: batch ``metadata`` (the runner adds its job id and part number).
        validate: check every line locally before uploading (server rules).
        max_lines_per_batch: split above this many lines (at most 50,000).
        max_bytes_per_batch: split above this many bytes (at most the 100 MB upload cap).
        lookup_grace: seconds a create call may take to show in the batch list. When
            a create's answer was lost (a dropped connection, or a crash before the
            state was saved), the runner waits until this long after the call, then
            pages through every batch for the job's metadata before creating again.
    """

    def submit(
        self,
        requests: Sequence[BatchInput | bytes] | None = None,
        *,
        custom_ids: Sequence[str] | None = None,
    ) -> BatchJobState:
        """Validate, split, upload and create the batches (only unsubmitted parts).

        ``requests`` are bodies or :class:`BatchLine` objects, or lines encoded
        already (``BatchLine.encode()``) given with their ``custom_ids``, as a list
        or as :class:`SpooledLines` (kept on disk; each part is uploaded from a file).
        """
        result: BatchJobState = self._drive(self._submit_steps(requests, custom_ids))
        return result

    def wait(self, timeout: float | None = None) -> BatchJobState:
        """Poll until every batch is terminal (``BatchTimeoutError`` after ``timeout`` s)."""
        result: BatchJobState = self._drive(self._wait_steps(timeout))
        return result

    def collect(self) -> BatchResults:
        """Download output and error files: one result per input, in input order."""
        result: BatchResults = self._drive(job.collect_steps(self.state))
        return result

    def cancel(self) -> BatchJobState:
        """Cancel the running batches; :meth:`wait` then drains, :meth:`collect` reports."""
        result: BatchJobState = self._drive(job.cancel_steps(self.state, self._save))
        return result

    def run(
        self,
        requests: Sequence[BatchInput | bytes] | None = None,
        *,
        custom_ids: Sequence[str] | None = None,
    ) -> BatchResults:
        """Submit what is not submitted, wait, and collect."""
        result: BatchResults = self._drive(self._run_steps(requests, custom_ids))
        return result

    def _drive(self, steps: job.Steps) -> Any:
        reply: Any = None
        failure: BaseException | None = None
        while True:
            try:
                effect = steps.throw(failure) if failure else steps.send(reply)
            except StopIteration as done:
                return done.value
            reply, failure = None, None
            try:
                if isinstance(effect, Sleep):
                    time.sleep(effect.seconds)
                else:
                    reply = effect.run(self.client)
            except Exception as exc:
                failure = exc


class AsyncBatchRunner(_RunnerBase[AsyncZeroGPUClient]):
    """Async twin of :class:`BatchRunner`, with the same arguments and methods."""

    async def submit(
        self,
        requests: Sequence[BatchInput | bytes] | None = None,
        *,
        custom_ids: Sequence[str] | None = None,
    ) -> BatchJobState:
        """See :meth:`BatchRunner.submit`."""
        result: BatchJobState = await self._drive(self._submit_steps(requests, custom_ids))
        return result

    async def wait(self, timeout: float | None = None) -> BatchJobState:
        """See :meth:`BatchRunner.wait`."""
        result: BatchJobState = await self._drive(self._wait_steps(timeout))
        return result

    async def collect(self) -> BatchResults:
        """See :meth:`BatchRunner.collect`."""
        result: BatchResults = await self._drive(job.collect_steps(self.state))
        return result

    async def cancel(self) -> BatchJobState:
        """See :meth:`BatchRunner.cancel`."""
        result: BatchJobState = await self._drive(job.cancel_steps(self.state, self._save))
        return result

    async def run(
        self,
        requests: Sequence[BatchInput | bytes] | None = None,
        *,
        custom_ids: Sequence[str] | None = None,
    ) -> BatchResults:
        """See :meth:`BatchRunner.run`."""
        result: BatchResults = await self._drive(self._run_steps(requests, custom_ids))
        return result

    async def _drive(self, steps: job.Steps) -> Any:
        reply: Any = None
        failure: BaseException | None = None
        while True:
            try:
                effect = steps.throw(failure) if failure else steps.send(reply)
            except StopIteration as done:
                return done.value
            reply, failure = None, None
            try:
                if isinstance(effect, Sleep):
                    await asyncio.sleep(effect.seconds)
                else:
                    reply = await effect.arun(self.client)
            except Exception as exc:
                failure = exc
