"""``ChatZeroGPU.batch_api``: chat inputs as one Batch API job, results as messages.

Kept out of ``chat_models`` so that chatting alone never imports the Batch runner,
the task helpers or tqdm; the chat model imports this module on first use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage

from langchain_zerogpu._errors import translating_errors
from langchain_zerogpu._messages import completion_to_result
from zerogpu_core.batch import BatchItemError, BatchResults
from zerogpu_core.tasks import BatchAPIOptions, BatchTransformError, ItemFailure
from zerogpu_core.types import ChatCompletion

if TYPE_CHECKING:
    from langchain_zerogpu.chat_models import ChatZeroGPU

__all__ = ["ChatBatchJob", "batch_messages"]


@dataclass(frozen=True)
class ChatBatchJob:
    """One ``batch_api``/``abatch_api`` call of ``model`` (see its docstring)."""

    model: ChatZeroGPU
    state_path: str | os.PathLike[str] | None
    poll_interval: float
    show_progress: bool
    return_exceptions: bool

    def run(
        self,
        inputs: Sequence[LanguageModelInput],
        per_input_kwargs: Sequence[Mapping[str, Any]] | None,
        kwargs: dict[str, Any],
    ) -> list[AIMessage | Exception]:
        """Build the bodies, run the job with the sync client, convert the results."""
        bodies = self.bodies(inputs, per_input_kwargs, kwargs)
        if not bodies:
            return []
        options = BatchAPIOptions(self.state_path, self.poll_interval)
        runner = options.runner(self.model._clients().sync, show_progress=self.show_progress)
        with translating_errors():
            results = runner.run(bodies)
        return batch_messages(results, bodies, return_exceptions=self.return_exceptions)

    async def arun(
        self,
        inputs: Sequence[LanguageModelInput],
        per_input_kwargs: Sequence[Mapping[str, Any]] | None,
        kwargs: dict[str, Any],
    ) -> list[AIMessage | Exception]:
        """Async :meth:`run` (polls with ``asyncio.sleep``)."""
        bodies = self.bodies(inputs, per_input_kwargs, kwargs)
        if not bodies:
            return []
        options = BatchAPIOptions(self.state_path, self.poll_interval)
        client = self.model._clients().async_client()
        runner = options.async_runner(client, show_progress=self.show_progress)
        with translating_errors():
            results = await runner.run(bodies)
        return batch_messages(results, bodies, return_exceptions=self.return_exceptions)

    def bodies(
        self,
        inputs: Sequence[LanguageModelInput],
        per_input_kwargs: Sequence[Mapping[str, Any]] | None,
        kwargs: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """One chat-completions body per input, as ``invoke`` would send it.

        Raises:
            TypeError: when ``inputs`` is a single string.
            ValueError: for a streaming request or mismatched ``per_input_kwargs``.
        """
        if isinstance(inputs, str):
            raise TypeError("batch_api takes a list of inputs; wrap a single prompt in a list")
        if per_input_kwargs is not None and len(per_input_kwargs) != len(inputs):
            raise ValueError(
                f"per_input_kwargs has {len(per_input_kwargs)} entries for {len(inputs)} inputs"
            )
        bodies = []
        for position, item in enumerate(inputs):
            call = {**kwargs, **(per_input_kwargs[position] if per_input_kwargs else {})}
            messages = self.model._convert_input(item).to_messages()
            body = self.model._body(messages, None, call)
            if call.get("stream") or body.get("stream"):
                raise ValueError(
                    f"Input {position} asks for streaming; Batch API lines cannot stream"
                )
            bodies.append(body)
        return bodies


def batch_messages(
    results: BatchResults, bodies: Sequence[Mapping[str, Any]], *, return_exceptions: bool
) -> list[AIMessage | Exception]:
    """One ``AIMessage`` (with usage) per batch result, in input order.

    Args:
        results: the job's results.
        bodies: the request bodies, for the model name when the server sends none.
        return_exceptions: put a failure's exception at its position instead of raising.

    Raises:
        BatchTransformError: for failed items, unless ``return_exceptions``.
    """
    out: list[AIMessage | Exception] = []
    failures: list[ItemFailure] = []
    for item, body in zip(results, bodies, strict=True):
        try:
            out.append(_batch_message(item.unwrap(), str(body["model"]), item.request_id))
        except (BatchItemError, ValueError) as exc:
            failures.append(ItemFailure(item.index, item.custom_id, exc))
            out.append(exc)
    if failures and not return_exceptions:
        finished = [m if isinstance(m, AIMessage) else None for m in out]
        raise BatchTransformError(finished, failures, noun="input")
    return out


def _batch_message(completion: ChatCompletion, model: str, request_id: str | None) -> AIMessage:
    generation = completion_to_result(completion, model=model, request_id=request_id)
    message = generation.generations[0].message
    if not isinstance(message, AIMessage):
        raise TypeError(f"Expected an AIMessage, got {type(message).__name__}")
    return message
