"""``POST /v1/embeddings`` wire models."""

from __future__ import annotations

from pydantic import Field

from zerogpu_core._exceptions import APIResponseValidationError
from zerogpu_core.types._base import ResponseModel, WireModel
from zerogpu_core.types.usage import Usage

__all__ = ["Embedding", "EmbeddingResponse"]


class Embedding(WireModel):
    """One vector; ``index`` is the position of its input."""

    object: str = "embedding"
    index: int
    embedding: list[float]


class EmbeddingResponse(ResponseModel):
    """The list envelope returned by the embeddings route."""

    object: str = "list"
    data: list[Embedding] = Field(default_factory=list)
    model: str = ""
    usage: Usage | None = None

    def vectors(self, expected: int | None = None) -> list[list[float]]:
        """The vectors in input order (the server's ``index``, not list position).

        Args:
            expected: the number of inputs sent; when given, the indexes must be
                exactly ``0..expected-1`` so no vector is missing or duplicated.

        Raises:
            APIResponseValidationError: when ``expected`` is given and not met.
        """
        ordered = sorted(self.data, key=lambda e: e.index)
        if expected is not None and [e.index for e in ordered] != list(range(expected)):
            indexes = [e.index for e in ordered][:20]
            raise APIResponseValidationError(
                f"Expected {expected} embedding(s) indexed 0..{expected - 1}, got indexes "
                f"{indexes}",
                status_code=200,
                request_id=self.request_id,
            )
        return [item.embedding for item in ordered]
