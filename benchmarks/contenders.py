"""The per-call contenders: chat models, LlamaIndex LLMs, streams and the httpx floor."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
from langchain_openai import ChatOpenAI
from llama_index.core.base.llms.types import ChatMessage
from llama_index.llms.openai_like import OpenAILike  # type: ignore[import-untyped]

from benchmarks.best_possible import BareLangChainChat, BareLlamaIndexLLM
from benchmarks.harness import Contender, Remote, Sample, timed
from langchain_zerogpu import ChatZeroGPU
from llama_index_zerogpu import ZeroGPU
from zerogpu_core import ZeroGPUClient

__all__ = [
    "BEST_CHAT",
    "BEST_LLAMA",
    "BEST_SSE_STREAM",
    "BEST_STREAM",
    "CORE_STREAM",
    "MODEL",
    "PROMPT",
    "Endpoint",
    "chat_contenders",
    "llama_contenders",
    "repeat",
    "stream_contenders",
]

MODEL = "LFM2.5-1.2B-Instruct"  # the model the official chat tool uses
PROMPT = "Say hi"
_BODY = {"model": MODEL, "messages": [{"role": "user", "content": PROMPT}]}
#: Names of the best-possible integrations (the framework over bare httpx).
BEST_CHAT = "best possible: BaseChatModel over bare httpx"
BEST_LLAMA = "best possible: LlamaIndex LLM over bare httpx"
BEST_STREAM = "best possible: BaseChatModel.stream over bare SSE"
BEST_SSE_STREAM = "best possible over httpx-sse: BaseChatModel.stream, SSE parsed to the spec"
CORE_STREAM = "core ZeroGPUClient.stream_chat_completion"


class Endpoint:
    """Where the emulator listens, plus one event loop reused by every async contender.

    Reusing the loop matters: clients bind their connection pools to a loop, so a
    fresh ``asyncio.run`` per batch would time client construction, not calls.
    """

    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.loop = asyncio.new_event_loop()

    def repeat_async(self, call: Callable[[], Awaitable[Any]]) -> Callable[[int], Sample]:
        """A batch runner that awaits ``call`` ``n`` times in a row."""

        async def batch(n: int) -> int:
            for _ in range(n):
                await call()
            return n

        return lambda n: timed(lambda: self.loop.run_until_complete(batch(n)))

    def close(self) -> None:
        """Close the shared loop."""
        self.loop.close()


def repeat(call: Callable[[], Any]) -> Callable[[int], Sample]:
    """A batch runner that calls ``call`` ``n`` times in a row."""

    def batch(n: int) -> Sample:
        def work() -> int:
            for _ in range(n):
                call()
            return n

        return timed(work)

    return batch


def _best(endpoint: Endpoint, *, sse_parser: bool = False) -> BareLangChainChat:
    return BareLangChainChat(
        model=MODEL, base_url=endpoint.base_url, api_key=endpoint.api_key, sse_parser=sse_parser
    )


def _ours(endpoint: Endpoint) -> ChatZeroGPU:
    return ChatZeroGPU(model=MODEL, base_url=endpoint.base_url, api_key=endpoint.api_key)


def _chat_openai(endpoint: Endpoint) -> ChatOpenAI:
    return ChatOpenAI(
        model=MODEL,
        base_url=endpoint.base_url,
        api_key="unused",
        default_headers={"x-api-key": endpoint.api_key},
    )


def _bare(endpoint: Endpoint) -> tuple[Callable[[], Any], Callable[[], Awaitable[Any]]]:
    """The floor: one POST and ``json()``, nothing else (sync and async)."""
    url = f"{endpoint.base_url}/chat/completions"
    headers = {"x-api-key": endpoint.api_key}
    sync_http, async_http = httpx.Client(), httpx.AsyncClient()

    def post() -> Any:
        return sync_http.post(url, json=_BODY, headers=headers).raise_for_status().json()

    async def apost() -> Any:
        return (await async_http.post(url, json=_BODY, headers=headers)).raise_for_status().json()

    return post, apost


def chat_contenders(
    endpoint: Endpoint, official: Remote | None
) -> tuple[list[Contender], list[Contender]]:
    """(sync, async) contenders for LangChain chat ``invoke``/``ainvoke``."""
    ours, openai, best = _ours(endpoint), _chat_openai(endpoint), _best(endpoint)
    post, apost = _bare(endpoint)
    sync = [
        Contender("ChatZeroGPU.invoke", repeat(lambda: ours.invoke(PROMPT))),
        Contender(BEST_CHAT, repeat(lambda: best.invoke(PROMPT))),
        Contender("ChatOpenAI.invoke", repeat(lambda: openai.invoke(PROMPT))),
        Contender("bare httpx POST", repeat(post)),
    ]
    async_ = [
        Contender("ChatZeroGPU.ainvoke", endpoint.repeat_async(lambda: ours.ainvoke(PROMPT))),
        Contender("ChatOpenAI.ainvoke", endpoint.repeat_async(lambda: openai.ainvoke(PROMPT))),
        Contender("bare httpx.AsyncClient POST", endpoint.repeat_async(apost)),
    ]
    if official is not None:
        sync.append(
            Contender(
                "official ZeroGPUChatTool.invoke",
                lambda n: official.call({"op": "chat", "n": n}),
            )
        )
        async_.append(
            Contender(
                "official ZeroGPUChatTool.ainvoke",
                lambda n: official.call({"op": "achat", "n": n}),
            )
        )
    return sync, async_


def llama_contenders(endpoint: Endpoint) -> list[Contender]:
    """LlamaIndex ``chat``: ours, ``OpenAILike`` and the httpx floor."""
    ours = ZeroGPU(model=MODEL, base_url=endpoint.base_url, api_key=endpoint.api_key)
    like = OpenAILike(
        model=MODEL,
        api_base=endpoint.base_url,
        api_key="unused",
        is_chat_model=True,
        default_headers={"x-api-key": endpoint.api_key},
    )
    best = BareLlamaIndexLLM(model=MODEL, base_url=endpoint.base_url, api_key=endpoint.api_key)
    messages = [ChatMessage(role="user", content=PROMPT)]
    post, _ = _bare(endpoint)
    return [
        Contender("ZeroGPU.chat", repeat(lambda: ours.chat(messages))),
        Contender(BEST_LLAMA, repeat(lambda: best.chat(messages))),
        Contender("OpenAILike.chat", repeat(lambda: like.chat(messages))),
        Contender("bare httpx POST", repeat(post)),
    ]


def _chunk_spans(stream: Callable[[], Iterator[Any]]) -> Callable[[int], Sample]:
    """Per-chunk timing: the span from first to last chunk, over chunks - 1 gaps.

    Connection setup and the first byte are excluded, so this is the cost of
    turning one SSE event into one framework chunk.
    """

    def batch(n: int) -> Sample:
        span, gaps = 0.0, 0
        cpu = time.process_time()
        for _ in range(n):
            first = last = 0.0
            count = 0
            for _chunk in stream():
                last = time.perf_counter()
                first = first or last
                count += 1
            span += last - first
            gaps += count - 1
        return Sample(span, time.process_time() - cpu, gaps)

    return batch


def stream_contenders(endpoint: Endpoint) -> list[Contender]:
    """Streaming ``stream()``: ours, ``ChatOpenAI``, the core client, the best possible
    LangChain stream and raw SSE lines over httpx."""
    ours, openai, best = _ours(endpoint), _chat_openai(endpoint), _best(endpoint)
    best_sse = _best(endpoint, sse_parser=True)
    core = ZeroGPUClient(base_url=endpoint.base_url, api_key=endpoint.api_key)
    http = httpx.Client()
    url = f"{endpoint.base_url}/chat/completions"
    body = {**_BODY, "stream": True, "stream_options": {"include_usage": True}}

    def bare() -> Iterator[Any]:
        with http.stream("POST", url, json=body, headers={"x-api-key": endpoint.api_key}) as r:
            for line in r.iter_lines():
                if line.startswith("data: ") and line != "data: [DONE]":
                    yield json.loads(line[6:])

    return [
        Contender("ChatZeroGPU.stream", _chunk_spans(lambda: ours.stream(PROMPT))),
        Contender("ChatOpenAI.stream", _chunk_spans(lambda: openai.stream(PROMPT))),
        Contender(BEST_STREAM, _chunk_spans(lambda: best.stream(PROMPT))),
        Contender(BEST_SSE_STREAM, _chunk_spans(lambda: best_sse.stream(PROMPT))),
        Contender(CORE_STREAM, _chunk_spans(lambda: core.stream_chat_completion(body))),
        Contender("bare httpx SSE lines", _chunk_spans(bare)),
    ]
