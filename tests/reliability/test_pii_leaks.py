"""Leak suite: adversarial corpora through every redacting mode, counting leaked PII.

Each mode (LangChain and LlamaIndex; sync, async, Batch API) redacts the same
2,000+ generated documents against the in-process emulator, then a misbehaving
server (wrong offsets, disagreeing ``redacted_text``, unlocatable entities). A leak
is a planted string that survives in a returned document or in a redacted
metadata field; documents that fail closed are not returned. The counts are
printed in the terminal summary (``tests/reliability/conftest.py``).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.documents import Document
from llama_index.core.schema import TextNode

import langchain_zerogpu
import llama_index_zerogpu
from tests.reliability._inprocess import ScriptedApp, handler, inprocess_clients, misbehave
from tests.reliability._pii_corpus import LeakDoc, adversarial_corpus, leaked
from zerogpu_core import ZeroGPUClient
from zerogpu_core.emulator import EmulatorOptions
from zerogpu_core.emulator.app import EmulatorApp
from zerogpu_core.emulator.pii import pii_payload
from zerogpu_core.tasks import PIIOptions, redact_pii
from zerogpu_core.tasks.chunking import MIN_WINDOW_TOKENS

pytestmark = pytest.mark.emulator

DOCUMENTS = 2_000
SCRIPTED = 200
BUDGET = 400  # tokens per request: small enough that most documents are cut
METADATA_KEYS = ["author", "source"]
#: mode -> figures, printed by the terminal summary hook.
LEAK_REPORT: dict[str, dict[str, Any]] = {}

Outputs = dict[str, tuple[str, dict[str, Any]]]


@cache
def _corpus() -> tuple[LeakDoc, ...]:
    return tuple(adversarial_corpus(DOCUMENTS))


@cache
def _whole_text_misses() -> int:
    """Secrets the emulator misses even when it sees a document whole (no chunking)."""
    return sum(
        len(leaked(pii_payload(d.text, {"usecase": "redact"})["redacted_text"], d.secrets))
        for d in _corpus()
    )


def _settings(mode: str) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "on_failure": "drop",
        "max_chunk_tokens": BUDGET,
        "max_concurrency": 8,
        "mode": "batch" if mode == "batch" else "sync",
        "batch_poll_interval": 0.01,
        "redact_metadata_keys": METADATA_KEYS,
    }
    return settings


def _langchain(docs: Sequence[LeakDoc], mode: str) -> Outputs:
    redactor = langchain_zerogpu.ZeroGPUPIIRedactor(**_settings(mode))
    given = [Document(d.text, id=d.id, metadata=dict(d.metadata)) for d in docs]
    if mode == "async":
        out = asyncio.run(redactor.aredact_documents(given)).documents
    else:
        out = redactor.redact_documents(given).documents
    return {str(d.id): (d.page_content, d.metadata) for d in out}


def _llama_index(docs: Sequence[LeakDoc], mode: str) -> Outputs:
    redactor = llama_index_zerogpu.ZeroGPUPIIRedactor(**_settings(mode))
    nodes = [TextNode(text=d.text, id_=d.id, metadata=dict(d.metadata)) for d in docs]
    out = asyncio.run(redactor.acall(nodes)) if mode == "async" else redactor(nodes)
    return {n.node_id: (n.get_content(), n.metadata) for n in out}


FRAMEWORKS: dict[str, Callable[[Sequence[LeakDoc], str], Outputs]] = {
    "langchain": _langchain,
    "llama_index": _llama_index,
}


def _count(docs: Sequence[LeakDoc], outputs: Outputs) -> tuple[Counter[str], int]:
    text_leaks: Counter[str] = Counter()
    metadata_leaks = 0
    for doc in docs:
        if doc.id not in outputs:
            continue
        text, metadata = outputs[doc.id]
        text_leaks[doc.kind] += len(leaked(text, doc.secrets))
        fields = " ".join(str(metadata.get(key, "")) for key in METADATA_KEYS)
        metadata_leaks += len(leaked(fields, doc.metadata_secrets))
    return text_leaks, metadata_leaks


@pytest.mark.parametrize("mode", ["sync", "async", "batch"])
@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_no_pii_leaks_in_any_mode(
    framework: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus()
    run = FRAMEWORKS[framework]
    with inprocess_clients(EmulatorApp(EmulatorOptions(api_key="test-key")), monkeypatch):
        honest = run(corpus, mode)
    scripted_docs = corpus[:SCRIPTED]
    with inprocess_clients(ScriptedApp(misbehave), monkeypatch):
        scripted = run(scripted_docs, mode)
    leaks, metadata_leaks = _count(corpus, honest)
    scripted_leaks, _ = _count(scripted_docs, scripted)
    LEAK_REPORT[f"{framework}/{mode}"] = {
        "documents": len(corpus),
        "leaked": sum(leaks.values()),
        "by kind": dict(sorted(leaks.items())),
        "emulator misses on whole text": _whole_text_misses(),
        "failed": len(corpus) - len(honest),
        "metadata leaked": metadata_leaks,
        "scripted documents": len(scripted_docs),
        "scripted leaked": sum(scripted_leaks.values()),
        "scripted failed closed": len(scripted_docs) - len(scripted),
    }
    report = LEAK_REPORT[f"{framework}/{mode}"]
    assert report["leaked"] == report["metadata leaked"] == report["scripted leaked"] == 0, report
    assert len(honest) == len(corpus), "an honest server must not make documents fail"


_PARTS = (
    "The case was handled by Dr. Novak and the nurse.",
    "The form was signed by John R. Smith on Monday.",
    "A note from J. R. R. Tolkien arrived.",
    "Please forward the file to Li Wei today.",
    "The request came from Zoë Ólafsdóttir yesterday.",
    "Replies go to jane.doe@example.com only.",
    "The callback number is ４１５-５５５-０１３４ for now.",
    "See https://crm.example.com/c?email=r.smith@corp.example.org&ref=42 for details.",
    "The card on file is 4111 1111 1111 1111 until May.",
    "the quarterly figures were reviewed by the committee",
    "nothing unusual was found in the logs of the build server",
    "2024-05-01T12:00:01Z,INFO,10.0.0.12,+44 20 7946 0958",
)


@pytest.fixture(scope="module")
def inprocess_client() -> Iterator[ZeroGPUClient]:
    transport = httpx.MockTransport(handler(EmulatorApp(EmulatorOptions(api_key="test-key"))))
    with ZeroGPUClient(
        api_key="test-key",
        base_url="http://emulator.invalid/v1",
        http_client=httpx.Client(transport=transport),
    ) as client:
        yield client


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    parts=st.lists(st.sampled_from(_PARTS), min_size=1, max_size=70),
    joiner=st.sampled_from([" ", "\n", ", "]),
    budgets=st.lists(st.integers(MIN_WINDOW_TOKENS, 900), min_size=2, max_size=3),
)
def test_every_detectable_entity_is_masked_wherever_the_cuts_fall(
    inprocess_client: ZeroGPUClient, parts: list[str], joiner: str, budgets: list[int]
) -> None:
    text = joiner.join(parts)
    whole = pii_payload(text, {"usecase": "redact"})  # the emulator seeing it all at once
    for budget in budgets:
        result = redact_pii(inprocess_client, text, PIIOptions(max_chunk_tokens=budget))
        masked = {i for span in result.spans for i in range(span.start, span.end)}
        # Every character the whole-text detection covers is masked. A window may
        # also see more than the whole text does (one starting inside "+44 20 7946
        # 0958 2024-05-01" reads "7946 0958 2024-05" as a card number, as a real
        # model can read a cut differently): that over-masks, never leaks.
        for entity in whole["entities"]:
            assert set(range(entity["start"], entity["end"])) <= masked, (budget, entity)
        if not masked - {i for e in whole["entities"] for i in range(e["start"], e["end"])}:
            assert result.text == whole["redacted_text"], budget
        assert not leaked(result.text, [e["text"] for e in whole["entities"]])
