"""Times the official ``langchain-zerogpu`` tools; runs inside their own virtualenv.

The official distribution installs an import package also named
``langchain_zerogpu``, so it cannot share a process (or a venv) with ours. The
benchmark starts this script with ``python -I`` in that venv and sends one JSON
command per stdin line; each answer is one JSON line with the measured wall and
CPU seconds, so the parent can interleave it with in-process contenders.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

# The official distribution's package (this file runs in its venv), not ours.
from langchain_zerogpu import (  # type: ignore[attr-defined]
    ZeroGPUChatTool,
    ZeroGPUClassifyIABTool,
    ZeroGPURedactPIITool,
)

PROMPT = "Say hi"


def _timed(work: Any) -> dict[str, float]:
    """Run ``work`` (returns its outputs) and measure it."""
    wall, cpu = time.perf_counter(), time.process_time()
    outputs = work()
    return {
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "count": len(outputs),
    }


def main() -> None:
    """Answer commands until stdin closes."""
    base_url, api_key = sys.argv[1], sys.argv[2]
    settings = {"base_url": base_url, "api_key": api_key}
    chat = ZeroGPUChatTool(**settings)
    tools = {"iab": ZeroGPUClassifyIABTool(**settings), "pii": ZeroGPURedactPIITool(**settings)}
    loop = asyncio.new_event_loop()

    async def achat(n: int) -> list[str]:
        return [await chat.ainvoke({"text": PROMPT}) for _ in range(n)]

    def run(command: dict[str, Any]) -> dict[str, float]:
        op = command["op"]
        if op == "chat":
            return _timed(lambda: [chat.invoke({"text": PROMPT}) for _ in range(command["n"])])
        if op == "achat":
            return _timed(lambda: loop.run_until_complete(achat(command["n"])))
        inputs = [{"text": text} for text in command["texts"]]
        tool = tools[command["tool"]]
        if op == "loop":
            return _timed(lambda: [tool.invoke(item) for item in inputs])
        if op == "batch":
            return _timed(lambda: tool.batch(inputs))
        raise ValueError(f"unknown op {op!r}")

    for line in sys.stdin:
        print(json.dumps(run(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
