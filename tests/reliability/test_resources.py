"""Resources stay bounded: a server calling ``asyncio.run`` per request keeps a fixed
number of sockets and clients, whichever component it uses. Sockets are counted from
the process (``/proc/self/fd``); the emulator's side closes when the client's does."""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from llama_index.core.schema import TextNode

from langchain_zerogpu import ChatZeroGPU, ZeroGPUEmbeddings, ZeroGPUPIIRedactor
from llama_index_zerogpu import ZeroGPU, ZeroGPUEmbedding
from llama_index_zerogpu import ZeroGPUPIIRedactor as LlamaPIIRedactor
from tests.reliability._faults import API_KEY
from zerogpu_core import AsyncZeroGPUClient
from zerogpu_core.emulator import Emulator

pytestmark = [
    pytest.mark.emulator,
    pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts sockets via /proc"),
]

MODEL = "LFM2.5-1.2B-Instruct"
#: Sockets allowed above the count before the loops: the sync pools and the emulator's
#: listening socket, whatever the number of loops.
HEADROOM = 8


def open_sockets() -> int:
    """Sockets this process holds (client and emulator side)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
        except OSError:
            continue  # the descriptor of the listing itself, already closed
    return count


def settled_sockets(limit: int) -> int:
    """The socket count once the emulator has seen the closed connections (<= 2 s)."""
    deadline = time.monotonic() + 2.0
    while (count := open_sockets()) > limit and time.monotonic() < deadline:
        time.sleep(0.05)
    return count


def live_async_clients() -> int:
    gc.collect()
    return sum(isinstance(o, AsyncZeroGPUClient) for o in gc.get_objects())


def _calls(emu: Emulator) -> dict[str, Callable[[], Awaitable[Any]]]:
    kw: dict[str, Any] = {"api_key": API_KEY, "base_url": emu.base_url}
    chat, lc_embed = ChatZeroGPU(model=MODEL, **kw), ZeroGPUEmbeddings(**kw)
    lc_redactor, llm = ZeroGPUPIIRedactor(**kw), ZeroGPU(model=MODEL, **kw)
    li_embed, li_redactor = ZeroGPUEmbedding(**kw), LlamaPIIRedactor(**kw)
    return {
        "ChatZeroGPU.ainvoke": lambda: chat.ainvoke("hi"),
        "ZeroGPUEmbeddings.aembed_query": lambda: lc_embed.aembed_query("hi"),
        "ZeroGPUPIIRedactor.atransform_documents": lambda: lc_redactor.atransform_documents(
            [Document("Mail jane@example.com")]
        ),
        "ZeroGPU.acomplete": lambda: llm.acomplete("hi"),
        "ZeroGPUEmbedding.aget_text_embedding": lambda: li_embed.aget_text_embedding("hi"),
        "llama ZeroGPUPIIRedactor.acall": lambda: li_redactor.acall(
            [TextNode(text="Mail jane@example.com")]
        ),
    }


def test_300_event_loops_hold_a_bounded_number_of_sockets(emulator: Emulator) -> None:
    llm = ChatZeroGPU(model=MODEL, api_key=API_KEY, base_url=emulator.base_url)
    before = open_sockets()
    for _ in range(300):
        asyncio.run(llm.ainvoke("hi"))
    assert settled_sockets(before + HEADROOM) <= before + HEADROOM
    assert live_async_clients() == 0
    assert len(emulator.requests) == 300


@pytest.mark.parametrize(
    "name",
    [
        "ChatZeroGPU.ainvoke",
        "ZeroGPUEmbeddings.aembed_query",
        "ZeroGPUPIIRedactor.atransform_documents",
        "ZeroGPU.acomplete",
        "ZeroGPUEmbedding.aget_text_embedding",
        "llama ZeroGPUPIIRedactor.acall",
    ],
)
def test_every_async_component_releases_its_loop_client(emulator: Emulator, name: str) -> None:
    call = _calls(emulator)[name]
    before = open_sockets()
    for _ in range(3 * HEADROOM):
        asyncio.run(call())
    assert settled_sockets(before + HEADROOM) <= before + HEADROOM
    assert live_async_clients() == 0


def test_loops_closed_without_shutdown_are_forgotten(emulator: Emulator) -> None:
    llm = ChatZeroGPU(model=MODEL, api_key=API_KEY, base_url=emulator.base_url)
    before = open_sockets()
    for _ in range(3 * HEADROOM):
        loop = asyncio.new_event_loop()
        loop.run_until_complete(llm.ainvoke("hi"))
        loop.close()  # no shutdown_asyncgens: the next loop's first call forgets it
    asyncio.run(llm.ainvoke("hi"))
    assert live_async_clients() == 0
    assert settled_sockets(before + HEADROOM) <= before + HEADROOM
