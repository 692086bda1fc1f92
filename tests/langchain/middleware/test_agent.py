"""create_agent(ChatZeroGPU, tools, middleware=[moderation, PII]) end to end on the emulator."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessage
from langchain_core.tools import tool

from langchain_zerogpu import ChatZeroGPU, ZeroGPUClient
from langchain_zerogpu.middleware import (
    ZeroGPUModerationError,
    ZeroGPUModerationMiddleware,
    ZeroGPUPIIBlockedError,
    ZeroGPUPIIMiddleware,
)
from zerogpu_core import InternalServerError
from zerogpu_core.emulator import Emulator, Fault

pytestmark = pytest.mark.emulator

CHAT_MODEL = "gpt-oss-120b"
EMAIL = "jane@example.com"
CUSTOMER_EMAIL = "sam.lee@example.org"
ASK = f"I am Jane Doe, {EMAIL}. Use the lookup_order tool for order A-17."


@tool
def lookup_order(order_id: str) -> str:
    """Look up an order by its id."""
    return f"Order {order_id} ships on Monday; the buyer is {CUSTOMER_EMAIL}."


def agent(emulator: Emulator, **moderation: Any) -> Any:
    client = ZeroGPUClient(api_key="test-key", base_url=emulator.base_url, max_retries=0)
    llm = ChatZeroGPU(model=CHAT_MODEL, api_key="test-key", base_url=emulator.base_url)
    middleware = [
        ZeroGPUModerationMiddleware(client=client, **moderation),
        ZeroGPUPIIMiddleware(client=client, apply_to_tool_results=True, apply_to_output=True),
    ]
    return create_agent(llm, [lookup_order], middleware=middleware)


def model_requests(emulator: Emulator) -> list[str]:
    """Every body the chat model was sent, as JSON text."""
    return [json.dumps(r.json) for r in emulator.requests if r.json.get("model") == CHAT_MODEL]


def test_a_flagged_input_never_reaches_the_model(emulator: Emulator) -> None:
    result = agent(emulator).invoke({"messages": [("user", "I will kill you.")]})
    last = result["messages"][-1]
    assert isinstance(last, AIMessage)
    assert last.content == "I can't help with that: the content was flagged for violence."
    assert model_requests(emulator) == []


def test_pii_is_redacted_before_the_model_sees_it(emulator: Emulator) -> None:
    result = agent(emulator).invoke({"messages": [("user", ASK)]})
    sent = model_requests(emulator)
    assert len(sent) == 2  # the tool call, then the answer from the tool result
    assert all(EMAIL not in body and CUSTOMER_EMAIL not in body for body in sent)
    assert all("Jane Doe" not in body for body in sent)
    assert "[EMAIL]" in sent[0]
    assert "[PERSON]" in sent[0]
    assert "[EMAIL]" in sent[1]  # the tool result, redacted
    final = json.dumps([m.content for m in result["messages"]])
    assert EMAIL not in final
    assert CUSTOMER_EMAIL not in final


def test_error_behaviour_raises_before_the_model_call(emulator: Emulator) -> None:
    with pytest.raises(ZeroGPUModerationError):
        agent(emulator, exit_behavior="error").invoke({"messages": [("user", "I will kill you.")]})
    assert model_requests(emulator) == []


def test_a_failed_check_stops_the_run(emulator: Emulator) -> None:
    emulator.faults.add(Fault(status=500, path="/v1/moderations"))
    with pytest.raises(InternalServerError):
        agent(emulator).invoke({"messages": [("user", ASK)]})
    emulator.faults.add(Fault(status=500, path="/v1/chat/completions"))  # the PII call
    with pytest.raises(InternalServerError):
        agent(emulator).invoke({"messages": [("user", ASK)]})
    assert model_requests(emulator) == []


def test_block_strategy_stops_the_run(emulator: Emulator) -> None:
    client = ZeroGPUClient(api_key="test-key", base_url=emulator.base_url)
    llm = ChatZeroGPU(model=CHAT_MODEL, api_key="test-key", base_url=emulator.base_url)
    blocking = create_agent(
        llm, [], middleware=[ZeroGPUPIIMiddleware(strategy="block", client=client)]
    )
    with pytest.raises(ZeroGPUPIIBlockedError):
        blocking.invoke({"messages": [("user", ASK)]})
    assert model_requests(emulator) == []


async def test_async_run_keeps_the_event_loop_free(emulator: Emulator) -> None:
    # Every request, checks included, takes at least this long; a blocking call would
    # stall the loop for all of it. The bound leaves room for a pause of the process
    # itself (a full run of the suite once saw 0.27 s on a loaded machine).
    emulator.latency = 0.5
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    started = time.perf_counter()
    result = await agent(emulator).ainvoke({"messages": [("user", ASK)]})
    elapsed = time.perf_counter() - started
    ticking.cancel()
    checks = [r for r in emulator.requests if r.json.get("model") != CHAT_MODEL]
    assert len(checks) >= 5  # moderation and PII of the input, tool result and replies
    assert elapsed >= 0.5 * len(emulator.requests)
    assert max(gaps) < 0.35, f"the loop stalled for {max(gaps):.3f} s"
    assert EMAIL not in json.dumps([m.content for m in result["messages"]])


async def test_async_flagged_input_ends_the_run(emulator: Emulator) -> None:
    result = await agent(emulator).ainvoke({"messages": [("user", "I will kill you.")]})
    assert "flagged for violence" in result["messages"][-1].content
    assert model_requests(emulator) == []
