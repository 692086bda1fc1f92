"""Chat-completions wire models: requests' tool calls, responses and stream chunks."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, field_validator

from zerogpu_core._reasoning import split_think_blocks
from zerogpu_core.types._base import ResponseModel, WireModel
from zerogpu_core.types.usage import Usage

__all__ = [
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionMessage",
    "Choice",
    "ChoiceDelta",
    "ChunkChoice",
    "FunctionCall",
    "FunctionCallDelta",
    "ToolCall",
    "ToolCallDelta",
]


def _arguments_as_text(value: object) -> object:
    # Some OpenAI-compatible servers send arguments as an object; keep non-ASCII as is.
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


class FunctionCall(WireModel):
    """The function half of a tool call; ``arguments`` is a JSON string."""

    name: str
    arguments: str = ""

    _coerce = field_validator("arguments", mode="before")(_arguments_as_text)

    def parsed_arguments(self) -> dict[str, Any]:
        """The arguments as a dict (empty for an empty string).

        Raises:
            ValueError: when the arguments are not a JSON object.
        """
        if not self.arguments.strip():
            return {}
        try:
            value = json.loads(self.arguments)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"Tool {self.name!r} arguments are not valid JSON: {self.arguments!r}"
            ) from exc
        if not isinstance(value, dict):
            raise ValueError(f"Tool {self.name!r} arguments are not a JSON object: {value!r}")
        return value


class ToolCall(WireModel):
    """A complete tool call in an assistant message."""

    id: str
    type: str = "function"
    function: FunctionCall


class ChatCompletionMessage(WireModel):
    """The assistant message of one choice.

    The reasoning trace can arrive as ``reasoning`` (ZeroGPU), ``reasoning_content``
    (other OpenAI-compatible servers) or inline ``<think>`` blocks; use
    :attr:`answer` and :attr:`reasoning_text` to read them uniformly.
    """

    role: str = "assistant"
    content: str | None = None
    reasoning: str | None = None
    reasoning_content: str | None = None
    refusal: str | None = None
    tool_calls: list[ToolCall] = Field(default_factory=list)

    @field_validator("tool_calls", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value

    @property
    def answer(self) -> str:
        """The answer text with inline think blocks removed."""
        return self.answer_and_reasoning()[0]

    @property
    def reasoning_text(self) -> str | None:
        """The reasoning trace from whichever place the server put it, else ``None``."""
        return self.answer_and_reasoning()[1]

    def answer_and_reasoning(self) -> tuple[str, str | None]:
        """:attr:`answer` and :attr:`reasoning_text` from one pass over the content
        (adapters that need both call this instead of the two properties)."""
        answer, inline = split_think_blocks(self.content or "")
        return answer, (self.reasoning or self.reasoning_content or inline or None)


class Choice(WireModel):
    """One completion choice."""

    index: int = 0
    message: ChatCompletionMessage
    finish_reason: str | None = None
    logprobs: dict[str, Any] | None = None


class ChatCompletion(ResponseModel):
    """A ``chat.completion`` object; ``created`` or ``created_at`` may be present."""

    id: str = ""
    object: str = "chat.completion"
    created: int | None = None
    created_at: int | None = None
    model: str = ""
    choices: list[Choice] = Field(default_factory=list)
    usage: Usage | None = None
    system_fingerprint: str | None = None
    service_tier: str | None = None

    @property
    def created_time(self) -> int | None:
        """Creation time in epoch seconds, whichever key the server used."""
        return self.created if self.created is not None else self.created_at

    @property
    def message(self) -> ChatCompletionMessage:
        """The first choice's message.

        Raises:
            ValueError: when the server returned no choices.
        """
        if not self.choices:
            raise ValueError(f"Chat completion {self.id!r} has no choices")
        return self.choices[0].message


class FunctionCallDelta(WireModel):
    """A piece of a streamed function call."""

    name: str | None = None
    arguments: str | None = None

    _coerce = field_validator("arguments", mode="before")(_arguments_as_text)


class ToolCallDelta(WireModel):
    """A piece of a streamed tool call.

    The client fills ``index`` in when the server left it out (see
    ``zerogpu_core.streaming``), so consumers can always merge by index.
    """

    index: int | None = None
    id: str | None = None
    type: str | None = None
    function: FunctionCallDelta | None = None


class ChoiceDelta(WireModel):
    """What one chunk adds to a choice."""

    role: str | None = None
    content: str | None = None
    reasoning: str | None = None
    reasoning_content: str | None = None
    refusal: str | None = None
    tool_calls: list[ToolCallDelta] = Field(default_factory=list)

    @field_validator("tool_calls", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value


class ChunkChoice(WireModel):
    """One choice in a stream chunk."""

    index: int = 0
    delta: ChoiceDelta = Field(default_factory=ChoiceDelta)
    finish_reason: str | None = None
    logprobs: dict[str, Any] | None = None


class ChatCompletionChunk(ResponseModel):
    """A ``chat.completion.chunk`` from a stream (or a whole completion as one chunk)."""

    id: str = ""
    object: Literal["chat.completion.chunk"] | str = "chat.completion.chunk"
    created: int | None = None
    model: str = ""
    choices: list[ChunkChoice] = Field(default_factory=list)
    usage: Usage | None = None
    system_fingerprint: str | None = None
