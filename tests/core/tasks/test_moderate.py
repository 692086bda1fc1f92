"""Content moderation: options, chunking, verdict merging, and both models end to end."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerogpu_core import AsyncZeroGPUClient, ContextLengthExceededError, ZeroGPUClient
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import (
    MODERATION_CATEGORIES,
    ContentFlaggedError,
    ModerationOptions,
    ModerationVerdict,
    TaskOutputError,
    amoderate,
    moderate,
)
from zerogpu_core.tasks.chunking import TextChunk, estimate_tokens
from zerogpu_core.tasks.moderate import (
    MAX_REQUEST_CHARS,
    guard_verdict,
    plan_moderation,
    request_groups,
    scored_verdict,
)
from zerogpu_core.types import ModerationResponse, ModerationResult

THREAT = "I will kill you and hurt them."
CALM = "Thanks for the lovely dinner, see you on Sunday."


def result(flagged: bool = False, **scores: float) -> ModerationResult:
    """A 13-category result: ``scores`` by category (``_`` for ``/``), flags at 0.5."""
    values = dict.fromkeys(MODERATION_CATEGORIES, 0.01)
    values |= {name.replace("_", "/"): score for name, score in scores.items()}
    return ModerationResult(
        flagged=flagged,
        categories={name: score >= 0.5 for name, score in values.items()},
        category_scores=values,
    )


# --- options ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"model": "gpt-oss-120b"}, "not a moderation model; use one of: zlm-v1"),
        ({"threshold": 1.5}, "threshold must be between 0 and 1"),
        ({"model": "llama-guard-4-12b", "threshold": 0.3}, "threshold does not apply"),
        ({"categories": ["violent"]}, "'violent', not a category of zlm-v1-moderation-edge"),
        ({"categories": "violence"}, "categories must be a non-empty list"),
        ({"categories": []}, "categories must be a non-empty list"),
        ({"model": "llama-guard-4-12b", "categories": ["violence"]}, "valid: S1, S2"),
        ({"max_chunk_tokens": 0}, "max_chunk_tokens must be at least 1"),
    ],
)
def test_bad_options_are_refused_with_the_reason(kwargs: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        ModerationOptions(**kwargs)


def test_aliases_use_the_edge_models_input_limit() -> None:
    assert ModerationOptions(model="omni-moderation-latest").budget == 4_000
    assert ModerationOptions(model="text-moderation-stable").budget == 4_000
    assert ModerationOptions(model="llama-guard-4-12b").budget == 160_000
    assert ModerationOptions(max_chunk_tokens=50).budget == 50


# --- chunking --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "  \n\t", None, 7])
def test_blank_or_non_text_is_refused(text: Any) -> None:
    with pytest.raises(ValueError, match="text must"):
        plan_moderation(text, ModerationOptions())


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab .\n日🙂1"), min_size=1, max_size=600),
    st.integers(1, 40),
)
def test_chunks_hold_every_character_within_the_budget(text: str, budget: int) -> None:
    if not text.strip():
        return
    chunks = plan_moderation(text, ModerationOptions(max_chunk_tokens=budget))
    # Left-out chunks are whitespace only: nothing that can be flagged is dropped.
    position = 0
    for chunk in chunks:
        assert not text[position : chunk.start].strip()
        assert text[chunk.start : chunk.end] == chunk.text
        assert estimate_tokens(chunk.text) <= budget or len(chunk.text) == 1
        position = chunk.end
    assert not text[position:].strip()


def test_no_request_exceeds_the_character_cap_whatever_the_token_budget() -> None:
    # Llama Guard's 160,000 tokens hold more characters than one request may carry.
    text = ("word " * 60_000 + "\n") * 2
    chunks = plan_moderation(text, ModerationOptions(model="llama-guard-4-12b"))
    assert len(chunks) > 1
    assert all(len(c.text) <= MAX_REQUEST_CHARS for c in chunks)
    assert "".join(c.text for c in chunks) == text


def test_request_groups_keep_order_and_the_character_cap() -> None:
    chunks = [TextChunk(i * 10, "x" * 10) for i in range(7)]
    groups = request_groups(chunks, max_chars=30)
    assert [len(g) for g in groups] == [3, 3, 1]
    assert [c for g in groups for c in g] == chunks
    assert request_groups([TextChunk(0, "x" * 50)], max_chars=30) == [[TextChunk(0, "x" * 50)]]


# --- merging verdicts ------------------------------------------------------------------


def test_a_text_is_flagged_when_any_chunk_is() -> None:
    verdict = scored_verdict(
        [result(), result(True, violence=0.9), result(True, hate=0.7, violence=0.6)],
        ModerationOptions(),
        "zlm-v1-moderation-edge",
    )
    assert verdict.flagged
    assert verdict.categories == ("hate", "violence")
    assert verdict.scores["violence"] == 0.9
    assert verdict.scores["sexual"] == 0.01
    assert verdict.chunks == 3


def test_an_unflagged_text_has_scores_and_no_categories() -> None:
    verdict = scored_verdict([result(), result()], ModerationOptions(), "m")
    assert not verdict.flagged
    assert verdict.categories == ()
    assert list(verdict.scores) == list(MODERATION_CATEGORIES)


def test_the_models_own_flag_counts_without_a_filter() -> None:
    verdict = scored_verdict([result(True)], ModerationOptions(), "m")
    assert verdict.flagged
    assert verdict.categories == ()


def test_threshold_decides_from_the_scores() -> None:
    options = ModerationOptions(threshold=0.3)
    verdict = scored_verdict([result(violence=0.35)], options, "m")
    assert verdict.flagged
    assert verdict.categories == ("violence",)
    strict = ModerationOptions(threshold=0.95)
    assert not scored_verdict([result(True, violence=0.9)], strict, "m").flagged


def test_categories_limit_what_counts() -> None:
    options = ModerationOptions(categories=["hate"])
    assert not scored_verdict([result(True, violence=0.9)], options, "m").flagged
    assert scored_verdict([result(True, hate=0.8)], options, "m").categories == ("hate",)


def test_a_reply_without_a_checked_category_fails_closed() -> None:
    bare = ModerationResult(flagged=False, categories={}, category_scores={})
    with pytest.raises(TaskOutputError, match="no decision for hate"):
        scored_verdict([bare], ModerationOptions(categories=["hate"]), "m")
    with pytest.raises(TaskOutputError, match="no score for any category"):
        scored_verdict([bare], ModerationOptions(threshold=0.5), "m")


def test_guard_verdicts_merge_codes_in_taxonomy_order() -> None:
    verdict = guard_verdict(
        ["safe", "unsafe\nS10,S1", "unsafe\nS1"], ModerationOptions(model="llama-guard-4-12b")
    )
    assert verdict.flagged
    assert verdict.codes == ("S1", "S10")
    assert verdict.categories == ("Violent Crimes", "Hate")
    assert verdict.scores == {}
    assert verdict.chunks == 3
    assert not guard_verdict(["safe"], ModerationOptions(model="llama-guard-4-12b")).flagged


def test_guard_categories_filter_but_an_uncoded_unsafe_stays_flagged() -> None:
    options = ModerationOptions(model="llama-guard-4-12b", categories=["S10"])
    assert not guard_verdict(["unsafe\nS1"], options).flagged
    assert guard_verdict(["unsafe\nS1,S10"], options).codes == ("S10",)
    assert guard_verdict(["unsafe"], options).flagged


def test_an_unreadable_guard_answer_fails_closed() -> None:
    with pytest.raises(TaskOutputError, match="not a safe/unsafe verdict"):
        guard_verdict(["I cannot help with that"], ModerationOptions(model="llama-guard-4-12b"))


def test_verdict_metadata_and_error_pickling() -> None:
    verdict = ModerationVerdict("m", True, ("violence",), {"violence": 0.9})
    assert verdict.to_metadata() == {
        "model": "m",
        "flagged": True,
        "categories": ["violence"],
        "chunks": 1,
        "scores": {"violence": 0.9},
    }
    error = ContentFlaggedError("flagged", verdict=verdict, stage="input")
    again = pickle.loads(pickle.dumps(error))
    assert (str(again), again.verdict, again.stage) == ("flagged", verdict, "input")


# --- end to end against the emulator ---------------------------------------------------


@pytest.fixture
def client(module_emulator: Emulator) -> Iterator[ZeroGPUClient]:
    with ZeroGPUClient(api_key="test-key", base_url=module_emulator.base_url) as client:
        yield client


@pytest.mark.parametrize("model", ["zlm-v1-moderation-edge", "omni-moderation-latest"])
def test_moderations_route(client: ZeroGPUClient, module_emulator: Emulator, model: str) -> None:
    before = len(module_emulator.requests)
    verdict = moderate(client, THREAT, ModerationOptions(model=model))
    assert verdict.flagged
    assert "violence" in verdict.categories
    assert verdict.model == "zlm-v1-moderation-edge"
    assert not moderate(client, CALM, ModerationOptions(model=model)).flagged
    sent = module_emulator.requests[before]
    assert (sent.path, sent.json) == ("/v1/moderations", {"input": [THREAT], "model": model})


def test_llama_guard_on_the_chat_route(client: ZeroGPUClient, module_emulator: Emulator) -> None:
    before = len(module_emulator.requests)
    verdict = moderate(client, THREAT, ModerationOptions(model="llama-guard-4-12b"))
    assert (verdict.flagged, verdict.codes[0], verdict.categories[0]) == (
        True,
        "S1",
        "Violent Crimes",
    )
    assert module_emulator.requests[before].json["messages"] == [
        {"role": "user", "content": THREAT}
    ]
    assert not moderate(client, CALM, ModerationOptions(model="llama-guard-4-12b")).flagged


def test_a_long_text_is_judged_whole(client: ZeroGPUClient, module_emulator: Emulator) -> None:
    text = CALM + " " + "The weather is mild and the garden is green. " * 1_500 + THREAT
    with pytest.raises(ContextLengthExceededError):
        client.create_moderation(input=text)  # what one unchunked request would get
    before = len(module_emulator.requests)
    verdict = moderate(client, text)
    assert verdict.flagged
    assert "violence" in verdict.categories
    assert verdict.chunks > 1
    sent = [piece for r in module_emulator.requests[before:] for piece in r.json["input"]]
    assert "".join(sent) == text


def test_blank_text_makes_no_request(client: ZeroGPUClient, module_emulator: Emulator) -> None:
    before = len(module_emulator.requests)
    with pytest.raises(ValueError, match="must not be empty"):
        moderate(client, "   ")
    assert len(module_emulator.requests) == before


def test_a_short_reply_fails_closed(client: ZeroGPUClient, module_emulator: Emulator) -> None:
    one = ModerationResponse(model="m", results=[result()]).model_dump()
    module_emulator.faults.add(Fault(status=200, body=one, path="/v1/moderations"))
    text = "Calm words here. " * 2_000
    with pytest.raises(TaskOutputError, match="1 moderation results for"):
        moderate(client, text, ModerationOptions(max_chunk_tokens=1_000))


@pytest.mark.parametrize("model", ["zlm-v1-moderation-edge", "llama-guard-4-12b"])
async def test_async(module_emulator: Emulator, model: str) -> None:
    async with AsyncZeroGPUClient(api_key="test-key", base_url=module_emulator.base_url) as client:
        verdict = await amoderate(client, THREAT, ModerationOptions(model=model))
        assert verdict.flagged
        assert not (await amoderate(client, CALM, ModerationOptions(model=model))).flagged
