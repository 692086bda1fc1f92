"""``ZeroGPUPIIRedactor.lazy_call`` / ``alazy_call``: nodes as they finish."""

from __future__ import annotations

import pytest
from llama_index.core.schema import TextNode

from llama_index_zerogpu import ZeroGPUPIIRedactor
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import BatchTransformError

pytestmark = pytest.mark.emulator

LETTER = "Hello Jane Doe, call me at 415-555-0134 or email hi@example.com."


def _nodes(count: int) -> list[TextNode]:
    return [TextNode(text=f"{LETTER} {i}", id_=f"n{i}") for i in range(count)]


async def test_lazy_call_matches_call_and_applies_the_policy(emulator: Emulator) -> None:
    redactor = ZeroGPUPIIRedactor(api_key="test-key", base_url=emulator.base_url)
    listed = {n.node_id: n.get_content() for n in redactor(_nodes(10))}
    lazy = {n.node_id: n.get_content() for n in redactor.lazy_call(_nodes(10))}
    alazy = {n.node_id: n.get_content() async for n in redactor.alazy_call(_nodes(10))}
    assert lazy == alazy == listed
    assert all("hi@example.com" not in text for text in lazy.values())
    emulator.faults.add(Fault(status=400, times=1))
    single = ZeroGPUPIIRedactor(api_key="test-key", base_url=emulator.base_url, max_concurrency=1)
    handed: list[str] = []
    with pytest.raises(BatchTransformError) as info:
        handed.extend(n.node_id for n in single.lazy_call(_nodes(3)))
    assert sorted(handed) == ["n1", "n2"]
    assert info.value.failed_ids == ["n0"]
    assert "1 of 3 nodes failed" in str(info.value)
