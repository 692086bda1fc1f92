"""Summaries: planning under the input limit, requests, replies, and (against the
emulator, whose output is emulated) proof that no part of a long text is dropped."""

from __future__ import annotations

import pytest

from zerogpu_core import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.emulator import Emulator
from zerogpu_core.emulator.tokens import count_tokens
from zerogpu_core.tasks import (
    BatchAPIOptions,
    SummaryOptions,
    TaskOutputError,
    TextChunk,
    asummarize_documents,
    estimate_tokens,
    summarize_documents,
    summarize_text,
)
from zerogpu_core.tasks.summaries import plan_summary, read_summary, summary_request
from zerogpu_core.tasks.summarize import SUMMARY_INSTRUCTION
from zerogpu_core.types import ChatCompletion

# 60 numbered sentences: far over t5-small's 512 tokens.
LONG = " ".join(f"Sentence {i} says the probe reached waypoint {i} on schedule." for i in range(60))


def _client(emu: Emulator) -> ZeroGPUClient:
    return ZeroGPUClient(api_key="test-key", base_url=emu.base_url)


def _sent(emu: Emulator) -> list[str]:
    return [
        r.json["messages"][-1]["content"] for r in emu.requests if r.path.endswith("/completions")
    ]


def test_t5_plan_fits_512_tokens_and_covers_every_character() -> None:
    chunks = plan_summary(LONG, SummaryOptions(model="t5-small"))
    assert len(chunks) > 1
    assert "".join(c.text for c in chunks) == LONG
    assert all(estimate_tokens(c.text) <= 512 for c in chunks)
    assert plan_summary("  \n ", SummaryOptions(model="t5-small")) == []


def test_requests_t5_text_alone_other_models_with_the_instruction() -> None:
    chunk = TextChunk(0, "Some text.")
    t5 = summary_request(chunk, SummaryOptions(model="t5-small"))
    assert t5 == {"model": "t5-small", "messages": [{"role": "user", "content": "Some text."}]}
    llama = summary_request(chunk, SummaryOptions(max_summary_tokens=200))
    assert llama["model"] == "llama-3.1-8b-instruct-fast"
    assert llama["messages"][0] == {"role": "system", "content": SUMMARY_INSTRUCTION}
    assert llama["max_tokens"] == 200
    # The 128K-context model still gets chunks a summary can cover.
    assert SummaryOptions().budget() == 16_000


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="t5-small takes no max_summary_tokens"):
        SummaryOptions(model="t5-small", max_summary_tokens=50)
    with pytest.raises(ValueError, match="embedding model"):
        SummaryOptions(model="bge-small-en-v1.5")
    with pytest.raises(ValueError, match="over the 512-token input limit of t5-small"):
        SummaryOptions(model="t5-small", max_chunk_tokens=513)
    with pytest.raises(ValueError, match="max_chunk_tokens must be at least 1"):
        SummaryOptions(max_chunk_tokens=0)
    with pytest.raises(ValueError, match="request limit"):
        plan_summary("word " * 200_000, SummaryOptions(max_chunk_tokens=130_000))


def _reply(content: str, finish_reason: str = "stop") -> ChatCompletion:
    return ChatCompletion.model_validate(
        {
            "id": "x",
            "object": "chat.completion",
            "created": 1,
            "model": "m",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish_reason,
                }
            ],
        }
    )


def test_read_summary_refuses_empty_and_cut_replies() -> None:
    assert read_summary(_reply(" A summary. "), model="m") == "A summary."
    with pytest.raises(TaskOutputError, match="no summary text"):
        read_summary(_reply("  "), model="m")
    with pytest.raises(TaskOutputError, match="completion limit"):
        read_summary(_reply("Half a sum", "length"), model="m")


@pytest.mark.emulator
def test_t5_long_text_every_chunk_is_sent_and_summarised_in_order(emu: Emulator) -> None:
    with _client(emu) as client:
        result = summarize_text(client, LONG, SummaryOptions(model="t5-small"))
    sent = _sent(emu)
    # Every character went out, in order, in requests the model reads whole.
    assert "".join(sent) == LONG
    assert all(count_tokens(text) <= 512 for text in sent)
    assert result.chunks == len(sent) > 1
    assert [(s.start, s.end) for s in result.sections] == [
        (c.start, c.end) for c in plan_summary(LONG, SummaryOptions(model="t5-small"))
    ]
    # The tail of the text reached the model: the last sentence is in the summary.
    assert "sentence 59 says" in result.summary
    assert result.summary == "\n\n".join(s.summary for s in result.sections)


@pytest.mark.emulator
def test_one_unchunked_request_loses_the_tail(emu: Emulator) -> None:
    """What the chunking prevents: t5-small silently reads only 512 tokens."""
    with _client(emu) as client:
        reply = client.chat_completion(
            summary_request(TextChunk(0, LONG), SummaryOptions("t5-small"))
        )
    assert "sentence 59" not in read_summary(reply, model="t5-small")


@pytest.mark.emulator
async def test_llama_async_batch_and_length_failure(emu: Emulator) -> None:
    texts = ["The rover landed. It took photos. It sent them home.", LONG]
    async with AsyncZeroGPUClient(api_key="test-key", base_url=emu.base_url) as client:
        out = await asummarize_documents(client, texts, max_concurrency=2)
        assert not out.failures
        first = out.results[0]
        assert first is not None
        assert first.chunks == 1
        assert first.summary.startswith("[emulated summary] The rover landed.")
        cut = await asummarize_documents(client, texts[:1], SummaryOptions(max_summary_tokens=3))
    assert isinstance(cut.failures[0].error, TaskOutputError)
    with _client(emu) as client:
        batch = summarize_documents(
            client,
            texts,
            SummaryOptions(model="t5-small"),
            batch=BatchAPIOptions(poll_interval=0.02),
        )
        sync = summarize_documents(client, texts, SummaryOptions(model="t5-small"))
    assert batch.results == sync.results
