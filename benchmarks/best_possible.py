"""The best any framework integration can do: the framework's own machinery over bare httpx.

These classes do no validation, retries, error mapping or reasoning handling; they
post, decode the JSON and build the same framework objects ours build (the same
content, ids, usage and response metadata: ``tests/test_benchmark_fairness.py``
compares them). The gap between them and our classes is what our own code costs on
top of the framework.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
from httpx_sse import EventSource
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    CompletionResponse,
    LLMMetadata,
)
from llama_index.core.llms.callbacks import llm_chat_callback
from llama_index.core.llms.custom import CustomLLM
from pydantic import ConfigDict, PrivateAttr

__all__ = ["BareLangChainChat", "BareLlamaIndexLLM"]


_PROVIDER = "zerogpu"


def _usage(usage: dict[str, Any] | None) -> UsageMetadata | None:
    if not usage:
        return None
    return UsageMetadata(
        input_tokens=usage.get("prompt_tokens", 0),
        output_tokens=usage.get("completion_tokens", 0),
        total_tokens=usage.get("total_tokens", 0),
    )


def _metadata(body: dict[str, Any], finish_reason: Any, request_id: str | None) -> dict[str, Any]:
    metadata = {
        "model_name": body.get("model"),
        "model_provider": _PROVIDER,
        "finish_reason": finish_reason,
        "id": body.get("id"),
        "system_fingerprint": body.get("system_fingerprint"),
    }
    if request_id:
        metadata["request_id"] = request_id
    return metadata


def _line_payloads(response: httpx.Response) -> Iterator[dict[str, Any]]:
    """The ``data:`` lines of an SSE body as JSON, the quickest way (not the SSE spec:
    it misreads multi-line data, CR line ends and U+2028 inside a payload)."""
    for line in response.iter_lines():
        if line.startswith("data: ") and line != "data: [DONE]":
            yield json.loads(line[6:])


def _sse_payloads(response: httpx.Response) -> Iterator[dict[str, Any]]:
    """The events of an SSE body as JSON, parsed to the spec by ``httpx-sse`` (the
    parser ours uses)."""
    for event in EventSource(response).iter_sse():
        if event.data != "[DONE]":
            yield json.loads(event.data)


class BareLangChainChat(BaseChatModel):
    """``BaseChatModel`` over one bare ``httpx`` POST (or SSE read) per call.

    ``sse_parser=True`` reads the stream with ``httpx-sse`` instead of splitting lines.
    """

    model: str
    base_url: str
    api_key: str
    sse_parser: bool = False
    model_config = ConfigDict(arbitrary_types_allowed=True)
    _http: httpx.Client = PrivateAttr(default_factory=httpx.Client)

    @property
    def _llm_type(self) -> str:
        return "bare-httpx"

    def _post(self, messages: list[BaseMessage], **extra: Any) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": [{"role": "user", "content": m.content} for m in messages],
            **extra,
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        response = self._http.post(
            f"{self.base_url}/chat/completions",
            json=self._post(messages),
            headers={"x-api-key": self.api_key},
        )
        body = response.raise_for_status().json()
        choice = body["choices"][0]
        request_id = response.headers.get("x-request-id")
        message = AIMessage(
            content=choice["message"].get("content") or "",
            usage_metadata=_usage(body.get("usage")),
            response_metadata=_metadata(body, choice.get("finish_reason"), request_id),
            id=body.get("id"),
        )
        llm_output = {"model_name": body.get("model"), "token_usage": body.get("usage")}
        return ChatResult(generations=[ChatGeneration(message=message)], llm_output=llm_output)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        body = self._post(messages, stream=True, stream_options={"include_usage": True})
        first: dict[str, Any] = {}
        usage, finish_reason = None, None
        with self._http.stream(
            "POST",
            f"{self.base_url}/chat/completions",
            json=body,
            headers={"x-api-key": self.api_key},
        ) as response:
            request_id = response.headers.get("x-request-id")
            payloads = _sse_payloads if self.sse_parser else _line_payloads
            for payload in payloads(response):
                first = first or payload
                usage = payload.get("usage") or usage
                choices = payload.get("choices")
                if not choices:
                    continue
                finish_reason = choices[0].get("finish_reason") or finish_reason
                if text := choices[0].get("delta", {}).get("content"):
                    message = AIMessageChunk(
                        content=text,
                        response_metadata={"model_provider": _PROVIDER},
                        id=first.get("id"),
                    )
                    yield ChatGenerationChunk(message=message)
        last = AIMessageChunk(
            content="",
            usage_metadata=_usage(usage),
            response_metadata=_metadata(first, finish_reason, request_id),
            id=first.get("id"),
            chunk_position="last",
        )
        yield ChatGenerationChunk(message=last)


class BareLlamaIndexLLM(CustomLLM):
    """LlamaIndex ``CustomLLM`` whose ``chat`` is one bare ``httpx`` POST."""

    model: str
    base_url: str
    api_key: str
    _http: httpx.Client = PrivateAttr(default_factory=httpx.Client)

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name=self.model, is_chat_model=True)

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        response = self._http.post(
            f"{self.base_url}/chat/completions",
            json={
                "model": self.model,
                "messages": [{"role": m.role.value, "content": m.content} for m in messages],
            },
            headers={"x-api-key": self.api_key},
        )
        body = response.raise_for_status().json()
        message = body["choices"][0]["message"]
        return ChatResponse(
            message=ChatMessage(role="assistant", content=message.get("content") or ""),
            raw=body,
            additional_kwargs=dict(body.get("usage") or {}),
        )

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        raise NotImplementedError

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> Any:
        raise NotImplementedError
