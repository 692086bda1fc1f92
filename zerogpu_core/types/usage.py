"""Token usage in either naming scheme (chat ``prompt_tokens`` / responses ``input_tokens``)."""

from __future__ import annotations

from typing import Any

from zerogpu_core.types._base import WireModel

__all__ = ["Usage"]


def _detail(details: dict[str, Any] | None, key: str) -> int | None:
    if not details:
        return None
    value = details.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class Usage(WireModel):
    """Token counts; read the ``input``/``output``/``total`` properties, not the raw keys."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    prompt_tokens_details: dict[str, Any] | None = None
    completion_tokens_details: dict[str, Any] | None = None
    input_tokens_details: dict[str, Any] | None = None
    output_tokens_details: dict[str, Any] | None = None
    total_time: float | None = None

    @property
    def input(self) -> int:
        """Input tokens, whichever key the route used."""
        return self.prompt_tokens if self.prompt_tokens is not None else (self.input_tokens or 0)

    @property
    def output(self) -> int:
        """Output tokens, whichever key the route used."""
        if self.completion_tokens is not None:
            return self.completion_tokens
        return self.output_tokens or 0

    @property
    def total(self) -> int:
        """Total tokens; computed when the server left it out."""
        return self.total_tokens if self.total_tokens is not None else self.input + self.output

    @property
    def reasoning_tokens(self) -> int | None:
        """Reasoning tokens when reported (chat or responses details)."""
        return _either(
            self.completion_tokens_details, self.output_tokens_details, "reasoning_tokens"
        )

    @property
    def cached_tokens(self) -> int | None:
        """Cached input tokens when reported."""
        return _either(self.prompt_tokens_details, self.input_tokens_details, "cached_tokens")


def _either(chat: dict[str, Any] | None, responses: dict[str, Any] | None, key: str) -> int | None:
    """``key`` from the chat details, else from the responses details."""
    if not chat and not responses:
        return None  # the usual usage block, read on every call: no details at all
    found = _detail(chat, key)
    return found if found is not None else _detail(responses, key)
