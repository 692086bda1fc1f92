"""ChatZeroGPU's defaults work in LangChain v1 agents (the ``langchain`` package)."""

from __future__ import annotations

import warnings

from langchain.agents import create_agent
from langchain.agents.middleware import SummarizationMiddleware
from langchain_core.messages import ToolMessage
from langchain_core.tools import tool

from langchain_zerogpu import ChatZeroGPU
from zerogpu_core.emulator import Emulator


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def test_summarization_middleware_reads_the_input_limit_from_the_profile() -> None:
    # Before the catalog filled ChatZeroGPU.profile, a fractional trigger raised
    # "Model profile information is required" here.
    middleware = SummarizationMiddleware(
        model=ChatZeroGPU(api_key="test-key"), trigger=("fraction", 0.5)
    )
    assert middleware._get_profile_limits() == 131_072


def test_create_agent_with_the_default_model_calls_a_tool(emulator: Emulator) -> None:
    llm = ChatZeroGPU(api_key="test-key", base_url=emulator.base_url)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "cannot call tools" warning for the default
        agent = create_agent(llm, [add])
    result = agent.invoke({"messages": [("user", "What is 3 plus 4? Use the add tool.")]})
    tool_results = [m for m in result["messages"] if isinstance(m, ToolMessage)]
    assert [m.content for m in tool_results] == ["7"]
    sent = [r.json for r in emulator.requests if r.path.endswith("/chat/completions")]
    assert sent[0]["model"] == "gpt-oss-120b"
    assert sent[0]["tools"][0]["function"]["name"] == "add"
