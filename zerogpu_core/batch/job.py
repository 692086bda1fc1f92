"""What a batch job does next, written once for the sync and the async runner.

The steps are generators that *yield* the I/O they need (a typed client call from
:mod:`zerogpu_core.batch.effects`, or a :class:`~.effects.Sleep`) and receive its
result; the runners only execute those effects. Everything else here is pure and
tested directly.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, cast

from zerogpu_core._exceptions import APIConnectionError, APIStatusError, ConflictError
from zerogpu_core.batch.effects import (
    CancelBatch,
    CreateBatch,
    DeleteFile,
    Effect,
    FileContent,
    ListBatches,
    ListFiles,
    RetrieveBatch,
    Sleep,
    UploadFile,
    call,
)
from zerogpu_core.batch.errors import (
    BatchCreateError,
    BatchJobError,
    BatchTimeoutError,
    BatchValidationError,
)
from zerogpu_core.batch.ids import LineIds, same_ids
from zerogpu_core.batch.jsonl import (
    BATCH_URL,
    MAX_LINES,
    MAX_UPLOAD_BYTES,
    BatchInput,
    encode_file,
    split_lines,
    to_batch_lines,
    validate_lines,
)
from zerogpu_core.batch.results import (
    BatchItemError,
    BatchResult,
    BatchResults,
    Outcome,
    merge_outcomes,
    parse_result_file,
)
from zerogpu_core.batch.spool import SpooledLines
from zerogpu_core.batch.state import PENDING, UPLOADED, BatchJobState, BatchPartState
from zerogpu_core.types import TERMINAL_BATCH_STATUSES, Batch, BatchError, BatchList

__all__ = [
    "LOOKUP_GRACE",
    "JobOptions",
    "assemble_results",
    "build_job",
    "cancel_steps",
    "collect_steps",
    "encode_requests",
    "finished_lines",
    "next_poll_delay",
    "no_line_error",
    "submit_steps",
    "wait_steps",
]

logger = logging.getLogger(__name__)

#: Seconds a created batch may take to appear in ``GET /v1/batches`` (documented to
#: lag a few seconds), counted from the create call, with room for a slow create.
LOOKUP_GRACE = 30.0
#: Create calls per part whose answer was lost, each followed by a look-up.
_CREATE_ATTEMPTS = 2


Steps = Generator[Effect, Any, Any]
Save = Callable[[BatchJobState], None]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class JobOptions:
    """How a job is built and polled (see :class:`~.runner.BatchRunner`)."""

    endpoint: str = BATCH_URL
    completion_window: str = "24h"
    metadata: Mapping[str, Any] = field(default_factory=dict)
    validate: bool = True
    max_lines_per_batch: int = MAX_LINES
    max_bytes_per_batch: int = MAX_UPLOAD_BYTES
    poll_interval: float = 5.0
    max_poll_interval: float = 60.0
    backoff: float = 1.5
    lookup_grace: float = LOOKUP_GRACE


def encode_requests(
    requests: Sequence[BatchInput | bytes], custom_ids: Sequence[str] | None, options: JobOptions
) -> tuple[Sequence[str], Sequence[bytes]]:
    """Custom ids and encoded lines of ``requests``, validated unless switched off.

    Raises:
        BatchValidationError: when a line breaks a server rule (line ``N`` = input ``N-1``).
        ValueError: when a body is not a chat-completions body.
    """
    encoded: Sequence[bytes]
    ids: Sequence[str]
    if isinstance(requests, SpooledLines) and custom_ids is not None:
        # Lines spooled to a temporary file as they were planned: they stay on disk,
        # and a document job's ids stay computed (LineIds), never a list of strings.
        ids = custom_ids if isinstance(custom_ids, LineIds) else list(custom_ids)
        encoded = requests
        if len(ids) != len(encoded):
            raise ValueError(f"Got {len(ids)} custom_ids for {len(encoded)} requests")
    elif requests and custom_ids is not None and all(isinstance(r, bytes) for r in requests):
        # Lines encoded already (BatchLine.encode()): no second copy of every body is built.
        ids, encoded = list(custom_ids), cast("list[bytes]", list(requests))
        if len(ids) != len(encoded):
            raise ValueError(f"Got {len(ids)} custom_ids for {len(encoded)} requests")
    else:
        lines = to_batch_lines(cast("Sequence[BatchInput]", requests), custom_ids)
        ids, encoded = [line.custom_id for line in lines], [line.encode() for line in lines]
    if options.validate:
        # LineIds are unique by construction: no set of every id is needed to check.
        unique = isinstance(ids, LineIds)
        issues = validate_lines(encoded, endpoint=options.endpoint, unique_ids=unique)
        if issues:
            raise BatchValidationError(issues)
    return ids, encoded


def build_job(
    requests: Sequence[BatchInput | bytes], custom_ids: Sequence[str] | None, options: JobOptions
) -> tuple[BatchJobState, Sequence[bytes]]:
    """A new job's state (split into parts) and its encoded lines."""
    ids, encoded = encode_requests(requests, custom_ids, options)
    ranges = split_lines(
        encoded, max_lines=options.max_lines_per_batch, max_bytes=options.max_bytes_per_batch
    )
    parts = [_part(number, span.start, span.stop, encoded) for number, span in enumerate(ranges)]
    state = BatchJobState(
        job_id=uuid.uuid4().hex,
        endpoint=options.endpoint,
        completion_window=options.completion_window,
        metadata=dict(options.metadata),
        custom_ids=ids,
        parts=parts,
    )
    return state, encoded


