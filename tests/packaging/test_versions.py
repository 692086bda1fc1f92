"""Each package's ``__version__`` is the version its distribution was built with.

The version is written in the member's ``pyproject.toml`` and in the package (users and
the 1.2.0 upgrade path read ``langchain_zerogpu.__version__``); this keeps the two equal.
"""

from __future__ import annotations

import importlib.metadata

import pytest

import langchain_zerogpu
import zerogpu_core


@pytest.mark.parametrize(
    ("distribution", "module_version"),
    [
        ("langchain-zerogpu", langchain_zerogpu.__version__),
        ("zerogpu-core", zerogpu_core.__version__),
    ],
)
def test_module_version_matches_distribution(distribution: str, module_version: str) -> None:
    assert module_version == importlib.metadata.version(distribution)
