"""``ZeroGPU``: the ZeroGPU chat models as a LlamaIndex function-calling LLM."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from llama_index.core.base.llms.generic_utils import (
    achat_to_completion_decorator,
    astream_chat_to_completion_decorator,
    chat_to_completion_decorator,
    stream_chat_to_completion_decorator,
)
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.bridge.pydantic import Field, field_validator
from llama_index.core.constants import DEFAULT_CONTEXT_WINDOW, DEFAULT_NUM_OUTPUTS
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.function_calling import FunctionCallingLLM
from llama_index.core.llms.llm import ToolSelection
from llama_index.core.prompts import PromptTemplate
from llama_index.core.types import Model, PydanticProgramMode

from llama_index_zerogpu._messages import (
    StreamState,
    completion_to_chat_response,
    to_wire_messages,
    tool_selections,
    tool_to_wire,
)
from zerogpu_core import catalog
from zerogpu_core._arguments import ArgumentPolicy
from zerogpu_core.client_cache import ZeroGPUConnection
from zerogpu_core.tool_calling import ToolChoiceInput, tool_choice_param, tool_names

if TYPE_CHECKING:
    from llama_index.core.program.utils import FlexibleModel
    from llama_index.core.tools.types import BaseTool

__all__ = ["ZeroGPU"]


class ZeroGPU(ArgumentPolicy, ZeroGPUConnection, FunctionCallingLLM):
    """ZeroGPU chat models (``/v1/chat/completions``) for LlamaIndex.

    Example:
        >>> from llama_index_zerogpu import ZeroGPU
        >>> llm = ZeroGPU(model="gpt-oss-120b")  # key from ZEROGPU_API_KEY
        >>> llm.complete("Name one moon of Mars.").text  # doctest: +SKIP

    Reasoning traces become a ``ThinkingBlock`` (and
    ``additional_kwargs["reasoning_content"]``), never part of the answer text.
    ``api_base`` and ``model_name`` are accepted as in ``OpenAILike``; any other
    unknown argument is an error (request fields go in ``additional_kwargs``).
    Guide: ``docs/llama_index/llm.md``.
    """

    _argument_hint: ClassVar[str] = "Request body fields go in additional_kwargs={...}."
    # OpenAILike users pass it; every ZeroGPU model here is used as a chat model.
    _fixed_arguments: ClassVar[dict[str, Any]] = {"is_chat_model": True}
    _ignored_arguments: ClassVar[frozenset[str]] = frozenset({"class_name"})

    model: str = Field(
        default=catalog.DEFAULT_CHAT_MODEL,
        description="ZeroGPU model id; the default can call tools (FunctionAgent works).",
    )
    temperature: float | None = Field(default=None, ge=0, description="Sampling temperature.")
    max_tokens: int | None = Field(default=None, ge=1, description="Cap on generated tokens.")
    additional_kwargs: dict[str, Any] = Field(
        default_factory=dict, description="Extra request body fields sent with every call."
    )
    context_window: int | None = Field(
        default=None, gt=0, description="Overrides the catalog's input token limit."
    )
    is_function_calling_model: bool | None = Field(
        default=None, description="Overrides the catalog's function-calling flag."
    )
    structured_output_method: Literal["prompt", "json_schema"] = Field(
        default="prompt",
        description=(
            "For models without function calling: 'prompt' asks for JSON in the prompt "
            "and parses it; 'json_schema' also sends a JSON-schema response_format."
        ),
    )

    @field_validator("model")
    @classmethod
    def _chat_capable(cls, model: str) -> str:
        catalog.check_model(model, "chat", owner="ZeroGPU")
        return model

    @classmethod
    def class_name(cls) -> str:
        return "ZeroGPU_LLM"

    @property
    def metadata(self) -> LLMMetadata:
        # LlamaIndex reads this on every call (its callback payload): one catalog lookup.
        info = catalog.find_model(self.model)
        default_window = info.input_token_limit if info else DEFAULT_CONTEXT_WINDOW
        return LLMMetadata(
            context_window=self.context_window or default_window,
            num_output=self.max_tokens or DEFAULT_NUM_OUTPUTS,
            is_chat_model=True,
            is_function_calling_model=self._function_calling(info),
            model_name=self.model,
        )

    def _function_calling(self, info: catalog.ModelInfo | None = None) -> bool:
        """The override if set, else the catalog's flag (``info``: the model's entry,
        when the caller already looked it up)."""
        if self.is_function_calling_model is not None:
            return self.is_function_calling_model
        info = info or catalog.find_model(self.model)
        return bool(info and info.function_calling)

    def _body(self, messages: Sequence[ChatMessage], kwargs: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "messages": to_wire_messages(messages)}
        if self.temperature is not None:
            body["temperature"] = self.temperature
        if self.max_tokens is not None:
            body["max_tokens"] = self.max_tokens
        return {**body, **self.additional_kwargs, **kwargs}

    # -- chat and completion --------------------------------------------------------

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        return self._chat(messages, **kwargs)

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        return self._stream_chat(messages, **kwargs)

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return chat_to_completion_decorator(self._chat)(prompt, **kwargs)

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        return stream_chat_to_completion_decorator(self._stream_chat)(prompt, **kwargs)

    @llm_chat_callback()
    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        return await self._achat(messages, **kwargs)

    @llm_chat_callback()
    async def astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        return await self._astream_chat(messages, **kwargs)

    @llm_completion_callback()
    async def acomplete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponse:
        return await achat_to_completion_decorator(self._achat)(prompt, **kwargs)

    @llm_completion_callback()
    async def astream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseAsyncGen:
        return await astream_chat_to_completion_decorator(self._astream_chat)(prompt, **kwargs)

    # The public methods above carry the callbacks; these undecorated bodies are what
    # complete() reuses, so one call is never counted twice.
    def _chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        completion = self._clients().sync.chat_completion(self._body(messages, kwargs))
        return completion_to_chat_response(completion)

    def _stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        body = self._body(messages, kwargs)
        client = self._clients().sync

        def gen() -> ChatResponseGen:
            state = StreamState()
            for chunk in client.stream_chat_completion(body):
                if (response := state.add(chunk)) is not None:
                    yield response
            if (response := state.finish()) is not None:
                yield response

        return gen()

    async def _achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        client = self._clients().async_client()
        completion = await client.chat_completion(self._body(messages, kwargs))
        return completion_to_chat_response(completion)

    async def _astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        body = self._body(messages, kwargs)
        client = self._clients().async_client()

        async def gen() -> ChatResponseAsyncGen:
            state = StreamState()
            async for chunk in client.stream_chat_completion(body):
                if (response := state.add(chunk)) is not None:
                    yield response
            if (response := state.finish()) is not None:
                yield response

        return gen()

    # -- tools ------------------------------------------------------------------------

    def _prepare_chat_with_tools(
        self,
        tools: Sequence[BaseTool],
        user_msg: str | ChatMessage | None = None,
        chat_history: list[ChatMessage] | None = None,
        verbose: bool = False,
        allow_parallel_tool_calls: bool = False,
        tool_required: bool = False,
        tool_choice: ToolChoiceInput = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Chat arguments with ``tools``; copies ``chat_history`` rather than appending."""
        messages = list(chat_history or [])
        if isinstance(user_msg, str):
            user_msg = ChatMessage(role=MessageRole.USER, content=user_msg)
        if user_msg is not None:
            messages.append(user_msg)
        specs = [tool_to_wire(tool) for tool in tools]
        choice = tool_choice_param(tool_choice, tool_names(specs), required=tool_required)
        chat_kwargs: dict[str, Any] = {"messages": messages, **kwargs}
        if specs:
            chat_kwargs.update(
                tools=specs, tool_choice=choice, parallel_tool_calls=allow_parallel_tool_calls
            )
        return chat_kwargs

    def get_tool_calls_from_response(
        self, response: ChatResponse, error_on_no_tool_call: bool = True, **kwargs: Any
    ) -> list[ToolSelection]:
        """The response's tool calls with parsed arguments.

        Raises:
            ValueError: when there is no tool call and ``error_on_no_tool_call`` is
                set, or when a call's arguments are not a JSON object.
        """
        selections = tool_selections(response.message)
        if not selections and error_on_no_tool_call:
            raise ValueError(
                f"Expected {self.model} to call a tool, but it answered with text: "
                f"{(response.message.content or '')[:200]!r}"
            )
        return selections

    # -- structured output ---------------------------------------------------------------

    def structured_predict(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Model:
        kwargs = self._structured_kwargs(output_cls, llm_kwargs)
        result: Model = super().structured_predict(output_cls, prompt, kwargs, **prompt_args)
        return result

    async def astructured_predict(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Model:
        kwargs = self._structured_kwargs(output_cls, llm_kwargs)
        result: Model = await super().astructured_predict(output_cls, prompt, kwargs, **prompt_args)
        return result

    def stream_structured_predict(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Generator[Model | FlexibleModel, None, None]:
        kwargs = self._structured_kwargs(output_cls, llm_kwargs)
        return super().stream_structured_predict(output_cls, prompt, kwargs, **prompt_args)

    async def astream_structured_predict(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> AsyncGenerator[Model | FlexibleModel, None]:
        kwargs = self._structured_kwargs(output_cls, llm_kwargs)
        return await super().astream_structured_predict(output_cls, prompt, kwargs, **prompt_args)

    def _structured_kwargs(
        self, output_cls: type[Model], llm_kwargs: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Adds the JSON-schema ``response_format`` when it is asked for and the
        prompt-and-parse program (not tool calling) will run."""
        kwargs = dict(llm_kwargs or {})
        mode = self.pydantic_program_mode
        text_program = mode == PydanticProgramMode.LLM or (
            mode == PydanticProgramMode.DEFAULT and not self._function_calling()
        )
        if text_program and self.structured_output_method == "json_schema":
            # Loaded when structured output is first asked for: plain chat never uses it.
            from zerogpu_core.structured_output import json_schema_response_format

            schema = output_cls.model_json_schema()
            kwargs.setdefault("response_format", json_schema_response_format(schema))
        return kwargs
