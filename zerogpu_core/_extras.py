"""Clear instructions when an adapter's framework is not installed."""

from __future__ import annotations

import importlib

__all__ = ["require_extra"]


def require_extra(
    module: str, *, package: str, distribution: str, extra: str, install: str | None = None
) -> None:
    """Import ``module`` or raise an ``ImportError`` saying which extra installs it.

    ``install`` replaces the default ``zerogpu-integrations[extra]`` requirement in
    the message (for extras of the framework distributions).

    Raises:
        ImportError: when ``module`` (or its top-level package) is not installed.
    """
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is None or not module.startswith(exc.name):
            raise  # something else is missing: the original message says what
        requirement = install or f"zerogpu-integrations[{extra}]"
        raise ImportError(
            f"{package} needs {distribution}, which is not installed. Install the extra: "
            f"pip install '{requirement}'"
        ) from exc