def _part(number: int, start: int, stop: int, encoded: Sequence[bytes]) -> BatchPartState:
    digest, size = _digest(encoded, start, stop)
    return BatchPartState(number=number, start=start, stop=stop, sha256=digest, bytes=size)


def check_same_requests(state: BatchJobState, ids: Sequence[str], encoded: Sequence[bytes]) -> None:
    """Make sure re-supplied requests are the ones the state was built from.

    Raises:
        BatchJobError: on any difference.
    """
    if not same_ids(ids, state.custom_ids):
        raise BatchJobError("The requests given do not match the job's custom ids")
    for part in state.parts:
        digest, _ = _digest(encoded, part.start, part.stop)
        if digest != part.sha256:
            raise BatchJobError(f"The requests of part {part.number} differ from the job's")


def _digest(encoded: Sequence[bytes], start: int, stop: int) -> tuple[str, int]:
    """SHA-256 and size of a part's file, hashed line by line (a part may be 100 MB)."""
    if isinstance(encoded, SpooledLines):
        return encoded.digest(start, stop)
    sha, size = hashlib.sha256(), 0
    for index in range(start, stop):
        line = encoded[index]
        sha.update(line)
        sha.update(b"\n")
        size += len(line) + 1
    return sha.hexdigest(), size


def _upload_content(encoded: Sequence[bytes], start: int, stop: int) -> bytes | IO[bytes]:
    """A part's file: streamed from a private temporary copy when the lines are spooled."""
    if isinstance(encoded, SpooledLines):
        return encoded.part_file(start, stop)
    return encode_file(encoded[start:stop])


def next_poll_delay(previous: float | None, options: JobOptions) -> float:
    """The first delay is ``poll_interval``; each next one grows by ``backoff``, capped."""
    if previous is None:
        return min(options.poll_interval, options.max_poll_interval)
    return min(previous * options.backoff, options.max_poll_interval)


def is_settled(part: BatchPartState) -> bool:
    """Whether the part will not change any more."""
    return part.status in TERMINAL_BATCH_STATUSES


def finished_lines(state: BatchJobState) -> int:
    """How many input lines are done, for the progress bar."""
    done = 0
    for part in state.parts:
        counts = part.request_counts
        settled = is_settled(part)
        done += part.size if settled else min(part.size, counts.completed + counts.failed)
    return done


def unsubmitted(state: BatchJobState) -> list[BatchPartState]:
    """Parts that still need an upload or a create call."""
    return [part for part in state.parts if part.status in (PENDING, UPLOADED)]


def find_batch_for_part(
    batches: BatchList, state: BatchJobState, part: BatchPartState
) -> Batch | None:
    """The batch of ``part`` on this page: its job and part metadata, or its input file."""
    for batch in batches.data:
        metadata = batch.metadata if isinstance(batch.metadata, dict) else {}
        tagged = metadata.get("zerogpu_job") == state.job_id and metadata.get(
            "zerogpu_part"
        ) == str(part.number)
        if tagged or (part.input_file_id is not None and batch.input_file_id == part.input_file_id):
            return batch
    return None


def part_filename(state: BatchJobState, part: BatchPartState) -> str:
    """The name a part's input file is uploaded under (how an orphan is recognised)."""
    return f"{state.job_id}-part{part.number}.jsonl"


