"""Pytest plugin: ``pytest_plugins = ["zerogpu_core.emulator.pytest_plugin"]``.

Provides the ``zerogpu_emulator`` fixture: a started ``Emulator(api_key="test-key")``
per test, stopped afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from zerogpu_core.emulator.server import Emulator

__all__ = ["zerogpu_emulator"]


@pytest.fixture
def zerogpu_emulator() -> Iterator[Emulator]:
    """A running emulator that accepts the API key ``test-key``."""
    with Emulator(api_key="test-key") as emulator:
        yield emulator
