"""Ctrl-C during a blocking bulk transform: nothing more is sent, the process gets
control back at once, and what had finished is on the error."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType

import pytest
from langchain_core.documents import Document

from langchain_zerogpu import ZeroGPUIABClassifier
from tests.reliability._faults import API_KEY
from zerogpu_core.emulator import Emulator
from zerogpu_core.tasks import TransformInterrupted

pytestmark = pytest.mark.emulator

CONCURRENCY = 4


@pytest.fixture
def armed_sigint() -> Iterator[threading.Event]:
    """SIGINT raises KeyboardInterrupt only while the event is set, so a signal that
    arrives after the run has ended cannot interrupt the test session."""
    armed = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        if armed.is_set():
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    yield armed
    signal.signal(signal.SIGINT, previous)


def _interrupt_after(emulator: Emulator, requests: int, sent: dict[str, float]) -> None:
    while len(emulator.requests) < requests:
        time.sleep(0.005)
    sent["at"] = time.monotonic()
    os.kill(os.getpid(), signal.SIGINT)


def test_sigint_stops_a_sync_transform_and_keeps_finished_work(
    armed_sigint: threading.Event,
) -> None:
    with Emulator(api_key=API_KEY, latency=0.02) as emulator:
        classifier = ZeroGPUIABClassifier(
            api_key=API_KEY, base_url=emulator.base_url, max_concurrency=CONCURRENCY
        )
        documents = [Document(f"Phone review number {i}", id=f"d{i}") for i in range(400)]
        sent: dict[str, float] = {}
        signaller = threading.Thread(target=_interrupt_after, args=(emulator, 40, sent))
        armed_sigint.set()
        signaller.start()
        try:
            with pytest.raises(TransformInterrupted) as caught:
                classifier.transform_documents(documents)
            returned = time.monotonic()
        finally:
            armed_sigint.clear()
            signaller.join()
        time.sleep(0.3)  # requests still in flight reach the emulator's log
        after = [r for r in emulator.requests if r.timestamp > sent["at"]]
    assert returned - sent["at"] < 0.5
    # Only requests already in flight when the signal came (one per worker at most).
    assert len(after) <= CONCURRENCY
    error = caught.value
    assert len(error.results) == 400
    assert len(error.finished_indices) >= 30
    # What transform_documents would have returned for them: the tagged documents.
    finished = [error.results[i] for i in error.finished_indices]
    assert all(isinstance(d, Document) and "iab_2_2" in d.metadata["iab"] for d in finished)
    assert len(emulator.requests) < 60
