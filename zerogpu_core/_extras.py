"""Clear instructions when an adapter's framework is not installed."""

from __future__ import annotations

import importlib

__all__ = ["require_extra"]


def require_extra(module: str, *, package: str, distribution: str, extra: str) -> None:
    """Import ``module`` or raise an ``ImportError`` saying which extra installs it.

    Raises:
        ImportError: when ``module`` (or its top-level package) is not installed.
    """
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is None or not module.startswith(exc.name):
            raise  # something else is missing: the original message says what
        raise ImportError(
            f"{package} needs {distribution}, which is not installed. Install the extra: "
            f"pip install 'zerogpu-integrations[{extra}]'"
        ) from exc
