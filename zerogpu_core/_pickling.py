"""Pickles of framework objects never carry the API key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Mixed into pydantic models only; object has no __getstate__ before Python 3.11.
    from pydantic import BaseModel as _PickledModel
else:
    _PickledModel = object

__all__ = ["KeylessPickle"]


class KeylessPickle(_PickledModel):
    """Mixin for pydantic framework objects (LLMs, embeddings, transformers).

    Pickles end up in caches, queues and worker processes; the ``api_key`` field is
    blanked in them, so an unpickled copy (e.g. in an ingestion worker) reads
    ``ZEROGPU_API_KEY`` from its own environment instead.
    """

    def __getstate__(self) -> dict[Any, Any]:
        state = super().__getstate__()
        fields = dict(state.get("__dict__", {}))
        if "api_key" in fields:
            fields["api_key"] = None
        state["__dict__"] = fields
        return state
