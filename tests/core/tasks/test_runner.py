"""The document runner: order, bounded concurrency, failures carried, no loss."""

from __future__ import annotations

import asyncio
import inspect
import pickle
import random
import threading
import time
from collections.abc import Callable, Sequence

import pytest

from zerogpu_core import tasks
from zerogpu_core.tasks import BatchTransformError, TransformInterrupted
from zerogpu_core.tasks.concurrent import arun_documents, run_documents
from zerogpu_core.tasks.results import DocumentResults, ItemFailure, check_texts


class Planned:
    """A task from two functions (the runner needs only ``plan`` and ``finish``)."""

    def __init__(
        self, plan: Callable[[str], list[str]], finish: Callable[[str, object, list[str]], str]
    ) -> None:
        self._plan, self._finish = plan, finish

    def plan(self, document: str, /) -> list[str]:
        return self._plan(document)

    def finish(self, document: str, jobs: Sequence[str], outputs: Sequence[str], /) -> str:
        return self._finish(document, jobs, list(outputs))


# Each document is split into words; a job upper-cases one word; "boom" fails.
TASK = Planned(
    plan=lambda text: text.split(),
    finish=lambda _text, _jobs, outputs: " ".join(outputs),
)


class Gauge:
    """Counts jobs in flight and remembers the peak."""

    def __init__(self) -> None:
        self.now = self.peak = 0
        self.lock = threading.Lock()

    def enter(self) -> None:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        with self.lock:
            self.now -= 1


def test_sync_order_concurrency_and_failures() -> None:
    gauge = Gauge()

    def job(word: str) -> str:
        gauge.enter()
        time.sleep(random.random() / 200)
        gauge.leave()
        if word == "boom":
            raise RuntimeError("exploded")
        return word.upper()

    texts = [f"doc {i} words here" for i in range(30)] + ["a boom b", "", "   "]
    ids = [f"id-{i}" for i in range(len(texts))]
    outcome = run_documents(TASK, job, texts, ids=ids, max_concurrency=4, progress=True)
    assert outcome.results[:30] == tuple(f"DOC {i} WORDS HERE" for i in range(30))
    assert outcome.results[30:] == (None, "", "")
    assert [(f.index, f.id, str(f.error)) for f in outcome.failures] == [(30, "id-30", "exploded")]
    assert 1 < gauge.peak <= 4


async def test_async_order_concurrency_and_failures() -> None:
    gauge = Gauge()

    async def job(word: str) -> str:
        gauge.enter()
        await asyncio.sleep(random.random() / 200)
        gauge.leave()
        if word == "boom":
            raise RuntimeError("exploded")
        return word.upper()

    texts = [f"doc {i} words" for i in range(30)] + ["boom now later"]
    outcome = await arun_documents(TASK, job, texts, max_concurrency=3)
    assert outcome.results[:30] == tuple(f"DOC {i} WORDS" for i in range(30))
    assert outcome.results[30] is None
    assert outcome.failures[0].index == 30
    assert outcome.failures[0].id is None
    assert 1 < gauge.peak <= 3


def test_a_failed_document_cancels_its_queued_jobs() -> None:
    calls: list[str] = []

    def job(word: str) -> str:
        calls.append(word)
        if word == "boom":
            raise RuntimeError("exploded")
        time.sleep(0.01)
        return word

    outcome = run_documents(TASK, job, ["boom " + "w " * 50], max_concurrency=1)
    assert outcome.failures[0].index == 0
    assert len(calls) < 10


def test_plan_and_finish_errors_fail_only_their_document() -> None:
    def plan(text: str) -> list[str]:
        if text == "bad":
            raise ValueError("cannot plan")
        return [text]

    def finish(text: str, _jobs: object, outputs: list[str]) -> str:
        if text == "late":
            raise ValueError("cannot finish")
        return outputs[0]

    task = Planned(plan, finish)
    outcome = run_documents(task, str.upper, ["ok", "bad", "late"])
    assert outcome.results == ("OK", None, None)
    assert [str(f.error) for f in outcome.failures] == ["cannot plan", "cannot finish"]


def test_bad_arguments_are_rejected_up_front() -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        run_documents(TASK, str.upper, ["a"], max_concurrency=0)
    with pytest.raises(ValueError, match="2 ids for 1 texts"):
        run_documents(TASK, str.upper, ["a"], ids=["x", "y"])
    with pytest.raises(TypeError, match=r"texts\[1\] is int"):
        check_texts(["a", 3])


