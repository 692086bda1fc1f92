"""RAG: a ``VectorStoreIndex`` built with ``ZeroGPUEmbedding``, queried through ``ZeroGPU``."""

from __future__ import annotations

from typing import Any

import pytest
from llama_index.core import Document, Settings, VectorStoreIndex
from llama_index.core.callbacks import CallbackManager, TokenCountingHandler

from llama_index_zerogpu import ZeroGPU, ZeroGPUEmbedding

DOCUMENTS = [
    Document(text="Phobos is the larger moon of Mars and orbits very close to it."),
    Document(text="The Eiffel Tower is a wrought-iron tower in Paris, France."),
    Document(text="Photosynthesis turns light, water and carbon dioxide into sugar."),
]


@pytest.mark.vcr
def test_query_engine_retrieves_and_answers(
    zerogpu_target: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = TokenCountingHandler()
    # Query engines hand the LLM the global callback manager, as LlamaIndex documents.
    monkeypatch.setattr(Settings, "callback_manager", CallbackManager([counter]))
    embed = ZeroGPUEmbedding(**zerogpu_target.client_kwargs())
    llm = ZeroGPU(model="gpt-oss-120b", **zerogpu_target.client_kwargs())
    index = VectorStoreIndex.from_documents(DOCUMENTS, embed_model=embed)
    engine = index.as_query_engine(llm=llm, similarity_top_k=1)
    response = engine.query("Which moon of Mars is the larger one?")
    assert response.source_nodes[0].node.get_content() == DOCUMENTS[0].text
    assert str(response)
    usage = counter.llm_token_counts
    assert len(usage) == 1
    assert usage[0].prompt_token_count > 0
    assert usage[0].completion_token_count > 0
    assert counter.total_embedding_token_count > 0  # the tokenizer works offline
