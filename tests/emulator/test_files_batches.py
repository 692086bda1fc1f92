"""Files and Batches API: storage, validation messages and the batch lifecycle."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from zerogpu_core.emulator import Emulator

TERMINAL = {"completed", "failed", "expired", "cancelled"}


def _line(custom_id: str, content: str = "hello", **overrides: Any) -> dict[str, Any]:
    body = {"model": "LFM2.5-1.2B-Instruct", "messages": [{"role": "user", "content": content}]}
    return {
        "custom_id": custom_id,
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": body,
        **overrides,
    }


def _jsonl(lines: list[Any]) -> bytes:
    return "".join(
        (line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines
    ).encode()


def _upload(http: httpx.Client, content: bytes, purpose: str = "batch") -> httpx.Response:
    return http.post(
        "/files",
        files={"file": ("input.jsonl", content, "application/jsonl")},
        data={"purpose": purpose},
    )


def _wait(
    http: httpx.Client, batch_id: str, statuses: set[str], timeout: float = 5
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch: dict[str, Any] = http.get(f"/batches/{batch_id}").json()
        if batch["status"] in statuses:
            return batch
        time.sleep(0.01)
    raise AssertionError(f"batch never reached {statuses}")


def _records(http: httpx.Client, file_id: str) -> list[dict[str, Any]]:
    response = http.get(f"/files/{file_id}/content")
    assert response.headers["content-type"] == "application/jsonl"
    return [json.loads(line) for line in response.text.splitlines()]


@pytest.fixture
def slow(connect: Callable[..., httpx.Client]) -> Iterator[httpx.Client]:
    """A client of an emulator whose batch worker takes 50 ms per line."""
    with Emulator(api_key="k", batch_line_delay=0.05) as emu:
        yield connect(emu, **{"x-api-key": "k"})


def test_file_lifecycle(client: httpx.Client) -> None:
    uploaded = _upload(client, b'{"a": 1}\n').json()
    assert uploaded["id"].startswith("file-emu")
    assert uploaded | {"id": "x", "created_at": 0, "expires_at": 0} == {
        "id": "x",
        "object": "file",
        "bytes": 9,
        "created_at": 0,
        "filename": "input.jsonl",
        "purpose": "batch",
        "status": "processed",
        "expires_at": 0,
    }
    assert uploaded["expires_at"] - uploaded["created_at"] == 2_592_000
    assert client.get(f"/files/{uploaded['id']}").json() == uploaded
    assert client.get(f"/files/{uploaded['id']}/content").content == b'{"a": 1}\n'
    assert client.delete(f"/files/{uploaded['id']}").json() == {
        "id": uploaded["id"],
        "object": "file",
        "deleted": True,
    }
    gone = client.get(f"/files/{uploaded['id']}")
    assert gone.status_code == 404
    assert gone.json() == {"error": {"message": f"File {uploaded['id']} not found"}}
    assert client.delete(f"/files/{uploaded['id']}").status_code == 404


def test_file_listing_and_paging(client: httpx.Client) -> None:
    ids = [_upload(client, b"{}\n").json()["id"] for _ in range(3)]
    listed = client.get("/files").json()
    assert [f["id"] for f in listed["data"]] == ids[::-1]
    page = client.get("/files", params={"order": "asc", "limit": 2}).json()
    assert [f["id"] for f in page["data"]] == ids[:2]
    assert page["has_more"] is True
    rest = client.get("/files", params={"order": "asc", "after": page["last_id"]}).json()
    assert [f["id"] for f in rest["data"]] == ids[2:]
    assert rest["has_more"] is False
    assert client.get("/files", params={"purpose": "batch_output"}).json()["data"] == []


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        (
            {"content": b"{}", "headers": {"content-type": "application/json"}},
            "invalid_content_type",
        ),
        (
            {"files": {"file": ("a.jsonl", b"{}\n")}, "data": {"purpose": "fine-tune"}},
            "invalid_purpose",
        ),
        ({"files": {"other": ("a.jsonl", b"{}\n")}, "data": {"purpose": "batch"}}, "missing_file"),
        ({"files": {"file": ("a.jsonl", b"")}, "data": {"purpose": "batch"}}, "empty_file"),
    ],
)
def test_upload_errors(client: httpx.Client, kwargs: dict[str, Any], code: str) -> None:
    response = client.post("/files", **kwargs)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "abc"}, {"purpose": "x"}])
def test_list_errors(client: httpx.Client, query: dict[str, str]) -> None:
    assert client.get("/files", params=query).status_code == 400


def test_batch_completes_with_shuffled_output(slow: httpx.Client) -> None:
    lines = [_line(f"req-{i}", f"question {i}") for i in range(4)]
    lines.append(
        _line(
            "bad-model",
            body={"model": "no-such-model", "messages": [{"role": "user", "content": "x"}]},
        )
    )
    file_id = _upload(slow, _jsonl(lines)).json()["id"]
    created = slow.post(
        "/batches",
        json={
            "input_file_id": file_id,
            "endpoint": "/v1/chat/completions",
            "metadata": {"job": "t"},
        },
    ).json()
    assert created["id"].startswith("batch_emu")
    assert created["status"] == "in_progress"
    assert created["request_counts"] == {"total": 5, "completed": 0, "failed": 0}
    assert created["metadata"] == {"job": "t"}
    seen = {_wait(slow, created["id"], {"finalizing"} | TERMINAL)["status"]}
    done = _wait(slow, created["id"], TERMINAL)
    assert seen <= {"finalizing", "completed"}
    assert done["status"] == "completed"
    assert done["request_counts"] == {"total": 5, "completed": 4, "failed": 1}
    assert done["completed_at"]
    assert done["finalizing_at"]
    assert done["in_progress_at"]
    outputs = _records(slow, done["output_file_id"])
    custom_ids = [r["custom_id"] for r in outputs]
    assert sorted(custom_ids) == [f"req-{i}" for i in range(4)]
    assert custom_ids != sorted(custom_ids)
    first = outputs[0]
    assert first["id"].startswith("batch_req_emu")
    assert first["response"]["status_code"] == 200
    assert first["response"]["request_id"].startswith("req_emu_")
    body = first["response"]["body"]
    assert body["service_tier"] == "default"
    assert body["system_fingerprint"] is None
    assert body["choices"][0]["message"]["annotations"] == []
    errors = _records(slow, done["error_file_id"])
    assert errors == [
        {
            "id": errors[0]["id"],
            "custom_id": "bad-model",
            "response": None,
            "error": {
                "code": "not_found_error",
                "message": errors[0]["error"]["message"],
                "param": "model",
            },
        }
    ]
    assert errors[0]["error"]["message"].startswith("[legacy:http_404] {")
    error_file = slow.get(f"/files/{done['error_file_id']}").json()
    assert error_file["purpose"] == "batch_output"
    assert error_file["is_error"] is True
    assert slow.get(f"/files/{done['output_file_id']}").json()["is_error"] is False
    conflict = slow.post(f"/batches/{created['id']}/cancel")
    assert conflict.status_code == 409


def test_batch_cancel(slow: httpx.Client) -> None:
    file_id = _upload(slow, _jsonl([_line(f"r{i}") for i in range(40)])).json()["id"]
    created = slow.post(
        "/batches", json={"input_file_id": file_id, "endpoint": "/v1/chat/completions"}
    ).json()
    time.sleep(0.12)
    cancelling = slow.post(f"/batches/{created['id']}/cancel").json()
    assert cancelling["status"] == "cancelling"
    assert cancelling["cancelling_at"]
    done = _wait(slow, created["id"], TERMINAL)
    assert done["status"] == "cancelled"
    assert done["cancelled_at"]
    counts = done["request_counts"]
    assert counts["completed"] + counts["failed"] == counts["total"] == 40
    assert counts["failed"] > 0
    errors = _records(slow, done["error_file_id"])
    assert {e["error"]["code"] for e in errors} == {"batch_cancelled"}
    assert len(errors) == counts["failed"]


def test_batch_expiry(connect: Callable[..., httpx.Client]) -> None:
    with Emulator(api_key="k", batch_line_delay=0.05, batch_expiry_seconds=0.12) as emu:
        http = connect(emu, **{"x-api-key": "k"})
        file_id = _upload(http, _jsonl([_line(f"r{i}") for i in range(20)])).json()["id"]
        created = http.post(
            "/batches", json={"input_file_id": file_id, "endpoint": "/v1/chat/completions"}
        ).json()
        done = _wait(http, created["id"], TERMINAL)
        assert done["status"] == "expired"
        assert done["expired_at"]
        errors = _records(http, done["error_file_id"])
    assert {e["error"]["code"] for e in errors} == {"batch_expired"}
    assert done["request_counts"]["failed"] == len(errors) > 0


def test_batch_list_and_not_found(client: httpx.Client) -> None:
    file_id = _upload(client, _jsonl([_line("a")])).json()["id"]
    ids = [
        client.post(
            "/batches", json={"input_file_id": file_id, "endpoint": "/v1/chat/completions"}
        ).json()["id"]
        for _ in range(3)
    ]
    listed = client.get("/batches", params={"limit": 2}).json()
    assert [b["id"] for b in listed["data"]] == ids[::-1][:2]
    assert listed["has_more"] is True
    missing = client.get("/batches/batch_nope")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"message": "Batch not found: batch_nope"}}
    assert client.post("/batches/batch_nope/cancel").status_code == 404
    assert client.get("/batches", params={"limit": "101"}).status_code == 400


@pytest.mark.parametrize(
    ("lines", "message", "line"),
    [
        (["   ", ""], "Input file contains no JSONL lines", None),
        ([_line("a"), "{oops"], "Line 2 is not valid JSON", 2),
        ([_line("a"), "[1]"], "Line 2 must be a JSON object", 2),
        ([_line("a"), _line("")], "Line 2 is missing custom_id", 2),
        ([_line("a"), "", _line("b"), _line("a")], 'Line 4 duplicates custom_id "a"', 4),
        ([_line("a", method="GET")], 'Line 1 method must be "POST"', 1),
        ([_line("a", url="")], "Line 1 is missing url", 1),
        (
            [_line("a", url="/v1/responses")],
            'Line 1 url "/v1/responses" is not an allowed batch endpoint',
            1,
        ),
        ([_line("a", body={})], "Line 1 is missing body", 1),
        (
            [_line("a", body={"model": "m", "stream": True})],
            "Line 1 has stream=true; streaming is not supported in batch mode",
            1,
        ),
        (["x" * 1_048_577], "Line 1 exceeds maximum size of 1048576 bytes", 1),
    ],
)
def test_batch_validation_messages(
    client: httpx.Client, lines: list[Any], message: str, line: int | None
) -> None:
    content = _jsonl(lines) if any(lines) else b"   \n\n"
    file_id = _upload(client, content).json()["id"]
    response = client.post(
        "/batches", json={"input_file_id": file_id, "endpoint": "/v1/chat/completions"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == message
    assert error["type"] == "invalid_request_error"
    assert error.get("line") == line
    failed = client.get("/batches").json()["data"][0]
    assert failed["status"] == "failed"
    assert failed["failed_at"]
    assert failed["errors"]["data"][0]["message"] == message


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"endpoint": "/v1/chat/completions"}, 400, "input_file_id is required"),
        ({"input_file_id": "file-x"}, 400, "endpoint is required"),
        (
            {
                "input_file_id": "file-x",
                "endpoint": "/v1/chat/completions",
                "completion_window": "1h",
            },
            400,
            'completion_window must be "24h"',
        ),
        (
            {"input_file_id": "file-x", "endpoint": "/v1/chat/completions"},
            404,
            "Input file not found: file-x",
        ),
    ],
)
def test_batch_create_body_errors(
    client: httpx.Client, body: dict[str, Any], status: int, message: str
) -> None:
    response = client.post("/batches", json=body)
    assert response.status_code == status
    assert response.json()["error"]["message"] == message


def test_endpoint_must_match_file_url(client: httpx.Client) -> None:
    file_id = _upload(client, _jsonl([_line("a")])).json()["id"]
    body = {"input_file_id": file_id, "endpoint": "/v1/embeddings"}
    response = client.post("/batches", json=body)
    assert response.json()["error"]["message"] == (
        'endpoint "/v1/embeddings" does not match the url "/v1/chat/completions" used by the'
        " input file"
    )


def test_batch_list_lags_but_retrieve_does_not(connect: Callable[..., httpx.Client]) -> None:
    with Emulator(api_key="k", batch_list_lag=0.3) as emu:
        http = connect(emu, **{"x-api-key": "k"})
        file_id = _upload(http, _jsonl([_line("a")])).json()["id"]
        body = {"input_file_id": file_id, "endpoint": "/v1/chat/completions"}
        batch_id = http.post("/batches", json=body).json()["id"]
        assert http.get(f"/batches/{batch_id}").status_code == 200
        assert http.get("/batches").json()["data"] == []
        time.sleep(0.35)
        assert [b["id"] for b in http.get("/batches").json()["data"]] == [batch_id]
