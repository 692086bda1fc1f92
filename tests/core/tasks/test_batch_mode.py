"""Batch-API mode of the task helpers: pure planning/assembly, and equality with the
synchronous path against the emulator (outputs are emulated)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest

from tests.core._scripted import Script, json_response
from zerogpu_core import (
    AsyncZeroGPUClient,
    ContextLengthExceededError,
    InternalServerError,
    ZeroGPUClient,
)
from zerogpu_core.batch import BatchItemError, BatchJobError, BatchResult, BatchResults, load_state
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import (
    BatchAPIOptions,
    IABClassificationTask,
    IABOptions,
    PIIChunkTooLongError,
    PIIOptions,
    TaskOutputError,
    aclassify_iab_documents,
    aredact_pii_documents,
    classify_iab_documents,
    redact_pii_documents,
)
from zerogpu_core.tasks.batch_lines import LineAssembly, Ready
from zerogpu_core.tasks.batch_mode import assemble_batch, line_id, plan_batch
from zerogpu_core.tasks.outcomes import DocumentOutcome, collect
from zerogpu_core.tasks.runner import ChunkedTask, iter_documents
from zerogpu_core.types import ChatCompletion

POLL = BatchAPIOptions(poll_interval=0.02)
LETTER = "Hello Jane Doe, call me at 415-555-0134 or email hi@example.com."
LONG = " ".join(
    f"Paragraph {i}: the new smartphone camera helps fitness fans; write to jane{i}@example.com."
    for i in range(60)
)
TEXTS = [
    "The new smartphone has a brighter screen and a better camera.",
    LETTER,
    LONG,
    "Grüße von Zoë Müller aus München: zoe@example.de, Straße 5. Café au lait.",
    "東京の山田太郎さんのスマートフォンの新しいカメラ。",
    "   ",
]
IDS = [f"doc-{i}" for i in range(len(TEXTS))]


# A toy task: one job per word; a job's reply text is the word upper-cased.
class Words(ChunkedTask[str, str, str, str]):
    def plan(self, document: str, /) -> list[str]:
        if document == "unplannable":
            raise ValueError("no plan")
        return document.split()

    def request(self, job: str, /) -> dict[str, Any]:
        return {"model": "m", "messages": [{"role": "user", "content": job}]}

    def resolve(self, job: str, reply: ChatCompletion, /) -> str:
        content = reply.message.content or ""
        if content == "BAD":
            raise TaskOutputError("unusable output")
        return content

    def finish(self, document: str, jobs: object, parts: list[str], /) -> str:  # type: ignore[override]
        return " ".join(parts)


WORDS = Words()


def _completion(text: str) -> ChatCompletion:
    return ChatCompletion.model_validate(
        {"id": "c", "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}
    )


def _results(outcomes: dict[str, ChatCompletion | BatchItemError]) -> BatchResults:
    items = [
        BatchResult(index, custom_id, *((None, o) if isinstance(o, BatchItemError) else (o, None)))
        for index, (custom_id, o) in enumerate(outcomes.items())
    ]
    return BatchResults(tuple(items))


def test_plan_builds_one_line_per_chunk_with_document_and_chunk_in_the_id() -> None:
    plan = plan_batch(WORDS, ["a b", "", "unplannable", "c"], ["x", "y", "z", None])
    assert list(plan.custom_ids) == ["doc-0-chunk-0", "doc-0-chunk-1", "doc-3-chunk-0"]
    lines = [json.loads(line) for line in plan.bodies]
    assert [line["body"]["messages"][0]["content"] for line in lines] == ["a", "b", "c"]
    assert [line["custom_id"] for line in lines] == list(plan.custom_ids)
    assert line_id(12, 3) == "doc-12-chunk-3"
    outcome = collect(iter(plan.early), 4)
    assert outcome.results == (None, "", None, None)  # blank finished, the rest pending
    assert [(f.index, f.id, str(f.error)) for f in outcome.failures] == [(2, "z", "no plan")]


def test_assemble_resolves_finishes_and_turns_line_errors_into_document_failures() -> None:
    texts = ["a b", "c d", "e", "f", "g"]
    plan = plan_batch(WORDS, texts, [f"id{i}" for i in range(5)])
    expired = BatchItemError("batch_expired", "never ran", custom_id="doc-1-chunk-1")
    results = _results(
        {
            "doc-0-chunk-0": _completion("A"),
            "doc-0-chunk-1": _completion("B"),
            "doc-1-chunk-0": _completion("C"),
            "doc-1-chunk-1": expired,
            "doc-2-chunk-0": _completion("BAD"),
            "doc-4-chunk-0": _completion("G"),
        }
    )
    outcome = assemble_batch(plan, WORDS, results)
    assert outcome.results == ("A B", None, None, None, "G")
    failures = {f.index: f for f in outcome.failures}
    assert sorted(failures) == [1, 2, 3]
    assert failures[1].id == "id1"
    assert failures[1].error is expired
    assert isinstance(failures[2].error, TaskOutputError)
    missing = failures[3].error
    assert isinstance(missing, BatchItemError)
    assert (missing.code, missing.custom_id) == ("missing_result", "doc-3-chunk-0")


def test_options_reject_bad_poll_intervals() -> None:
    with pytest.raises(ValueError, match="poll intervals must be positive"):
        BatchAPIOptions(poll_interval=0)
    with pytest.raises(ValueError, match="max_poll_interval=-1"):
        BatchAPIOptions(max_poll_interval=-1)


def _client(emu: Emulator, **kwargs: Any) -> ZeroGPUClient:
    return ZeroGPUClient(api_key="test-key", base_url=emu.base_url, **kwargs)


def _count(emu: Emulator, method: str, path: str) -> int:
    return sum(1 for r in emu.requests if r.method == method and r.path == path)


@pytest.mark.parametrize(
    "options", [IABOptions(), IABOptions("zlm-v2-iab-classify-edge-enriched", multilingual=True)]
)
def test_iab_batch_equals_sync(emu: Emulator, options: IABOptions) -> None:
    client = _client(emu)
    sync = classify_iab_documents(client, TEXTS, options, ids=IDS)
    batch = classify_iab_documents(client, TEXTS, options, ids=IDS, batch=POLL)
    assert sync.failures == ()
    assert batch == sync
    assert batch.results[0] is not None
    assert batch.results[0].iab_1_0
    assert batch.results[2] is not None
    assert batch.results[2].chunks > 1
    assert _count(emu, "POST", "/v1/batches") == 1


@pytest.mark.parametrize("reversible", [False, True])
def test_pii_batch_equals_sync(emu: Emulator, reversible: bool) -> None:
    client, options = _client(emu), PIIOptions(reversible=reversible)
    sync = redact_pii_documents(client, TEXTS, options, ids=IDS)
    batch = redact_pii_documents(client, TEXTS, options, ids=IDS, batch=POLL)
    assert sync.failures == ()
    assert batch == sync
    long_doc, letter = batch.results[2], batch.results[1]
    assert long_doc is not None
    assert long_doc.chunks > 1
    assert letter is not None
    assert "Jane Doe" not in letter.text
    assert letter.spans
    assert bool(letter.mapping) is reversible


async def test_async_twins_equal_sync(emu: Emulator) -> None:
    client = _client(emu)
    async with AsyncZeroGPUClient(api_key="test-key", base_url=emu.base_url) as aclient:
        iab = await aclassify_iab_documents(aclient, TEXTS, ids=IDS, batch=POLL)
        pii = await aredact_pii_documents(aclient, TEXTS, ids=IDS, batch=POLL)
    assert iab == classify_iab_documents(client, TEXTS, ids=IDS)
    assert pii == redact_pii_documents(client, TEXTS, ids=IDS)


@pytest.mark.parametrize("overflow", ["reject", "truncate"])
def test_windows_the_server_cannot_take_are_resplit_in_every_mode(
    emu: Emulator, overflow: Literal["reject", "truncate"]
) -> None:
    # The server takes at most 300 tokens: 800-token windows are rejected (or cut
    # short silently) and re-split until they fit, with the same result.
    texts, ids = [LETTER, LONG, "fine text"], ["a", "b", "c"]
    expected = redact_pii_documents(_client(emu), texts, ids=ids)
    with Emulator(api_key="test-key", input_token_limit=300, context_overflow=overflow) as tight:
        sync = redact_pii_documents(_client(tight), texts, ids=ids)
        batch = redact_pii_documents(_client(tight), texts, ids=ids, batch=POLL)
        status = 400 if overflow == "reject" else 200
        answered = [r for r in tight.requests if r.path == "/v1/chat/completions"]
    assert sync.failures == batch.failures == ()
    assert [r.text for r in sync.results if r] == [r.text for r in expected.results if r]
    assert [r.text for r in batch.results if r] == [r.text for r in expected.results if r]
    long_doc = sync.results[1]
    assert long_doc is not None
    assert "@example.com" not in long_doc.text
    assert len(answered) > sum(r.chunks for r in expected.results if r), status


def test_the_resplit_floor_fails_closed() -> None:
    rejected = {"error": {"message": "too long", "code": "context_length_exceeded"}}
    script = Script(json_response(420, rejected))
    transport = httpx.MockTransport(script)
    client = ZeroGPUClient(
        api_key="k", base_url="http://x.invalid/v1", http_client=httpx.Client(transport=transport)
    )
    outcome = redact_pii_documents(client, ["Jane Doe " * 300], ids=["only"])
    assert [f.id for f in outcome.failures] == ["only"]
    error = outcome.failures[0].error
    assert isinstance(error, PIIChunkTooLongError)
    assert "Jane" not in str(error)
    assert isinstance(error.__cause__, ContextLengthExceededError)


def test_planning_failures_and_blank_inputs_need_no_job(emu: Emulator) -> None:
    options = IABOptions("zlm-v1-iab-domain-classifier")
    texts = ["not a domain at all", "   "]
    batch = classify_iab_documents(_client(emu), texts, options, batch=POLL)
    sync = classify_iab_documents(_client(emu), texts, options)
    assert batch.results == sync.results
    assert [(f.index, type(f.error)) for f in batch.failures] == [(0, ValueError)]
    assert _count(emu, "POST", "/v1/files") == 0


def test_upload_fault_is_retried_by_the_core(emu: Emulator) -> None:
    emu.faults.add(Fault(status=503, path="/v1/files", headers={"Retry-After": "0"}))
    batch = classify_iab_documents(_client(emu), TEXTS[:2], batch=POLL)
    assert batch.failures == ()
    assert _count(emu, "POST", "/v1/files") == 2


def test_resume_after_a_crash_between_upload_and_create(emu: Emulator, tmp_path: Path) -> None:
    state = tmp_path / "job.json"
    options = BatchAPIOptions(state_path=state, poll_interval=0.02, lookup_grace=0.2)
    emu.faults.add(Fault(status=500, path="/v1/batches"))
    with pytest.raises(InternalServerError):
        redact_pii_documents(_client(emu, max_retries=0), TEXTS, ids=IDS, batch=options)
    assert [part.status for part in load_state(state).parts] == ["uploaded"]

    resumed = redact_pii_documents(_client(emu), TEXTS, ids=IDS, batch=options)
    again = redact_pii_documents(_client(emu), TEXTS, ids=IDS, batch=options)

    assert resumed == again == redact_pii_documents(_client(emu), TEXTS, ids=IDS)
    assert _count(emu, "POST", "/v1/files") == 1  # neither run uploaded again
    assert _count(emu, "POST", "/v1/batches") == 2  # the failed create, then one batch


def test_a_state_file_of_other_documents_is_refused(emu: Emulator, tmp_path: Path) -> None:
    options = BatchAPIOptions(state_path=tmp_path / "job.json", poll_interval=0.02)
    classify_iab_documents(_client(emu), TEXTS[:1], batch=options)
    with pytest.raises(BatchJobError, match="do not match the job's custom ids"):
        classify_iab_documents(_client(emu), TEXTS[:2], batch=options)


def test_result_files_are_read_line_by_line_and_documents_finish_as_they_go(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batch mode in flat memory: no result file is downloaded whole, and a document
    is handed over while later lines are still unread."""
    read: list[str] = []
    original = ZeroGPUClient.iter_file_lines

    def counting(self: ZeroGPUClient, file_id: str) -> Iterator[str]:
        for line in original(self, file_id):
            read.append(line)
            yield line

    def whole(self: ZeroGPUClient, file_id: str) -> bytes:
        raise AssertionError("a result file was downloaded whole")

    monkeypatch.setattr(ZeroGPUClient, "iter_file_lines", counting)
    monkeypatch.setattr(ZeroGPUClient, "file_content", whole)
    texts = [f"Phone review number {i} with a camera." for i in range(30)]
    task = IABClassificationTask(IABOptions())
    outcomes = iter_documents(task, _client(emu), texts, batch=POLL)
    first = next(outcomes)
    assert first.result is not None
    assert len(read) < len(texts)
    rest = list(outcomes)
    assert sorted(o.index for o in [first, *rest]) == list(range(30))
    assert len(read) == 30


