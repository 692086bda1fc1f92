"""Direct tests of the pure converters in ``langchain_zerogpu._messages``."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGenerationChunk

from langchain_zerogpu._messages import (
    ChunkBuilder,
    completion_to_result,
    message_to_dict,
    messages_to_dicts,
    usage_to_metadata,
)
from zerogpu_core.types import ChatCompletion, ChatCompletionChunk, Usage


def _completion(message: dict[str, object], **extra: object) -> ChatCompletion:
    return ChatCompletion.model_validate(
        {
            "id": "chatcmpl-1",
            "model": "gpt-oss-120b",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
            **extra,
        }
    )


def _chunk(delta: dict[str, object] | None = None, **extra: object) -> ChatCompletionChunk:
    choices = [] if delta is None else [{"index": 0, "delta": delta}]
    return ChatCompletionChunk.model_validate(
        {"id": "c1", "model": "gpt-oss-120b", "choices": choices, **extra}
    )


def _stream(*chunks: ChatCompletionChunk) -> AIMessageChunk:
    builder = ChunkBuilder(model="gpt-oss-120b")
    built = [c for c in (builder.build(chunk) for chunk in chunks) if c is not None]
    built.append(builder.finish())
    full = built[0].message
    for item in built[1:]:
        full = full + item.message
    assert isinstance(full, AIMessageChunk)
    return full


class TestMessageToDict:
    def test_roles(self) -> None:
        wire = messages_to_dicts(
            [
                SystemMessage("be brief"),
                HumanMessage("hi", name="ann"),
                AIMessage("hello"),
                ChatMessage(role="developer", content="rules"),
            ]
        )
        assert wire == [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "hi", "name": "ann"},
            {"role": "assistant", "content": "hello"},
            {"role": "developer", "content": "rules"},
        ]

    def test_text_blocks_are_joined(self) -> None:
        message = HumanMessage([{"type": "text", "text": "a"}, "b", {"type": "text", "text": "c"}])
        assert message_to_dict(message)["content"] == "abc"

    def test_image_block_is_refused_with_its_position(self) -> None:
        message = HumanMessage(
            [{"type": "text", "text": "see"}, {"type": "image_url", "image_url": {"url": "x"}}]
        )
        with pytest.raises(ValueError, match=r"block 1 has type 'image_url'.*text only"):
            message_to_dict(message)

    def test_assistant_tool_calls_keep_non_ascii_arguments(self) -> None:
        message = AIMessage(
            [{"type": "text", "text": "ok"}, {"type": "tool_use", "id": "t1", "name": "f"}],
            tool_calls=[{"name": "f", "args": {"name": "你好"}, "id": "t1", "type": "tool_call"}],
        )
        wire = message_to_dict(message)
        assert wire["content"] == "ok"
        assert wire["tool_calls"] == [
            {
                "id": "t1",
                "type": "function",
                "function": {"name": "f", "arguments": '{"name": "你好"}'},
            }
        ]

    def test_assistant_reasoning_block_is_not_sent_back(self) -> None:
        message = AIMessage(
            [{"type": "reasoning", "reasoning": "hm"}, {"type": "text", "text": "A"}]
        )
        assert message_to_dict(message) == {"role": "assistant", "content": "A"}

    def test_invalid_tool_call_is_sent_back_verbatim(self) -> None:
        message = AIMessage(
            "",
            invalid_tool_calls=[
                {"name": "f", "args": "{bad", "id": "t9", "error": "x", "type": "invalid_tool_call"}
            ],
        )
        assert message_to_dict(message)["tool_calls"][0]["function"] == {
            "name": "f",
            "arguments": "{bad",
        }

    def test_tool_message(self) -> None:
        wire = message_to_dict(ToolMessage("3", tool_call_id="t1", status="error"))
        assert wire == {"role": "tool", "content": "3", "tool_call_id": "t1"}

    def test_tool_message_with_structured_content_is_json(self) -> None:
        message = ToolMessage([{"type": "json", "data": {"a": 1}}], tool_call_id="t1")
        assert json.loads(message_to_dict(message)["content"]) == [
            {"type": "json", "data": {"a": 1}}
        ]

    def test_unsupported_message_type(self) -> None:
        with pytest.raises(TypeError, match="FunctionMessage"):
            message_to_dict(FunctionMessage(name="f", content="x"))


class TestUsage:
    def test_none(self) -> None:
        assert usage_to_metadata(None) is None

    def test_details_from_either_scheme(self) -> None:
        usage = Usage(
            input_tokens=4,
            output_tokens=6,
            output_tokens_details={"reasoning_tokens": 2},
            input_tokens_details={"cached_tokens": 1},
        )
        assert usage_to_metadata(usage) == {
            "input_tokens": 4,
            "output_tokens": 6,
            "total_tokens": 10,
            "output_token_details": {"reasoning": 2},
            "input_token_details": {"cache_read": 1},
        }


class TestCompletionToResult:
    def test_reasoning_field_goes_to_additional_kwargs(self) -> None:
        completion = _completion({"content": "4", "reasoning": "2+2"}, system_fingerprint="fp")
        message = completion_to_result(completion, model="x").generations[0].message
        assert message.content == "4"
        assert message.additional_kwargs["reasoning_content"] == "2+2"
        assert message.content_blocks[0] == {"type": "reasoning", "reasoning": "2+2"}
        assert message.response_metadata == {
            "model_name": "gpt-oss-120b",
            "model_provider": "zerogpu",
            "finish_reason": "stop",
            "id": "chatcmpl-1",
            "system_fingerprint": "fp",
        }
        assert isinstance(message, AIMessage)
        assert message.usage_metadata == {"input_tokens": 5, "output_tokens": 7, "total_tokens": 12}

    def test_inline_think_block_is_split_out(self) -> None:
        completion = _completion({"content": "<think>count</think>\n\nTokyo"})
        message = completion_to_result(completion, model="x").generations[0].message
        assert message.content == "Tokyo"
        assert message.additional_kwargs["reasoning_content"] == "count"

    def test_request_id_and_fallback_model_name(self) -> None:
        completion = _completion({"content": "a"}, model="")
        result = completion_to_result(completion, model="asked-model", request_id="req_1")
        metadata = result.generations[0].message.response_metadata
        assert metadata["model_name"] == "asked-model"
        assert metadata["request_id"] == "req_1"
        assert result.llm_output == {
            "model_name": "asked-model",
            "token_usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
        }

    def test_tool_calls_valid_and_invalid(self) -> None:
        completion = _completion(
            {
                "content": None,
                "tool_calls": [
                    {"id": "a", "function": {"name": "f", "arguments": '{"x": "é"}'}},
                    {"id": "b", "function": {"name": "g", "arguments": "{oops"}},
                ],
            }
        )
        message = completion_to_result(completion, model="x").generations[0].message
        assert isinstance(message, AIMessage)
        assert message.tool_calls == [
            {"name": "f", "args": {"x": "é"}, "id": "a", "type": "tool_call"}
        ]
        assert message.invalid_tool_calls[0]["name"] == "g"
        assert "not valid JSON" in str(message.invalid_tool_calls[0]["error"])

    def test_several_choices(self) -> None:
        completion = ChatCompletion.model_validate(
            {
                "choices": [
                    {"index": 1, "message": {"content": "b"}},
                    {"index": 0, "message": {"content": "a"}},
                ]
            }
        )
        result = completion_to_result(completion, model="m")
        assert [g.message.content for g in result.generations] == ["a", "b"]

    def test_no_choices_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="without choices"):
            completion_to_result(ChatCompletion(id="x"), model="m")


class TestChunkBuilder:
    def test_text_then_usage_in_one_last_chunk(self) -> None:
        full = _stream(
            _chunk({"role": "assistant", "content": "Hel"}),
            _chunk({"content": "lo"}),
            _chunk({}, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}]),
            _chunk(usage={"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}),
        )
        assert full.content == "Hello"
        assert full.chunk_position == "last"
        assert full.usage_metadata == {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}
        assert full.response_metadata["finish_reason"] == "stop"
        assert full.response_metadata["model_name"] == "gpt-oss-120b"
        assert full.response_metadata["model_provider"] == "zerogpu"

    def test_only_the_last_chunk_carries_usage_and_model_name(self) -> None:
        builder = ChunkBuilder(model="m")
        first = builder.build(_chunk({"content": "a"}, usage={"prompt_tokens": 1}))
        assert first is not None
        assert isinstance(first.message, AIMessageChunk)
        assert first.message.usage_metadata is None
        assert "model_name" not in first.message.response_metadata
        last = builder.finish().message
        assert isinstance(last, AIMessageChunk)
        assert last.usage_metadata is not None

    def test_reasoning_deltas_and_inline_tags_split_across_chunks(self) -> None:
        full = _stream(
            _chunk({"reasoning": "plan "}),
            _chunk({"content": "<thi"}),
            _chunk({"content": "nk>more</th"}),
            _chunk({"content": "ink>\n\nAnswer"}),
        )
        assert full.content == "Answer"
        assert full.additional_kwargs["reasoning_content"] == "plan more"

    def test_tool_call_deltas_merge(self) -> None:
        full = _stream(
            _chunk({"tool_calls": [{"index": 0, "id": "t1", "function": {"name": "f"}}]}),
            _chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"a": '}}]}),
            _chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"日本"}'}}]}),
        )
        assert full.tool_calls == [
            {"name": "f", "args": {"a": "日本"}, "id": "t1", "type": "tool_call"}
        ]

    def test_several_choices_are_refused(self) -> None:
        chunk = _chunk({}, choices=[{"index": 0, "delta": {}}, {"index": 1, "delta": {}}])
        with pytest.raises(ValueError, match="single choice"):
            ChunkBuilder(model="m").build(chunk)

    def test_empty_deltas_yield_nothing(self) -> None:
        assert ChunkBuilder(model="m").build(_chunk({"role": "assistant"})) is None


class _FullPathBuilder(ChunkBuilder):
    """The builder without its plain-text fast path: every chunk takes the full path."""

    def build(self, chunk: ChatCompletionChunk) -> ChatGenerationChunk | None:
        return self._build_any(chunk)


_PLAIN_THEN = [
    pytest.param(_chunk({"content": " <think>x</think> y"}), id="tag-mid-answer"),
    pytest.param(
        _chunk({}, choices=[{"index": 0, "delta": {"content": "!"}, "finish_reason": "stop"}]),
        id="finish-reason-with-text",
    ),
    pytest.param(_chunk({"content": "a", "reasoning": "r"}), id="reasoning-field"),
    pytest.param(_chunk({"content": "a", "reasoning_content": "r"}), id="reasoning-content"),
    pytest.param(
        _chunk({"content": "a", "tool_calls": [{"index": 0, "id": "t", "function": {}}]}),
        id="tool-call",
    ),
    pytest.param(_chunk({"content": "a"}, usage={"prompt_tokens": 1}), id="usage-with-text"),
    pytest.param(_chunk({"content": "a"}, system_fingerprint="fp-late"), id="late-fingerprint"),
    pytest.param(_chunk({"content": "a"}, id="c2", model="other"), id="other-id-and-model"),
    pytest.param(_chunk({}, choices=[{"index": 1, "delta": {"content": "a"}}]), id="index-1"),
    pytest.param(
        _chunk({}, choices=[{"index": 0, "delta": {"content": "a"}}] * 2), id="two-choices"
    ),
]


def _built(builder: ChunkBuilder, chunks: list[ChatCompletionChunk]) -> list[object]:
    out: list[object] = []
    try:
        for chunk in chunks:
            built = builder.build(chunk)
            out.append(None if built is None else built.message.model_dump())
    except ValueError as exc:
        out.append(f"ValueError: {exc}")
    out.append(builder.finish().message.model_dump())
    return out


@pytest.mark.parametrize("then", _PLAIN_THEN)
def test_the_plain_text_fast_path_builds_what_the_full_path_builds(
    then: ChatCompletionChunk,
) -> None:
    # Plain text first, so the fast path is taken; then a delta it must not swallow.
    chunks = [
        _chunk({"role": "assistant", "content": "Hel"}, system_fingerprint=None),
        _chunk({"content": "lo"}),
        then,
        _chunk({"content": " end"}),
    ]
    fast = _built(ChunkBuilder(model="gpt-oss-120b"), chunks)
    assert fast == _built(_FullPathBuilder(model="gpt-oss-120b"), chunks)


def test_plain_text_after_the_first_chunk_takes_the_fast_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    builder = ChunkBuilder(model="gpt-oss-120b")
    assert builder.build(_chunk({"role": "assistant", "content": "Hel"})) is not None

    def full_path(chunk: ChatCompletionChunk) -> None:
        raise AssertionError("plain text took the full path")

    monkeypatch.setattr(builder, "_build_any", full_path)
    built = builder.build(_chunk({"content": "lo"}))
    assert built is not None
    assert built.message.content == "lo"
    assert built.message.id == "c1"
