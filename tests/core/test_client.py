"""Request building, auth headers, settings and retries, against a scripted transport."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.core._scripted import COMPLETION, Script, json_response
from zerogpu_core import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncZeroGPUClient,
    AuthenticationError,
    BadRequestError,
    ContextLengthExceededError,
    InsufficientQuotaError,
    InternalServerError,
    MissingAPIKeyError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ZeroGPUClient,
)

MESSAGES = [{"role": "user", "content": "Hi"}]
SECRET = "zgpu-api-SECRETSECRETSECRET"


def make_client(script: Script, **kwargs: object) -> tuple[ZeroGPUClient, list[float]]:
    slept: list[float] = []
    options: dict[str, object] = {"api_key": SECRET, "base_url": "https://example.test/v1"}
    options.update(kwargs)
    client = ZeroGPUClient(
        http_client=httpx.Client(transport=httpx.MockTransport(script)),
        **options,  # type: ignore[arg-type]
    )
    client._sleep = slept.append
    return client, slept


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ZEROGPU_API_KEY", "ZEROGPU_PROJECT_ID", "ZEROGPU_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_chat_request_shape_and_auth_headers() -> None:
    script = Script(json_response(200, COMPLETION, **{"x-request-id": "req_42"}))
    client, _ = make_client(script)
    reply = client.chat_completion(model="gpt-oss-120b", messages=MESSAGES, temperature=0)
    assert reply.message.content == "hi"
    assert reply.request_id == "req_42"
    request = script.requests[0]
    assert request.method == "POST"
    assert str(request.url) == "https://example.test/v1/chat/completions"
    assert request.headers["x-api-key"] == SECRET
    assert "authorization" not in request.headers
    assert "x-project-id" not in request.headers
    assert json.loads(request.content) == {
        "model": "gpt-oss-120b",
        "messages": MESSAGES,
        "temperature": 0,
    }


def test_project_header_only_when_set() -> None:
    script = Script(json_response(200, COMPLETION))
    client, _ = make_client(script, project_id="proj-1")
    client.chat_completion(model="m", messages=MESSAGES)
    assert script.requests[0].headers["x-project-id"] == "proj-1"


def test_env_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZEROGPU_API_KEY", SECRET)
    monkeypatch.setenv("ZEROGPU_PROJECT_ID", "proj-env")
    monkeypatch.setenv("ZEROGPU_BASE_URL", "http://localhost:9/v1/")
    client = ZeroGPUClient()
    assert client.base_url == "http://localhost:9/v1"
    headers = client.settings.headers()
    assert headers["x-api-key"] == SECRET
    assert headers["x-project-id"] == "proj-env"


def test_request_object_fields_and_extra_body_are_merged() -> None:
    script = Script(json_response(200, COMPLETION))
    client, _ = make_client(script)
    client.chat_completion(
        {"model": "m", "messages": MESSAGES},
        metadata={"usecase": "redact"},
        response_format={"type": "json_object"},
        extra_body={"categories": ["a"]},
    )
    assert script.bodies()[0] == {
        "model": "m",
        "messages": MESSAGES,
        "metadata": {"usecase": "redact"},
        "response_format": {"type": "json_object"},
        "categories": ["a"],
    }


def test_missing_key_fails_at_request_time_naming_the_env_var() -> None:
    script = Script(json_response(200, COMPLETION))
    client, _ = make_client(script, api_key=None)
    with pytest.raises(MissingAPIKeyError, match="ZEROGPU_API_KEY"):
        client.chat_completion(model="m", messages=MESSAGES)
    assert script.requests == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"messages": MESSAGES}, "model"),
        ({"model": "m", "messages": []}, "messages"),
        ({"model": "m", "messages": [{"content": "x"}]}, "role"),
        ({"model": "m", "messages": MESSAGES, "tool_choice": "any"}, "tool_choice"),
        ({"model": "m", "messages": MESSAGES, "tool_choice": "required"}, "without any tools"),
        ({"model": "m", "messages": MESSAGES, "response_format": {"type": "json"}}, "type"),
        (
            {"model": "m", "messages": [{"role": "user", "content": "x" * 131_073}]},
            "131072",
        ),
    ],
)
def test_invalid_requests_fail_locally(fields: dict[str, object], message: str) -> None:
    script = Script(json_response(200, COMPLETION))
    client, _ = make_client(script)
    with pytest.raises(ValueError, match=message):
        client.chat_completion(**fields)
    assert script.requests == []


def test_key_never_in_repr_or_settings_repr() -> None:
    client, _ = make_client(Script(json_response(200, COMPLETION)))
    assert SECRET not in repr(client)
    assert SECRET not in repr(client.settings)


def test_retries_429_honouring_retry_after_then_succeeds() -> None:
    limited = json_response(
        429, {"error": {"message": "slow", "type": "rate_limit_exceeded"}}, **{"Retry-After": "1"}
    )
    script = Script(limited, limited, json_response(200, COMPLETION))
    client, slept = make_client(script)
    client.chat_completion(model="m", messages=MESSAGES)
    assert len(script.requests) == 3
    assert slept == [1.0, 1.0]


def test_retry_after_ms_takes_precedence() -> None:
    limited = json_response(429, {}, **{"retry-after-ms": "250", "Retry-After": "9"})
    script = Script(limited, json_response(200, COMPLETION))
    client, slept = make_client(script)
    client.chat_completion(model="m", messages=MESSAGES)
    assert slept == [0.25]


def test_backoff_grows_and_gives_up_after_max_retries() -> None:
    script = Script(json_response(503, {"error": {"message": "down"}}))
    client, slept = make_client(script, max_retries=3)
    with pytest.raises(InternalServerError):
        client.chat_completion(model="m", messages=MESSAGES)
    assert len(script.requests) == 4
    assert len(slept) == 3
    assert slept[0] <= 0.5
    assert slept[1] <= 1.0
    assert slept[2] <= 2.0
    assert slept[0] >= 0.375
    assert slept[1] >= 0.75
    assert slept[2] >= 1.5


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (400, {"error": {"message": "bad"}}, BadRequestError),
        (401, {"error": {"message": "Missing authentication headers"}}, AuthenticationError),
        (403, {"error": {"message": "Invalid credentials"}}, PermissionDeniedError),
        (404, {"error": {"message": "nope"}}, NotFoundError),
        (420, {"error": {"code": "insufficient_quota", "message": "q"}}, InsufficientQuotaError),
        (429, {"error": {"code": "insufficient_quota", "message": "q"}}, InsufficientQuotaError),
        (402, {"error": {"message": "pay"}}, InsufficientQuotaError),
        (
            420,
            {"error": {"code": "context_length_exceeded", "message": "long"}},
            ContextLengthExceededError,
        ),
    ],
)
def test_permanent_errors_are_not_retried(
    status: int, body: object, error: type[Exception]
) -> None:
    script = Script(json_response(status, body))
    client, slept = make_client(script)
    with pytest.raises(error) as info:
        client.chat_completion(model="m", messages=MESSAGES)
    assert len(script.requests) == 1
    assert slept == []
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_transient_statuses_are_retried(status: int) -> None:
    script = Script(
        json_response(status, {"error": {"message": "x"}}), json_response(200, COMPLETION)
    )
    client, slept = make_client(script)
    client.chat_completion(model="m", messages=MESSAGES)
    assert len(script.requests) == 2
    assert len(slept) == 1


def test_connection_errors_are_retried_then_raised() -> None:
    script = Script(httpx.ConnectError("refused"))
    client, slept = make_client(script)
    with pytest.raises(APIConnectionError, match="ConnectError"):
        client.chat_completion(model="m", messages=MESSAGES)
    assert len(script.requests) == 3
    assert len(slept) == 2


def test_timeouts_raise_api_timeout_error_after_retries() -> None:
    script = Script(httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow"), httpx.ReadTimeout("x"))
    client, _ = make_client(script)
    with pytest.raises(APITimeoutError):
        client.chat_completion(model="m", messages=MESSAGES)
    assert len(script.requests) == 3


def test_cancel_conflict_is_not_retried() -> None:
    script = Script(json_response(409, {"error": {"message": "Batch is completed"}}))
    client, slept = make_client(script)
    with pytest.raises(Exception, match="409"):
        client.cancel_batch("batch_1")
    assert len(script.requests) == 1
    assert slept == []


def test_max_retries_zero_disables_retrying() -> None:
    script = Script(json_response(500, {}))
    client, _ = make_client(script, max_retries=0)
    with pytest.raises(InternalServerError):
        client.chat_completion(model="m", messages=MESSAGES)
    assert len(script.requests) == 1


def test_rate_limit_error_after_exhausting_retries() -> None:
    script = Script(json_response(429, {"error": {"message": "slow"}}, **{"Retry-After": "0"}))
    client, _ = make_client(script)
    with pytest.raises(RateLimitError):
        client.chat_completion(model="m", messages=MESSAGES)


def test_every_route_builds_its_request() -> None:
    batch = {"id": "batch_1", "object": "batch", "status": "in_progress"}
    file = {"id": "file-1", "object": "file", "purpose": "batch"}
    script = Script(lambda r: _route_answer(r, batch, file))
    client, _ = make_client(script)
    client.create_response(model="gpt-oss-120b", input="hello", instructions="be brief")
    client.create_embeddings(model="bge-small-en-v1.5", input=["a", "b"])
    client.create_moderation(input="text")
    client.upload_file(b'{"custom_id": "a"}\n', filename="in.jsonl")
    client.list_files(purpose="batch", limit=5)
    client.retrieve_file("file-1")
    assert client.file_content("file-1") == b"line\n"
    client.delete_file("file-1")
    client.create_batch(input_file_id="file-1", metadata={"job": "x"})
    client.retrieve_batch("batch_1")
    client.list_batches(limit=2, after="batch_0")
    client.cancel_batch("batch_1")
    seen = [(r.method, r.url.path, r.url.query.decode()) for r in script.requests]
    assert seen == [
        ("POST", "/v1/responses", ""),
        ("POST", "/v1/embeddings", ""),
        ("POST", "/v1/moderations", ""),
        ("POST", "/v1/files", ""),
        ("GET", "/v1/files", "purpose=batch&limit=5"),
        ("GET", "/v1/files/file-1", ""),
        ("GET", "/v1/files/file-1/content", ""),
        ("DELETE", "/v1/files/file-1", ""),
        ("POST", "/v1/batches", ""),
        ("GET", "/v1/batches/batch_1", ""),
        ("GET", "/v1/batches", "limit=2&after=batch_0"),
        ("POST", "/v1/batches/batch_1/cancel", ""),
    ]
    upload = script.requests[3]
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert b'name="purpose"' in upload.content
    assert b"batch" in upload.content
    assert json.loads(script.requests[8].content) == {
        "input_file_id": "file-1",
        "endpoint": "/v1/chat/completions",
        "completion_window": "24h",
        "metadata": {"job": "x"},
    }


def _route_answer(
    request: httpx.Request, batch: dict[str, object], file: dict[str, object]
) -> httpx.Response:
    path = request.url.path
    if path.endswith("/content"):
        return httpx.Response(200, content=b"line\n")
    if path.startswith("/v1/batches"):
        if request.method == "GET" and path == "/v1/batches":
            return json_response(200, {"object": "list", "data": [batch]})
        return json_response(200, batch)
    if path.startswith("/v1/files"):
        if request.method == "DELETE":
            return json_response(200, {"id": "file-1", "object": "file", "deleted": True})
        if request.method == "GET" and path == "/v1/files":
            return json_response(200, {"object": "list", "data": [file]})
        return json_response(200, file)
    if path == "/v1/embeddings":
        data = [{"index": 1, "embedding": [0.0]}, {"index": 0, "embedding": [1.0]}]
        return json_response(200, {"object": "list", "data": data, "model": "m"})
    if path == "/v1/moderations":
        return json_response(200, {"id": "modr-1", "model": "m", "results": [{"flagged": False}]})
    return json_response(200, {"id": "resp_1", "output": [], "created_at": 5})


@pytest.mark.parametrize("texts", [[], [""], ["ok", 3]])
def test_embedding_input_is_validated(texts: list[object]) -> None:
    client, _ = make_client(Script(json_response(200, {})))
    with pytest.raises(ValueError, match="input"):
        client.create_embeddings(model="m", input=texts)  # type: ignore[arg-type]


async def test_async_client_retries_and_parses() -> None:
    script = Script(json_response(500, {}), json_response(200, COMPLETION))
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    client = AsyncZeroGPUClient(
        api_key=SECRET,
        base_url="https://example.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(script)),
    )
    client._sleep = fake_sleep
    async with client:
        reply = await client.chat_completion(model="m", messages=MESSAGES)
    assert reply.usage is not None
    assert reply.usage.total == 4
    assert len(script.requests) == 2
    assert len(slept) == 1


def test_malformed_replies_are_reported_without_quoting_the_body() -> None:
    pii = "Jane Doe, jane@example.com"
    script = Script(
        httpx.Response(200, content=f"<html>{pii}".encode()),
        json_response(200, {"choices": [{"message": {"content": 5, "role": pii}}]}),
    )
    client, _ = make_client(script)
    for _ in range(2):
        with pytest.raises(APIResponseValidationError) as info:
            client.chat_completion(model="m", messages=MESSAGES)
        assert pii not in str(info.value)
        assert pii in json.dumps(info.value.body)


def test_auth_headers_on_every_request_set_once_on_our_own_pool_only() -> None:
    script = Script(json_response(200, COMPLETION))
    theirs = httpx.Client(transport=httpx.MockTransport(script))
    before = dict(theirs.headers)
    client = ZeroGPUClient(api_key=SECRET, base_url="https://example.test/v1", http_client=theirs)
    ours = ZeroGPUClient(api_key=SECRET, base_url="https://example.test/v1")
    ours._http = httpx.Client(transport=httpx.MockTransport(script))  # still ours to configure
    for one in (client, ours, client, ours):
        one.chat_completion(model="gpt-oss-120b", messages=MESSAGES)
    assert [r.headers["x-api-key"] for r in script.requests] == [SECRET] * 4
    assert {r.headers["user-agent"] for r in script.requests} == {
        script.requests[0].headers["user-agent"]
    }
    assert dict(theirs.headers) == before  # a caller's client is never modified
    assert ours._http.headers["x-api-key"] == SECRET
    assert SECRET not in repr(ours)
    assert SECRET not in repr(ours._http)


def test_missing_key_fails_before_sending_on_our_own_pool_too() -> None:
    script = Script(json_response(200, COMPLETION))
    client = ZeroGPUClient(base_url="https://example.test/v1")
    client._http = httpx.Client(transport=httpx.MockTransport(script))
    for _ in range(2):  # not cached as "headers installed" after a failure
        with pytest.raises(MissingAPIKeyError):
            client.chat_completion(model="gpt-oss-120b", messages=MESSAGES)
    assert script.requests == []
