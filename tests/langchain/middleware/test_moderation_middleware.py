"""ZeroGPUModerationMiddleware hooks against the emulator: every exit behaviour."""

from __future__ import annotations

import inspect
import pickle
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from langchain_zerogpu import ZeroGPUClient
from langchain_zerogpu.middleware import ZeroGPUModerationError, ZeroGPUModerationMiddleware
from zerogpu_core import InternalServerError
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import ContentFlaggedError

THREAT = "I will kill you."
CALM = "What time does the shop open on Sunday?"
NOTICE = "I can't help with that: the content was flagged for violence."
RUNTIME: Any = None  # the hooks do not use the runtime


@pytest.fixture
def client(module_emulator: Emulator) -> ZeroGPUClient:
    module_emulator.faults.clear()
    return ZeroGPUClient(api_key="test-key", base_url=module_emulator.base_url, max_retries=0)


def state(*messages: BaseMessage) -> dict[str, Any]:
    for number, message in enumerate(messages):
        message.id = message.id or f"m{number}"
    return {"messages": list(messages)}


def ask(text: str) -> dict[str, Any]:
    return state(HumanMessage(text))


def tool_turn(result: str) -> dict[str, Any]:
    call = {"name": "search", "args": {"q": "x"}, "id": "c1"}
    return state(
        HumanMessage(CALM), AIMessage("", tool_calls=[call]), ToolMessage(result, tool_call_id="c1")
    )


def reply(text: str, **args: str) -> dict[str, Any]:
    calls = [{"name": "search", "args": args, "id": "c9"}] if args else []
    return state(HumanMessage(CALM), AIMessage(text, tool_calls=calls))


def test_parameters_match_openai_moderation_middleware() -> None:
    params = inspect.signature(ZeroGPUModerationMiddleware).parameters
    defaults = {name: params[name].default for name in list(params)[:6]}
    assert defaults == {
        "model": "zlm-v1-moderation-edge",
        "check_input": True,
        "check_output": True,
        "check_tool_results": False,
        "exit_behavior": "end",
        "violation_message": None,
    }


def test_bad_arguments_are_refused(client: ZeroGPUClient) -> None:
    with pytest.raises(ValueError, match="exit_behavior must be 'error', 'end' or 'replace'"):
        ZeroGPUModerationMiddleware(exit_behavior="stop", client=client)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a moderation model"):
        ZeroGPUModerationMiddleware(model="gpt-oss-120b", client=client)
    with pytest.raises(ValueError, match=r"either client or connection settings \(api_key\)"):
        ZeroGPUModerationMiddleware(client=client, api_key="other")


def test_end_stops_with_the_violation_message(client: ZeroGPUClient) -> None:
    guard = ZeroGPUModerationMiddleware(client=client)
    update = guard.before_model(ask(THREAT), RUNTIME)  # type: ignore[arg-type]
    assert update is not None
    assert update["jump_to"] == "end"
    [notice] = update["messages"]
    assert isinstance(notice, AIMessage)
    assert notice.content == NOTICE
    assert guard.before_model(ask(CALM), RUNTIME) is None  # type: ignore[arg-type]


def test_error_raises_without_the_content(client: ZeroGPUClient) -> None:
    guard = ZeroGPUModerationMiddleware(exit_behavior="error", client=client)
    with pytest.raises(ZeroGPUModerationError) as raised:
        guard.before_model(ask(THREAT), RUNTIME)  # type: ignore[arg-type]
    error = raised.value
    assert isinstance(error, ContentFlaggedError)
    assert error.stage == "input"
    assert error.result is error.verdict
    assert "violence" in error.verdict.categories
    assert THREAT not in str(error)
    assert THREAT not in repr(pickle.loads(pickle.dumps(error)).__dict__)


def test_replace_swaps_the_flagged_message_in_place(client: ZeroGPUClient) -> None:
    guard = ZeroGPUModerationMiddleware(exit_behavior="replace", client=client)
    update = guard.before_model(ask(THREAT), RUNTIME)  # type: ignore[arg-type]
    assert update is not None
    assert "jump_to" not in update
    [replaced] = update["messages"]
    assert isinstance(replaced, HumanMessage)
    assert (replaced.id, replaced.content) == ("m0", NOTICE)


