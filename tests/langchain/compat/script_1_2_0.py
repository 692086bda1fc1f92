"""A program written for ``langchain-zerogpu`` 1.2.0, using only its documented API.

Every tool through ``ZeroGPUToolkit``, sync and async, then the error classes. It
reads ``ZEROGPU_API_KEY`` and ``ZEROGPU_BASE_URL`` (1.2.0 takes the base URL as an
argument only) and prints ``ok`` at the end. The tests run it against this project
and the emulator, and against the real 1.2.0 wheel too, so it stays a 1.2.0 program.
"""

from __future__ import annotations

import asyncio
import json
import os

from langchain_zerogpu import (
    ZeroGPUAuthError,
    ZeroGPUClient,
    ZeroGPUError,
    ZeroGPURedactPIITool,
    ZeroGPUSummarizeTool,
    ZeroGPUToolkit,
)
from langchain_zerogpu.tools import ALL_TOOL_CLASSES

BASE_URL = os.environ["ZEROGPU_BASE_URL"]
LETTER = "Hello Jane Doe, call me at 415-555-0134 about the new smartphone and its camera."

ARGUMENTS = {
    "zerogpu_classify_domain": {"domain": "nytimes.com"},
    "zerogpu_classify_zero_shot": {"text": LETTER, "labels": ["technology", "sports"]},
    "zerogpu_classify_structured": {
        "text": LETTER,
        "schema": {"sentiment": ["positive", "negative", "neutral"]},
    },
    "zerogpu_extract_entities": {"text": LETTER, "labels": ["person"], "threshold": 0.3},
    "zerogpu_extract_json": {
        "text": LETTER,
        "schema": {"contact": ["name::str::Full name", "phone::str::Phone number"]},
    },
    "zerogpu_extract_pii": {"text": LETTER, "categories": ["identity", "contact"]},
    "zerogpu_redact_pii": {"text": LETTER},
}
TEXT_RESULTS = {"zerogpu_redact_pii"}  # the rest of the task tools return parsed JSON


def check(name: str, result: object) -> None:
    """The return shape each tool documents."""
    if not name.startswith(("zerogpu_classify", "zerogpu_extract")) or name in TEXT_RESULTS:
        assert isinstance(result, str), (name, result)
        assert result.strip(), name
    else:
        assert isinstance(result, dict), (name, result)
    if name == "zerogpu_classify_zero_shot":
        assert {k.lower() for k in result} == {"technology", "sports"}, result
    if name == "zerogpu_classify_iab":
        assert "content" in result, result
    if name == "zerogpu_extract_entities":
        assert result["entities"]["person"] == ["Jane Doe"], result
    if name == "zerogpu_extract_json":
        assert result["data"]["contact"][0]["name"] == "Jane Doe", result
    if name == "zerogpu_extract_pii":
        assert {e["label"] for e in result["entities"]} >= {"person", "phone number"}, result
    if name == "zerogpu_redact_pii":
        redacted = json.loads(result)["redacted_text"]
        assert "Jane Doe" not in redacted, redacted
        assert "[PERSON]" in redacted, redacted
    if name == "zerogpu_moderate":
        assert result.splitlines()[0] in ("safe", "unsafe"), result


async def run_async(tools: list) -> None:
    results = await asyncio.gather(
        *(tool.ainvoke(ARGUMENTS.get(tool.name, {"text": LETTER})) for tool in tools)
    )
    for tool, result in zip(tools, results, strict=True):
        check(tool.name, result)


def run_errors() -> None:
    key = os.environ.pop("ZEROGPU_API_KEY")
    try:
        ZeroGPUClient(base_url=BASE_URL)
    except ZeroGPUAuthError:
        pass
    else:
        raise AssertionError("a client without a key was accepted")
    finally:
        os.environ["ZEROGPU_API_KEY"] = key
    wrong = ZeroGPUSummarizeTool(api_key="zgpu-api-not-the-key", base_url=BASE_URL)
    try:
        wrong.invoke({"text": LETTER})
    except ZeroGPUAuthError:
        pass
    else:
        raise AssertionError("a rejected key was not a ZeroGPUAuthError")
    client = ZeroGPUClient(base_url=BASE_URL)
    try:
        client.responses(model="no-such-model", text="Hi")
    except ZeroGPUError:
        pass
    else:
        raise AssertionError("an unknown model was not a ZeroGPUError")
    assert issubclass(ZeroGPUError, RuntimeError)
    assert issubclass(ZeroGPUAuthError, ValueError)


def main() -> None:
    toolkit = ZeroGPUToolkit(base_url=BASE_URL)
    tools = toolkit.get_tools()
    assert [type(t) for t in tools] == list(ALL_TOOL_CLASSES)
    assert len({id(t.client) for t in tools}) == 1, "the toolkit shares one client"
    for tool in tools:
        check(tool.name, tool.invoke(ARGUMENTS.get(tool.name, {"text": LETTER})))
    asyncio.run(run_async(tools))
    shared = ZeroGPURedactPIITool(client=toolkit.client)
    check(shared.name, shared.run(LETTER))
    run_errors()
    print("ok")


if __name__ == "__main__":
    main()
