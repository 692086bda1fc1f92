"""``ZeroGPUPIIMiddleware``: GLiNER PII handling around a LangChain v1 agent."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, get_args

from langchain.agents.middleware import AgentMiddleware, AgentState, PIIDetectionError
from langchain_core.messages import BaseMessage
from pydantic import SecretBytes, SecretStr
from typing_extensions import Unpack

from langchain_zerogpu._client import ZeroGPUClient
from langchain_zerogpu._errors import translating_errors
from langchain_zerogpu.document_transformers import PIIMatch
from langchain_zerogpu.middleware._connection import middleware_client
from langchain_zerogpu.middleware._messages import (
    latest_output,
    new_inputs,
    new_tool_results,
    text_leaves,
    with_text_leaves,
)
from zerogpu_core._settings import ConnectionArgs
from zerogpu_core.tasks import (
    DEFAULT_PII_MODEL,
    PIIOptions,
    PIIResult,
    PIISpan,
    Verification,
    aredact_pii,
    redact_pii,
)
from zerogpu_core.tasks.pii_strategies import PIIStrategy, apply_pii_strategy

if TYPE_CHECKING:
    from langgraph.runtime import Runtime

__all__ = ["ZeroGPUPIIBlockedError", "ZeroGPUPIIMiddleware"]


class ZeroGPUPIIBlockedError(PIIDetectionError):
    """PII was found and ``strategy="block"``; a LangChain ``PIIDetectionError``.

    ``matches`` give each span's type and offsets; their ``value`` is the
    placeholder (``[EMAIL]``), never the personal data.

    Attributes:
        stage: ``"input"``, ``"output"`` or ``"tool"``.
    """

    def __init__(self, matches: Sequence[PIIMatch], stage: str) -> None:
        super().__init__(matches[0]["type"] if matches else "pii", matches)
        self.stage = stage

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.matches, self.stage)


def _matches(spans: Sequence[PIISpan]) -> list[PIIMatch]:
    return [
        PIIMatch(
            type="_".join(s.label.lower().split()),
            value=s.placeholder or "[PII]",
            start=s.start,
            end=s.end,
        )
        for s in spans
    ]


def _secret_bytes(key: bytes | str | SecretStr | None) -> SecretBytes:
    if key is None:
        return SecretBytes(secrets.token_bytes(32))
    if isinstance(key, SecretStr):
        key = key.get_secret_value()
    data = key.encode() if isinstance(key, str) else key
    if len(data) < 16:
        raise ValueError("hash_key must be at least 16 bytes of secret")
    return SecretBytes(data)


class ZeroGPUPIIMiddleware(AgentMiddleware[AgentState[Any], Any]):
    """Redacts, masks, hashes or blocks PII in an agent's messages with GLiNER.

    Example:
        >>> from langchain.agents import create_agent
        >>> pii = ZeroGPUPIIMiddleware(strategy="redact", apply_to_tool_results=True)
        >>> agent = create_agent(ChatZeroGPU(), [], middleware=[pii])  # doctest: +SKIP

    The parameter names are those of LangChain's ``PIIMiddleware`` (same defaults:
    new user messages only), but detection is ZeroGPU's PII model through the same
    verified path as :class:`~langchain_zerogpu.ZeroGPUPIIRedactor`: long text is
    covered by overlapping windows, every reply is checked against the text, and a
    reply that cannot be verified fails the run (nothing passes unredacted). The
    hooks rewrite the agent state, so the model never sees the original text;
    streamed tokens of the model's own reply are not rewritten in flight.

    Args:
        strategy: ``"redact"`` (``[EMAIL]``), ``"mask"`` (``***-***-0134``),
            ``"hash"`` (``<email_hash:…>``, keyed) or ``"block"`` (raise
            :class:`ZeroGPUPIIBlockedError`).
        apply_to_input: new user messages, before the model call.
        apply_to_output: each model reply, after the model call.
        apply_to_tool_results: tool results, before the model reads them.
        model: the PII model.
        threshold: minimum score, 0..1 (the service default when unset).
        categories: category groups, e.g. ``["contact"]`` (all when unset).
        extra_metadata: further documented ``metadata`` keys for the model.
        max_chunk_tokens: override of the model's input limit per request.
        verification: ``"strict"`` or ``"lenient"``, as for ``ZeroGPUPIIRedactor``.
        hash_key: secret for ``"hash"`` (at least 16 bytes); a random one per
            middleware when unset, so tokens are stable for its lifetime only.
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
        strategy: PIIStrategy = "redact",
        apply_to_input: bool = True,
        apply_to_output: bool = False,
        apply_to_tool_results: bool = False,
        model: str = DEFAULT_PII_MODEL,
        threshold: float | None = None,
        categories: Sequence[str] | None = None,
        extra_metadata: Mapping[str, Any] | None = None,
        max_chunk_tokens: int | None = None,
        verification: Verification = "strict",
        hash_key: bytes | str | SecretStr | None = None,
        client: ZeroGPUClient | None = None,
        **connection: Unpack[ConnectionArgs],
    ) -> None:
        super().__init__()
        if strategy not in get_args(PIIStrategy):
            raise ValueError(
                f"strategy must be 'redact', 'mask', 'hash' or 'block', got {strategy!r}"
            )
        self.strategy: PIIStrategy = strategy
        self.apply_to_input = apply_to_input
        self.apply_to_output = apply_to_output
        self.apply_to_tool_results = apply_to_tool_results
        self.options = PIIOptions(
            model=model,
            threshold=threshold,
            categories=categories,
            extra_metadata=dict(extra_metadata or {}),
            max_chunk_tokens=max_chunk_tokens,
            verification=verification,
        )
        self._hash_key = _secret_bytes(hash_key)
        self.client = middleware_client(type(self).__name__, client, connection)

    def _inputs(self, messages: Sequence[BaseMessage]) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        if self.apply_to_input:
            found += [(i, "input") for i in new_inputs(messages)]
        if self.apply_to_tool_results:
            found += [(i, "tool") for i in new_tool_results(messages)]
        return found

    def _outputs(self, messages: Sequence[BaseMessage]) -> list[tuple[int, str]]:
        index = latest_output(messages) if self.apply_to_output else None
        return [] if index is None else [(index, "output")]

    def _protected(self, text: str, result: PIIResult, stage: str) -> str:
        """``text`` after the strategy, from its redaction ``result``."""
        if not result.spans:
            return text
        if self.strategy == "block":
            raise ZeroGPUPIIBlockedError(_matches(result.spans), stage)
        if self.strategy == "redact":
            return result.text
        key = self._hash_key.get_secret_value()
        return apply_pii_strategy(text, result.spans, self.strategy, hash_key=key)

    def _process(
        self, messages: Sequence[BaseMessage], targets: Sequence[tuple[int, str]]
    ) -> dict[str, Any] | None:
        client = self.client.sync_client
        with translating_errors():
            results = [
                [redact_pii(client, leaf, self.options) for leaf in _leaves(messages[i])]
                for i, _ in targets
            ]
        return self._update(messages, targets, results)

    async def _aprocess(
        self, messages: Sequence[BaseMessage], targets: Sequence[tuple[int, str]]
    ) -> dict[str, Any] | None:
        client = self.client.async_client
        leaves = [_leaves(messages[i]) for i, _ in targets]
        with translating_errors():
            flat = await asyncio.gather(
                *(aredact_pii(client, leaf, self.options) for group in leaves for leaf in group)
            )
        results = iter(flat)
        nested = [[next(results) for _ in group] for group in leaves]
        return self._update(messages, targets, nested)

    def _update(
        self,
        messages: Sequence[BaseMessage],
        targets: Sequence[tuple[int, str]],
        results: Sequence[Sequence[PIIResult]],
    ) -> dict[str, Any] | None:
        changed: list[BaseMessage] = []
        for (index, stage), message_results in zip(targets, results, strict=True):
            message = messages[index]
            leaves = _leaves(message)
            texts = [
                self._protected(leaf, result, stage)
                for leaf, result in zip(leaves, message_results, strict=True)
            ]
            if texts != leaves:
                changed.append(_with_content(message, texts))
        return {"messages": changed} if changed else None

    def before_model(self, state: AgentState[Any], runtime: Runtime[Any]) -> dict[str, Any] | None:
        """Handle PII in new user messages and tool results before the model call."""
        messages = state["messages"]
        return self._process(messages, self._inputs(messages))

    async def abefore_model(
        self, state: AgentState[Any], runtime: Runtime[Any]
    ) -> dict[str, Any] | None:
        """Async :meth:`before_model` (the calls run concurrently, on the loop)."""
        messages = state["messages"]
        return await self._aprocess(messages, self._inputs(messages))

    def after_model(self, state: AgentState[Any], runtime: Runtime[Any]) -> dict[str, Any] | None:
        """Handle PII in the model's reply."""
        messages = state["messages"]
        return self._process(messages, self._outputs(messages))

    async def aafter_model(
        self, state: AgentState[Any], runtime: Runtime[Any]
    ) -> dict[str, Any] | None:
        """Async :meth:`after_model`."""
        messages = state["messages"]
        return await self._aprocess(messages, self._outputs(messages))


def _leaves(message: BaseMessage) -> list[str]:
    return text_leaves(message.content)


def _with_content(message: BaseMessage, texts: Sequence[str]) -> BaseMessage:
    if message.id is None:
        # The state reducer matches by id: without one the original would stay.
        raise RuntimeError(f"cannot replace a {message.type} message without an id")
    return message.model_copy(update={"content": with_text_leaves(message.content, texts)})
