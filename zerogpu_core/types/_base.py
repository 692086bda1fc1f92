"""Base class of every wire model: unknown fields are kept, not rejected."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, PrivateAttr

__all__ = ["WireModel"]


class WireModel(BaseModel):
    """A response object as the server sent it.

    Fields the contract does not document are kept (``extra="allow"``) so a newer
    server never breaks parsing, and ``model_dump`` returns them unchanged.
    """

    # Responses can hold the very PII a request asked about: errors never quote them.
    model_config = ConfigDict(extra="allow", populate_by_name=True, hide_input_in_errors=True)

    _request_id: str | None = PrivateAttr(default=None)

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header of the HTTP response this object came from."""
        return self._request_id
