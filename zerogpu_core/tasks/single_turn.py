"""One text in, one answer out, on either inference route.

The request bodies and reply readers behind single-prompt helpers (and the
``langchain-zerogpu`` 1.2.0 compatible tools): the responses route takes the text as
``input`` and a system prompt as ``instructions``; the chat route takes them as a
user and a system message. Task payloads are read with :func:`extract_payload`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.tasks._checks import check_text
from zerogpu_core.tasks._payload import TaskOutputError, extract_payload
from zerogpu_core.types import ChatCompletion, Response

__all__ = [
    "TextReply",
    "achat_once",
    "arespond",
    "atask_payload",
    "chat_answer",
    "chat_once",
    "chat_request",
    "respond",
    "response_request",
    "task_payload",
]


@dataclass(frozen=True)
class TextReply:
    """A generated answer and, kept apart from it, the reasoning trace if any."""

    answer: str
    reasoning: str | None = None

    def with_reasoning(self) -> str:
        """The trace in a ``<thinking>`` block followed by the answer, for callers
        that asked to see it; just the answer when there is no trace."""
        if not self.reasoning:
            return self.answer
        return f"<thinking>\n{self.reasoning}\n</thinking>\n\n{self.answer}"


def response_request(
    model: str,
    text: str,
    *,
    system: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    extra_body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``/responses`` body: ``text`` as ``input``, ``system`` as ``instructions``.

    ``extra_body`` holds top-level fields such as ``categories``; it may not replace
    ``model``, ``input`` or ``instructions``.
    """
    body: dict[str, Any] = dict(extra_body or {})
    clash = {"model", "input", "instructions"} & set(body)
    if clash:
        raise ValueError(f"extra body fields may not set {sorted(clash)}; pass them directly")
    body.update(model=model, input=check_text(text))
    if system:
        body["instructions"] = system
    if metadata:
        body["metadata"] = dict(metadata)
    return body


def chat_request(
    model: str,
    text: str,
    *,
    system: str | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``/chat/completions`` body: an optional system message, then ``text``."""
    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": check_text(text)})
    body: dict[str, Any] = {"model": model, "messages": messages}
    if metadata:
        body["metadata"] = dict(metadata)
    return body


def _from_response(reply: Response, model: str) -> TextReply:
    return _checked(TextReply(reply.output_text, reply.reasoning_text), model)


def chat_answer(reply: ChatCompletion, model: str) -> TextReply:
    """The answer of a chat completion (a job's reply in bulk runs).

    Raises:
        TaskOutputError: when the reply has no choices or no answer text.
    """
    if not reply.choices:
        raise TaskOutputError(f"{model} returned a chat completion without choices")
    message = reply.message
    return _checked(TextReply(message.answer, message.reasoning_text), model)


def _checked(reply: TextReply, model: str) -> TextReply:
    if not reply.answer.strip():
        raise TaskOutputError(f"{model} returned no answer text")
    return reply


def respond(client: ZeroGPUClient, body: Mapping[str, Any]) -> TextReply:
    """Send a :func:`response_request` body and read the answer.

    Raises:
        TaskOutputError: when the reply has no answer text.
    """
    return _from_response(client.create_response(body), str(body.get("model")))


async def arespond(client: AsyncZeroGPUClient, body: Mapping[str, Any]) -> TextReply:
    """Async :func:`respond`."""
    return _from_response(await client.create_response(body), str(body.get("model")))


def chat_once(client: ZeroGPUClient, body: Mapping[str, Any]) -> TextReply:
    """Send a :func:`chat_request` body and read the answer.

    Raises:
        TaskOutputError: when the reply has no answer text.
    """
    return chat_answer(client.chat_completion(body), str(body.get("model")))


async def achat_once(client: AsyncZeroGPUClient, body: Mapping[str, Any]) -> TextReply:
    """Async :func:`chat_once`."""
    return chat_answer(await client.chat_completion(body), str(body.get("model")))


def task_payload(client: ZeroGPUClient, body: Mapping[str, Any]) -> dict[str, Any]:
    """Send a task model's ``/responses`` body and return its decoded JSON payload.

    Raises:
        TaskOutputError: when the output is not a JSON object.
    """
    return extract_payload(client.create_response(body), model=str(body.get("model")))


async def atask_payload(client: AsyncZeroGPUClient, body: Mapping[str, Any]) -> dict[str, Any]:
    """Async :func:`task_payload`."""
    reply = await client.create_response(body)
    return extract_payload(reply, model=str(body.get("model")))
