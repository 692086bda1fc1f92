"""``ZeroGPUEmbedding``: query/text embeddings, batching and order."""

from __future__ import annotations

from typing import Any

import pytest
from llama_index.core.base.embeddings.base import BaseEmbedding

from llama_index_zerogpu import ZeroGPUEmbedding
from zerogpu_core import APIResponseValidationError
from zerogpu_core.types import EmbeddingResponse

TEXTS = [f"Document number {n} is about topic {n}." for n in range(5)]


@pytest.fixture
def embed(zerogpu_target: Any) -> ZeroGPUEmbedding:
    return ZeroGPUEmbedding(embed_batch_size=2, **zerogpu_target.client_kwargs())


@pytest.mark.vcr
def test_query_and_text_embeddings(embed: ZeroGPUEmbedding) -> None:
    query = embed.get_query_embedding("Which document is about topic 3?")
    text = embed.get_text_embedding(TEXTS[3])
    assert len(query) == len(text) == 384
    assert query != text


@pytest.mark.vcr
def test_batches_keep_input_order(embed: ZeroGPUEmbedding) -> None:
    batch = embed.get_text_embedding_batch(TEXTS)
    singles = [embed.get_text_embedding(t) for t in TEXTS]
    assert batch == singles


@pytest.mark.vcr
async def test_async_embeddings(embed: ZeroGPUEmbedding) -> None:
    batch = await embed.aget_text_embedding_batch(TEXTS)
    query = await embed.aget_query_embedding(TEXTS[0])
    assert len(batch) == 5
    assert batch[0] == query


@pytest.mark.emulator
def test_one_request_per_batch(zerogpu_emulator: Any) -> None:
    embed = ZeroGPUEmbedding(
        embed_batch_size=2, base_url=zerogpu_emulator.base_url, api_key="test-key"
    )
    embed.get_text_embedding_batch(TEXTS)
    inputs = [r.json["input"] for r in zerogpu_emulator.requests if r.path.endswith("/embeddings")]
    # Batches run in parallel, so they may arrive in any order.
    assert sorted(inputs) == [TEXTS[0:2], TEXTS[2:4], TEXTS[4:5]]


def test_out_of_order_response_is_sorted_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    embed = ZeroGPUEmbedding(api_key="test-key")
    data = [{"index": 1, "embedding": [1.0]}, {"index": 0, "embedding": [0.0]}]
    answers = [EmbeddingResponse.model_validate({"data": data})]
    answers.append(EmbeddingResponse.model_validate({"data": data[:1]}))
    monkeypatch.setattr(embed._clients().sync, "create_embeddings", lambda **_: answers.pop(0))
    assert embed.get_text_embedding_batch(["a", "b"]) == [[0.0], [1.0]]
    with pytest.raises(APIResponseValidationError, match="Expected 2 embedding"):
        embed.get_text_embedding_batch(["a", "b"])


def test_non_embedding_model_is_refused() -> None:
    with pytest.raises(ValueError, match="'gpt-oss-120b' is a chat model") as info:
        ZeroGPUEmbedding(model_name="gpt-oss-120b")
    assert "bge-small-en-v1.5" in str(info.value)


def test_class_and_serialisation() -> None:
    secret = "zgpu-api-do-not-leak-0123456789"
    embed = ZeroGPUEmbedding(api_key=secret, default_headers={"x-extra": secret})
    assert isinstance(embed, BaseEmbedding)
    for text in (embed.to_json(), str(embed.to_payload()), repr(embed)):
        assert secret not in text
    assert embed.to_dict()["model_name"] == "bge-small-en-v1.5"


@pytest.mark.emulator
def test_events_fire_once_per_request(zerogpu_emulator: Any) -> None:
    from llama_index.core.instrumentation import get_dispatcher  # type: ignore[attr-defined]
    from llama_index.core.instrumentation.event_handlers import BaseEventHandler
    from llama_index.core.instrumentation.events.embedding import EmbeddingEndEvent

    ended: list[list[str]] = []

    class Collect(BaseEventHandler):
        def handle(self, event: Any, **kwargs: Any) -> None:
            if isinstance(event, EmbeddingEndEvent):
                ended.append(event.chunks)

    root = get_dispatcher()
    handler = Collect()
    root.add_event_handler(handler)
    try:
        embed = ZeroGPUEmbedding(
            embed_batch_size=2, base_url=zerogpu_emulator.base_url, api_key="test-key"
        )
        embed.get_text_embedding_batch(TEXTS, show_progress=True)
    finally:
        root.event_handlers.remove(handler)
    assert sorted(ended) == [TEXTS[0:2], TEXTS[2:4], TEXTS[4:5]]


@pytest.mark.emulator
def test_events_are_not_built_when_no_handler_listens(
    zerogpu_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The end event re-validates every float of a batch (issue 16: LlamaIndex
    # embedding throughput below LangChain's); with only LlamaIndex's default
    # NullEventHandler nothing would receive it.
    from llama_index_zerogpu import embeddings

    built: list[str] = []

    def counting(cls: Any) -> Any:
        def build(**fields: Any) -> Any:
            built.append(cls.__name__)
            return cls(**fields)

        return build

    for cls in (embeddings.EmbeddingStartEvent, embeddings.EmbeddingEndEvent):
        monkeypatch.setattr(embeddings, cls.__name__, counting(cls))
    embed = ZeroGPUEmbedding(
        embed_batch_size=2, base_url=zerogpu_emulator.base_url, api_key="test-key"
    )
    assert len(embed.get_text_embedding_batch(TEXTS)) == len(TEXTS)
    assert built == []
