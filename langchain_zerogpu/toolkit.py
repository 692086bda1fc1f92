"""``ZeroGPUToolkit``: all 22 ZeroGPU tools on one shared client."""

from __future__ import annotations

from typing import Any

from langchain_core.tools import BaseTool, BaseToolkit
from pydantic import ConfigDict, Field, model_validator

from langchain_zerogpu._client import ZeroGPUClient
from langchain_zerogpu._tool_base import build_client
from langchain_zerogpu.tools import ALL_TOOL_CLASSES
from zerogpu_core._settings import ConnectionSettings

__all__ = ["ZeroGPUToolkit"]


class ZeroGPUToolkit(ConnectionSettings, BaseToolkit):
    """Every ZeroGPU tool, sharing one client (one connection pool).

    Example:
        >>> toolkit = ZeroGPUToolkit()  # ZEROGPU_API_KEY, optional ZEROGPU_PROJECT_ID
        >>> tools = toolkit.get_tools()  # doctest: +SKIP

    Args:
        client: a :class:`ZeroGPUClient` to share; built from the fields below if omitted.
        api_key: API key; ``ZEROGPU_API_KEY`` when omitted.
        project_id: project id; ``ZEROGPU_PROJECT_ID`` when omitted.
        base_url: API base URL; ``ZEROGPU_BASE_URL`` or the production URL when omitted.
        timeout, max_retries, max_retry_after, default_headers: as for every class
            (:class:`~zerogpu_core.ConnectionSettings`).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, hide_input_in_errors=True)

    client: ZeroGPUClient = Field(..., exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _ensure_client(cls, data: Any) -> Any:
        return build_client(data)

    def get_tools(self) -> list[BaseTool]:
        """The 22 tools, in the order of ``tools.ALL_TOOL_CLASSES``, on this client."""
        # Each class sets its own name and description; the base type does not.
        return [tool(client=self.client) for tool in ALL_TOOL_CLASSES]  # type: ignore[call-arg]
