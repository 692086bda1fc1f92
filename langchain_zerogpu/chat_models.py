"""``ChatZeroGPU``: LangChain chat model on ZeroGPU's chat-completions route."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias, overload

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import (
    BaseChatModel,
    LangSmithParams,
    LanguageModelInput,
)
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableMap, RunnablePassthrough
from langchain_core.utils.function_calling import (
    convert_to_openai_function,
    convert_to_openai_tool,
)
from langchain_core.utils.pydantic import is_basemodel_subclass
from pydantic import Field, model_validator
from typing_extensions import Self

from langchain_zerogpu._connection import LangChainConnection
from langchain_zerogpu._errors import translating_errors
from langchain_zerogpu._messages import (
    PROVIDER,
    ChunkBuilder,
    completion_to_result,
    messages_to_dicts,
)
from langchain_zerogpu._profile import catalog_profile, warn_without_tool_calling
from zerogpu_core import catalog
from zerogpu_core._arguments import ArgumentPolicy
from zerogpu_core._inputs import check_messages, check_stop
from zerogpu_core.tool_calling import ToolChoiceInput, tool_choice_param, tool_names

if TYPE_CHECKING:
    # Annotations only: chatting alone never loads langchain_core.tools.
    from collections.abc import Callable

    from langchain_core.tools import BaseTool

    _TOOL_INPUT: TypeAlias = dict[str, Any] | type | Callable[..., Any] | BaseTool

__all__ = ["ChatZeroGPU"]

StructuredMethod = Literal["function_calling", "json_schema", "json_mode"]
# Per-call keyword arguments that configure this adapter rather than the request body.
_LOCAL_KWARGS = ("stream", "stream_usage")


class ChatZeroGPU(ArgumentPolicy, LangChainConnection, BaseChatModel):
    """ZeroGPU chat model.

    Connection settings (``api_key``, ``base_url``, ``timeout``, ``max_retries``, ...)
    are :class:`~zerogpu_core.ConnectionSettings` (``docs/guides/configuration.md``).

    Example:
        >>> from langchain_zerogpu import ChatZeroGPU
        >>> llm = ChatZeroGPU(model="gpt-oss-120b")  # key from ZEROGPU_API_KEY
        >>> llm.invoke("Name one prime number.").content  # doctest: +SKIP

    See ``docs/langchain/chat.md`` for tools, structured output, streaming,
    reasoning and errors; :meth:`batch_api` runs many inputs as one Batch API job.
    ``model_name``, ``openai_api_base``/``api_base`` and ``openai_api_key`` are
    accepted as in ``ChatOpenAI``; other unknown arguments go to ``model_kwargs``
    with a warning and are sent in the request body.
    """

    _unknown_arguments_into: ClassVar[str | None] = "model_kwargs"

    model: str = catalog.DEFAULT_CHAT_MODEL
    """Model id, exactly as the catalog spells it. The default can call tools."""
    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    stop: list[str] | str | None = None
    n: int | None = None
    """Number of choices (``invoke`` only; streaming needs a single choice)."""
    streaming: bool = False
    """Stream under the hood even for ``invoke`` (callbacks then get tokens)."""
    stream_usage: bool = True
    """Ask for token usage at the end of a stream."""
    reasoning_effort: Literal["minimal", "low", "medium", "high"] | None = None
    request_metadata: dict[str, Any] | None = None
    """ZeroGPU's per-model ``metadata`` body field (``metadata`` itself is LangChain's
    tracing metadata)."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Other body fields, sent as given."""
    extra_body: dict[str, Any] | None = None
    """Body fields merged in last (as in ``ChatOpenAI``), e.g. undocumented options."""

    @model_validator(mode="after")
    def _validate(self) -> Self:
        catalog.check_model(self.model, "chat", owner="ChatZeroGPU")
        clashes = sorted(set(self.model_kwargs) & (set(type(self).model_fields) | {"metadata"}))
        if clashes:
            raise ValueError(
                f"model_kwargs {clashes} duplicate ChatZeroGPU fields; pass them directly "
                "(ZeroGPU's body 'metadata' is the request_metadata field)."
            )
        if self.profile is None:
            self.profile = catalog_profile(self.model)
        return self

    @property
    def _llm_type(self) -> str:
        return "zerogpu-chat"

    @classmethod
    def is_lc_serializable(cls) -> bool:
        return True

    @property
    def lc_secrets(self) -> dict[str, str]:
        return {"api_key": "ZEROGPU_API_KEY"}

    @property
    def _default_params(self) -> dict[str, Any]:
        """Body fields set on the instance (unset ones are left to the server)."""
        params: dict[str, Any] = {
            "model": self.model,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "top_p": self.top_p,
            "n": self.n,
            "stop": self.stop,
            "reasoning_effort": self.reasoning_effort,
            "metadata": self.request_metadata,
            **self.model_kwargs,
            **(self.extra_body or {}),
        }
        return {k: v for k, v in params.items() if v is not None}

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return self._default_params

    def get_num_tokens(self, text: str) -> int:
        """An estimate (about 3 characters per token, 1 per CJK character), no download.

        ZeroGPU publishes no tokenizer; the estimate errs high, which is the safe side
        for context budgets. Pass ``custom_get_token_ids`` for exact counts.
        """
        if self.custom_get_token_ids is not None:
            return len(self.custom_get_token_ids(text))
        # Imported here, like the Batch API below: chatting alone never loads the
        # task helpers (zerogpu_core.tasks), the Batch runner or tqdm.
        from zerogpu_core.tasks.chunking import estimate_tokens

        return estimate_tokens(text)

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        # The first hook LangChain calls with a per-call stop: check it before use.
        check_stop(stop, owner="ChatZeroGPU")

        # The four fields LangSmith reads, merged as _default_params merges them (field,
        # model_kwargs, extra_body, then the call), without building the whole body.
        def param(name: str) -> Any:
            value = getattr(self, name)
            for source in (self.model_kwargs, self.extra_body or {}):
                value = source.get(name, value)
            return kwargs.get(name, value)

        ls_params = LangSmithParams(
            ls_provider=PROVIDER, ls_model_name=str(param("model")), ls_model_type="chat"
        )
        if (temperature := param("temperature")) is not None:
            ls_params["ls_temperature"] = temperature
        if (max_tokens := param("max_tokens")) is not None:
            ls_params["ls_max_tokens"] = max_tokens
        stops = stop or param("stop")
        if stops:
            ls_params["ls_stop"] = [stops] if isinstance(stops, str) else list(stops)
        return ls_params

    def _body(
        self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        """The request body: instance defaults, then per-call overrides."""
        overrides = {k: v for k, v in kwargs.items() if k not in _LOCAL_KWARGS}
        if "request_metadata" in overrides:
            overrides["metadata"] = overrides.pop("request_metadata")
        wire_messages = messages_to_dicts(messages)
        check_messages(wire_messages, owner="ChatZeroGPU", argument="input")
        body = {**self._default_params, **overrides, "messages": wire_messages}
        if stop is not None:
            body["stop"] = stop
        if not body.get("stop"):
            body.pop("stop", None)  # an empty list means "no stop sequences"
        return body

    def _stream_body(
        self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        body = self._body(messages, stop, kwargs)
        if body.get("n", 1) > 1:
            raise ValueError("Streaming returns a single choice; unset n or call invoke().")
        body["stream_options"] = {"include_usage": kwargs.get("stream_usage", self.stream_usage)}
        return body

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        body = self._body(messages, stop, kwargs)
        with translating_errors():
            completion = self._clients().sync.chat_completion(body)
        return completion_to_result(completion, model=body["model"])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        body = self._body(messages, stop, kwargs)
        with translating_errors():
            completion = await self._clients().async_client().chat_completion(body)
        return completion_to_result(completion, model=body["model"])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        body = self._stream_body(messages, stop, kwargs)
        builder = ChunkBuilder(model=body["model"])
        with translating_errors():
            for wire_chunk in self._clients().sync.stream_chat_completion(body):
                if (chunk := builder.build(wire_chunk)) is not None:
                    yield chunk
        yield builder.finish()

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        body = self._stream_body(messages, stop, kwargs)
        builder = ChunkBuilder(model=body["model"])
        with translating_errors():
            async for wire_chunk in self._clients().async_client().stream_chat_completion(body):
                if (chunk := builder.build(wire_chunk)) is not None:
                    yield chunk
        yield builder.finish()

    @overload
    def batch_api(
        self,
        inputs: Sequence[LanguageModelInput],
        *,
        return_exceptions: Literal[False] = False,
        **kwargs: Any,
    ) -> list[AIMessage]: ...

    @overload
    def batch_api(
        self,
        inputs: Sequence[LanguageModelInput],
        *,
        return_exceptions: Literal[True],
        **kwargs: Any,
    ) -> list[AIMessage | Exception]: ...

    def batch_api(
        self,
        inputs: Sequence[LanguageModelInput],
        *,
        per_input_kwargs: Sequence[Mapping[str, Any]] | None = None,
        state_path: str | os.PathLike[str] | None = None,
        poll_interval: float = 5.0,
        show_progress: bool = False,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[AIMessage] | list[AIMessage | Exception]:
        """Run ``inputs`` as one Batch API job: discounted, done within 24 h, blocking.

        Unlike ``batch`` (concurrent requests, seconds), this uploads one JSONL file
        and polls until the job ends, so use it for large offline workloads.
        Callbacks are not called for the inputs.

        Example:
            >>> llm.batch_api(["Say hi", "Say bye"], state_path="job.json")  # doctest: +SKIP
            [AIMessage(content='Hi!', ...), AIMessage(content='Bye!', ...)]

        Args:
            inputs: prompts as for ``invoke`` (strings, message lists, prompt values).
            per_input_kwargs: one mapping of request fields per input, over ``kwargs``.
            state_path: the job's state file; if it exists, that job is resumed (the
                inputs must be the same) instead of submitted again.
            poll_interval: first delay between status polls, in seconds (it grows).
            show_progress: show a progress bar while waiting.
            return_exceptions: put a failed input's exception at its position
                instead of raising.
            **kwargs: request fields for every input (``stop``, ``max_tokens``, ...).

        Raises:
            BatchTransformError: when inputs failed; ``.results`` holds the finished
                messages (``None`` where failed), ``.failures`` index, custom id and
                cause (a ``BatchItemError``) of each failure.
            ValueError: for a streaming request or mismatched ``per_input_kwargs``.
        """
        from langchain_zerogpu._batch import ChatBatchJob

        job = ChatBatchJob(self, state_path, poll_interval, show_progress, return_exceptions)
        return job.run(inputs, per_input_kwargs, kwargs)

    @overload
    async def abatch_api(
        self,
        inputs: Sequence[LanguageModelInput],
        *,
        return_exceptions: Literal[False] = False,
        **kwargs: Any,
    ) -> list[AIMessage]: ...

    @overload
    async def abatch_api(
        self,
        inputs: Sequence[LanguageModelInput],
        *,
        return_exceptions: Literal[True],
        **kwargs: Any,
    ) -> list[AIMessage | Exception]: ...

    async def abatch_api(
        self,
        inputs: Sequence[LanguageModelInput],
        *,
        per_input_kwargs: Sequence[Mapping[str, Any]] | None = None,
        state_path: str | os.PathLike[str] | None = None,
        poll_interval: float = 5.0,
        show_progress: bool = False,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[AIMessage] | list[AIMessage | Exception]:
        """Async :meth:`batch_api` (polls with ``asyncio.sleep``)."""
        from langchain_zerogpu._batch import ChatBatchJob

        job = ChatBatchJob(self, state_path, poll_interval, show_progress, return_exceptions)
        return await job.arun(inputs, per_input_kwargs, kwargs)

    def bind_tools(
        self,
        tools: Sequence[_TOOL_INPUT],
        *,
        tool_choice: ToolChoiceInput = None,
        parallel_tool_calls: bool | None = None,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Offer tools to the model.

        Args:
            tools: LangChain tools, functions, pydantic models, TypedDicts or
                OpenAI-style tool dicts.
            tool_choice: ``"auto"``, ``"none"``, ``"any"``/``"required"``/``True``,
                a tool name, or ``{"type": "function", "function": {"name": ...}}``.
            parallel_tool_calls: allow several tool calls in one answer.
            strict: ask the server to follow each tool's schema exactly.
            **kwargs: other request fields to bind.
        """
        warn_without_tool_calling(self.model)
        formatted = [convert_to_openai_tool(tool, strict=strict) for tool in tools]
        names = tool_names(formatted)
        choice = tool_choice_param(tool_choice, names)
        if choice is not None:
            kwargs["tool_choice"] = choice
        if parallel_tool_calls is not None:
            kwargs["parallel_tool_calls"] = parallel_tool_calls
        return super().bind(tools=formatted, **kwargs)

    def with_structured_output(
        self,
        schema: dict[str, Any] | type,
        *,
        method: StructuredMethod = "function_calling",
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | Any]:
        """A runnable that returns ``schema``-shaped output.

        Args:
            schema: a pydantic class, TypedDict, JSON Schema or OpenAI tool dict.
            method: ``"function_calling"`` (a forced tool call), ``"json_schema"``
                (``response_format`` with the schema) or ``"json_mode"``
                (``response_format`` ``json_object``; say "JSON" in the prompt).
            include_raw: return ``{"raw", "parsed", "parsing_error"}`` instead of
                raising on unparsable output.
            strict: ask the server to follow the schema exactly (not for json_mode).
        """
        # The parsers (and langchain_core.tools under them) load here, not with the
        # class: plain chat does not need them.
        from langchain_core.output_parsers import (
            JsonOutputKeyToolsParser,
            JsonOutputParser,
            PydanticOutputParser,
            PydanticToolsParser,
        )

        if kwargs:
            raise ValueError(f"Unsupported with_structured_output arguments: {sorted(kwargs)}")
        if method == "json_mode" and strict is not None:
            raise ValueError("strict applies to 'function_calling' and 'json_schema' only.")
        ls_format = {"kwargs": {"method": method, "strict": strict}, "schema": schema}
        is_pydantic = isinstance(schema, type) and is_basemodel_subclass(schema)
        if method == "function_calling":
            llm = self._forced_tool(schema, strict, ls_format)
            parser: Runnable[Any, Any] = (
                PydanticToolsParser(tools=[schema], first_tool_only=True)
                if is_pydantic
                else JsonOutputKeyToolsParser(
                    key_name=convert_to_openai_tool(schema)["function"]["name"],
                    first_tool_only=True,
                )
            )
        elif method in ("json_schema", "json_mode"):
            llm = self.bind(
                response_format=_response_format(schema, method, strict),
                ls_structured_output_format=ls_format,
            )
            parser = (
                PydanticOutputParser(pydantic_object=schema) if is_pydantic else JsonOutputParser()
            )
        else:
            raise ValueError(
                f"method must be 'function_calling', 'json_schema' or 'json_mode', got {method!r}"
            )
        if not include_raw:
            return llm | parser
        parsed = RunnablePassthrough.assign(
            parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
        )
        fallback = RunnablePassthrough.assign(parsed=lambda _: None)
        return RunnableMap(raw=llm) | parsed.with_fallbacks(
            [fallback], exception_key="parsing_error"
        )

    def _forced_tool(
        self, schema: dict[str, Any] | type, strict: bool | None, ls_format: dict[str, Any]
    ) -> Runnable[LanguageModelInput, AIMessage]:
        name = convert_to_openai_tool(schema)["function"]["name"]
        return self.bind_tools(
            [schema],
            tool_choice=name,
            parallel_tool_calls=False,
            strict=strict,
            ls_structured_output_format=ls_format,
        )


def _response_format(
    schema: dict[str, Any] | type, method: StructuredMethod, strict: bool | None
) -> dict[str, Any]:
    if method == "json_mode":
        return {"type": "json_object"}
    # Loaded when structured output is first asked for: plain chat never uses it.
    from zerogpu_core.structured_output import json_schema_response_format

    function = convert_to_openai_function(schema, strict=strict)
    return json_schema_response_format(function["parameters"], name=function["name"], strict=strict)