def test_error_carries_results_and_failures_and_pickles() -> None:
    failures = tuple(ItemFailure(i, f"d{i}", RuntimeError(f"e{i}")) for i in (1, 2, 3, 4))
    outcome: DocumentResults[str] = DocumentResults(("ok", None, None, None, None), failures)
    with pytest.raises(BatchTransformError) as info:
        outcome.raise_for_failures(["DOC", None, None, None, None])
    error = info.value
    assert error.results[0] == "DOC"
    assert error.failed_indices == [1, 2, 3, 4]
    assert error.failed_ids == ["d1", "d2", "d3", "d4"]
    assert "4 of 5 documents failed" in str(error)
    assert "and 1 more" in str(error)
    assert isinstance(error.__cause__, RuntimeError)
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error)
    assert copy.failed_ids == error.failed_ids
    assert failures[0].to_metadata() == {"type": "RuntimeError", "message": "e1"}
    DocumentResults(("x",)).raise_for_failures()  # nothing failed: no error


def test_drop_failed_raises_or_logs_and_drops(caplog: pytest.LogCaptureFixture) -> None:
    failures = (ItemFailure(1, "n1", RuntimeError("boom")),)
    outcome: DocumentResults[str] = DocumentResults(("a", None, "c"), failures)
    with pytest.raises(BatchTransformError) as info:
        outcome.drop_failed(["A", None, "C"], on_failure="raise", noun="node")
    assert info.value.results == ["A", None, "C"]
    assert "1 of 3 nodes failed" in str(info.value)
    kept = outcome.drop_failed(["A", None, "C"], on_failure="drop", noun="node", action="masked")
    assert kept == ["A", "C"]
    assert "Dropped a node that could not be masked" in caplog.text
    assert "n1" in caplog.text


def test_a_failure_policy_other_than_the_documented_ones_is_refused() -> None:
    # drop_failed used to treat anything but "raise" as "drop".
    failures = (ItemFailure(1, "n1", RuntimeError("boom")),)
    outcome: DocumentResults[str] = DocumentResults(("a", None), failures)
    for policy in ("keep", "Raise", "ignore"):
        with pytest.raises(ValueError, match="on_failure must be 'raise' or 'drop'"):
            outcome.drop_failed(["A", None], on_failure=policy)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="on_failure must be 'raise' or 'keep'"):
        outcome.keep_failed(["A", None], on_failure="drop", kept=lambda i, f: "")  # type: ignore[arg-type]


def test_keep_failed_puts_the_kept_item_in_the_failed_position() -> None:
    failures = (ItemFailure(1, "n1", RuntimeError("boom")),)
    outcome: DocumentResults[str] = DocumentResults(("a", None, "c"), failures)
    kept = outcome.keep_failed(
        ["A", None, "C"], on_failure="keep", kept=lambda i, f: f"{i}:{f.to_metadata()['message']}"
    )
    assert kept == ["A", "1:boom", "C"]
    with pytest.raises(BatchTransformError) as info:
        outcome.keep_failed(["A", None, "C"], on_failure="raise", kept=lambda i, f: "", noun="node")
    assert info.value.results == ["A", None, "C"]


def test_an_interrupt_stops_submitting_and_carries_the_finished_results() -> None:
    started: list[str] = []

    def job(word: str) -> str:
        started.append(word)
        if word == "w5":
            raise KeyboardInterrupt  # what Ctrl-C looks like to the waiting thread
        time.sleep(0.01)  # a request's worth of time for the main thread to react
        return word.upper()

    texts = [f"w{i}" for i in range(50)]
    with pytest.raises(TransformInterrupted) as caught:
        run_documents(TASK, job, texts, max_concurrency=1)
    error = caught.value
    assert isinstance(error, KeyboardInterrupt)
    assert error.results[:5] == ["W0", "W1", "W2", "W3", "W4"]
    assert error.finished_indices == [0, 1, 2, 3, 4]
    assert len(started) <= 7  # the queue was cancelled, not drained
    assert "5 of 50 documents finished" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert copy.results == error.results


def test_document_run_args_are_the_runners_keywords() -> None:
    """The ``**run`` of every ``*_documents`` function types exactly what the runner takes."""
    for runner in (tasks.process_documents, tasks.aprocess_documents):
        params = inspect.signature(runner).parameters.values()
        keywords = {p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY}
        assert keywords == set(tasks.DocumentRunArgs.__annotations__)
    wrappers = [
        tasks.classify_iab_documents,
        tasks.aclassify_iab_documents,
        tasks.extract_entities_documents,
        tasks.aextract_entities_documents,
        tasks.classify_zero_shot_documents,
        tasks.aclassify_zero_shot_documents,
        tasks.redact_pii_documents,
        tasks.aredact_pii_documents,
    ]
    for wrapper in wrappers:
        run = inspect.signature(wrapper).parameters["run"]
        assert run.kind is inspect.Parameter.VAR_KEYWORD, wrapper.__name__
