"""The client a middleware calls: the one given, or one built from settings."""

from __future__ import annotations

from typing import Any

from langchain_zerogpu._client import ZeroGPUClient

__all__ = ["middleware_client"]


def middleware_client(client: ZeroGPUClient | None, **settings: Any) -> ZeroGPUClient:
    """``client``, else a :class:`~langchain_zerogpu.ZeroGPUClient` from ``settings``
    (unset ones come from the environment, as for every other class).

    Raises:
        ValueError: when both ``client`` and a connection setting are given.
        ZeroGPUAuthError: when no API key is given or set.
    """
    given = sorted(name for name, value in settings.items() if value is not None)
    if client is None:
        return ZeroGPUClient(**settings)
    if given:
        raise ValueError(
            f"pass either client or connection settings ({', '.join(given)}), not both: "
            "the client already carries its own"
        )
    return client
