"""LangChain's standard chat-model suites for ``ChatZeroGPU``.

The integration suite replays cassettes recorded from the bundled emulator
(``pytestmark = pytest.mark.vcr``, as langchain-openai does); see
``cassettes/README.md``.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Literal

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_tests.integration_tests import ChatModelIntegrationTests
from langchain_tests.unit_tests import ChatModelUnitTests
from syrupy.assertion import SnapshotAssertion

from langchain_zerogpu import ChatZeroGPU

pytestmark = pytest.mark.vcr(allow_playback_repeats=True)

UsageDetail = Literal[
    "audio_input", "audio_output", "reasoning_output", "cache_read_input", "cache_creation_input"
]


def _stable_tool_call_ids(request: Any) -> Any:
    """Number tool-call ids by first appearance in the request body.

    ``tool_example_to_messages`` (used by ``test_structured_few_shot_examples``) makes
    a fresh uuid per run; without this the replayed body never matches the recording.
    """
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        return request
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        return request
    names: dict[str, str] = {}

    def stable(call_id: str) -> str:
        return names.setdefault(call_id, f"call_{len(names)}")

    for message in body["messages"]:
        for call in message.get("tool_calls") or []:
            call["id"] = stable(call["id"])
        if "tool_call_id" in message:
            message["tool_call_id"] = stable(message["tool_call_id"])
    request = copy.copy(request)
    request.body = json.dumps(body).encode()
    return request


@pytest.fixture(scope="module")
def vcr_config(vcr_config: dict[str, Any]) -> dict[str, Any]:
    return {**vcr_config, "before_record_request": _stable_tool_call_ids}


@pytest.fixture(autouse=True)
def _zerogpu_env(zerogpu_target: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The suites build the model from params only: point it at the test target."""
    monkeypatch.setenv("ZEROGPU_BASE_URL", zerogpu_target.base_url)
    monkeypatch.setenv("ZEROGPU_API_KEY", zerogpu_target.api_key)
    monkeypatch.delenv("ZEROGPU_PROJECT_ID", raising=False)


class _ZeroGPUChatSettings:
    @property
    def chat_model_class(self) -> type[ChatZeroGPU]:
        return ChatZeroGPU

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "gpt-oss-120b", "max_retries": 0}

    @property
    def has_tool_calling(self) -> bool:
        return True

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def has_structured_output(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def returns_usage_metadata(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return "qwen3-30b-a3b-fp8"


class TestChatZeroGPUUnit(_ZeroGPUChatSettings, ChatModelUnitTests):
    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"ZEROGPU_API_KEY": "env-key", "ZEROGPU_PROJECT_ID": "env-project"},
            {"model": "gpt-oss-120b"},
            {"api_key": "env-key", "project_id": "env-project"},
        )

    @pytest.mark.xfail(
        reason=(
            "langchain-core 1.7 load(allowed_objects='all') revives only classes listed in "
            "langchain_core.load.mapping, and third-party ChatZeroGPU is not listed; the "
            "dumpd() snapshot half of this test passes, and test_chat_models.py checks "
            "the round trip with allowed_objects=[ChatZeroGPU]"
        ),
        strict=True,
        raises=ValueError,
    )
    def test_serdes(self, model: BaseChatModel, snapshot: SnapshotAssertion) -> None:
        super().test_serdes(model, snapshot)


class TestChatZeroGPUIntegration(_ZeroGPUChatSettings, ChatModelIntegrationTests):
    @property
    def enable_vcr_tests(self) -> bool:
        return True

    @property
    def supported_usage_metadata_details(
        self,
    ) -> dict[Literal["invoke", "stream"], list[UsageDetail]]:
        return {"invoke": ["reasoning_output"], "stream": ["reasoning_output"]}

    def invoke_with_reasoning_output(self, *, stream: bool = False) -> AIMessage:
        llm = ChatZeroGPU(**self.chat_model_params, reasoning_effort="low")
        prompt = "Think step by step: what is 17 * 3?"
        if not stream:
            return llm.invoke(prompt)
        full: AIMessageChunk | None = None
        for chunk in llm.stream(prompt):
            full = chunk if full is None else full + chunk
        assert full is not None
        return full
