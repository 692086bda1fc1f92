"""Errors point at the real cause: which 404, which URL, which argument."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys

import httpx
import pytest

from tests.core._scripted import Script, sse_response
from zerogpu_core import (
    APIConnectionError,
    APIResponseValidationError,
    ModelNotFoundError,
    NotFoundError,
    RouteNotFoundError,
    ZeroGPUClient,
)
from zerogpu_core.emulator import Emulator

MESSAGES = [{"role": "user", "content": "Hi"}]


@pytest.fixture
def emulator() -> Emulator:
    with Emulator(api_key="k") as emu:
        yield emu


def test_base_url_without_v1_is_a_route_404_showing_the_url(emulator: Emulator) -> None:
    root = emulator.base_url.removesuffix("/v1")
    client = ZeroGPUClient(api_key="k", base_url=root)
    with pytest.raises(RouteNotFoundError) as raised:
        client.chat_completion(model="gpt-oss-120b", messages=MESSAGES)
    message = str(raised.value)
    assert f"No route answers at {root}/chat/completions" in message
    assert f"lacks the /v1 segment (try base_url='{root}/v1')" in message
    assert "Check the id" not in message


def test_unknown_model_is_a_model_404_with_suggestions(emulator: Emulator) -> None:
    client = ZeroGPUClient(api_key="k", base_url=emulator.base_url)
    with pytest.raises(ModelNotFoundError) as raised:
        client.chat_completion(model="gpt-oss-12b", messages=MESSAGES)
    assert "does not know model 'gpt-oss-12b'" in str(raised.value)
    assert "Closest catalog ids: gpt-oss-120b" in str(raised.value)
    revived = pickle.loads(pickle.dumps(raised.value))
    assert str(revived) == str(raised.value)


def test_missing_file_keeps_the_id_hint(emulator: Emulator) -> None:
    client = ZeroGPUClient(api_key="k", base_url=emulator.base_url)
    with pytest.raises(NotFoundError) as raised:
        client.retrieve_file("file-missing")
    assert type(raised.value) is NotFoundError
    assert "Check the id" in str(raised.value)


@pytest.mark.parametrize("endpoint", ["/chat/completions", "/embeddings", "/responses"])
def test_full_endpoint_url_as_base_url_is_explained(endpoint: str) -> None:
    url = f"https://api.zerogpu.ai/v1{endpoint}"
    with pytest.raises(ValueError, match=f"full URL of the {endpoint} endpoint") as raised:
        ZeroGPUClient(api_key="k", base_url=url)
    assert "give the API root instead ('https://api.zerogpu.ai/v1')" in str(raised.value)


def test_connection_error_names_the_url_tried() -> None:
    client = ZeroGPUClient(api_key="k", base_url="http://127.0.0.1:9/v1", max_retries=0)
    with pytest.raises(APIConnectionError, match=r"at POST http://127\.0\.0\.1:9/v1/chat/comp"):
        client.chat_completion(model="gpt-oss-120b", messages=MESSAGES)


def test_repr_shows_the_base_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZEROGPU_BASE_URL", "http://127.0.0.1:9/v1/")
    assert (
        repr(ZeroGPUClient(api_key="SECRET")) == "ZeroGPUClient(base_url='http://127.0.0.1:9/v1')"
    )


@pytest.mark.parametrize(
    ("fields", "error", "words"),
    [
        ({"messages": []}, ValueError, "chat_completion: messages is empty"),
        ({"messages": "Hi"}, TypeError, "messages must be a list of messages, got str"),
        ({"messages": [{"role": "user", "content": ""}]}, ValueError, "messages[0] is a user"),
        ({"messages": MESSAGES, "stop": 123}, TypeError, "stop must be a string or a list"),
        ({"messages": MESSAGES, "stop": ["a", 1]}, TypeError, "stop[1] must be a string"),
        ({"messages": MESSAGES, "top_p": 3}, ValueError, "Invalid ChatCompletionRequest: top_p"),
    ],
)
def test_bad_chat_input_is_refused_before_any_request(
    fields: dict[str, object], error: type[Exception], words: str
) -> None:
    script = Script(httpx.Response(500))
    client = ZeroGPUClient(
        api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(script))
    )
    with pytest.raises(error) as raised:
        client.chat_completion(model="gpt-oss-120b", **fields)
    assert words in str(raised.value)
    assert "input_value" not in str(raised.value)  # no pydantic echo of the content
    assert script.requests == []


@pytest.mark.parametrize("timeout", [0, -1, 0.0])
def test_zero_timeout_is_refused_at_construction(timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds"):
        ZeroGPUClient(api_key="k", timeout=timeout)


def test_wrong_typed_field_in_a_stream_chunk_is_a_response_error() -> None:
    bad = json.dumps(
        {
            "id": "c1",
            "object": "chat.completion.chunk",
            "choices": [{"index": "first", "delta": {"content": "Hi"}}],
        }
    )
    script = Script(sse_response(bad, "[DONE]", request_id="req_bad"))
    client = ZeroGPUClient(
        api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(script))
    )
    with pytest.raises(APIResponseValidationError) as raised:
        list(client.stream_chat_completion(model="m", messages=MESSAGES))
    message = str(raised.value)
    assert message.startswith("Stream event 1 is not a chat completion chunk: choices.0.index")
    assert "req_bad" in message
    assert "pydantic" not in message


@pytest.mark.parametrize(
    ("package", "missing", "extra"),
    [
        ("langchain_zerogpu", "langchain_core", "langchain"),
        ("llama_index_zerogpu", "llama_index", "llama-index"),
    ],
)
def test_missing_framework_names_the_extra(package: str, missing: str, extra: str) -> None:
    code = f"import sys; sys.modules[{missing!r}] = None; import {package}"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode != 0
    assert f"pip install 'zerogpu-integrations[{extra}]'" in run.stderr
