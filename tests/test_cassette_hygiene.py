"""Cassettes never hold a secret: checked on every committed file, and on a fresh
recording made with a key-like credential through the same VCR configuration."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import vcr
import yaml

from tests.conftest import CASSETTES, SECRET_HEADERS, SECRET_RESPONSE_HEADERS, zerogpu_body_matcher
from zerogpu_core import ZeroGPUClient
from zerogpu_core.emulator import Emulator

KEY_LIKE = re.compile(r"zgpu-[A-Za-z0-9_-]{8,}|sk-[A-Za-z0-9]{16,}")
FORBIDDEN = {h.lower() for h in (*SECRET_HEADERS, *SECRET_RESPONSE_HEADERS)}


def leaks(cassette_text: str) -> list[str]:
    """Every secret header name or key-like string in a cassette's YAML text."""
    found = KEY_LIKE.findall(cassette_text)
    data = yaml.safe_load(cassette_text) or {}
    for interaction in data.get("interactions", []):
        for part in ("request", "response"):
            headers = interaction.get(part, {}).get("headers", {}) or {}
            found += [name for name in headers if name.lower() in FORBIDDEN]
    return found


CASSETTE_FILES = sorted(CASSETTES.rglob("*.yaml"))


def test_there_are_cassettes() -> None:
    assert CASSETTE_FILES, "no cassettes found under cassettes/"


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: str(p.relative_to(CASSETTES)))
def test_committed_cassette_has_no_secret(path: Path) -> None:
    assert leaks(path.read_text(encoding="utf-8")) == []


def test_detector_finds_planted_leaks() -> None:
    planted = (
        "interactions:\n- request:\n    headers:\n      x-api-key: [zgpu-api-abcdef123456]\n"
        "      Cookie: [a=b]\n    body: ''\n  response:\n    headers:\n      Set-Cookie: [s=1]\n"
    )
    found = leaks(planted)
    assert "x-api-key" in found
    assert "Cookie" in found
    assert "Set-Cookie" in found
    assert "zgpu-api-abcdef123456" in found


def test_recording_scrubs_credentials(tmp_path: Path, vcr_config: dict[str, Any]) -> None:
    secret = "zgpu-api-THISMUSTNOTLEAK0001"
    options = {k: v for k, v in vcr_config.items() if k != "allowed_hosts"}
    recorder = vcr.VCR(record_mode="all", **options)
    recorder.register_matcher("zerogpu_body", zerogpu_body_matcher)
    cassette = tmp_path / "scrub.yaml"
    with Emulator() as emulator, recorder.use_cassette(str(cassette)):
        client = ZeroGPUClient(
            api_key=secret, project_id="proj-secret-id", base_url=emulator.base_url
        )
        client.create_embeddings(model="bge-small-en-v1.5", input="hello")
        client.close()
    text = cassette.read_text(encoding="utf-8")
    assert "x-zerogpu-emulator" in text  # the recording happened and is marked as emulated
    assert secret not in text
    assert "proj-secret-id" not in text
    assert leaks(text) == []


class _Recorded:
    def __init__(self, body: dict[str, Any]) -> None:
        self.body = json.dumps(body).encode()
        self.headers = {"content-type": "application/json"}


def _tool_body(description: str) -> dict[str, Any]:
    return {
        "tools": [{"type": "function", "function": {"name": "add", "description": description}}]
    }


def test_body_matcher_ignores_docstring_indentation_only() -> None:
    # A cassette recorded on Python 3.10-3.12 must replay on 3.13, which dedents docstrings.
    indented = _tool_body("Add two integers.\n\n        Returns their sum.")
    dedented = _tool_body("Add two integers.\n\nReturns their sum.")
    zerogpu_body_matcher(_Recorded(indented), _Recorded(dedented))
    with pytest.raises(AssertionError):
        zerogpu_body_matcher(_Recorded(indented), _Recorded(_tool_body("Add two numbers.")))
