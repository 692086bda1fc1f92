"""ZeroGPUPIIMiddleware hooks against the emulator: every strategy, failures closed."""

from __future__ import annotations

import inspect
import json
import pickle
from typing import Any

import pytest
from langchain.agents.middleware import PIIDetectionError, PIIMiddleware
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from langchain_zerogpu import ZeroGPUClient
from langchain_zerogpu.middleware import ZeroGPUPIIBlockedError, ZeroGPUPIIMiddleware
from zerogpu_core import InternalServerError
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import TaskOutputError

EMAIL = "jane@example.com"
ASK = f"Please mail the receipt to {EMAIL} today."
RUNTIME: Any = None  # the hooks do not use the runtime


@pytest.fixture
def client(module_emulator: Emulator) -> ZeroGPUClient:
    module_emulator.faults.clear()
    return ZeroGPUClient(api_key="test-key", base_url=module_emulator.base_url, max_retries=0)


def state(*messages: BaseMessage) -> dict[str, Any]:
    for number, message in enumerate(messages):
        message.id = message.id or f"m{number}"
    return {"messages": list(messages)}


def only(update: dict[str, Any] | None) -> BaseMessage:
    assert update is not None
    [message] = update["messages"]
    assert isinstance(message, BaseMessage)
    return message


def test_parameters_match_langchains_pii_middleware() -> None:
    ours = inspect.signature(ZeroGPUPIIMiddleware).parameters
    theirs = inspect.signature(PIIMiddleware).parameters
    shared = ["strategy", "apply_to_input", "apply_to_output", "apply_to_tool_results"]
    assert [ours[n].default for n in shared] == [theirs[n].default for n in shared]


def test_bad_arguments_are_refused(client: ZeroGPUClient) -> None:
    with pytest.raises(ValueError, match="strategy must be 'redact', 'mask', 'hash' or 'block'"):
        ZeroGPUPIIMiddleware(strategy="erase", client=client)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a PII category"):
        ZeroGPUPIIMiddleware(categories=["emails"], client=client)
    with pytest.raises(ValueError, match="hash_key must be at least 16 bytes"):
        ZeroGPUPIIMiddleware(strategy="hash", hash_key="short", client=client)


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("redact", "Please mail the receipt to [EMAIL] today."),
        ("mask", "Please mail the receipt to ****@*******.*** today."),
    ],
)
def test_input_strategies(client: ZeroGPUClient, strategy: Any, expected: str) -> None:
    guard = ZeroGPUPIIMiddleware(strategy=strategy, client=client)
    message = only(guard.before_model(state(HumanMessage(ASK)), RUNTIME))  # type: ignore[arg-type]
    assert (message.id, message.content) == ("m0", expected)


def test_hash_tokens_are_stable_per_key_and_keep_no_value(client: ZeroGPUClient) -> None:
    def hashed(key: str) -> str:
        guard = ZeroGPUPIIMiddleware(strategy="hash", hash_key=key, client=client)
        return str(only(guard.before_model(state(HumanMessage(ASK)), RUNTIME)).content)  # type: ignore[arg-type]

    first = hashed("a secret of 32 characters.......")
    assert first.startswith("Please mail the receipt to <email_hash:")
    assert EMAIL not in first
    assert first == hashed("a secret of 32 characters.......")
    assert first != hashed("another secret of 32 characters.")
    keyed = ZeroGPUPIIMiddleware(
        strategy="hash", hash_key="a secret of 32 characters.......", client=client
    )
    assert "a secret" not in repr(vars(keyed))


def test_block_raises_langchains_error_without_the_value(client: ZeroGPUClient) -> None:
    guard = ZeroGPUPIIMiddleware(strategy="block", client=client)
    with pytest.raises(ZeroGPUPIIBlockedError) as raised:
        guard.before_model(state(HumanMessage(ASK)), RUNTIME)  # type: ignore[arg-type]
    error = raised.value
    assert isinstance(error, PIIDetectionError)
    assert error.stage == "input"
    assert error.matches == [{"type": "email", "value": "[EMAIL]", "start": 27, "end": 43}]
    again = pickle.loads(pickle.dumps(error))
    assert EMAIL not in repr((str(again), again.matches, again.stage))
    assert guard.before_model(state(HumanMessage("No personal data here.")), RUNTIME) is None  # type: ignore[arg-type]


