"""What overlapping windows cost: PII redaction of the leak-suite corpus, in process.

Run ``python -m benchmarks.pii_overlap`` (from the repository root). It redacts the
2,000 adversarial documents of ``tests/reliability/_pii_corpus.py`` with the core
helper against the emulator's handler layer (no sockets, no latency), and prints
documents per second, requests, and the characters sent relative to the text (the
overlap). Run the same file with an older checkout first on ``PYTHONPATH`` to
compare versions on the same corpus.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from tests.reliability._pii_corpus import adversarial_corpus
from zerogpu_core import ZeroGPUClient
from zerogpu_core.emulator import EmulatorOptions
from zerogpu_core.emulator.app import EmulatorApp
from zerogpu_core.tasks import PIIOptions, redact_pii_documents


def _client(sent: dict[str, int]) -> ZeroGPUClient:
    app = EmulatorApp(EmulatorOptions(api_key="k"))

    def handle(request: httpx.Request) -> httpx.Response:
        body: dict[str, Any] = json.loads(request.content)
        sent["requests"] += 1
        sent["chars"] += len(body["messages"][-1]["content"])
        answer = app.handle(
            request.method, request.url.raw_path.decode(), dict(request.headers), request.content
        )
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body or b"")

    transport = httpx.MockTransport(handle)
    return ZeroGPUClient(
        api_key="k",
        base_url="http://emulator.invalid/v1",
        http_client=httpx.Client(transport=transport),
    )


def main() -> None:
    """Print one line per request budget."""
    texts = [doc.text for doc in adversarial_corpus(2_000)]
    total = sum(map(len, texts))
    for budget in (400, 800):
        sent = {"requests": 0, "chars": 0}
        started = time.perf_counter()
        outcome = redact_pii_documents(
            _client(sent), texts, PIIOptions(max_chunk_tokens=budget), max_concurrency=8
        )
        seconds = time.perf_counter() - started
        print(
            f"budget {budget}: {len(texts) / seconds:.0f} documents/s, {sent['requests']} "
            f"requests, {sent['chars'] / total - 1:+.1%} characters sent, "
            f"{len(outcome.failures)} failed"
        )


if __name__ == "__main__":
    main()
