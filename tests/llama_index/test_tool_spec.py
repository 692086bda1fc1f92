"""``ZeroGPUToolSpec`` against the emulator (outputs are emulated): the tools' schemas,
sync and async calls, PII never returned, adding a tool, and a ``FunctionAgent``
calling a tool and answering from its result."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from llama_index.core.agent.workflow import AgentOutput, FunctionAgent, ToolCallResult

from llama_index_zerogpu import ZeroGPU, ZeroGPUToolSpec
from llama_index_zerogpu.tool_spec import TaskCall, as_json, task_tool
from zerogpu_core import InternalServerError
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import (
    ModerationOptions,
    ZeroShotOptions,
    aclassify_zero_shot,
    classify_zero_shot,
)

pytestmark = pytest.mark.emulator

PII_TEXT = "Call Jane Doe at 415-555-0134 or mail jane.doe@example.com today."
SPORT = "The team won the football match after a late goal by the striker."
ORIGINALS = ["Jane Doe", "415-555-0134", "jane.doe@example.com"]
TOOLS = [
    "moderate_text",
    "redact_pii",
    "extract_entities",
    "classify_zero_shot",
    "classify_iab",
    "extract_json",
    "summarize",
    "extract_signals",
]


def _spec(emu: Emulator, **extra: Any) -> ZeroGPUToolSpec:
    return ZeroGPUToolSpec(api_key="test-key", base_url=emu.base_url, max_retries=0, **extra)


def _tools(spec: ZeroGPUToolSpec) -> dict[str, Any]:
    return {tool.metadata.name: tool for tool in spec.to_tool_list()}


def test_every_tool_has_a_schema_and_both_call_paths(emu: Emulator) -> None:
    tools = _tools(_spec(emu))
    assert list(tools) == TOOLS
    schema = tools["extract_entities"].metadata.get_parameters_dict()
    assert schema["required"] == ["text", "labels"]
    assert schema["properties"]["labels"]["type"] == "array"
    assert "placeholders" in tools["redact_pii"].metadata.description
    assert all(tool.async_fn is not None for tool in tools.values())


def test_tools_return_the_core_results(emu: Emulator) -> None:
    tools = _tools(_spec(emu))
    verdict = json.loads(tools["moderate_text"].call(text="I will kill you.").content)
    assert verdict["flagged"] is True
    entities = json.loads(tools["extract_entities"].call(text=PII_TEXT, labels=["person"]).content)
    assert entities["by_label"] == {"person": ["Jane Doe"]}
    scores = json.loads(
        tools["classify_zero_shot"].call(text=SPORT, labels=["sports", "finance"]).content
    )
    assert scores["label"] == "sports"
    assert json.loads(tools["classify_iab"].call(text="A new phone review").content)["model"]


async def test_json_summary_and_signal_tools_return_the_core_results(emu: Emulator) -> None:
    tools = _tools(_spec(emu))
    fields = ["email::str::Email address"]
    for output in (
        tools["extract_json"].call(text=PII_TEXT, fields=fields),
        await tools["extract_json"].acall(text=PII_TEXT, fields=fields),
    ):
        assert json.loads(output.content)["data"]["record"] == [{"email": "jane.doe@example.com"}]
    summary = await tools["summarize"].acall(text=SPORT)
    assert summary.content.startswith("[emulated summary]")
    signals = json.loads(tools["extract_signals"].call(text=SPORT).content)
    assert signals["keywords"]
    assert tools["extract_json"].metadata.get_parameters_dict()["required"] == ["text", "fields"]


async def test_redaction_returns_placeholders_never_the_original(emu: Emulator) -> None:
    tools = _tools(_spec(emu))
    for output in (
        tools["redact_pii"].call(text=PII_TEXT),
        await tools["redact_pii"].acall(text=PII_TEXT),
    ):
        assert "[PERSON]" in output.content
        assert not any(original in output.content for original in ORIGINALS)
        assert not any(original in str(output.raw_output) for original in ORIGINALS)


async def test_a_failed_task_raises_never_returns_a_result(emu: Emulator) -> None:
    emu.faults.add(Fault(status=500, path="/v1/moderations"))
    with pytest.raises(InternalServerError):
        await _tools(_spec(emu))["moderate_text"].acall(text="hello there")


def test_options_reach_the_core(emu: Emulator) -> None:
    spec = _spec(emu, moderation=ModerationOptions(model="llama-guard-4-12b"))
    verdict = json.loads(_tools(spec)["moderate_text"].call(text="I will kill you.").content)
    assert verdict["model"] == "llama-guard-4-12b"
    assert verdict["codes"]


def test_bad_input_is_refused_before_any_request(emu: Emulator) -> None:
    tools = _tools(_spec(emu))
    with pytest.raises(ValueError, match="at most 10 labels, got 11"):
        tools["classify_zero_shot"].call(text="x", labels=[str(i) for i in range(11)])
    assert emu.requests == []


class _WithSports(ZeroGPUToolSpec):
    """A spec with one more tool: one method."""

    @task_tool
    def is_about_sports(self, text: str) -> TaskCall[Any]:
        """Whether text is about sports; JSON scores."""
        options = ZeroShotOptions(("sports", "other"))
        return TaskCall(
            lambda c: classify_zero_shot(c, text, options),
            lambda c: aclassify_zero_shot(c, text, options),
            as_json,
        )


async def test_adding_a_tool_is_one_method(emu: Emulator) -> None:
    tools = _tools(_WithSports(api_key="test-key", base_url=emu.base_url))
    assert list(tools) == [*TOOLS, "is_about_sports"]
    assert list(_tools(_spec(emu))) == TOOLS  # the parent is unchanged
    output = await tools["is_about_sports"].acall(text="The striker scored a goal.")
    assert json.loads(output.content)["label"] == "sports"


async def test_async_tool_does_not_block_the_event_loop(emu: Emulator) -> None:
    emu.faults.add(Fault(latency=0.4, path="/v1/moderations"))
    tool = _tools(_spec(emu))["moderate_text"]
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    running = asyncio.create_task(ticker())
    output = await tool.acall(text="I will kill you.")
    running.cancel()
    assert json.loads(output.content)["flagged"] is True
    assert ticks >= 10


async def test_function_agent_calls_a_spec_tool_and_uses_its_result(emu: Emulator) -> None:
    llm = ZeroGPU(model="gpt-oss-120b", api_key="test-key", base_url=emu.base_url)
    agent = FunctionAgent(
        tools=_spec(emu).to_tool_list(),
        llm=llm,
        system_prompt="Use the tools to process text before answering.",
    )
    handler = agent.run(user_msg=f"Use the redact_pii tool on '{PII_TEXT}' and show the result.")
    results = [e async for e in handler.stream_events() if isinstance(e, ToolCallResult)]
    response: object = await handler
    assert isinstance(response, AgentOutput)
    assert [(r.tool_name, r.tool_kwargs) for r in results] == [("redact_pii", {"text": PII_TEXT})]
    redacted = results[0].tool_output.content
    assert "[PERSON]" in redacted
    # The agent's answer is built from the tool's output, which holds no PII.
    assert "[PERSON]" in str(response)
    assert not any(original in str(response) for original in ORIGINALS)