def test_tool_results_and_output(client: ZeroGPUClient) -> None:
    call = {"name": "crm", "args": {}, "id": "c1"}
    turn = state(
        HumanMessage("Who ordered?"),
        AIMessage("", tool_calls=[call]),
        ToolMessage(f"Ordered by {EMAIL}", tool_call_id="c1"),
    )
    inputs_only = ZeroGPUPIIMiddleware(client=client)
    assert inputs_only.before_model(turn, RUNTIME) is None  # type: ignore[arg-type]
    tools = ZeroGPUPIIMiddleware(apply_to_tool_results=True, client=client)
    message = only(tools.before_model(turn, RUNTIME))  # type: ignore[arg-type]
    assert isinstance(message, ToolMessage)
    assert (message.id, message.tool_call_id, message.content) == ("m2", "c1", "Ordered by [EMAIL]")
    output = ZeroGPUPIIMiddleware(apply_to_output=True, client=client)
    answer = state(HumanMessage("Who?"), AIMessage(f"It was {EMAIL}."))
    assert only(output.after_model(answer, RUNTIME)).content == "It was [EMAIL]."  # type: ignore[arg-type]
    assert inputs_only.after_model(answer, RUNTIME) is None  # type: ignore[arg-type]


def test_block_content_keeps_its_shape(client: ZeroGPUClient) -> None:
    image = {"type": "image_url", "image_url": {"url": "https://example.org/a.png"}}
    content: list[str | dict[str, Any]] = [{"type": "text", "text": ASK}, image]
    guard = ZeroGPUPIIMiddleware(client=client)
    message = only(guard.before_model(state(HumanMessage(content)), RUNTIME))  # type: ignore[arg-type]
    assert message.content == [
        {"type": "text", "text": "Please mail the receipt to [EMAIL] today."},
        image,
    ]


def _unverifiable_reply() -> dict[str, Any]:
    payload = {
        "redacted_text": "Please mail the receipt to [EMAIL] today.",
        "entities": [{"text": "bob@example.org", "label": "email", "start": 27, "end": 43}],
    }
    message = {"role": "assistant", "content": json.dumps(payload)}
    return {
        "id": "chatcmpl-x",
        "object": "chat.completion",
        "created": 0,
        "model": "gliner-multi-pii-v1",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
    }


def test_an_unverifiable_reply_fails_closed(
    client: ZeroGPUClient, module_emulator: Emulator
) -> None:
    guard = ZeroGPUPIIMiddleware(client=client)
    module_emulator.faults.add(
        Fault(status=200, body=_unverifiable_reply(), path="/v1/chat/completions")
    )
    with pytest.raises(TaskOutputError) as raised:
        guard.before_model(state(HumanMessage(ASK)), RUNTIME)  # type: ignore[arg-type]
    assert EMAIL not in str(raised.value)


def test_a_failed_call_fails_closed(client: ZeroGPUClient, module_emulator: Emulator) -> None:
    guard = ZeroGPUPIIMiddleware(client=client)
    module_emulator.faults.add(Fault(status=500, path="/v1/chat/completions"))
    with pytest.raises(InternalServerError):
        guard.before_model(state(HumanMessage(ASK)), RUNTIME)  # type: ignore[arg-type]


def test_a_message_without_an_id_is_never_left_in_place(client: ZeroGPUClient) -> None:
    guard = ZeroGPUPIIMiddleware(client=client)
    with pytest.raises(RuntimeError, match="without an id"):
        guard.before_model({"messages": [HumanMessage(ASK)]}, RUNTIME)  # type: ignore[arg-type]


async def test_async_hooks(client: ZeroGPUClient, module_emulator: Emulator) -> None:
    guard = ZeroGPUPIIMiddleware(apply_to_output=True, client=client)
    first, second = HumanMessage(ASK), HumanMessage(f"Also cc {EMAIL}.")
    update = await guard.abefore_model(state(first, second), RUNTIME)  # type: ignore[arg-type]
    assert update is not None
    assert [m.content for m in update["messages"]] == [
        "Please mail the receipt to [EMAIL] today.",
        "Also cc [EMAIL].",
    ]
    answer = state(HumanMessage("Who?"), AIMessage(f"It was {EMAIL}."))
    assert only(await guard.aafter_model(answer, RUNTIME)).content == "It was [EMAIL]."  # type: ignore[arg-type]
    module_emulator.faults.add(Fault(status=500, path="/v1/chat/completions"))
    with pytest.raises(InternalServerError):
        await guard.abefore_model(state(HumanMessage(ASK)), RUNTIME)  # type: ignore[arg-type]
