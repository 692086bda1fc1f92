"""Batch API results as LangChain messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import AIMessage

from langchain_zerogpu._messages import completion_to_result
from zerogpu_core.batch import BatchItemError, BatchResults
from zerogpu_core.tasks import BatchTransformError, ItemFailure
from zerogpu_core.types import ChatCompletion

__all__ = ["batch_messages"]


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
