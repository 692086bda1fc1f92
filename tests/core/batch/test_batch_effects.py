"""Typed batch effects: each one is one client call, the same for both client flavours."""

from __future__ import annotations

import asyncio
from typing import Any
from unittest.mock import AsyncMock, create_autospec

import pytest

from zerogpu_core import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.batch.effects import (
    CancelBatch,
    ClientCall,
    CreateBatch,
    DeleteFile,
    FileContent,
    ListBatches,
    ListFiles,
    RetrieveBatch,
    Sleep,
    UploadFile,
)
from zerogpu_core.batch.job import JobOptions, build_job, submit_steps
from zerogpu_core.types import Batch, FileObject

BODY = {"model": "llama-3.1-8b-instruct-fast", "messages": [{"role": "user", "content": "Hi"}]}

CALLS: list[tuple[ClientCall[Any], str, dict[str, Any]]] = [
    (UploadFile(b"x", "a.jsonl"), "upload_file", {"file": b"x", "filename": "a.jsonl"}),
    (ListFiles("batch", "f1"), "list_files", {"purpose": "batch", "after": "f1"}),
    (DeleteFile("f1"), "delete_file", {"file_id": "f1"}),
    (FileContent("f2"), "file_content", {"file_id": "f2"}),
    (
        CreateBatch("f1", "/v1/chat/completions", "24h", {"k": "v"}),
        "create_batch",
        {
            "input_file_id": "f1",
            "endpoint": "/v1/chat/completions",
            "completion_window": "24h",
            "metadata": {"k": "v"},
        },
    ),
    (ListBatches(100, None), "list_batches", {"limit": 100, "after": None}),
    (RetrieveBatch("b1"), "retrieve_batch", {"batch_id": "b1"}),
    (CancelBatch("b1"), "cancel_batch", {"batch_id": "b1"}),
]


@pytest.mark.parametrize(("effect", "method", "kwargs"), CALLS, ids=[c[1] for c in CALLS])
def test_each_effect_calls_one_client_method_by_keyword(
    effect: ClientCall[Any], method: str, kwargs: dict[str, Any]
) -> None:
    client = create_autospec(ZeroGPUClient, instance=True)
    aclient = create_autospec(AsyncZeroGPUClient, instance=True)

    assert effect.run(client) is getattr(client, method).return_value
    asyncio.run(_await(effect.arun(aclient)))

    getattr(client, method).assert_called_once_with(**kwargs)
    getattr(aclient, method).assert_called_once_with(**kwargs)
    assert isinstance(getattr(aclient, method), AsyncMock)


async def _await(value: Any) -> Any:
    return await value


def test_submit_steps_yield_typed_effects_and_stay_pure() -> None:
    state, encoded = build_job([BODY], None, JobOptions())
    steps = submit_steps(state, encoded, lambda _: None, JobOptions(), recover=False)

    upload = steps.send(None)
    assert isinstance(upload, UploadFile)
    assert upload.filename == f"{state.job_id}-part0.jsonl"
    create = steps.send(FileObject(id="file-1"))
    assert isinstance(create, CreateBatch)
    assert create.input_file_id == "file-1"
    assert dict(create.metadata) == {"zerogpu_job": state.job_id, "zerogpu_part": "0"}
    assert not isinstance(create, Sleep)
    with pytest.raises(StopIteration):
        steps.send(Batch(id="batch-1", status="validating"))
    assert state.parts[0].batch_id == "batch-1"
