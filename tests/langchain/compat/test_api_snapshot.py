"""Our ``langchain_zerogpu`` offers everything ``langchain-zerogpu`` 1.2.0 did.

Compared with ``langchain_zerogpu_1_2_0.json``, taken from the 1.2.0 wheel by
``snapshot_1_2_0.py`` (its docstring has the command that regenerates it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.langchain.compat.snapshot_1_2_0 import describe

SNAPSHOT: dict[str, Any] = json.loads(
    (Path(__file__).parent / "langchain_zerogpu_1_2_0.json").read_text(encoding="utf-8")
)
OURS = describe()
TOOL_PAIRS = list(zip(SNAPSHOT["tools"], OURS["tools"], strict=True))


def test_every_1_2_0_export_exists() -> None:
    assert set(SNAPSHOT["exports"]) <= set(OURS["exports"])
    assert len(SNAPSHOT["tools"]) == len(OURS["tools"]) == 22


@pytest.mark.parametrize(("theirs", "ours"), TOOL_PAIRS, ids=[t["class"] for t, _ in TOOL_PAIRS])
def test_tool_matches_field_by_field(theirs: dict[str, Any], ours: dict[str, Any]) -> None:
    assert ours["class"] == theirs["class"]  # same order in ALL_TOOL_CLASSES
    assert ours["name"] == theirs["name"]
    assert set(theirs["constructor"]) <= set(ours["constructor"])
    their_schema, our_schema = theirs["args_schema"], ours["args_schema"]
    assert our_schema["title"] == their_schema["title"]
    assert our_schema["required"] == their_schema["required"]
    assert sorted(our_schema["fields"]) == sorted(their_schema["fields"])
    for field, spec in their_schema["fields"].items():
        assert our_schema["fields"][field] == spec, field


def test_toolkit_takes_the_same_arguments() -> None:
    assert set(SNAPSHOT["toolkit"]) <= set(OURS["toolkit"])


@pytest.mark.parametrize("method", sorted(SNAPSHOT["client"]))
def test_client_method_accepts_every_1_2_0_call(method: str) -> None:
    theirs, ours = SNAPSHOT["client"][method], OURS["client"][method]
    assert ours[: len(theirs)] == theirs
    # Anything added is optional and keyword-only, so no existing call changes meaning.
    for extra in ours[len(theirs) :]:
        assert extra["kind"] == "KEYWORD_ONLY"
        assert not extra["required"]


def test_error_classes_keep_their_builtin_bases() -> None:
    assert "RuntimeError" in OURS["errors"]["ZeroGPUError"]
    assert "ValueError" in OURS["errors"]["ZeroGPUAuthError"]
    for name, mro in SNAPSHOT["errors"].items():
        assert set(mro) - {"langchain_zerogpu"} <= set(OURS["errors"][name])


def test_tools_call_the_same_models() -> None:
    assert OURS["models"] == SNAPSHOT["models"]
