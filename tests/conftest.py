"""Test harness: VCR cassettes in the top-level ``cassettes/`` folder, and the target
(cassette replay, the bundled emulator, or the live API) that tests talk to.

Replay is the default (``--record-mode=none``): CI never touches the network. To
re-record, run ``make cassettes``: with ``ZEROGPU_API_KEY`` set the recordings come
from the live API, otherwise from the emulator (see ``cassettes/README.md``).
"""

from __future__ import annotations

import inspect
import json
import os
import platform
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from zerogpu_core.emulator import Emulator

pytest_plugins = ["zerogpu_core.emulator.pytest_plugin"]

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
TESTS = Path(__file__).resolve().parent

# Placeholder credentials used for replay and emulator recording; never a real key.
TEST_API_KEY = "test-key"
SECRET_HEADERS = ("x-api-key", "x-project-id", "authorization", "cookie")
SECRET_RESPONSE_HEADERS = ("set-cookie",)
_BOUNDARY = re.compile(rb"--([0-9a-zA-Z'()+_,./:=?-]{8,70})")


# The versions that decide whether a run is comparable to another (see the README's
# Development section: the locked set and the two ends of the supported range).
REPORTED_DISTRIBUTIONS = (
    "langchain-core",
    "llama-index-core",
    "pydantic",
    "httpx",
    "langchain-tests",
)


def pytest_report_header() -> str:
    versions = []
    for name in REPORTED_DISTRIBUTIONS:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return f"zerogpu: Python {platform.python_version()}, " + ", ".join(versions)


@dataclass(frozen=True)
class Target:
    """Where a test's requests go and with which credentials."""

    base_url: str
    api_key: str
    project_id: str | None
    source: str  # "cassette", "emulator" or "live"

    def client_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"base_url": self.base_url, "api_key": self.api_key}
        if self.project_id:
            kwargs["project_id"] = self.project_id
        return kwargs


def _clean_tool_descriptions(body: Any) -> Any:
    # Python 3.13 dedents docstrings at compile time, so a tool described by its
    # docstring is sent with other indentation than on 3.10-3.12: same meaning.
    tools = body.get("tools") if isinstance(body, dict) else None
    for tool in tools if isinstance(tools, list) else ():
        function = tool.get("function") if isinstance(tool, dict) else None
        if isinstance(function, dict) and isinstance(function.get("description"), str):
            function["description"] = inspect.cleandoc(function["description"])
    return body


def _normalise_body(body: bytes | str | None, content_type: str) -> Any:
    raw = body.encode() if isinstance(body, str) else (body or b"")
    if "json" in content_type or raw[:1] in (b"{", b"["):
        try:
            return _clean_tool_descriptions(json.loads(raw))
        except ValueError:
            pass
    if "multipart" in content_type:
        match = _BOUNDARY.search(raw)
        if match:
            return raw.replace(match.group(1), b"BOUNDARY")
    return raw


def _content_type(request: Any) -> str:
    return str(request.headers.get("content-type") or request.headers.get("Content-Type") or "")


def zerogpu_body_matcher(r1: Any, r2: Any) -> None:
    """Match JSON bodies by value (key order ignored) and multipart bodies modulo boundary."""
    left = _normalise_body(r1.body, _content_type(r1))
    right = _normalise_body(r2.body, _content_type(r2))
    assert left == right, "request bodies differ"


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_RESPONSE_HEADERS:
            del headers[name]
    return response


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_matcher("zerogpu_body", zerogpu_body_matcher)


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [(name, None) for name in SECRET_HEADERS],
        "before_record_response": _scrub_response,
        "match_on": ["method", "path", "query", "zerogpu_body"],
        "decode_compressed_response": True,
        "allowed_hosts": ["127.0.0.1", "localhost", "::1"],
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    module = Path(str(request.node.fspath))
    relative = module.parent.relative_to(TESTS)
    return str(CASSETTES / relative / module.stem)


@pytest.fixture
def zerogpu_target(record_mode: str) -> Iterator[Target]:
    """The API a cassette test talks to.

    Replay (the default) points at the production URL, which VCR intercepts. When
    recording, the live API is used if ``ZEROGPU_API_KEY`` is set, otherwise a fresh
    emulator on loopback.
    """
    if record_mode == "none":
        yield Target("https://api.zerogpu.ai/v1", TEST_API_KEY, None, "cassette")
        return
    live_key = os.environ.get("ZEROGPU_API_KEY")
    if live_key:
        base_url = os.environ.get("ZEROGPU_BASE_URL") or "https://api.zerogpu.ai/v1"
        yield Target(base_url, live_key, os.environ.get("ZEROGPU_PROJECT_ID"), "live")
        return
    from zerogpu_core.emulator import Emulator

    with Emulator(api_key=TEST_API_KEY) as emulator:
        yield Target(emulator.base_url, TEST_API_KEY, None, "emulator")


@pytest.fixture
def emulator(zerogpu_emulator: Emulator) -> Emulator:
    """The plugin's ``zerogpu_emulator`` (key ``test-key``, fresh per test), by its short name.

    A module that needs other options (another key, latency, batch lag) overrides it.
    """
    return zerogpu_emulator


@pytest.fixture
def emu(zerogpu_emulator: Emulator) -> Emulator:
    """The plugin's ``zerogpu_emulator`` again, under the shorter name many modules use."""
    return zerogpu_emulator


@pytest.fixture(scope="module")
def module_emulator() -> Iterator[Emulator]:
    """One ``Emulator(api_key="test-key")`` shared by every test of a module.

    For modules of many cheap tests. Its request log and fault queue carry over from
    one test to the next, so a test must not assume either starts empty.
    """
    from zerogpu_core.emulator import Emulator

    with Emulator(api_key=TEST_API_KEY) as emulator:
        yield emulator
