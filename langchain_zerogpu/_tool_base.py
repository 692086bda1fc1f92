"""What every ZeroGPU tool shares: credentials, the shared client, and the two call
patterns (a prompt answered by a model, a task payload built by the core)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Literal

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from langchain_core.tools import BaseTool
from pydantic import BaseModel, ConfigDict, Field, model_validator

from langchain_zerogpu._client import ZeroGPUClient
from langchain_zerogpu._errors import tool_errors
from langchain_zerogpu._schemas import ChatInput
from zerogpu_core._settings import ConnectionSettings
from zerogpu_core.tasks.single_turn import atask_payload, task_payload

__all__ = ["PayloadTool", "PromptTool", "ZeroGPUTool", "build_client"]


def build_client(data: Any) -> Any:
    """Constructor input with a :class:`ZeroGPUClient` made from the connection
    settings when no ``client`` was given (shared by the tools and the toolkit)."""
    if isinstance(data, dict) and not data.get("client"):
        given = {k: v for k, v in data.items() if k in ConnectionSettings.model_fields}
        settings = ConnectionSettings(**given)
        data = {**data, "client": ZeroGPUClient.from_settings(settings)}
    return data


class ZeroGPUTool(ConnectionSettings, BaseTool):
    """Base of the ZeroGPU tools: pass ``client=`` to share one client, or the
    connection settings (``api_key``, ``project_id``, ``base_url``, ...; else the
    ``ZEROGPU_*`` variables)."""

    # The key must not be echoed by a validation error about another field.
    model_config = ConfigDict(arbitrary_types_allowed=True, hide_input_in_errors=True)

    client: ZeroGPUClient = Field(..., exclude=True)
    """The shared client."""

    zerogpu_model: ClassVar[str]
    """The model the tool calls."""

    @model_validator(mode="before")
    @classmethod
    def _ensure_client(cls, data: Any) -> Any:
        return build_client(data)


class PromptTool(ZeroGPUTool):
    """A prompt (``text`` and optional ``system``) answered by a generative model on
    its route; the answer comes back without any reasoning trace."""

    args_schema: type[BaseModel] = ChatInput
    route: ClassVar[Literal["responses", "chat"]] = "chat"

    def _run(
        self,
        text: str,
        system: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> str:
        ask = self.client.responses if self.route == "responses" else self.client.chat
        return ask(model=self.zerogpu_model, text=text, system=system)

    async def _arun(
        self,
        text: str,
        system: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> str:
        ask = self.client.aresponses if self.route == "responses" else self.client.achat
        return await ask(model=self.zerogpu_model, text=text, system=system)


class PayloadTool(ZeroGPUTool):
    """A task model's JSON payload, decoded, for a request the core builds.

    Subclasses set :attr:`request`, a core request builder taking the tool's
    arguments (positional ones too: ``tool.run("text")`` passes the text that way).
    """

    request: ClassVar[Callable[..., dict[str, Any]]]

    def _run(
        self, *args: Any, run_manager: CallbackManagerForToolRun | None = None, **kwargs: Any
    ) -> Any:
        with tool_errors():
            return task_payload(self.client.sync_client, type(self).request(*args, **kwargs))

    async def _arun(
        self,
        *args: Any,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
        **kwargs: Any,
    ) -> Any:
        with tool_errors():
            body = type(self).request(*args, **kwargs)
            return await atask_payload(self.client.async_client, body)