def test_a_completion_wins_over_an_error_line_for_the_same_request() -> None:
    plan = plan_batch(WORDS, ["a b", "c"], ["x", "y"])
    lines = LineAssembly(plan, WORDS)
    failed = BatchItemError("server_error", "retried", custom_id="doc-0-chunk-0")
    assert lines.add("doc-0-chunk-0", failed) is None  # held: a completion may follow
    assert lines.add("doc-0-chunk-0", _completion("A")) is None
    done = lines.add("doc-0-chunk-1", _completion("B"))
    assert isinstance(done, Ready)
    assert (done.index, done.parts) == (0, ["A", "B"])
    assert lines.add("doc-9-chunk-0", _completion("?")) is None  # not ours: ignored
    left = list(lines.remaining(lambda custom_id: BatchItemError("missing_result", custom_id)))
    assert [getattr(o, "index", None) for o in left] == [1]
    assert list(lines.remaining(lambda custom_id: BatchItemError("missing_result", ""))) == []


@pytest.mark.parametrize("changed", ["a c", "a b c", "a", "unplannable"])
def test_a_document_changed_after_submission_fails_instead_of_taking_its_results(
    changed: str,
) -> None:
    # Jobs are planned again when results come back (nothing of them is kept); a
    # result must never be matched to text other than the one that was sent.
    texts = ["a b", "d"]
    plan = plan_batch(WORDS, texts, ["x", "y"])
    texts[0] = changed
    lines = LineAssembly(plan, WORDS)
    failed = lines.add("doc-0-chunk-0", _completion("A"))
    assert isinstance(failed, DocumentOutcome)
    assert failed.failure is not None
    assert "Document 0 changed after its Batch API job was submitted" in str(failed.failure.error)
    assert lines.add("doc-0-chunk-1", _completion("B")) is None  # its other line is ignored
    done = lines.add("doc-1-chunk-0", _completion("D"))
    assert isinstance(done, Ready)
    assert done.parts == ["D"]
    assert list(lines.remaining(lambda custom_id: BatchItemError("missing_result", ""))) == []


def test_the_plan_keeps_a_few_numbers_per_line_not_the_jobs_or_their_ids() -> None:
    plan = plan_batch(WORDS, ["a b", "", "c"], None)
    assert (list(plan.ends), len(plan.digests)) == ([2, 2, 3], 3)
    assert list(plan.custom_ids) == ["doc-0-chunk-0", "doc-0-chunk-1", "doc-2-chunk-0"]
    assert plan.custom_ids[-1] == "doc-2-chunk-0"
    assert [plan.lines(i) for i in range(3)] == [range(0, 2), range(2, 2), range(2, 3)]
