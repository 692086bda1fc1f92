"""The client a middleware calls: the one given, or one built from settings.

The settings are validated by the same model as every other class
(:class:`~langchain_zerogpu._connection.LangChainConnection`, on
:class:`~zerogpu_core.ConnectionSettings`), so they have the same names, defaults,
checks and secret handling; an invalid one raises the error ``ChatZeroGPU`` would,
titled with the middleware's name and without echoing any input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from langchain_zerogpu._client import ZeroGPUClient
from langchain_zerogpu._connection import LangChainConnection
from zerogpu_core._secrets import without_input
from zerogpu_core._settings import ConnectionSettings, check_connection_args

__all__ = ["middleware_client"]


def middleware_client(
    owner: str, client: ZeroGPUClient | None, settings: Mapping[str, Any]
) -> ZeroGPUClient:
    """``client``, else a :class:`~langchain_zerogpu.ZeroGPUClient` from ``settings``
    (unset ones come from the environment, as for every other class).

    Raises:
        TypeError: for a keyword that is not a connection setting.
        ValidationError: for an invalid setting, titled ``owner``, input hidden.
        ValueError: when both ``client`` and a connection setting are given.
        ZeroGPUAuthError: when no API key is given or set.
    """
    check_connection_args(owner, settings)
    given = sorted(name for name, value in settings.items() if value is not None)
    if client is None:
        return ZeroGPUClient.from_settings(_validated(owner, settings))
    if given:
        raise ValueError(
            f"pass either client or connection settings ({', '.join(given)}), not both: "
            "the client already carries its own"
        )
    return client


def _validated(owner: str, settings: Mapping[str, Any]) -> ConnectionSettings:
    try:
        connection = LangChainConnection(**settings)
    except ValidationError as error:
        hidden = without_input(error, title=owner)
    else:
        return connection.connection_settings()
    # Raised outside the except block so the original error (with the input) is not
    # kept as this one's context.
    raise hidden