def _create_call(state: BatchJobState, part: BatchPartState) -> CreateBatch:
    metadata = {**state.metadata, "zerogpu_job": state.job_id, "zerogpu_part": str(part.number)}
    return CreateBatch(
        input_file_id=_recorded(part.input_file_id, part, "input file"),
        endpoint=state.endpoint,
        completion_window=state.completion_window,
        metadata=metadata,
    )


def _recorded(value: str | None, part: BatchPartState, what: str) -> str:
    """An id the state must hold at this step (a state file edited by hand may not)."""
    if not value:
        raise BatchJobError(f"Part {part.number} ({part.status}) has no {what} id in its state")
    return value


def record_create_failure(
    state: BatchJobState, part: BatchPartState, error: APIStatusError
) -> BatchCreateError:
    """Mark ``part`` failed with the server's answer; the error to raise."""
    part.status = "failed"
    part.errors = [
        BatchError(
            code=error.code, message=error.detail_message, line=error.line, param=error.param
        )
    ]
    index = part.start + error.line - 1 if error.line and error.line <= part.size else None
    custom_id = state.custom_ids[index] if index is not None else None
    return BatchCreateError(error, part=part.number, index=index, custom_id=custom_id)


def submit_steps(
    state: BatchJobState,
    encoded: Sequence[bytes] | None,
    save: Save,
    options: JobOptions,
    *,
    recover: bool,
) -> Steps:
    """Upload and create every unsubmitted part, saving the state after each call.

    ``recover`` (a resumed job) first deletes input files a crashed process uploaded
    but did not record, and looks for batches it created but did not record.
    """
    for part in unsubmitted(state):
        # Only a part uploaded by an earlier process can have a batch we do not know.
        look_first = recover and part.status == UPLOADED
        if part.status == PENDING:
            if encoded is None:
                raise BatchJobError(
                    f"Part {part.number} was never uploaded; pass the same requests to resume it"
                )
            if recover:
                yield from _delete_orphans(state, part)
            content = _upload_content(encoded, part.start, part.stop)
            name = part_filename(state, part)
            try:
                uploaded = yield from call(UploadFile(content=content, filename=name))
            finally:
                if not isinstance(content, bytes):
                    content.close()  # deletes the part's temporary file, also on failure
            part.input_file_id, part.status = uploaded.id, UPLOADED
            save(state)
        yield from _create(state, part, save, options, look_first=look_first)


def _delete_orphans(state: BatchJobState, part: BatchPartState) -> Steps:
    """Delete this part's uploads that never made it into the state (a crash mid-upload)."""
    name, after = part_filename(state, part), None
    while True:
        page = yield from call(ListFiles(purpose="batch", after=after))
        for orphan in (f for f in page.data if f.filename == name):
            logger.info("Deleting %s, an input file a crashed run left behind", orphan.id)
            yield from call(DeleteFile(file_id=orphan.id))
        if not page.has_more or not page.last_id:
            return
        after = page.last_id


def _create(
    state: BatchJobState, part: BatchPartState, save: Save, options: JobOptions, *, look_first: bool
) -> Steps:
    """Create ``part``'s batch exactly once, as far as the server lets us know.

    Each create is recorded before it is sent. When its answer is lost, the batch
    may exist all the same: wait until the list can show it, page through every
    batch, and only create again when it is not there.
    """
    if look_first:
        found = yield from _look_up(state, part, options)
        if found is not None:
            part.update_from(found)
            save(state)
            return
    for attempt in range(1, _CREATE_ATTEMPTS + 1):
        part.create_sent_at = time.time()
        save(state)
        try:
            batch = yield from call(_create_call(state, part))
        except APIConnectionError:
            found = yield from _look_up(state, part, options)
            if found is None and attempt < _CREATE_ATTEMPTS:
                continue
            if found is None:
                raise
            batch = found
        except APIStatusError as exc:
            if exc.status_code not in (400, 413, 422):
                raise
            failure = record_create_failure(state, part, exc)
            save(state)
            raise failure from exc
        part.update_from(batch)
        save(state)
        return


