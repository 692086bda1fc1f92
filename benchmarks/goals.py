"""Issue 16's goals as target rows, and the embeddings throughput section.

Each goal is a ratio against a contender measured in the same run: the best any
framework integration can do (the framework over bare httpx), bare httpx itself,
or the framework's import floor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import httpx

from benchmarks import report
from benchmarks.contenders import (
    BEST_CHAT,
    BEST_LLAMA,
    BEST_STREAM,
    CORE_STREAM,
    Endpoint,
)
from benchmarks.harness import Contender, Sample, Stats, interleave, timed
from langchain_zerogpu import ZeroGPUEmbeddings
from llama_index_zerogpu import ZeroGPUEmbedding
from zerogpu_core.embedding_batches import DEFAULT_EMBEDDING_BATCH_SIZE

__all__ = [
    "IMPORT_FLOORS",
    "call_goal",
    "embedding_section",
    "import_goals",
    "stream_goals",
]

#: Fresh-interpreter import statements: ours and the framework floor they are held to.
IMPORT_FLOORS = {
    "from langchain_zerogpu import ChatZeroGPU": "from langchain_core.language_models import "
    "BaseChatModel",
    "import langchain_zerogpu": "from langchain_core.language_models import BaseChatModel",
    "from llama_index_zerogpu import ZeroGPU": "from llama_index.core.llms import LLM",
}


def _ratio_target(text: str, mine: float, base: float, limit: float, unit: str) -> report.Target:
    return report.Target(
        f"{text} <= {limit}x",
        f"{mine:.1f} vs {base:.1f} {unit} ({mine / base:.2f}x)",
        mine <= limit * base,
    )


def call_goal(stats: dict[str, Stats], ours: str) -> report.Target:
    """``ours`` per call within 1.05x of the best-possible integration of its framework."""
    best = BEST_CHAT if BEST_CHAT in stats else BEST_LLAMA
    return _ratio_target(
        f"`{ours}` per call vs `{best}`",
        stats[ours].wall * 1e6,
        stats[best].wall * 1e6,
        1.05,
        "us",
    )


def stream_goals(stats: dict[str, Stats]) -> list[report.Target]:
    """Per chunk: ``ChatZeroGPU.stream`` <= 1.15x the best LangChain stream, core <= 1.3x bare."""
    return [
        _ratio_target(
            f"`ChatZeroGPU.stream` per chunk vs `{BEST_STREAM}`",
            stats["ChatZeroGPU.stream"].wall * 1e6,
            stats[BEST_STREAM].wall * 1e6,
            1.15,
            "us",
        ),
        _ratio_target(
            f"`{CORE_STREAM}` per chunk vs `bare httpx SSE lines`",
            stats[CORE_STREAM].wall * 1e6,
            stats["bare httpx SSE lines"].wall * 1e6,
            1.3,
            "us",
        ),
    ]


def import_goals(times: dict[str, float]) -> list[report.Target]:
    """Each of our imports within 1.05x of its framework floor."""
    return [
        _ratio_target(f"`{ours}` vs `{floor}`", times[ours] * 1e3, times[floor] * 1e3, 1.05, "ms")
        for ours, floor in IMPORT_FLOORS.items()
    ]


def _texts(n: int) -> list[str]:
    return [
        f"Document {i} is about topic {i % 17} and the weather in city {i % 31}." for i in range(n)
    ]


def _embedding_contenders(endpoint: Endpoint, texts: Sequence[str]) -> list[Contender]:
    settings: dict[str, Any] = {"base_url": endpoint.base_url, "api_key": endpoint.api_key}
    lc, li = ZeroGPUEmbeddings(**settings), ZeroGPUEmbedding(**settings)
    one_at_a_time = ZeroGPUEmbeddings(max_concurrency=1, **settings)
    http = httpx.Client()
    url, headers = f"{endpoint.base_url}/embeddings", {"x-api-key": endpoint.api_key}

    def bare(batch: Sequence[str]) -> int:
        body = {"model": lc.model, "input": list(batch)}
        data = http.post(url, json=body, headers=headers).raise_for_status().json()["data"]
        return len(data)

    def over(work: Callable[[list[str]], Any]) -> Callable[[int], Sample]:
        def run(n: int) -> Sample:
            return timed(lambda: len(work(list(texts[:n]))))

        return run

    def loop(n: int) -> Sample:
        size = DEFAULT_EMBEDDING_BATCH_SIZE
        return timed(lambda: sum(bare(texts[i : i + size]) for i in range(0, n, size)))

    return [
        Contender("ZeroGPUEmbeddings.embed_documents", over(lc.embed_documents)),
        Contender(
            "ZeroGPUEmbeddings.aembed_documents",
            over(lambda t: endpoint.loop.run_until_complete(lc.aembed_documents(t))),
        ),
        Contender("ZeroGPUEmbedding.get_text_embedding_batch", over(li.get_text_embedding_batch)),
        Contender(
            "ZeroGPUEmbedding.aget_text_embedding_batch",
            over(lambda t: endpoint.loop.run_until_complete(li.aget_text_embedding_batch(t))),
        ),
        Contender("ZeroGPUEmbeddings, max_concurrency=1", over(one_at_a_time.embed_documents)),
        Contender("floor: bare httpx, one request at a time", loop),
    ]


def embedding_section(
    endpoint: Endpoint, *, texts: int, rounds: int, latency: float
) -> tuple[report.Table, list[report.Target]]:
    """Texts/s of every embedding path, with the sequential rows they must double."""
    stats = interleave(_embedding_contenders(endpoint, _texts(texts)), rounds=rounds, n=texts)
    table = report.Table(
        "Embeddings, throughput",
        ["Contender", "Texts/s", "x one request at a time"],
        note=(
            f"{texts} texts, {DEFAULT_EMBEDDING_BATCH_SIZE} per request (the default), "
            f"emulator latency {latency * 1e3:.0f} ms, {rounds} interleaved rounds; "
            "default concurrency unless stated."
        ),
    )
    sequential = stats["ZeroGPUEmbeddings, max_concurrency=1"].wall
    for name, s in sorted(stats.items(), key=lambda item: item[1].wall):
        table.rows.append([name, f"{1 / s.wall:.0f}", f"{sequential / s.wall:.2f}"])
    lc = stats["ZeroGPUEmbeddings.embed_documents"].wall
    li = [
        stats[n].wall
        for n in (
            "ZeroGPUEmbedding.get_text_embedding_batch",
            "ZeroGPUEmbedding.aget_text_embedding_batch",
        )
    ]
    slowest = max(
        s.wall
        for n, s in stats.items()
        if n.startswith(("ZeroGPUEmbeddings.", "ZeroGPUEmbedding."))
    )
    targets = [
        report.Target(
            "LlamaIndex `ZeroGPUEmbedding` texts/s >= LangChain `ZeroGPUEmbeddings` (sync, async)",
            " / ".join(f"{lc / w:.2f}x" for w in li),
            max(li) <= lc * 1.05,  # same core code path: equal within noise
        ),
        report.Target(
            "Every embedding path >= 2x the texts/s of one request at a time (20 ms latency)",
            f"slowest {sequential / slowest:.2f}x",
            sequential / slowest >= 2.0,
        ),
    ]
    return table, targets
