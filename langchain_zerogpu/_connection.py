"""The connection settings as LangChain classes take them."""

from __future__ import annotations

from langchain_core.utils import from_env, secret_from_env
from pydantic import model_validator
from typing_extensions import Self

from zerogpu_core.client_cache import ZeroGPUConnection

__all__ = ["LangChainConnection"]

_API_KEY_FROM_ENV = secret_from_env("ZEROGPU_API_KEY", default=None)
_PROJECT_ID_FROM_ENV = from_env("ZEROGPU_PROJECT_ID", default=None)


class LangChainConnection(ZeroGPUConnection):
    """:class:`~zerogpu_core.client_cache.ZeroGPUConnection` with LangChain's convention:
    an omitted ``api_key`` / ``project_id`` is read from ``ZEROGPU_API_KEY`` /
    ``ZEROGPU_PROJECT_ID`` at construction (``dumpd`` still stores only a reference
    to the key's variable)."""

    @model_validator(mode="after")
    def _from_environment(self) -> Self:
        # After the argument policy, so a synonym (openai_api_key) counts as given.
        if "api_key" not in self.model_fields_set:
            self.api_key = _API_KEY_FROM_ENV()
        if "project_id" not in self.model_fields_set:
            self.project_id = _PROJECT_ID_FROM_ENV()
        return self
