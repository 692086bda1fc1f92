"""``POST /v1/responses`` wire models, for both documented envelope shapes."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from zerogpu_core._reasoning import split_think_blocks
from zerogpu_core.types._base import ResponseModel, WireModel
from zerogpu_core.types.usage import Usage

__all__ = ["ContentBlock", "OutputItem", "Response"]


class ContentBlock(WireModel):
    """A block of an output item: ``output_text`` or ``reasoning_text``."""

    type: str = "output_text"
    text: str | None = None


class OutputItem(WireModel):
    """One item of ``output``: a ``message`` or a ``reasoning`` item."""

    type: str = "message"
    id: str | None = None
    role: str | None = None
    status: str | None = None
    content: list[ContentBlock] = Field(default_factory=list)


class Response(ResponseModel):
    """A ``response`` object (``created`` in the spec, ``created_at`` on the server)."""

    id: str = ""
    object: str = "response"
    created: int | None = None
    created_at: int | None = None
    model: str = ""
    status: str | None = None
    instructions: str | None = None
    output: list[OutputItem] = Field(default_factory=list)
    usage: Usage | None = None
    error: dict[str, Any] | None = None

    @property
    def created_time(self) -> int | None:
        """Creation time in epoch seconds, whichever key the server used."""
        return self.created if self.created is not None else self.created_at

    @property
    def output_text(self) -> str:
        """The answer: the first ``output_text`` block, else the first
        non-empty text outside reasoning items; inline think blocks removed."""
        blocks = [b for item in self.output for b in item.content]
        for block in blocks:
            if block.type == "output_text" and block.text is not None:
                return split_think_blocks(block.text)[0]
        for item in self.output:
            if item.type == "reasoning":
                continue
            for block in item.content:
                if block.text:
                    return split_think_blocks(block.text)[0]
        return ""

    @property
    def reasoning_text(self) -> str | None:
        """Reasoning from ``reasoning`` items or inline think blocks, else ``None``."""
        parts = [
            b.text
            for item in self.output
            if item.type == "reasoning"
            for b in item.content
            if b.text
        ]
        if parts:
            return "\n\n".join(parts)
        for item in self.output:
            for block in item.content:
                if block.type == "output_text" and block.text:
                    inline = split_think_blocks(block.text)[1]
                    return inline or None
        return None
