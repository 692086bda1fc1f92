"""Document-level PII redaction: reply verification, reassembly, placeholders, properties."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zerogpu_core import ZeroGPUClient
from zerogpu_core.emulator import Emulator
from zerogpu_core.tasks import (
    PIIOptions,
    PIIVerificationError,
    TruncatedReplyError,
    deanonymize,
    detect_pii,
    redact_pii,
)
from zerogpu_core.tasks.chunking import TextChunk, plan_windows
from zerogpu_core.tasks.pii import assemble_redaction, pii_request
from zerogpu_core.tasks.pii_chunks import ChunkRedaction, PIIChunk, resolve_chunk
from zerogpu_core.tasks.pii_document import PIIDocument
from zerogpu_core.tasks.redaction import PIISpan


@pytest.fixture(scope="module")
def client(module_emulator: Emulator) -> Iterator[ZeroGPUClient]:
    with ZeroGPUClient(api_key="test-key", base_url=module_emulator.base_url) as client:
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
    options = PIIOptions(
        threshold=0.7, categories=["contact"], extra_metadata={"labels": ["identity"]}
    )
    body = pii_request(TextChunk(0, "hi"), options, "redact")
    assert body == {
        "model": "gliner-multi-pii-v1",
        "messages": [{"role": "user", "content": "hi"}],
        "metadata": {
            "usecase": "redact",
            "mask": "label",
            "threshold": 0.7,
            "categories": ["contact"],
            "labels": ["identity"],
        },
    }
    assert pii_request(TextChunk(0, "hi"), options, "extract-pii")["metadata"]["usecase"] == (
        "extract-pii"
    )


@pytest.mark.parametrize(
    "options",
    [
        {"categories": ["contacts"]},
        {"categories": ["identity", "person"]},
        {"categories": []},
        {"extra_metadata": {"labels": ["contacts"]}},
        {"extra_metadata": {"categories": "contact"}},
    ],
)
def test_unknown_categories_are_refused_with_the_valid_names(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="identity, contact, financial, medical, credentials"):
        PIIOptions(**options)


CHUNK = PIIChunk(0, TextChunk(100, "Hi Jane Doe, mail jo@x.io"))
JANE = {"text": "Jane Doe", "label": "person", "start": 3, "end": 11, "score": 0.9}
MAIL = {"text": "jo@x.io", "label": "email", "start": 18, "end": 25, "score": 0.8}


def test_chunk_offsets_map_to_the_document() -> None:
    payload = {"entities": [JANE], "redacted_text": "Hi [PERSON], mail jo@x.io"}
    outcome = resolve_chunk(CHUNK, payload)
    assert outcome == ChunkRedaction(0, (PIISpan("person", 103, 111, 0.9),))


def test_labels_of_the_model_text_need_not_match_ours() -> None:
    chunk = PIIChunk(0, TextChunk(0, "See [NOTE] from Jane Doe"))
    payload = {
        "entities": [{**JANE, "start": 16, "end": 24}],
        "redacted_text": "See [NOTE] from [NAME]",
    }
    assert resolve_chunk(chunk, payload).spans == (PIISpan("person", 16, 24, 0.9),)


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"entities": [], "redacted_text": "Hi [PERSON], mail [EMAIL]"}, "does not mask exactly"),
        ({"entities": [JANE, MAIL], "redacted_text": "Hi [PERSON], mail jo@x.io"}, "exactly"),
        (
            {"entities": [JANE, {**MAIL, "text": "jo@x.org"}], "redacted_text": "Hi [PERSON], x"},
            "labelled 'email' is not in the text",
        ),
        ({"entities_by_label": {"person": ["Jane Doe"]}}, "only 'entities_by_label'"),
        (
            {"entities": [JANE], "entities_by_label": {"person": ["Jane Doe"], "email": ["jo"]}},
            "'entities_by_label' names a string missing",
        ),
    ],
)
def test_unverifiable_replies_fail_closed(payload: dict[str, Any], problem: str) -> None:
    with pytest.raises(PIIVerificationError, match=problem) as info:
        resolve_chunk(CHUNK, payload)
    assert "offset 100" in str(info.value)
    assert "Jane" not in str(info.value)
    assert "jo@x" not in str(info.value)


def test_lenient_verification_masks_the_union() -> None:
    masks_more = {"entities": [JANE], "redacted_text": "Hi [PERSON], mail [EMAIL]"}
    outcome = resolve_chunk(CHUNK, masks_more, "lenient")
    assert [(s.start, s.end) for s in outcome.spans] == [(103, 111), (103, 111), (118, 125)]
    assert outcome.unverified == 1
    unlocatable = {"entities": [JANE, {**MAIL, "text": "zz@y.io"}]}
    assert resolve_chunk(CHUNK, unlocatable, "lenient").unverified == 1
    by_label = {"entities_by_label": {"person": ["Jane Doe"]}}
    assert resolve_chunk(CHUNK, by_label, "lenient").spans[0].start == 103


def test_a_truncated_reply_is_recognised_in_both_modes() -> None:
    payload = {"entities": [JANE], "redacted_text": "Hi [PERSON], ma"}
    for verification in ("strict", "lenient"):
        with pytest.raises(TruncatedReplyError, match="covers only its start"):
            resolve_chunk(CHUNK, payload, verification)  # type: ignore[arg-type]


def test_spans_of_overlapping_windows_merge_by_offset() -> None:
    text = "Jane Doe wrote to Dr. Novak. Then Jane Doe left."
    windows = [PIIChunk(0, TextChunk(0, text[:25])), PIIChunk(0, TextChunk(18, text[18:]))]
    outcomes = [
        ChunkRedaction(0, (PIISpan("person", 0, 8, 0.9), PIISpan("person", 18, 21, 0.5))),
        ChunkRedaction(0, (PIISpan("person", 18, 27, 0.9), PIISpan("person", 34, 42, 0.9))),
    ]
    result = assemble_redaction(PIIDocument(text), windows, outcomes, PIIOptions())
    assert result.text == "[PERSON] wrote to [PERSON]. Then [PERSON] left."
    assert result.counts == {"person": 3}


def test_placeholders_never_collide_with_text_already_there() -> None:
    text = "[PERSON_1] is a literal; Jane Doe is a person."
    outcomes = [ChunkRedaction(0, (PIISpan("person", 25, 33, 0.9),))]
    options = PIIOptions(reversible=True)
    result = assemble_redaction(PIIDocument(text), [], outcomes, options)
    assert result.text == "[PERSON_1] is a literal; [PERSON_2] is a person."
    assert result.mapping == {"[PERSON_2]": "Jane Doe"}
    assert deanonymize(result.text, result.mapping) == text


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
    assert result.chunks == len(plan_windows(text, 800)) > 55
    assert "example.com" not in result.text
    assert "555-0134" not in result.text
    assert deanonymize(result.text, result.mapping) == text
    assert result.mapping == {
        "[EMAIL_1]": "ana.silva@example.com",
        "[PHONE_NUMBER_1]": "415-555-0134",
    }
    assert result.spans[-1].end <= len(text)


# Literal placeholders among the words must survive a reversible round trip.
WORDS = st.sampled_from(
    [
        "the",
        "report",
        "was",
        "filed",
        "café",
        "naïve",
        "日本",
        "über",
        "data",
        "and",
        "in",
        "x",
        "[EMAIL_1]",
        "[PHONE_NUMBER_2]",
    ]
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
    budget=st.sampled_from([400, 500, 800]),
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
