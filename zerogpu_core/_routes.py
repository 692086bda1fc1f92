"""One builder per API route: the single place that knows paths and bodies."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

# Response models other than chat are read as ``types.X`` when their route is built:
# the package loads them on first use, so chatting never builds them.
from zerogpu_core import types
from zerogpu_core._base_client import RequestSpec, _shape_problems, parse_json, read_bytes
from zerogpu_core._inputs import check_messages, check_stop
from zerogpu_core.types.chat import ChatCompletion
from zerogpu_core.types.requests import ChatCompletionRequest, ResponseRequest

if TYPE_CHECKING:
    from zerogpu_core.types import (
        Batch,
        BatchList,
        EmbeddingResponse,
        FileDeleted,
        FileList,
        FileObject,
        ModerationResponse,
        Response,
    )

__all__ = [
    "BATCH_ENDPOINT",
    "FileInput",
    "batch_cancel",
    "batch_create",
    "batch_list",
    "batch_retrieve",
    "chat",
    "embeddings",
    "file_content",
    "file_delete",
    "file_list",
    "file_retrieve",
    "file_upload",
    "moderations",
    "responses",
]

BATCH_ENDPOINT = "/v1/chat/completions"

FileInput = bytes | str | os.PathLike[str] | IO[bytes]
B = TypeVar("B", bound=BaseModel)


def _merged(
    request: BaseModel | Mapping[str, Any] | None, fields: Mapping[str, Any]
) -> dict[str, Any]:
    """A request object/mapping merged with keyword fields (``extra_body`` spread in)."""
    base: dict[str, Any] = {}
    if isinstance(request, BaseModel):
        base = request.model_dump(exclude_none=True, by_alias=True)
    elif request is not None:
        base = dict(request)
    extra_body = fields.get("extra_body")
    merged = {**base, **{k: v for k, v in fields.items() if k != "extra_body"}}
    if extra_body:
        merged.update(extra_body)
    return merged


def _validated(model: type[B], merged: Mapping[str, Any]) -> B:
    try:
        # The validator itself: model_validate's wrapper adds a quarter, per request.
        validated: B = model.__pydantic_validator__.validate_python(merged)
        return validated
    except ValidationError as exc:
        # Named fields and reasons only: the values may be personal data.
        problems = _shape_problems(exc)
    # Raised outside the handler, so the original (which holds the input) is not
    # kept as this error's context.
    raise ValueError(f"Invalid {model.__name__}: {problems}")


def chat(
    request: ChatCompletionRequest | Mapping[str, Any] | None,
    fields: Mapping[str, Any],
    *,
    stream: bool,
) -> RequestSpec[ChatCompletion]:
    """``POST /chat/completions``; ``stream`` adds the SSE flags."""
    merged = _merged(request, fields)
    check_messages(merged.get("messages"), owner="chat_completion", argument="messages")
    check_stop(merged.get("stop"), owner="chat_completion")
    body = _validated(ChatCompletionRequest, merged).to_body()
    if stream:
        body["stream"] = True
        body.setdefault("stream_options", {"include_usage": True})
    else:
        body.pop("stream", None)
        body.pop("stream_options", None)
    return RequestSpec(
        "POST",
        "/chat/completions",
        parse_json(ChatCompletion),
        json=body,
        stream=stream,
    )


def responses(
    request: ResponseRequest | Mapping[str, Any] | None, fields: Mapping[str, Any]
) -> RequestSpec[Response]:
    """``POST /responses``."""
    body = _validated(ResponseRequest, _merged(request, fields)).to_body()
    return RequestSpec("POST", "/responses", parse_json(types.Response), json=body)


def embeddings(
    model: str, texts: str | list[str], extra: Mapping[str, Any]
) -> RequestSpec[EmbeddingResponse]:
    """``POST /embeddings`` for one string or a list of strings."""
    items = [texts] if isinstance(texts, str) else texts
    if not items:
        raise ValueError("embeddings input must contain at least one string")
    for position, text in enumerate(items):
        if not isinstance(text, str) or not text:
            raise ValueError(f"embeddings input[{position}] must be a non-empty string")
    body = {"model": model, "input": texts, **extra}
    return RequestSpec("POST", "/embeddings", parse_json(types.EmbeddingResponse), json=body)


def moderations(
    texts: str | list[str] | list[dict[str, Any]], model: str | None, extra: Mapping[str, Any]
) -> RequestSpec[ModerationResponse]:
    """``POST /moderations``; ``model`` is optional (server default)."""
    if not texts:
        raise ValueError("moderation input must not be empty")
    body: dict[str, Any] = {"input": texts, **extra}
    if model:
        body["model"] = model
    return RequestSpec("POST", "/moderations", parse_json(types.ModerationResponse), json=body)


def _file_tuple(file: FileInput, filename: str | None) -> tuple[str, Any, str]:
    if isinstance(file, bytes):
        return (filename or "batch.jsonl", file, "application/jsonl")
    if isinstance(file, (str, os.PathLike)):
        path = Path(file)
        return (filename or path.name, path.read_bytes(), "application/jsonl")
    name = filename or Path(getattr(file, "name", "batch.jsonl")).name
    return (name, file, "application/jsonl")


def file_upload(file: FileInput, purpose: str, filename: str | None) -> RequestSpec[FileObject]:
    """``POST /files`` (multipart)."""
    return RequestSpec(
        "POST",
        "/files",
        parse_json(types.FileObject),
        files={"file": _file_tuple(file, filename)},
        data={"purpose": purpose},
        deadline=False,  # up to 100 MB: sending may rightly take longer than timeout
    )


def _query(**params: Any) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def file_list(
    purpose: str | None, order: str | None, after: str | None, limit: int | None
) -> RequestSpec[FileList]:
    """``GET /files``."""
    params = _query(purpose=purpose, order=order, after=after, limit=limit)
    return RequestSpec("GET", "/files", parse_json(types.FileList), params=params)


def _id(value: str, what: str) -> str:
    if not value or "/" in value:
        raise ValueError(f"{what} must be a non-empty id without '/', got {value!r}")
    return value


def file_retrieve(file_id: str) -> RequestSpec[FileObject]:
    """``GET /files/{id}``."""
    path = f"/files/{_id(file_id, 'file_id')}"
    return RequestSpec("GET", path, parse_json(types.FileObject))


def file_content(file_id: str, *, stream: bool = False) -> RequestSpec[bytes]:
    """``GET /files/{id}/content`` (raw JSONL); ``stream`` leaves the body unread."""
    path = f"/files/{_id(file_id, 'file_id')}/content"
    return RequestSpec("GET", path, read_bytes, stream=stream)


def file_delete(file_id: str) -> RequestSpec[FileDeleted]:
    """``DELETE /files/{id}`` (soft delete)."""
    path = f"/files/{_id(file_id, 'file_id')}"
    return RequestSpec("DELETE", path, parse_json(types.FileDeleted))


def batch_create(
    input_file_id: str,
    endpoint: str,
    completion_window: str,
    metadata: Mapping[str, Any] | None,
) -> RequestSpec[Batch]:
    """``POST /batches``."""
    body: dict[str, Any] = {
        "input_file_id": _id(input_file_id, "input_file_id"),
        "endpoint": endpoint,
        "completion_window": completion_window,
    }
    if metadata is not None:
        body["metadata"] = dict(metadata)
    return RequestSpec("POST", "/batches", parse_json(types.Batch), json=body, idempotent=False)


def batch_retrieve(batch_id: str) -> RequestSpec[Batch]:
    """``GET /batches/{id}``."""
    path = f"/batches/{_id(batch_id, 'batch_id')}"
    return RequestSpec("GET", path, parse_json(types.Batch))


def batch_list(limit: int | None, after: str | None) -> RequestSpec[BatchList]:
    """``GET /batches``."""
    params = _query(limit=limit, after=after)
    return RequestSpec("GET", "/batches", parse_json(types.BatchList), params=params)


def batch_cancel(batch_id: str) -> RequestSpec[Batch]:
    """``POST /batches/{id}/cancel``; a 409 (already terminal) is not retried."""
    path = f"/batches/{_id(batch_id, 'batch_id')}/cancel"
    return RequestSpec("POST", path, parse_json(types.Batch), retry_conflict=False)
