"""Request bodies, validated before anything is sent.

Only the fields whose misuse we can detect locally are typed; everything else
(including fields the contract does not list) passes through unchanged, because the
live API is the judge of what it accepts.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "ChatCompletionRequest",
    "ResponseFormat",
    "ResponseRequest",
]

MAX_INPUT_CHARS = 131_072


class _Body(BaseModel):
    # Bodies hold prompts; a validation error must not quote them.
    model_config = ConfigDict(extra="allow", hide_input_in_errors=True)

    def to_body(self) -> dict[str, Any]:
        """The JSON body: unset fields are omitted, extra fields kept."""
        # model_dump(exclude_none=True, by_alias=True) without its Python wrapper,
        # which costs half as much again as the dump itself (on every request).
        body: dict[str, Any] = type(self).__pydantic_serializer__.to_python(
            self, exclude_none=True, by_alias=True
        )
        return body


class JSONSchemaFormat(BaseModel):
    """``response_format.json_schema``."""

    model_config = ConfigDict(extra="allow", hide_input_in_errors=True)

    name: str
    schema_: dict[str, Any] = Field(alias="schema")
    description: str | None = None
    strict: bool | None = None


class ResponseFormat(BaseModel):
    """``response_format``: ``text``, ``json_object`` or ``json_schema``."""

    model_config = ConfigDict(extra="allow", hide_input_in_errors=True)

    type: Literal["text", "json_object", "json_schema"]
    json_schema: JSONSchemaFormat | None = None

    @model_validator(mode="after")
    def _schema_required(self) -> ResponseFormat:
        if self.type == "json_schema" and self.json_schema is None:
            raise ValueError("response_format type 'json_schema' needs a 'json_schema' object")
        return self


class ChatCompletionRequest(_Body):
    """Body of ``POST /v1/chat/completions`` (seed S5 field list plus ZeroGPU's own)."""

    model: str = Field(min_length=1)
    messages: list[dict[str, Any]] = Field(min_length=1)
    metadata: dict[str, Any] | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0)
    top_p: float | None = Field(default=None, ge=0, le=1)
    n: int | None = Field(default=None, ge=1)
    stop: str | list[str] | None = None
    stream: bool | None = None
    stream_options: dict[str, Any] | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = Field(default=None, ge=0)
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    logit_bias: dict[str, int] | None = None
    reasoning_effort: Literal["minimal", "low", "medium", "high"] | None = None
    user: str | None = None

    @field_validator("messages")
    @classmethod
    def _check_messages(cls, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for position, message in enumerate(messages):
            if not isinstance(message.get("role"), str):
                raise ValueError(f"messages[{position}] has no 'role'")
            content = message.get("content")
            if isinstance(content, str) and len(content) > MAX_INPUT_CHARS:
                raise ValueError(
                    f"messages[{position}].content has {len(content)} characters; the API "
                    f"accepts at most {MAX_INPUT_CHARS}. Split the text into chunks."
                )
        return messages

    @field_validator("tool_choice")
    @classmethod
    def _check_tool_choice(cls, value: str | dict[str, Any] | None) -> str | dict[str, Any] | None:
        if isinstance(value, str) and value not in ("auto", "none", "required"):
            raise ValueError(
                f"tool_choice must be 'auto', 'none', 'required' or a function object, "
                f"got {value!r}"
            )
        return value

    @model_validator(mode="after")
    def _tool_choice_needs_tools(self) -> ChatCompletionRequest:
        if self.tool_choice not in (None, "none", "auto") and not self.tools:
            raise ValueError(f"tool_choice={self.tool_choice!r} was given without any tools")
        return self


class ResponseRequest(_Body):
    """Body of ``POST /v1/responses``: one string ``input``."""

    model: str = Field(min_length=1)
    input: str | list[dict[str, Any]]
    instructions: str | None = None
    metadata: dict[str, Any] | None = None
    max_tokens: int | None = Field(default=None, ge=1)

    @field_validator("input")
    @classmethod
    def _check_input(cls, value: str | list[dict[str, Any]]) -> str | list[dict[str, Any]]:
        # A message list is what older docs show; the current spec wants a string.
        if not value:
            raise ValueError("input must not be empty")
        if isinstance(value, str) and len(value) > MAX_INPUT_CHARS:
            raise ValueError(
                f"input has {len(value)} characters; the API accepts at most "
                f"{MAX_INPUT_CHARS}. Split the text into chunks."
            )
        return value
