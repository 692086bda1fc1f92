"""Run thousands of chat requests through ZeroGPU's Files and Batches API.

Example:
    >>> from zerogpu_core import ZeroGPUClient
    >>> from zerogpu_core.batch import BatchRunner
    >>> runner = BatchRunner(ZeroGPUClient(), state_path="job.json")  # doctest: +SKIP
    >>> results = runner.run([{"model": "gpt-oss-120b", "messages": [...]}])  # doctest: +SKIP
    >>> [item.unwrap().message.content for item in results]  # doctest: +SKIP
"""

from zerogpu_core.batch.errors import (
    BatchCreateError,
    BatchJobError,
    BatchStateError,
    BatchTimeoutError,
    BatchValidationError,
)
from zerogpu_core.batch.jsonl import (
    BATCH_URL,
    MAX_FILE_BYTES,
    MAX_LINE_BYTES,
    MAX_LINES,
    MAX_UPLOAD_BYTES,
    BatchInput,
    BatchLine,
    LineIssue,
    encode_file,
    make_batch_line,
    split_lines,
    to_batch_lines,
    validate_endpoint,
    validate_file,
    validate_lines,
)
from zerogpu_core.batch.results import (
    RESUBMITTABLE_CODES,
    BatchItemError,
    BatchResult,
    BatchResults,
    parse_result_file,
    parse_result_line,
    split_legacy_prefix,
)
from zerogpu_core.batch.runner import AsyncBatchRunner, BatchRunner
from zerogpu_core.batch.spool import SpooledLines
from zerogpu_core.batch.state import BatchJobState, BatchPartState, load_state, save_state

__all__ = [
    "BATCH_URL",
    "MAX_FILE_BYTES",
    "MAX_LINES",
    "MAX_LINE_BYTES",
    "MAX_UPLOAD_BYTES",
    "RESUBMITTABLE_CODES",
    "AsyncBatchRunner",
    "BatchCreateError",
    "BatchInput",
    "BatchItemError",
    "BatchJobError",
    "BatchJobState",
    "BatchLine",
    "BatchPartState",
    "BatchResult",
    "BatchResults",
    "BatchRunner",
    "BatchStateError",
    "BatchTimeoutError",
    "BatchValidationError",
    "LineIssue",
    "SpooledLines",
    "encode_file",
    "load_state",
    "make_batch_line",
    "parse_result_file",
    "parse_result_line",
    "save_state",
    "split_legacy_prefix",
    "split_lines",
    "to_batch_lines",
    "validate_endpoint",
    "validate_file",
    "validate_lines",
]