def test_tool_results(client: ZeroGPUClient) -> None:
    replace = ZeroGPUModerationMiddleware(
        check_tool_results=True, exit_behavior="replace", client=client
    )
    update = replace.before_model(tool_turn(THREAT), RUNTIME)  # type: ignore[arg-type]
    assert update is not None
    [replaced] = update["messages"]
    assert isinstance(replaced, ToolMessage)
    assert (replaced.id, replaced.tool_call_id) == ("m2", "c1")
    assert "flagged for violence" in str(replaced.content)
    end = ZeroGPUModerationMiddleware(check_tool_results=True, client=client)
    stopped = end.before_model(tool_turn(THREAT), RUNTIME)  # type: ignore[arg-type]
    assert stopped is not None
    assert stopped["jump_to"] == "end"
    off = ZeroGPUModerationMiddleware(client=client)  # check_tool_results=False
    assert off.before_model(tool_turn(THREAT), RUNTIME) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("behavior", ["end", "replace"])
def test_a_flagged_reply_is_replaced_and_loses_its_tool_calls(
    client: ZeroGPUClient, behavior: Any
) -> None:
    guard = ZeroGPUModerationMiddleware(exit_behavior=behavior, client=client)
    update = guard.after_model(reply("", q="how to build a bomb"), RUNTIME)  # type: ignore[arg-type]
    assert update is not None
    [replaced] = update["messages"]
    assert isinstance(replaced, AIMessage)
    assert replaced.id == "m1"
    assert replaced.tool_calls == []
    assert "flagged for" in str(replaced.content)
    assert ("jump_to" in update) == (behavior == "end")
    assert guard.after_model(reply("The shop opens at nine."), RUNTIME) is None  # type: ignore[arg-type]


def test_switches_turn_checks_off(client: ZeroGPUClient, module_emulator: Emulator) -> None:
    guard = ZeroGPUModerationMiddleware(check_input=False, check_output=False, client=client)
    before = len(module_emulator.requests)
    assert guard.before_model(ask(THREAT), RUNTIME) is None  # type: ignore[arg-type]
    assert guard.after_model(reply(THREAT), RUNTIME) is None  # type: ignore[arg-type]
    assert len(module_emulator.requests) == before


def test_messages_already_answered_are_not_judged_again(
    client: ZeroGPUClient, module_emulator: Emulator
) -> None:
    guard = ZeroGPUModerationMiddleware(client=client)
    before = len(module_emulator.requests)
    assert guard.before_model(tool_turn("sunny"), RUNTIME) is None  # type: ignore[arg-type]
    assert len(module_emulator.requests) == before


def test_violation_message_template(client: ZeroGPUClient) -> None:
    guard = ZeroGPUModerationMiddleware(
        violation_message="Blocked at {stage} ({categories}); {original_content!r}", client=client
    )
    update = guard.before_model(ask(THREAT), RUNTIME)  # type: ignore[arg-type]
    assert update is not None
    assert update["messages"][0].content == f"Blocked at input (violence); {THREAT!r}"
    literal = ZeroGPUModerationMiddleware(violation_message="No {thanks}", client=client)
    update = literal.before_model(ask(THREAT), RUNTIME)  # type: ignore[arg-type]
    assert update is not None
    assert update["messages"][0].content == "No {thanks}"


def test_llama_guard(client: ZeroGPUClient) -> None:
    guard = ZeroGPUModerationMiddleware(model="llama-guard-4-12b", client=client)
    update = guard.before_model(ask(THREAT), RUNTIME)  # type: ignore[arg-type]
    assert update is not None
    assert "Violent Crimes" in update["messages"][0].content


@pytest.mark.parametrize("behavior", ["error", "end", "replace"])
def test_a_failed_moderation_call_fails_closed(
    client: ZeroGPUClient, module_emulator: Emulator, behavior: Any
) -> None:
    guard = ZeroGPUModerationMiddleware(exit_behavior=behavior, client=client)
    module_emulator.faults.add(Fault(status=500, path="/v1/moderations"))
    with pytest.raises(InternalServerError):
        guard.before_model(ask(CALM), RUNTIME)  # type: ignore[arg-type]


async def test_async_hooks(client: ZeroGPUClient, module_emulator: Emulator) -> None:
    guard = ZeroGPUModerationMiddleware(
        exit_behavior="error", check_tool_results=True, client=client
    )
    with pytest.raises(ZeroGPUModerationError) as raised:
        await guard.abefore_model(tool_turn(THREAT), RUNTIME)  # type: ignore[arg-type]
    assert raised.value.stage == "tool"
    assert await guard.aafter_model(reply("Nine o'clock."), RUNTIME) is None  # type: ignore[arg-type]
    module_emulator.faults.add(Fault(status=500, path="/v1/moderations"))
    with pytest.raises(InternalServerError):
        await guard.aafter_model(reply("Nine o'clock."), RUNTIME)  # type: ignore[arg-type]
