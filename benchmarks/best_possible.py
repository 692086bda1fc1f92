"""The best any framework integration can do: the framework's own machinery over bare httpx.

These classes do no validation, retries, error mapping or reasoning handling; they
post, decode the JSON and build the same framework objects ours build. The gap
between them and our classes is what our own code costs on top of the framework.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
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


def _usage(usage: dict[str, Any] | None) -> UsageMetadata | None:
    if not usage:
        return None
    return UsageMetadata(
        input_tokens=usage.get("prompt_tokens", 0),
        output_tokens=usage.get("completion_tokens", 0),
        total_tokens=usage.get("total_tokens", 0),
    )


class BareLangChainChat(BaseChatModel):
    """``BaseChatModel`` over one bare ``httpx`` POST (or SSE read) per call."""

    model: str
    base_url: str
    api_key: str
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
        message = AIMessage(
            content=choice["message"].get("content") or "",
            usage_metadata=_usage(body.get("usage")),
            response_metadata={
                "model_name": body.get("model"),
                "finish_reason": choice.get("finish_reason"),
                "id": body.get("id"),
            },
            id=body.get("id"),
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        body = self._post(messages, stream=True, stream_options={"include_usage": True})
        usage = None
        with self._http.stream(
            "POST",
            f"{self.base_url}/chat/completions",
            json=body,
            headers={"x-api-key": self.api_key},
        ) as response:
            for line in response.iter_lines():
                if not line.startswith("data: ") or line == "data: [DONE]":
                    continue
                payload = json.loads(line[6:])
                usage = payload.get("usage") or usage
                choices = payload.get("choices")
                if choices and (text := choices[0].get("delta", {}).get("content")):
                    yield ChatGenerationChunk(message=AIMessageChunk(content=text))
        yield ChatGenerationChunk(
            message=AIMessageChunk(content="", usage_metadata=_usage(usage), chunk_position="last")
        )


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
        )

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        raise NotImplementedError

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> Any:
        raise NotImplementedError
