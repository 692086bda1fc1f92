"""Soak: thousands of documents and chat calls through 10% scripted transient faults.

Every document must come out, in order, with its id; no redactor output may hold the
PII it was given; every injected fault must cost exactly one retry (nothing else is
retried, nothing is retried twice) and no call may exceed the retry budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from langchain_core.documents import Document

from langchain_zerogpu import ChatZeroGPU, ZeroGPUIABClassifier, ZeroGPUPIIRedactor
from tests.reliability._faults import (
    API_KEY,
    CLIENT_TIMEOUT,
    RETRY_BUDGET,
    FaultScript,
    attempts_by_prompt,
    documents_with_pii,
)
from zerogpu_core.emulator import Emulator

pytestmark = [pytest.mark.emulator, pytest.mark.usefixtures("fast_backoff")]

DOCUMENTS = 5_000
CHAT_CALLS = 1_000


def _settings(emulator: Emulator) -> dict[str, object]:
    return {
        "base_url": emulator.base_url,
        "api_key": API_KEY,
        "max_retries": RETRY_BUDGET,
        "timeout": CLIENT_TIMEOUT,
    }


def _check_retries(emulator: Emulator, script: FaultScript, prompts: Sequence[str]) -> None:
    attempts = attempts_by_prompt(emulator)
    injected = script.injected(emulator)
    retries = sum(attempts.values()) - len(prompts)
    assert set(attempts) == set(prompts)
    assert sum(injected.values()) >= len(prompts) // 10 - 1
    assert set(injected) == {"429", "429-ms", "500", "503", "drop", "timeout"}
    assert retries == sum(injected.values())
    assert max(attempts.values()) <= 1 + RETRY_BUDGET
    print(  # the figures quoted in docs/benchmarks.md (run with -s)
        f"\n{len(prompts)} inputs, {sum(injected.values())} faults injected "
        f"{dict(sorted(injected.items()))}, {retries} retries, "
        f"max attempts {max(attempts.values())}, lost 0"
    )


def _check_order(out: Sequence[Document], given: Sequence[Document]) -> None:
    assert len(out) == len(given)
    assert [d.id for d in out] == [d.id for d in given]
    assert [d.metadata["position"] for d in out] == list(range(len(given)))


def test_iab_classifier_soak(emulator: Emulator) -> None:
    documents = documents_with_pii(DOCUMENTS)
    script = FaultScript.every_tenth(DOCUMENTS)
    script.install(emulator)
    out = ZeroGPUIABClassifier(**_settings(emulator)).transform_documents(documents)
    _check_order(out, documents)
    # Failures would have raised; each document was classified in one request.
    assert all(d.metadata["iab"]["chunks"] == 1 for d in out)
    _check_retries(emulator, script, [d.page_content for d in documents])


def test_pii_redactor_soak(emulator: Emulator) -> None:
    documents = documents_with_pii(DOCUMENTS)
    script = FaultScript.every_tenth(DOCUMENTS)
    script.install(emulator)
    out = ZeroGPUPIIRedactor(**_settings(emulator)).transform_documents(documents)
    _check_order(out, documents)
    for position, document in enumerate(out):
        assert f"user{position}@example.com" not in document.page_content
        assert f"555 {position:04d}" not in document.page_content
        assert "[EMAIL]" in document.page_content
    _check_retries(emulator, script, [d.page_content for d in documents])


async def test_async_pii_redactor_soak(emulator: Emulator) -> None:
    documents = documents_with_pii(DOCUMENTS // 5)
    script = FaultScript.every_tenth(len(documents))
    script.install(emulator)
    out = await ZeroGPUPIIRedactor(**_settings(emulator)).atransform_documents(documents)
    _check_order(out, documents)
    assert not any("@example.com" in d.page_content for d in out)
    _check_retries(emulator, script, [d.page_content for d in documents])


def test_chat_soak(emulator: Emulator) -> None:
    prompts = [f"Question number {i}" for i in range(CHAT_CALLS)]
    script = FaultScript.every_tenth(CHAT_CALLS)
    script.install(emulator)
    llm = ChatZeroGPU(model="LFM2.5-1.2B-Instruct", **_settings(emulator))
    inputs: list[Any] = list(prompts)
    replies = llm.batch(inputs, config={"max_concurrency": 8})
    # The emulated reply quotes its prompt: each answer belongs to its own question.
    assert [f'"{p}"' in str(r.content) for r, p in zip(replies, prompts, strict=True)] == [
        True
    ] * CHAT_CALLS
    _check_retries(emulator, script, prompts)
