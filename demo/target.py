"""Where the demo's requests go: the live API when a key is set, else the emulator."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from zerogpu_core import DEFAULT_BASE_URL

__all__ = ["EMULATED_ID_PREFIX", "Target", "open_target"]

#: Chat completion ids minted by the bundled emulator start with this.
EMULATED_ID_PREFIX = "chatcmpl-emu-"
_EMULATOR_KEY = "demo-emulator-key"


@dataclass(frozen=True)
class Target:
    """Connection settings every component of the demo is built with.

    Attributes:
        base_url: the API base URL.
        api_key: the key (the emulator's placeholder when emulated).
        emulated: True when the demo started the bundled emulator itself.
    """

    base_url: str
    api_key: SecretStr = field(repr=False)
    emulated: bool

    def settings(self) -> dict[str, Any]:
        """Keyword arguments for every ZeroGPU class (the same for live and emulated)."""
        return {"base_url": self.base_url, "api_key": self.api_key}


@contextmanager
def open_target(environ: Mapping[str, str] | None = None) -> Iterator[Target]:
    """The live API if ``ZEROGPU_API_KEY`` is set, else a bundled emulator on loopback.

    ``ZEROGPU_BASE_URL`` overrides the live URL; ``ZEROGPU_PROJECT_ID`` is read by
    the components themselves.
    """
    env = os.environ if environ is None else environ
    key = env.get("ZEROGPU_API_KEY")
    if key:
        yield Target(env.get("ZEROGPU_BASE_URL") or DEFAULT_BASE_URL, SecretStr(key), False)
        return
    from zerogpu_core.emulator import Emulator

    with Emulator(api_key=_EMULATOR_KEY) as emulator:
        yield Target(emulator.base_url, SecretStr(_EMULATOR_KEY), True)
