"""What a new user coming from ``OpenAILike`` gets wrong, and the message they see."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from llama_index.core.agent.workflow import AgentOutput, FunctionAgent
from llama_index.core.schema import TextNode
from llama_index.core.tools import FunctionTool

from llama_index_zerogpu import ZeroGPU, ZeroGPUEmbedding, ZeroGPUIABExtractor
from zerogpu_core.emulator import Emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key="k") as emu:
        yield emu


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


async def test_function_agent_works_with_the_default_model(emulator: Emulator) -> None:
    llm = ZeroGPU(api_key="k", api_base=emulator.base_url)
    agent = FunctionAgent(tools=[FunctionTool.from_defaults(fn=add)], llm=llm)
    response = await agent.run(user_msg="What is 3 plus 4? Use the add tool.")
    assert isinstance(response, AgentOutput)
    assert "7" in str(response)


def test_empty_node_is_named_before_any_request(emulator: Emulator) -> None:
    embed = ZeroGPUEmbedding(api_key="k", base_url=emulator.base_url)
    nodes = [TextNode(text="fine", id_="node-1"), TextNode(text="", id_="node-7")]
    with pytest.raises(ValueError, match=r"nodes\[1\] \(node 'node-7'\) is empty"):
        embed(nodes)
    assert emulator.requests == []


async def test_empty_node_is_named_in_async_pipelines(emulator: Emulator) -> None:
    embed = ZeroGPUEmbedding(api_key="k", base_url=emulator.base_url)
    with pytest.raises(ValueError, match=r"node 'node-7'"):
        await embed.acall([TextNode(text="", id_="node-7")])


def test_iab_extractor_does_not_overwrite_a_user_field(emulator: Emulator) -> None:
    extractor = ZeroGPUIABExtractor(api_key="k", base_url=emulator.base_url, metadata_key="author")
    node = TextNode(text="New phone review", id_="n1", metadata={"author": "Ann"})
    with pytest.raises(ValueError, match=r"node 0 \(id 'n1'\) already has metadata\['author'\]"):
        extractor([node])
    assert emulator.requests == []
