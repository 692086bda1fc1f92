"""Where the 1.2.0-compatible tools do better than 1.2.0, without breaking its callers."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from langchain_core.exceptions import ModelError
from pydantic import ValidationError

import zerogpu_core as core
from langchain_zerogpu import (
    ZeroGPUAuthError,
    ZeroGPUClient,
    ZeroGPUError,
    ZeroGPUToolkit,
)
from langchain_zerogpu._errors import ZeroGPUInputError
from langchain_zerogpu.tools import (
    ZeroGPUChatThinkingTool,
    ZeroGPUClassifyIABTool,
    ZeroGPUExtractEntitiesTool,
    ZeroGPUReasonMultilingualTool,
    ZeroGPUReasonTool,
    ZeroGPURedactPIITool,
    ZeroGPUSummarizeTool,
)
from zerogpu_core.emulator import Emulator, Fault

KEY = "test-key"
LETTER = "Hello Jane Doe, call me at 415-555-0134 or write to hi@example.com."


@pytest.fixture
def client(emulator: Emulator) -> ZeroGPUClient:
    return ZeroGPUClient(KEY, base_url=emulator.base_url, max_retries=0)


@pytest.mark.parametrize("key", ["zgpu-api-abc123", "zgpu-abc123", "zg_abc123"])
def test_every_documented_key_prefix_is_accepted(key: str) -> None:
    # 1.2.0 refused any key not starting with "zgpu-api-" before sending anything.
    with Emulator(api_key=key) as emu:
        tool = ZeroGPUSummarizeTool(api_key=key, base_url=emu.base_url)
        assert tool.invoke({"text": LETTER})


def test_project_header_is_sent_only_when_set(emulator: Emulator) -> None:
    ZeroGPUSummarizeTool(api_key=KEY, base_url=emulator.base_url).invoke(LETTER)
    ZeroGPUSummarizeTool(api_key=KEY, project_id="p-1", base_url=emulator.base_url).invoke(LETTER)
    first, second = emulator.requests
    assert "x-project-id" not in first.headers  # 1.2.0 sent an empty header
    assert second.headers["x-project-id"] == "p-1"


@pytest.mark.parametrize("tool_class", [ZeroGPUReasonTool, ZeroGPUReasonMultilingualTool])
def test_reasoning_stays_out_of_answers(tool_class: type, client: ZeroGPUClient) -> None:
    answer = tool_class(client=client).invoke(LETTER)
    assert "Reasoning about" not in answer
    assert answer.startswith("[emulated]")


def test_thinking_tool_shows_its_trace_before_the_answer(client: ZeroGPUClient) -> None:
    reply = ZeroGPUChatThinkingTool(client=client).invoke(LETTER)
    trace, answer = reply.split("</thinking>")
    assert trace.startswith("<thinking>")
    assert "Reasoning about" in trace
    assert answer.strip().startswith("[emulated] LFM2.5-1.2B-Thinking reply")


def test_async_tools_run_concurrently() -> None:
    # 1.2.0's async path awaited the SDK's async client too; this pins that ours
    # never falls back to blocking calls: six 0.4 s requests overlap.
    with Emulator(api_key=KEY, latency=0.4) as emu:
        tools = ZeroGPUToolkit(api_key=KEY, base_url=emu.base_url).get_tools()[:6]

        async def run_all() -> list[object]:
            return await asyncio.gather(*(t.ainvoke({"text": LETTER}) for t in tools))

        started = time.perf_counter()
        results = asyncio.run(run_all())
        elapsed = time.perf_counter() - started
    assert len(results) == 6
    assert elapsed < 6 * 0.4 * 0.6, elapsed


def test_transient_failures_are_retried(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=503, headers={"Retry-After": "0"}))
    tool = ZeroGPUSummarizeTool(api_key=KEY, base_url=emulator.base_url)
    assert tool.invoke(LETTER)
    assert len(emulator.requests) == 2


@pytest.mark.parametrize(
    ("status", "compat", "typed"),
    [
        (401, ZeroGPUAuthError, core.AuthenticationError),
        (403, ZeroGPUAuthError, core.PermissionDeniedError),
        (429, ZeroGPUError, core.RateLimitError),
        (500, ZeroGPUError, core.InternalServerError),
        (404, ZeroGPUError, core.NotFoundError),
    ],
)
def test_typed_errors_are_also_the_1_2_0_classes(
    status: int,
    compat: type[Exception],
    typed: type[Exception],
    emulator: Emulator,
    client: ZeroGPUClient,
) -> None:
    emulator.faults.add(Fault(status=status))
    with pytest.raises(compat) as raised:
        ZeroGPUSummarizeTool(client=client).invoke(LETTER)
    assert isinstance(raised.value, typed)
    assert isinstance(raised.value, ModelError)


def test_unusable_task_output_is_a_zerogpu_error(emulator: Emulator, client: ZeroGPUClient) -> None:
    reply = {"output": [{"type": "message", "content": [{"type": "output_text", "text": "hm"}]}]}
    emulator.faults.add(Fault(status=200, body=reply))
    with pytest.raises(ZeroGPUError) as raised:
        ZeroGPUExtractEntitiesTool(client=client).invoke({"text": LETTER, "labels": ["person"]})
    assert isinstance(raised.value, core.tasks.TaskOutputError)


def test_bad_arguments_are_refused_before_any_request(
    emulator: Emulator, client: ZeroGPUClient
) -> None:
    tool = ZeroGPUExtractEntitiesTool(client=client)
    with pytest.raises(ZeroGPUInputError, match="threshold must be between 0 and 1"):
        tool.invoke({"text": LETTER, "labels": ["person"], "threshold": 1.5})
    with pytest.raises(ValueError, match="text must not be empty"):
        tool.invoke({"text": "   ", "labels": ["person"]})
    assert issubclass(ZeroGPUInputError, ZeroGPUError)
    assert emulator.requests == []


def test_missing_key_is_refused_when_the_client_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ZEROGPU_API_KEY", raising=False)
    with pytest.raises(ZeroGPUAuthError) as raised:
        ZeroGPUClient()
    assert isinstance(raised.value, core.MissingAPIKeyError)
    with pytest.raises(ValidationError, match="ZEROGPU_API_KEY"):
        ZeroGPUToolkit()


def test_key_never_shows(emulator: Emulator) -> None:
    secret = "zgpu-api-do-not-print-me"
    toolkit = ZeroGPUToolkit(api_key=secret, base_url=emulator.base_url)
    tool = toolkit.get_tools()[0]
    shown = [repr(toolkit), repr(tool), repr(toolkit.client), str(tool.model_dump())]
    with pytest.raises(ValidationError) as raised:
        ZeroGPUSummarizeTool(api_key=secret, base_url=emulator.base_url, name=42)
    shown.append(str(raised.value))
    assert not [s for s in shown if secret in s]


def test_long_text_is_classified_in_chunks_not_truncated(
    emulator: Emulator, client: ZeroGPUClient
) -> None:
    text = " ".join(["The new smartphone has a better camera for fitness fans."] * 80)
    payload = ZeroGPUClassifyIABTool(client=client).invoke(text)
    assert len(emulator.requests) > 1
    assert payload["content"]["iab_2_2"][0]["name"] == "Smartphones"


def test_redaction_result_does_not_repeat_the_personal_data(client: ZeroGPUClient) -> None:
    result = json.loads(ZeroGPURedactPIITool(client=client).invoke(LETTER))
    assert (
        result["redacted_text"] == "Hello [PERSON], call me at [PHONE_NUMBER] or write to [EMAIL]."
    )
    serialised = json.dumps(result)
    assert not [v for v in ("Jane Doe", "415-555-0134", "hi@example.com") if v in serialised]
    assert result["entities_by_label"]["person"] == ["[PERSON]"]