def _look_up(state: BatchJobState, part: BatchPartState, options: JobOptions) -> Steps:
    """The part's batch from the full list, after the list has had time to show it."""
    if part.create_sent_at is not None:
        wait = part.create_sent_at + options.lookup_grace - time.time()
        if wait > 0:
            yield Sleep(wait)
    after: str | None = None
    while True:
        page = yield from call(ListBatches(limit=100, after=after))
        found = find_batch_for_part(page, state, part)
        if found is not None or not page.has_more or not page.last_id:
            return found
        after = page.last_id


def wait_steps(
    state: BatchJobState,
    options: JobOptions,
    save: Save,
    progress: Progress,
    timeout: float | None,
) -> Steps:
    """Poll every unfinished batch until all are terminal, backing off between rounds.

    Raises:
        BatchJobError: when a part was never submitted.
        BatchTimeoutError: when ``timeout`` seconds pass first.
    """
    if unsubmitted(state):
        raise BatchJobError("Some parts of the job are not submitted yet; call submit() first")
    deadline = None if timeout is None else time.monotonic() + timeout
    delay: float | None = None
    total = len(state.custom_ids)
    while True:
        for part in state.parts:
            if not is_settled(part):
                batch_id = _recorded(part.batch_id, part, "batch")
                part.update_from((yield from call(RetrieveBatch(batch_id=batch_id))))
        save(state)
        progress(finished_lines(state), total)
        if all(is_settled(part) for part in state.parts):
            return state
        delay = next_poll_delay(delay, options)
        if deadline is not None and time.monotonic() + delay > deadline:
            raise BatchTimeoutError(
                f"Batch job {state.job_id} is still running after {timeout} s; wait again later"
            )
        yield Sleep(delay)


def cancel_steps(state: BatchJobState, save: Save) -> Steps:
    """Cancel every running batch; parts never created are cancelled locally."""
    for part in state.parts:
        if part.status in (PENDING, UPLOADED):
            part.status = "cancelled"
        elif not is_settled(part):
            batch_id = _recorded(part.batch_id, part, "batch")
            try:
                batch = yield from call(CancelBatch(batch_id=batch_id))
            except ConflictError:
                # It became terminal meanwhile; record how it ended.
                batch = yield from call(RetrieveBatch(batch_id=batch_id))
            part.update_from(batch)
        save(state)
    return state


def collect_steps(state: BatchJobState) -> Steps:
    """Download every part's output and error files and assemble the results.

    Raises:
        BatchJobError: when a part is not terminal yet.
    """
    running = [part.number for part in state.parts if not is_settled(part)]
    if running:
        raise BatchJobError(f"Parts {running} are not finished; call wait() first")
    files: list[dict[str, tuple[Outcome, str | None]]] = []
    for part in state.parts:
        for file_id in (part.output_file_id, part.error_file_id):
            if file_id:
                content = yield from call(FileContent(file_id=file_id))
                files.append(parse_result_file(content))
    return assemble_results(state, merge_outcomes(*files))


def assemble_results(
    state: BatchJobState, outcomes: Mapping[str, tuple[Outcome, str | None]]
) -> BatchResults:
    """One result per input, in input order; inputs without a line get an error."""
    unknown = set(outcomes) - set(state.custom_ids)
    if unknown:
        logger.warning("Batch files hold %d lines with unknown custom ids", len(unknown))
    items: list[BatchResult] = []
    for part in state.parts:
        for index in range(part.start, part.stop):
            custom_id = state.custom_ids[index]
            outcome, request_id = outcomes.get(custom_id) or (no_line_error(part, custom_id), None)
            completion = None if isinstance(outcome, BatchItemError) else outcome
            error = outcome if isinstance(outcome, BatchItemError) else None
            items.append(
                BatchResult(index, custom_id, completion, error, request_id, part.batch_id)
            )
    return BatchResults(tuple(items))


def no_line_error(part: BatchPartState, custom_id: str) -> BatchItemError:
    """Why a request of ``part`` has no output or error line."""
    if part.status == "failed":
        first = part.errors[0] if part.errors else BatchError(message="rejected at create")
        return BatchItemError(
            "batch_failed",
            f"The batch of part {part.number} was rejected at create: {first.message}",
            custom_id=custom_id,
            line=first.line,
        )
    if part.status == "cancelled" and part.batch_id is None:
        return BatchItemError(
            "batch_cancelled",
            "The job was cancelled before this batch was created",
            custom_id=custom_id,
        )
    return BatchItemError(
        "missing_result",
        f"Batch {part.batch_id} ended {part.status!r} without an output or error line "
        "for this request",
        custom_id=custom_id,
    )
