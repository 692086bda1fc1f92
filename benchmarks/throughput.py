"""Document-transformer throughput: our transformers, the httpx floor, the official tools."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from langchain_core.documents import Document

from benchmarks.contenders import Endpoint
from benchmarks.harness import Contender, Remote, Sample, timed
from langchain_zerogpu import ZeroGPUIABClassifier, ZeroGPUPIIRedactor
from zerogpu_core.tasks import DEFAULT_MAX_CONCURRENCY, IABOptions, PIIOptions
from zerogpu_core.tasks.chunking import TextChunk
from zerogpu_core.tasks.iab import iab_request
from zerogpu_core.tasks.pii import pii_request

__all__ = [
    "LANGCHAIN_BATCH_WORKERS",
    "LOOP_DOCUMENTS",
    "transformer_contenders",
]

#: The official tools one call at a time are ~concurrency times slower; a subset
#: of the corpus gives the same per-document figure in a fraction of the time.
LOOP_DOCUMENTS = 200
#: ``Runnable.batch`` with no ``max_concurrency`` uses a default thread pool.
LANGCHAIN_BATCH_WORKERS = min(32, (os.cpu_count() or 1) + 4)

Transformer = ZeroGPUIABClassifier | ZeroGPUPIIRedactor


def _over(
    documents: Sequence[Document], transform: Callable[..., Sequence[Document]]
) -> Callable[[int], Sample]:
    """A batch runner over the first ``n`` documents; a lost, reordered or
    re-identified document fails the run."""

    def work(n: int) -> int:
        given = documents[:n]
        out = transform(given)
        if [d.id for d in out] != [d.id for d in given]:
            raise AssertionError("documents were lost or reordered")
        return len(out)

    return lambda n: timed(lambda: work(n))


def _ours(
    endpoint: Endpoint, documents: Sequence[Document], name: str, transformer: Transformer
) -> list[tuple[Contender, int]]:
    def asynchronous(docs: Sequence[Document]) -> Sequence[Document]:
        return endpoint.loop.run_until_complete(transformer.atransform_documents(docs))

    return [
        (
            Contender(
                f"{name}.transform_documents", _over(documents, transformer.transform_documents)
            ),
            DEFAULT_MAX_CONCURRENCY,
        ),
        (
            Contender(f"{name}.atransform_documents", _over(documents, asynchronous)),
            DEFAULT_MAX_CONCURRENCY,
        ),
    ]


def _floor(endpoint: Endpoint, bodies: Sequence[dict[str, Any]]) -> list[tuple[Contender, int]]:
    """What the machine allows: the same request bodies posted by bare httpx with the
    same concurrency, answers decoded and nothing else done with them."""
    url, headers = f"{endpoint.base_url}/chat/completions", {"x-api-key": endpoint.api_key}
    sync_http = httpx.Client(limits=httpx.Limits(max_connections=DEFAULT_MAX_CONCURRENCY))
    async_http = httpx.AsyncClient()

    def post(body: dict[str, Any]) -> Any:
        return sync_http.post(url, json=body, headers=headers).raise_for_status().json()

    def threads(n: int) -> int:
        with ThreadPoolExecutor(DEFAULT_MAX_CONCURRENCY) as pool:
            return len(list(pool.map(post, bodies[:n])))

    async def tasks(n: int) -> int:
        limit = asyncio.Semaphore(DEFAULT_MAX_CONCURRENCY)

        async def one(body: dict[str, Any]) -> Any:
            async with limit:
                response = await async_http.post(url, json=body, headers=headers)
                return response.raise_for_status().json()

        return len(await asyncio.gather(*(one(b) for b in bodies[:n])))

    return [
        (
            Contender("floor: bare httpx, thread pool", lambda n: timed(lambda: threads(n))),
            DEFAULT_MAX_CONCURRENCY,
        ),
        (
            Contender(
                "floor: bare httpx.AsyncClient, gather",
                lambda n: timed(lambda: endpoint.loop.run_until_complete(tasks(n))),
            ),
            DEFAULT_MAX_CONCURRENCY,
        ),
    ]


def transformer_contenders(
    endpoint: Endpoint, documents: Sequence[Document], official: Remote | None
) -> dict[str, list[tuple[Contender, int]]]:
    """Per transformer kind, ``(contender, concurrency)`` pairs; ``run(n)`` does ``n`` docs."""
    settings = {"base_url": endpoint.base_url, "api_key": endpoint.api_key}
    texts = [d.page_content for d in documents]
    out = {
        "iab": _ours(endpoint, documents, "ZeroGPUIABClassifier", ZeroGPUIABClassifier(**settings)),
        "pii": _ours(endpoint, documents, "ZeroGPUPIIRedactor", ZeroGPUPIIRedactor(**settings)),
    }
    chunks = [TextChunk(0, text) for text in texts]
    out["iab"] += _floor(endpoint, [iab_request(c, IABOptions()) for c in chunks])
    out["pii"] += _floor(endpoint, [pii_request(c, PIIOptions(), "redact") for c in chunks])
    if official is not None:
        out["iab"] += _official_rows(official, "iab", "ZeroGPUClassifyIABTool", texts)
        out["pii"] += _official_rows(official, "pii", "ZeroGPURedactPIITool", texts)
    return out


def _official_rows(
    official: Remote, kind: str, name: str, texts: Sequence[str]
) -> list[tuple[Contender, int]]:
    def loop(n: int) -> Sample:
        return official.call({"op": "loop", "tool": kind, "texts": texts[: min(n, LOOP_DOCUMENTS)]})

    def batch(n: int) -> Sample:
        return official.call({"op": "batch", "tool": kind, "texts": texts[:n]})

    return [
        (Contender(f"official {name}, one call at a time", loop), 1),
        (Contender(f"official {name}.batch (LangChain default)", batch), LANGCHAIN_BATCH_WORKERS),
    ]
