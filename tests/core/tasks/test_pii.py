"""Document-level PII redaction: chunk checks, reassembly, fallback, properties."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zerogpu_core import ZeroGPUClient
from zerogpu_core.emulator import Emulator
from zerogpu_core.tasks import (
    PIIOptions,
    TaskOutputError,
    deanonymize,
    detect_pii,
    redact_pii,
    split_text,
)
from zerogpu_core.tasks.chunking import TextChunk
from zerogpu_core.tasks.pii import ChunkRedaction, assemble_redaction, pii_request, resolve_chunk
from zerogpu_core.tasks.redaction import PIISpan


@pytest.fixture(scope="module")
def client() -> Iterator[ZeroGPUClient]:
    with (
        Emulator(api_key="test-key") as emu,
        ZeroGPUClient(api_key="test-key", base_url=emu.base_url) as client,
    ):
        yield client


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="threshold"):
        PIIOptions(threshold=1.5)
    with pytest.raises(ValueError, match="categories"):
        PIIOptions(categories="contact")
    with pytest.raises(ValueError, match="usecase"):
        PIIOptions(extra_metadata={"usecase": "redact"})
    with pytest.raises(ValueError, match="embedding model"):
        PIIOptions(model="bge-small-en-v1.5")


def test_request_carries_the_documented_metadata() -> None:
    options = PIIOptions(threshold=0.7, categories=["contact"], extra_metadata={"labels": ["x"]})
    body = pii_request(TextChunk(0, "hi"), options, "redact")
    assert body == {
        "model": "gliner-multi-pii-v1",
        "messages": [{"role": "user", "content": "hi"}],
        "metadata": {
            "usecase": "redact",
            "mask": "label",
            "threshold": 0.7,
            "categories": ["contact"],
            "labels": ["x"],
        },
    }
    assert pii_request(TextChunk(0, "hi"), options, "extract-pii")["metadata"]["usecase"] == (
        "extract-pii"
    )


CHUNK = TextChunk(100, "Hi Jane Doe, mail jo@x.io")


def test_chunk_offsets_map_to_the_document() -> None:
    payload = {"entities": [{"text": "Jane Doe", "label": "person", "start": 3, "end": 11}]}
    outcome = resolve_chunk(CHUNK, payload, allow_fallback=True)
    assert outcome == ChunkRedaction((PIISpan("person", 103, 111, 0.0),))


def test_unplaceable_entity_falls_back_to_the_model_text_when_safe() -> None:
    payload = {
        "redacted_text": "Hi [PERSON], mail [EMAIL]",
        "entities": [
            {"text": "Jane Doe", "label": "person", "start": 3, "end": 11, "score": 0.9},
            {"text": "jo@x.org", "label": "email", "start": 18, "end": 26, "score": 0.8},
        ],
    }
    outcome = resolve_chunk(CHUNK, payload, allow_fallback=True)
    assert outcome.fallback_text == "Hi [PERSON], mail [EMAIL]"
    with pytest.raises(TaskOutputError, match="1 of 2 entities") as info:
        resolve_chunk(CHUNK, payload, allow_fallback=False)
    assert "jo@x" not in str(info.value)


def test_fallback_refused_when_the_model_text_still_holds_an_entity() -> None:
    payload = {
        "redacted_text": "Hi Jane Doe, mail [EMAIL]",
        "entities": [{"text": "Jane Doe", "label": "person", "start": 0, "end": 2}],
    }
    chunk = TextChunk(0, "Hi Jane  Doe?")  # double space: exact search fails
    assert resolve_chunk(chunk, payload, allow_fallback=True).spans  # fuzzy search finds it
    payload["entities"] = [{"text": "Janet", "label": "person", "start": 0, "end": 2}]
    payload["redacted_text"] = "Hi Janet"
    with pytest.raises(TaskOutputError):
        resolve_chunk(chunk, payload, allow_fallback=True)


def test_reassembly_with_a_fallback_chunk_masks_known_values_there_too() -> None:
    text = "Jane Doe wrote. Then Jane Doe left."
    chunks = [TextChunk(0, "Jane Doe wrote. "), TextChunk(16, "Then Jane Doe left.")]
    outcomes = [
        ChunkRedaction((PIISpan("person", 0, 8, 0.9),)),
        ChunkRedaction((), fallback_text="Then Jane Doe left!"),
    ]
    result = assemble_redaction(text, chunks, outcomes, PIIOptions())
    assert result.text == "[PERSON] wrote. Then [PERSON] left!"
    assert result.fallback_chunks == 1
    assert result.counts == {"person": 1}


def test_empty_and_blank_documents_make_no_request(client: ZeroGPUClient) -> None:
    for text in ("", "   \n\t "):
        result = redact_pii(client, text)
        assert (result.text, result.chunks, result.spans) == (text, 0, ())
        assert detect_pii(client, text) == []


def test_non_ascii_text(client: ZeroGPUClient) -> None:
    text = "Grüße aus München 😀 — schreib an jürgen@example.de oder ruf 415-555-0134 an."
    result = redact_pii(client, text, PIIOptions(reversible=True))
    assert "example.de" not in result.text
    assert "415-555-0134" not in result.text
    assert deanonymize(result.text, result.mapping) == text
    for span in result.spans:
        assert text[span.start : span.end] == result.mapping[span.placeholder or ""]


def test_long_document_over_the_api_limit(client: ZeroGPUClient) -> None:
    sentence = "Write to ana.silva@example.com or call 415-555-0134 today. "
    text = sentence * (140_000 // len(sentence))
    assert len(text) > 131_072
    result = redact_pii(client, text, PIIOptions(reversible=True))
    assert result.chunks == len(split_text(text, 800)) > 55
    assert "example.com" not in result.text
    assert "555-0134" not in result.text
    assert deanonymize(result.text, result.mapping) == text
    assert result.mapping == {
        "[EMAIL_1]": "ana.silva@example.com",
        "[PHONE_NUMBER_1]": "415-555-0134",
    }
    assert result.spans[-1].end <= len(text)


WORDS = st.sampled_from(
    ["the", "report", "was", "filed", "café", "naïve", "日本", "über", "data", "and", "in", "x"]
)
EMAILS = st.builds(
    "{}@{}.{}".format,
    st.text("abcdefghij", min_size=2, max_size=8),
    st.text("klmnopqrs", min_size=2, max_size=8),
    st.sampled_from(["com", "org", "io"]),
)
PHONES = st.builds(
    "{}-{}-{:04d}".format,
    st.integers(200, 999),
    st.integers(200, 999),
    st.integers(0, 9999),
)
SENTENCES = st.lists(st.one_of(WORDS, EMAILS, PHONES), min_size=1, max_size=14).map(
    lambda parts: " ".join(parts) + "."
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sentences=st.lists(SENTENCES, min_size=1, max_size=30),
    budget=st.sampled_from([12, 30, 800]),
    joiner=st.sampled_from([" ", "\n", "  "]),
)
def test_no_injected_pii_survives_and_all_other_text_does(
    client: ZeroGPUClient, sentences: list[str], budget: int, joiner: str
) -> None:
    text = joiner.join(sentences)
    injected = {w.rstrip(".") for s in sentences for w in s.split() if "@" in w or "-" in w}
    result = redact_pii(client, text, PIIOptions(reversible=True, max_chunk_tokens=budget))
    metadata = json.dumps(result.to_metadata())
    for value in injected:
        assert value not in result.text
        assert value not in metadata
    assert deanonymize(result.text, result.mapping) == text
