"""Bad input, as a table: every row gets a clear error or a documented behaviour.

Rows that raise name the error type and the words the message must contain; rows
with a documented behaviour check it, including how many requests were sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from langchain_core.documents import Document
from llama_index.core.base.llms.types import ChatMessage
from pydantic import ValidationError

from langchain_zerogpu import (
    ChatZeroGPU,
    ZeroGPUEmbeddings,
    ZeroGPUIABClassifier,
    ZeroGPUPIIRedactor,
)
from llama_index_zerogpu import ZeroGPU, ZeroGPUEmbedding
from llama_index_zerogpu import ZeroGPUPIIRedactor as LlamaPIIRedactor
from tests.reliability._faults import API_KEY
from zerogpu_core import BadRequestError, NotFoundError, catalog
from zerogpu_core.emulator import Emulator
from zerogpu_core.tasks import BatchTransformError

pytestmark = pytest.mark.emulator

CHAT_MODEL = "LFM2.5-1.2B-Instruct"
HUGE = "word " * 300_000  # 1.5 M characters: over every model's input limit


@dataclass(frozen=True)
class Raises:
    """The row must raise ``error`` with every word of ``words`` in its message."""

    error: type[BaseException]
    words: tuple[str, ...]
    requests: int = 0


@dataclass(frozen=True)
class Behaves:
    """The row must return something ``check`` accepts, after ``requests`` requests
    (``None``: one per chunk, which ``check`` verifies through the metadata)."""

    check: Callable[[Any], bool]
    requests: int | None


Row = tuple[Callable[[dict[str, str]], Any], Raises | Behaves]


def _chat(kw: dict[str, str], **more: Any) -> ChatZeroGPU:
    return ChatZeroGPU(model=CHAT_MODEL, **kw, **more)


ROWS: dict[str, Row] = {
    # Chat: empty input is refused before any request, naming the message.
    "chat-empty-text": (
        lambda kw: _chat(kw).invoke(""),
        Raises(ValueError, ("input[0]", "empty content")),
    ),
    "chat-no-messages": (
        lambda kw: _chat(kw).invoke([]),
        Raises(ValueError, ("input is empty",)),
    ),
    # Whitespace-only text is the server's call (the emulator answers 400).
    "chat-whitespace-text": (
        lambda kw: _chat(kw).invoke("  \n\t "),
        Raises(BadRequestError, ("non-empty",), requests=1),
    ),
    "chat-text-over-limit": (
        lambda kw: _chat(kw).invoke(HUGE),
        Raises(ValueError, ("1500000 characters", "131072", "chunks")),
    ),
    "chat-non-string-content": (
        lambda kw: _chat(kw).invoke([{"role": "user", "content": 42}]),
        Raises(ValidationError, ("content",)),
    ),
    # Body validation names the field without echoing values (they may be PII).
    "chat-negative-temperature": (
        lambda kw: _chat(kw, temperature=-1).invoke("Hi"),
        Raises(ValueError, ("Invalid ChatCompletionRequest", "temperature")),
    ),
    "chat-given-embedding-model": (
        lambda kw: ChatZeroGPU(model=catalog.DEFAULT_EMBEDDING_MODEL, **kw),
        Raises(ValidationError, ("embedding model", "cannot be used for chat")),
    ),
    # Unknown ids pass construction (new models must work before the catalog knows
    # them) and the server's 404 arrives as NotFoundError.
    "chat-unknown-model": (
        lambda kw: ChatZeroGPU(model="no-such-model", **kw).invoke("Hi"),
        Raises(NotFoundError, ("no-such-model",), requests=1),
    ),
    "chat-unsupported-tool-object": (
        lambda kw: _chat(kw).bind_tools([42]),  # type: ignore[list-item]
        Raises(ValueError, ("Unsupported function",)),
    ),
    # Malformed tool definitions are refused locally, naming the tool's position.
    "chat-tool-without-name": (
        lambda kw: _chat(kw).bind_tools(
            [{"type": "function", "function": {"parameters": {"type": "object"}}}]
        ),
        Raises(ValueError, ("tools[0]", "no function name")),
    ),
    "chat-tool-parameters-not-a-schema": (
        lambda kw: _chat(kw).bind_tools(
            [{"type": "function", "function": {"name": "f", "parameters": "x"}}]
        ),
        Raises(ValueError, ("tools[0]", "'f'", "JSON Schema")),
    ),
    "llama-given-embedding-model": (
        lambda kw: ZeroGPU(model=catalog.DEFAULT_EMBEDDING_MODEL, **kw),
        Raises(ValidationError, ("embedding model",)),
    ),
    "llama-text-over-limit": (
        lambda kw: ZeroGPU(model=CHAT_MODEL, **kw).chat([ChatMessage(role="user", content=HUGE)]),
        Raises(ValueError, ("characters", "131072")),
    ),
    # Embeddings
    "embeddings-given-chat-model": (
        lambda kw: ZeroGPUEmbeddings(model="gpt-oss-120b", **kw),
        Raises(ValidationError, ("chat model", "embeddings")),
    ),
    "llama-embedding-given-chat-model": (
        lambda kw: ZeroGPUEmbedding(model_name="gpt-oss-120b", **kw),
        Raises(ValidationError, ("chat model",)),
    ),
    "embeddings-empty-text": (
        lambda kw: ZeroGPUEmbeddings(**kw).embed_documents(["fine", ""]),
        Raises(ValueError, ("texts[1]", "empty")),
    ),
    "embeddings-non-string": (
        lambda kw: ZeroGPUEmbeddings(**kw).embed_documents([42]),  # type: ignore[list-item]
        Raises(TypeError, ("texts[0]", "must be a string")),
    ),
    "embeddings-no-texts": (
        lambda kw: ZeroGPUEmbeddings(**kw).embed_documents([]),
        Behaves(lambda out: out == [], requests=0),
    ),
    # Transformers: blank documents cost no request and come back with empty results.
    "iab-empty-and-blank-documents": (
        lambda kw: ZeroGPUIABClassifier(**kw).transform_documents(
            [Document(""), Document("  \n ")]
        ),
        Behaves(
            lambda out: (
                [d.metadata["iab"]["chunks"] for d in out] == [0, 0]
                and all(d.metadata["iab"]["iab_2_2"] == [] for d in out)
            ),
            requests=0,
        ),
    ),
    "pii-empty-and-blank-documents": (
        lambda kw: ZeroGPUPIIRedactor(**kw).transform_documents([Document(""), Document(" \n")]),
        Behaves(lambda out: [d.page_content for d in out] == ["", " \n"], requests=0),
    ),
    # Over-limit documents are chunked to the model's budget, never truncated.
    "pii-text-over-limit": (
        lambda kw: ZeroGPUPIIRedactor(**kw).transform_documents(
            [Document("Mail jane@example.com today. " * 2000)]
        ),
        Behaves(
            lambda out: (
                "jane@example.com" not in out[0].page_content
                and out[0].page_content.count("[EMAIL]") == 2000
                and out[0].metadata["pii"]["chunks"] > 1
            ),
            requests=None,
        ),
    ),
    "iab-text-over-limit": (
        lambda kw: ZeroGPUIABClassifier(**kw).transform_documents(
            [Document("A review of the new phone camera. " * 2000)]
        ),
        Behaves(lambda out: out[0].metadata["iab"]["chunks"] > 1, requests=None),
    ),
    "pii-non-string-content": (
        lambda kw: ZeroGPUPIIRedactor(**kw).transform_documents(
            [Document.model_construct(page_content=42, metadata={})]  # type: ignore[arg-type]
        ),
        Raises(TypeError, ("texts[0]", "int", "str")),
    ),
    "pii-threshold-above-one": (
        lambda kw: ZeroGPUPIIRedactor(threshold=1.5, **kw),
        Raises(ValidationError, ("threshold",)),
    ),
    "pii-threshold-negative": (
        lambda kw: ZeroGPUPIIRedactor(threshold=-0.1, **kw),
        Raises(ValidationError, ("threshold",)),
    ),
    "llama-pii-threshold-above-one": (
        lambda kw: LlamaPIIRedactor(threshold=2, **kw),
        Raises(ValidationError, ("threshold",)),
    ),
    "pii-zero-concurrency": (
        lambda kw: ZeroGPUPIIRedactor(max_concurrency=0, **kw),
        Raises(ValidationError, ("max_concurrency",)),
    ),
    "pii-given-chat-model": (
        lambda kw: ZeroGPUPIIRedactor(model="gpt-oss-120b", **kw),
        Raises(ValidationError, ("chat model", "PII")),
    ),
    "iab-given-chat-model": (
        lambda kw: ZeroGPUIABClassifier(model="gpt-oss-120b", **kw),
        Raises(ValidationError, ("chat model", "IAB")),
    ),
    "iab-unknown-model": (
        lambda kw: ZeroGPUIABClassifier(model="no-such-model", **kw).transform_documents(
            [Document("A phone review", id="d1")]
        ),
        Raises(BatchTransformError, ("1 of 1", "d1", "NotFoundError", "no-such-model"), 1),
    ),
}


@pytest.mark.parametrize("name", sorted(ROWS))
def test_bad_input(emulator: Emulator, name: str) -> None:
    action, expected = ROWS[name]
    settings = {"base_url": emulator.base_url, "api_key": API_KEY}
    if isinstance(expected, Raises):
        with pytest.raises(expected.error) as caught:
            action(settings)
        message = str(caught.value)
        assert all(word in message for word in expected.words), message
        assert len(emulator.requests) == expected.requests
        return
    out = action(settings)
    assert expected.check(out)
    if expected.requests is not None:
        assert len(emulator.requests) == expected.requests
