"""``ZeroGPUModerationMiddleware``: ZeroGPU moderation around a LangChain v1 agent."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from langchain.agents.middleware import AgentMiddleware, AgentState, hook_config
from langchain_core.messages import AIMessage, BaseMessage
from typing_extensions import Unpack

from langchain_zerogpu._client import ZeroGPUClient
from langchain_zerogpu._errors import translating_errors
from langchain_zerogpu.middleware._connection import middleware_client
from langchain_zerogpu.middleware._messages import (
    latest_output,
    new_inputs,
    new_tool_results,
    text_leaves,
)
from zerogpu_core._settings import ConnectionArgs
from zerogpu_core.tasks import (
    DEFAULT_MODERATION_MODEL,
    ContentFlaggedError,
    ModerationOptions,
    ModerationVerdict,
    amoderate,
    moderate,
)
from zerogpu_core.tasks.moderation_guard import DEFAULT_VIOLATION_MESSAGE, violation_notice

if TYPE_CHECKING:
    from langgraph.runtime import Runtime

__all__ = [
    "DEFAULT_VIOLATION_MESSAGE",
    "ExitBehavior",
    "ViolationStage",
    "ZeroGPUModerationError",
    "ZeroGPUModerationMiddleware",
]

ViolationStage = Literal["input", "output", "tool"]
ExitBehavior = Literal["error", "end", "replace"]


class ZeroGPUModerationError(ContentFlaggedError):
    """Moderation flagged a message and ``exit_behavior="error"``.

    Attributes:
        verdict: the :class:`~zerogpu_core.tasks.ModerationVerdict` (also ``result``).
        stage: ``"input"``, ``"output"`` or ``"tool"``.
    """

    @property
    def result(self) -> ModerationVerdict:
        """The verdict (the attribute name of ``OpenAIModerationError``)."""
        return self.verdict


@dataclass(frozen=True)
class _Candidate:
    """A message to judge: where it is, at which stage, and its text."""

    index: int
    stage: ViolationStage
    text: str


def _text(message: BaseMessage) -> str:
    """The message's text blocks and, for a reply, the string arguments of its tool
    calls (a harmful request can hide in them)."""
    parts = text_leaves(message.content)
    if isinstance(message, AIMessage):
        parts += [_strings(call["args"]) for call in message.tool_calls]
    return "\n".join(part for part in parts if part.strip())


def _strings(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(_strings(v) for v in value.values())
    if isinstance(value, list):
        return "\n".join(_strings(v) for v in value)
    return ""


def _replaceable(message: BaseMessage) -> str:
    if message.id is None:
        # The state reducer matches by id: without one the flagged message would stay.
        raise RuntimeError(f"cannot replace a {message.type} message without an id")
    return message.id


class ZeroGPUModerationMiddleware(AgentMiddleware[AgentState[Any], Any]):
    """Moderates an agent's input, output and tool results with ZeroGPU.

    Example:
        >>> from langchain.agents import create_agent
        >>> guard = ZeroGPUModerationMiddleware(exit_behavior="end")
        >>> agent = create_agent(ChatZeroGPU(), [], middleware=[guard])  # doctest: +SKIP

    The parameters are those of ``langchain-openai``'s ``OpenAIModerationMiddleware``
    (same defaults), so one replaces the other. A flagged message leads to
    ``exit_behavior``: ``"error"`` raises :class:`ZeroGPUModerationError`; ``"end"``
    stops the run with ``violation_message`` as the last AI message; ``"replace"``
    puts ``violation_message`` in place of the flagged message. A flagged model
    reply is always replaced (with its tool calls dropped), so neither the text nor
    its tool calls get through. If the moderation call itself fails, the error is
    raised whatever ``exit_behavior`` says: nothing passes unchecked.

    Args:
        model: ``zlm-v1-moderation-edge`` (or ``omni-moderation-latest`` /
            ``text-moderation-stable``, its aliases) or ``llama-guard-4-12b``.
        check_input: judge new user messages before the model call.
        check_output: judge each model reply (its text and tool-call arguments).
        check_tool_results: judge tool results before the model reads them.
        exit_behavior: ``"error"``, ``"end"`` or ``"replace"``.
        violation_message: template; ``{categories}``, ``{category_scores}``,
            ``{stage}`` and ``{original_content}`` are filled in.
        threshold: flag a category at this score or above (moderations route).
        categories: only these categories count.
        max_chunk_tokens: override of the model's input limit per request.
        client: a :class:`~langchain_zerogpu.ZeroGPUClient` to share; otherwise one
            is built from the connection settings.
        **connection: ``api_key``, ``project_id``, ``base_url``, ``timeout``,
            ``max_retries``, ``max_retry_after``, ``default_headers``
            (:class:`~zerogpu_core.ConnectionSettings`; unset ones from the
            environment), not together with ``client``.
    """

    def __init__(
        self,
        *,
        model: str = DEFAULT_MODERATION_MODEL,
        check_input: bool = True,
        check_output: bool = True,
        check_tool_results: bool = False,
        exit_behavior: ExitBehavior = "end",
        violation_message: str | None = None,
        threshold: float | None = None,
        categories: Sequence[str] | None = None,
        max_chunk_tokens: int | None = None,
        client: ZeroGPUClient | None = None,
        **connection: Unpack[ConnectionArgs],
    ) -> None:
        super().__init__()
        if exit_behavior not in get_args(ExitBehavior):
            raise ValueError(
                f"exit_behavior must be 'error', 'end' or 'replace', got {exit_behavior!r}"
            )
        self.options = ModerationOptions(model, threshold, categories, max_chunk_tokens)
        self.check_input = check_input
        self.check_output = check_output
        self.check_tool_results = check_tool_results
        self.exit_behavior: ExitBehavior = exit_behavior
        self.violation_message = violation_message
        self.client = middleware_client(type(self).__name__, client, connection)

    @property
    def model(self) -> str:
        """The moderation model."""
        return self.options.model

    def _inputs(self, messages: Sequence[BaseMessage]) -> list[_Candidate]:
        indices: list[tuple[int, ViolationStage]] = []
        if self.check_input:
            indices += [(i, "input") for i in new_inputs(messages)]
        if self.check_tool_results:
            indices += [(i, "tool") for i in new_tool_results(messages)]
        return _candidates(messages, indices)

    def _outputs(self, messages: Sequence[BaseMessage]) -> list[_Candidate]:
        index = latest_output(messages) if self.check_output else None
        return _candidates(messages, [] if index is None else [(index, "output")])

    def _judge(self, candidates: Sequence[_Candidate]) -> list[ModerationVerdict]:
        with translating_errors():
            return [moderate(self.client.sync_client, c.text, self.options) for c in candidates]

    async def _ajudge(self, candidates: Sequence[_Candidate]) -> list[ModerationVerdict]:
        client = self.client.async_client
        with translating_errors():
            calls = (amoderate(client, c.text, self.options) for c in candidates)
            return list(await asyncio.gather(*calls))

    @hook_config(can_jump_to=["end"])
    def before_model(self, state: AgentState[Any], runtime: Runtime[Any]) -> dict[str, Any] | None:
        """Judge new user messages and tool results before the model sees them."""
        candidates = self._inputs(state["messages"])
        return self._act(state["messages"], candidates, self._judge(candidates))

    @hook_config(can_jump_to=["end"])
    async def abefore_model(
        self, state: AgentState[Any], runtime: Runtime[Any]
    ) -> dict[str, Any] | None:
        """Async :meth:`before_model` (the calls run concurrently, on the loop)."""
        candidates = self._inputs(state["messages"])
        return self._act(state["messages"], candidates, await self._ajudge(candidates))

    @hook_config(can_jump_to=["end"])
    def after_model(self, state: AgentState[Any], runtime: Runtime[Any]) -> dict[str, Any] | None:
        """Judge the model's reply before it is returned or its tools run."""
        candidates = self._outputs(state["messages"])
        return self._act(state["messages"], candidates, self._judge(candidates))

    @hook_config(can_jump_to=["end"])
    async def aafter_model(
        self, state: AgentState[Any], runtime: Runtime[Any]
    ) -> dict[str, Any] | None:
        """Async :meth:`after_model`."""
        candidates = self._outputs(state["messages"])
        return self._act(state["messages"], candidates, await self._ajudge(candidates))

    def _act(
        self,
        messages: Sequence[BaseMessage],
        candidates: Sequence[_Candidate],
        verdicts: Sequence[ModerationVerdict],
    ) -> dict[str, Any] | None:
        """The state update for the flagged candidates, per ``exit_behavior``."""
        replaced: list[BaseMessage] = []
        for candidate, verdict in zip(candidates, verdicts, strict=True):
            if not verdict.flagged:
                continue
            notice = self._notice(candidate, verdict)
            if self.exit_behavior == "error":
                raise ZeroGPUModerationError(notice, verdict=verdict, stage=candidate.stage)
            if self.exit_behavior == "end" and candidate.stage != "output":
                return {"jump_to": "end", "messages": [AIMessage(notice)]}
            replacement = _replacement(messages[candidate.index], candidate.stage, notice)
            if self.exit_behavior == "end":
                return {"jump_to": "end", "messages": [replacement]}
            replaced.append(replacement)
        return {"messages": replaced} if replaced else None

    def _notice(self, candidate: _Candidate, verdict: ModerationVerdict) -> str:
        return violation_notice(
            verdict, candidate.stage, self.violation_message, original=candidate.text
        )


def _candidates(
    messages: Sequence[BaseMessage], indices: Sequence[tuple[int, ViolationStage]]
) -> list[_Candidate]:
    found = [_Candidate(i, stage, _text(messages[i])) for i, stage in indices]
    return [c for c in found if c.text]


def _replacement(message: BaseMessage, stage: ViolationStage, notice: str) -> BaseMessage:
    """``message`` with ``notice`` as its content (same id, so it takes its place);
    a reply loses its tool calls too."""
    message_id = _replaceable(message)
    if stage == "output":
        return AIMessage(notice, id=message_id)
    return message.model_copy(update={"content": notice})
