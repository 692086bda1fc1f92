"""``POST /v1/embeddings`` wire models."""

from __future__ import annotations

from pydantic import Field

from zerogpu_core.types._base import WireModel
from zerogpu_core.types.usage import Usage

__all__ = ["Embedding", "EmbeddingResponse"]


class Embedding(WireModel):
    """One vector; ``index`` is the position of its input."""

    object: str = "embedding"
    index: int
    embedding: list[float]


class EmbeddingResponse(WireModel):
    """The list envelope returned by the embeddings route."""

    object: str = "list"
    data: list[Embedding] = Field(default_factory=list)
    model: str = ""
    usage: Usage | None = None

    def vectors(self) -> list[list[float]]:
        """The vectors in input order (the server's ``index``, not list position)."""
        return [item.embedding for item in sorted(self.data, key=lambda e: e.index)]
