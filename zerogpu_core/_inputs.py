"""Checks of what callers pass, run before any request is sent.

Each check raises in the caller's words: the adapters pass their own class and
argument names, so ``ChatZeroGPU.invoke([])`` and ``client.chat_completion(messages=[])``
fail with messages that name what the user actually typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "check_free_metadata_key",
    "check_messages",
    "check_stop",
    "check_timeout",
    "require_texts",
]

# Roles whose text is the whole message: empty content is a certain 400.
_TEXT_ROLES = ("user", "system", "developer")


def check_timeout(timeout: Any) -> Any:
    """Refuse a zero or negative number of seconds (``httpx.Timeout`` passes as is).

    Raises:
        ValueError: for a number that is not positive.
    """
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout <= 0:
        raise ValueError(
            f"timeout must be a positive number of seconds per attempt, got {timeout!r} "
            "(leave it unset for the 60 s default)."
        )
    return timeout


def check_stop(stop: Any, *, owner: str) -> None:
    """``stop`` must be ``None``, a string or a list of strings.

    Raises:
        TypeError: naming the wrong type or the first wrong item.
    """
    if stop is None or isinstance(stop, str):
        return
    if not isinstance(stop, (list, tuple)):
        raise TypeError(
            f"{owner}: stop must be a string or a list of strings, got {type(stop).__name__}."
        )
    for position, item in enumerate(stop):
        if not isinstance(item, str):
            raise TypeError(
                f"{owner}: stop[{position}] must be a string, got {type(item).__name__}."
            )


def _blank(content: Any) -> bool:
    return content is None or content == "" or content == []


def check_messages(messages: Any, *, owner: str, argument: str) -> None:
    """A non-empty list of messages, none of the user/system ones without text.

    Raises:
        TypeError: when ``messages`` is not a list of mappings.
        ValueError: for an empty list or an empty user/system message.
    """
    if not isinstance(messages, (list, tuple)):
        raise TypeError(
            f"{owner}: {argument} must be a list of messages, got {type(messages).__name__}."
        )
    if not messages:
        raise ValueError(f"{owner}: {argument} is empty; send at least one message.")
    for position, message in enumerate(messages):
        if not isinstance(message, Mapping):
            raise TypeError(
                f"{owner}: {argument}[{position}] must be a message, got {type(message).__name__}."
            )
        role = message.get("role")
        if role in _TEXT_ROLES and _blank(message.get("content")):
            raise ValueError(
                f"{owner}: {argument}[{position}] is a {role} message with empty content; "
                "the API rejects user and system messages without text."
            )


def require_texts(
    texts: Any,
    *,
    owner: str,
    argument: str,
    ids: Sequence[str | None] | None = None,
    single_hint: str = "",
) -> list[str]:
    """``texts`` as a list of non-empty strings, for the embeddings route.

    Args:
        texts: What the caller passed.
        owner: The method, e.g. ``"ZeroGPUEmbeddings.embed_documents"``.
        argument: The parameter name, e.g. ``"texts"``.
        ids: Ids of the items (LlamaIndex node ids), named in the messages.
        single_hint: What to do instead when one string was passed.

    Raises:
        TypeError: for a single string, ``None``, or a non-string item.
        ValueError: for an empty string item.
    """
    if isinstance(texts, str):
        raise TypeError(
            f"{owner}: {argument} must be a list of strings, got a single string. {single_hint}"
        )
    if not isinstance(texts, Sequence):
        raise TypeError(
            f"{owner}: {argument} must be a list of strings, got {type(texts).__name__}."
        )
    for position, text in enumerate(texts):
        where = f"{argument}[{position}]"
        if ids is not None and ids[position] is not None:
            where += f" (node {ids[position]!r})"
        if not isinstance(text, str):
            raise TypeError(f"{owner}: {where} must be a string, got {type(text).__name__}.")
        if not text:
            raise ValueError(f"{owner}: {where} is empty; the embeddings route rejects empty text.")
    return list(texts)


def check_free_metadata_key(
    metadatas: Sequence[Mapping[str, Any]],
    key: str,
    *,
    owner: str,
    ids: Sequence[str | None],
    noun: str = "document",
) -> None:
    """Refuse to overwrite a metadata field the caller already has.

    Raises:
        ValueError: naming the first item that already holds ``key``.
    """
    for position, metadata in enumerate(metadatas):
        if key in metadata:
            named = f" (id {ids[position]!r})" if ids[position] is not None else ""
            raise ValueError(
                f"{owner}: {noun} {position}{named} already has metadata[{key!r}]; it would "
                f"be overwritten. Choose another metadata_key, or remove {key!r} first."
            )
