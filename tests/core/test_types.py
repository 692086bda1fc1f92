"""Wire models accept every documented envelope and variant."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zerogpu_core import (
    APIResponseValidationError,
    RetryPolicy,
    ThinkTagSplitter,
    parse_json_text,
    parse_retry_after,
    split_think_blocks,
)
from zerogpu_core.types import (
    Batch,
    ChatCompletion,
    EmbeddingResponse,
    FileObject,
    ModerationResponse,
    Response,
    Usage,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def example(name: str) -> object:
    return json.loads((EXAMPLES / name).read_text())


@pytest.mark.parametrize(
    "name",
    [
        "generic.chat-completions.response.json",
        "gpt-oss-120b.chat-completions.response.json",
        "qwen3-30b-a3b-fp8.chat-completions.response.json",
        "glm-5.2.chat-completions.response.json",
        "deepseek-v4-flash.chat-completions.response.json",
        "batch.chat-completion.response-body.json",
    ],
)
def test_chat_envelopes_parse(name: str) -> None:
    completion = ChatCompletion.model_validate(example(name))
    assert completion.message.content
    assert completion.created_time is not None
    assert completion.usage is not None
    assert completion.usage.total == completion.usage.input + completion.usage.output


def test_reasoning_models_expose_reasoning_not_in_answer() -> None:
    completion = ChatCompletion.model_validate(
        example("gpt-oss-120b.chat-completions.response.json")
    )
    message = completion.message
    assert message.reasoning_text
    assert message.reasoning_text not in message.answer
    assert message.tool_calls == []


def test_generic_and_real_responses_envelopes() -> None:
    generic = Response.model_validate(example("generic.responses.response.json"))
    assert generic.created_time == 1710000000
    assert generic.output_text.startswith("Artemis III")
    assert generic.reasoning_text is None
    assert generic.usage is not None
    assert generic.usage.input == 112
    real = Response.model_validate(example("gpt-oss-120b.responses.response.json"))
    assert real.created_time == 1784318124
    assert real.output_text.startswith("**1.")
    assert real.reasoning_text is not None
    assert real.reasoning_text.startswith("We need")


def test_output_text_falls_back_to_first_non_reasoning_text() -> None:
    response = Response.model_validate(
        {
            "output": [
                {"type": "reasoning", "content": [{"type": "reasoning_text", "text": "r"}]},
                {"type": "message", "content": [{"type": "text", "text": "answer"}]},
            ]
        }
    )
    assert response.output_text == "answer"


def test_usage_reads_both_naming_schemes_and_details() -> None:
    chat = Usage.model_validate(
        example("batch.chat-completion.response-body.json")["usage"]  # type: ignore[index]
    )
    assert chat.reasoning_tokens is not None
    assert chat.cached_tokens is not None
    responses = Usage.model_validate(
        {"input_tokens": 4, "output_tokens": 6, "output_tokens_details": {"reasoning_tokens": 2}}
    )
    assert (responses.input, responses.output, responses.total) == (4, 6, 10)
    assert responses.reasoning_tokens == 2


def test_embeddings_are_returned_in_input_order() -> None:
    response = EmbeddingResponse.model_validate(
        {"data": [{"index": 1, "embedding": [2.0]}, {"index": 0, "embedding": [1.0]}]}
    )
    assert response.vectors() == [[1.0], [2.0]]
    documented = EmbeddingResponse.model_validate(
        example("all-minilm-l6-v2.embeddings.response.json")
    )
    assert documented.model == "all-MiniLM-L6-v2"


def test_moderation_files_and_batches_parse() -> None:
    moderation = ModerationResponse.model_validate(
        example("zlm-v1-moderation-edge.moderations.response.json")
    )
    assert len(moderation.results[0].categories) == 13
    for name in ("batch.file.object.json", "batch.file.upload.response.json"):
        assert FileObject.model_validate(example(name)).id
    batch = Batch.model_validate(example("batch.batch.object.json"))
    assert batch.request_counts.total >= batch.request_counts.completed
    quick = Batch.model_validate(example("batch.batch.create.quickstart.response.json"))
    assert not quick.is_terminal


def test_unknown_fields_are_kept() -> None:
    completion = ChatCompletion.model_validate({"id": "x", "choices": [], "new_field": 1})
    assert completion.model_dump()["new_field"] == 1


def test_tool_call_arguments_as_object_become_text() -> None:
    completion = ChatCompletion.model_validate(
        {
            "choices": [
                {
                    "message": {
                        "content": None,
                        "tool_calls": [
                            {"id": "c", "function": {"name": "f", "arguments": {"q": "日本"}}}
                        ],
                    }
                }
            ]
        }
    )
    call = completion.message.tool_calls[0]
    assert call.function.arguments == '{"q": "日本"}'
    assert call.function.parsed_arguments() == {"q": "日本"}


def test_bad_tool_arguments_give_a_clear_error() -> None:
    completion = ChatCompletion.model_validate(
        {
            "choices": [
                {
                    "message": {
                        "tool_calls": [{"id": "c", "function": {"name": "f", "arguments": "{oops"}}]
                    }
                }
            ]
        }
    )
    with pytest.raises(ValueError, match="'f' arguments are not valid JSON"):
        completion.message.tool_calls[0].function.parsed_arguments()


@pytest.mark.parametrize(
    ("text", "answer", "reasoning"),
    [
        ("<think>plan</think>\n\nTokyo.", "Tokyo.", "plan"),
        ("<thinking>a</thinking>B<think>c</think>", "B", "a\n\nc"),
        ("<think>never closed", "", "never closed"),
        ("No tags here. **Reasoning:** kept", "No tags here. **Reasoning:** kept", ""),
    ],
)
def test_split_think_blocks(text: str, answer: str, reasoning: str) -> None:
    assert split_think_blocks(text) == (answer, reasoning)


def test_thinking_model_documented_output_is_left_whole() -> None:
    text = example("LFM2.5-1.2B-Thinking.output-text.json")
    assert isinstance(text, str)
    assert split_think_blocks(text) == (text, "")


@given(
    st.lists(st.text(alphabet="ab<>/thinkg ", max_size=8), max_size=12),
    st.text(alphabet="xy ", max_size=10),
    st.text(alphabet="pq ", max_size=10),
)
def test_incremental_splitter_matches_whole_text_split(
    cuts: list[str], reasoning: str, answer: str
) -> None:
    text = f"<think>{reasoning}</think>{answer}"
    pieces = [text[i : i + 3] for i in range(0, len(text), 3)]
    splitter = ThinkTagSplitter()
    got_answer, got_reasoning = "", ""
    for piece in pieces:
        a, r = splitter.feed(piece)
        got_answer += a
        got_reasoning += r
    a, r = splitter.flush()
    assert (got_answer + a, got_reasoning + r) == (answer, reasoning)


def test_splitter_passes_through_plain_angle_brackets() -> None:
    splitter = ThinkTagSplitter()
    out = [splitter.feed(p) for p in ("a < b and <tag", "> end")]
    rest = splitter.flush()
    assert "".join(a for a, _ in out) + rest[0] == "a < b and <tag> end"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ("```\n[1, 2]\n```", [1, 2]),
    ],
)
def test_parse_json_text(text: str, value: object) -> None:
    assert parse_json_text(text) == value


def test_parse_json_text_error_quotes_the_text() -> None:
    with pytest.raises(ValueError, match="not json"):
        parse_json_text("not json")


def test_retry_after_formats() -> None:
    assert parse_retry_after({"Retry-After": "3"}) == 3.0
    assert parse_retry_after({"retry-after-ms": "1500"}) == 1.5
    assert parse_retry_after({}) is None
    assert parse_retry_after({"Retry-After": "soon"}) is None
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    later = format_datetime(datetime(2026, 1, 1, 0, 0, 5, tzinfo=timezone.utc), usegmt=True)
    assert parse_retry_after({"Retry-After": later}, now=now.timestamp()) == 5.0


def test_retry_policy_refuses_waits_past_its_limit() -> None:
    policy = RetryPolicy(max_retry_after=10)
    assert policy.delay(0, {"Retry-After": "10"}) == 10.0
    assert policy.delay(0, {"Retry-After": "10.5"}) is None
    assert policy.delay(0, {"retry-after-ms": "20000"}) is None
    with pytest.raises(ValueError, match="max_retry_after"):
        RetryPolicy(max_retry_after=-1)


@pytest.mark.parametrize("indexes", [[0], [0, 0], [1, 2], [0, 1, 2]])
def test_vectors_checks_one_vector_per_input(indexes: list[int]) -> None:
    response = EmbeddingResponse.model_validate(
        {"data": [{"index": i, "embedding": [float(i)]} for i in indexes]}
    )
    with pytest.raises(APIResponseValidationError, match="Expected 2 embedding"):
        response.vectors(expected=2)


def test_request_id_survives_copies_and_pickles_but_is_never_dumped() -> None:
    import copy
    import pickle

    from zerogpu_core.types import ChatCompletionChunk

    chunk = ChatCompletionChunk.model_validate(
        {"id": "c1", "choices": [{"index": 0, "delta": {"content": "hi"}}], "extra": 1}
    )
    assert chunk.request_id is None
    chunk._set_request_id("req-7")
    for twin in (
        pickle.loads(pickle.dumps(chunk)),
        copy.copy(chunk),
        copy.deepcopy(chunk),
        chunk.model_copy(),
        chunk.model_copy(deep=True),
    ):
        assert twin.request_id == "req-7"
        assert twin == chunk
    assert "req-7" not in chunk.model_dump_json()
    assert "req-7" not in repr(chunk)
    assert chunk.choices[0].request_id is None  # parts of a response carry none


def test_answer_strings_are_not_kept_in_pydantics_string_cache() -> None:
    # The process-wide cache would keep short answers (a found name) alive after the
    # run, and make a bulk run's memory grow until the cache is full.
    raw = (
        '{"id": "c", "choices": [{"index": 0, "message": '
        '{"role": "assistant", "content": "Jane Doe"}}]}'
    )
    first = ChatCompletion.model_validate_json(raw).message.content
    second = ChatCompletion.model_validate_json(raw).message.content
    assert first == second == "Jane Doe"
    assert first is not second
