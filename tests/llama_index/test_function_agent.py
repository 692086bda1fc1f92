"""A LlamaIndex ``FunctionAgent`` runs its tool loop on ``ZeroGPU``."""

from __future__ import annotations

from typing import Any

import pytest
from llama_index.core.agent.workflow import (
    AgentOutput,
    AgentStream,
    AgentWorkflow,
    FunctionAgent,
    ToolCallResult,
)
from llama_index.core.tools import FunctionTool

from llama_index_zerogpu import ZeroGPU


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


TOOLS = [FunctionTool.from_defaults(fn=add), FunctionTool.from_defaults(fn=multiply)]


@pytest.mark.vcr
@pytest.mark.parametrize("streaming", [True, False], ids=["streaming", "non-streaming"])
async def test_function_agent_calls_the_tool_and_answers(
    zerogpu_target: Any, streaming: bool
) -> None:
    llm = ZeroGPU(model="gpt-oss-120b", **zerogpu_target.client_kwargs())
    agent = FunctionAgent(
        tools=TOOLS, llm=llm, streaming=streaming, system_prompt="Use tools for arithmetic."
    )
    handler = agent.run(user_msg="What is 3 plus 4? Use the add tool.")
    results: list[ToolCallResult] = []
    deltas: list[str] = []
    async for event in handler.stream_events():
        if isinstance(event, ToolCallResult):
            results.append(event)
        elif isinstance(event, AgentStream):
            deltas.append(event.delta)
    response: object = await handler
    assert isinstance(response, AgentOutput)
    assert [(r.tool_name, r.tool_kwargs, r.tool_output.content) for r in results] == [
        ("add", {"a": 3, "b": 4}, "7")
    ]
    assert "7" in str(response)
    assert response.tool_calls[0].tool_name == "add"
    assert bool("".join(deltas)) is streaming


@pytest.mark.vcr
async def test_agent_workflow_uses_native_tool_calls(zerogpu_target: Any) -> None:
    llm = ZeroGPU(model="gpt-oss-120b", **zerogpu_target.client_kwargs())
    workflow = AgentWorkflow.from_tools_or_functions([add, multiply], llm=llm)
    assert all(isinstance(agent, FunctionAgent) for agent in workflow.agents.values())
    handler = workflow.run(user_msg="What is 6 multiplied by 7? Use the multiply tool.")
    results = [e async for e in handler.stream_events() if isinstance(e, ToolCallResult)]
    response: object = await handler
    assert [(r.tool_name, r.tool_output.content) for r in results] == [("multiply", "42")]
    assert "42" in str(response)
