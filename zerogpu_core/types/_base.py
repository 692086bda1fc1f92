"""Base classes of every wire model: unknown fields are kept, not rejected."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from typing_extensions import Self

__all__ = ["ResponseModel", "WireModel", "set_request_id"]


class WireModel(BaseModel):
    """A response object, or a part of one, as the server sent it.

    Fields the contract does not document are kept (``extra="allow"``) so a newer
    server never breaks parsing, and ``model_dump`` returns them unchanged.
    """

    # Responses can hold the very PII a request asked about: errors never quote them,
    # and pydantic's process-wide string cache keeps only keys, not values (which
    # would keep short answer strings, such as found names, alive after the run and
    # make a bulk run's memory grow with its size until the cache is full).
    model_config = ConfigDict(
        extra="allow", populate_by_name=True, hide_input_in_errors=True, cache_strings="keys"
    )

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` of the HTTP response this object came from; ``None``
        on the parts of a response (a choice, a delta, a usage block)."""
        return None


class ResponseModel(WireModel):
    """A whole response body (or stream chunk), which knows its ``x-request-id``.

    The id lives in a slot, not a pydantic private attribute: pydantic initialises
    private attributes on every instance, which for a stream chunk cost a third as
    much as validating it. Pickling and copying keep the id.
    """

    __slots__ = ("_zerogpu_request_id",)

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header of the HTTP response this object came from."""
        return getattr(self, "_zerogpu_request_id", None)

    def _set_request_id(self, request_id: str | None) -> None:
        """Record the response's ``x-request-id`` (done by the client that parsed it)."""
        object.__setattr__(self, "_zerogpu_request_id", request_id)

    def __getstate__(self) -> dict[Any, Any]:
        return {**super().__getstate__(), "zerogpu_request_id": self.request_id}

    def __setstate__(self, state: dict[Any, Any]) -> None:
        state = dict(state)
        request_id = state.pop("zerogpu_request_id", None)
        super().__setstate__(state)
        self._set_request_id(request_id)

    def __copy__(self) -> Self:
        copied = super().__copy__()
        copied._set_request_id(self.request_id)
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        copied = super().__deepcopy__(memo)
        copied._set_request_id(self.request_id)
        return copied


#: ``set_request_id(model, request_id)``: what :meth:`ResponseModel._set_request_id`
#: does, as the slot's own setter (half the cost of the method call; the stream
#: decoder records the id on every chunk).
set_request_id = ResponseModel._zerogpu_request_id.__set__  # type: ignore[attr-defined]
