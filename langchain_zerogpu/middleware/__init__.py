"""LangChain v1 agent middleware: ZeroGPU moderation and PII handling.

Needs the ``langchain`` package (v1 agents): ``pip install 'langchain-zerogpu[agents]'``.

Example:
    >>> from langchain.agents import create_agent
    >>> from langchain_zerogpu import ChatZeroGPU
    >>> from langchain_zerogpu.middleware import (
    ...     ZeroGPUModerationMiddleware,
    ...     ZeroGPUPIIMiddleware,
    ... )
    >>> agent = create_agent(  # doctest: +SKIP
    ...     ChatZeroGPU(),
    ...     tools=[],
    ...     middleware=[ZeroGPUModerationMiddleware(), ZeroGPUPIIMiddleware()],
    ... )
"""

from zerogpu_core._extras import require_extra

require_extra(
    "langchain.agents.middleware",
    package="langchain_zerogpu.middleware",
    distribution="langchain>=1 (the v1 agents package)",
    extra="agents",
    install="langchain-zerogpu[agents]",
)

from langchain_zerogpu.middleware.moderation import (  # noqa: E402  (after the check)
    DEFAULT_VIOLATION_MESSAGE,
    ZeroGPUModerationError,
    ZeroGPUModerationMiddleware,
)
from langchain_zerogpu.middleware.pii import (  # noqa: E402
    ZeroGPUPIIBlockedError,
    ZeroGPUPIIMiddleware,
)

__all__ = [
    "DEFAULT_VIOLATION_MESSAGE",
    "ZeroGPUModerationError",
    "ZeroGPUModerationMiddleware",
    "ZeroGPUPIIBlockedError",
    "ZeroGPUPIIMiddleware",
]
