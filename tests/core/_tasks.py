"""Counting the asyncio tasks a piece of code creates."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def counting_tasks() -> Iterator[list[int]]:
    """Count the tasks created on the running loop inside the block (the list's item)."""
    loop = asyncio.get_running_loop()
    created = [0]

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        created[0] += 1
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(factory)
    try:
        yield created
    finally:
        loop.set_task_factory(None)
