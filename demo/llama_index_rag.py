"""LlamaIndex: redact, split, extract entities, classify, embed, index, then answer a
moderated question with sources."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from llama_index.core import Document, VectorStoreIndex
from llama_index.core.base.llms.types import ChatResponse
from llama_index.core.bridge.pydantic import PrivateAttr
from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index.core.instrumentation.events import BaseEvent
from llama_index.core.instrumentation.events.llm import LLMChatEndEvent
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.schema import BaseNode
from llama_index.core.vector_stores import SimpleVectorStore
from llama_index_instrumentation import get_dispatcher

from demo.documents import Corpus
from demo.guard import Guard
from demo.results import (
    ENTITY_LABELS,
    PipelineRun,
    Source,
    add_entities,
    stored_text,
    top_category,
)
from demo.target import Target
from llama_index_zerogpu import (
    ZeroGPU,
    ZeroGPUEmbedding,
    ZeroGPUEntityExtractor,
    ZeroGPUIABExtractor,
    ZeroGPUPIIRedactor,
)

__all__ = ["run_llama_index"]

# The audit, entity and IAB dicts stay out of what the embedder and the LLM read; a
# short ``category`` label stands in for the IAB result.
_HIDDEN = ("iab", "pii", "entities")


class _ChatResponses(BaseEventHandler):
    """Hands every finished chat response to a callback (for server-reported usage)."""

    _sink: Callable[[ChatResponse], None] = PrivateAttr()

    def __init__(self, sink: Callable[[ChatResponse], None]) -> None:
        super().__init__()
        self._sink = sink

    @classmethod
    def class_name(cls) -> str:
        return "DemoChatResponses"

    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        if isinstance(event, LLMChatEndEvent) and event.response is not None:
            self._sink(event.response)


@contextmanager
def _watch_chat(sink: Callable[[ChatResponse], None]) -> Iterator[None]:
    dispatcher = get_dispatcher()
    handler = _ChatResponses(sink)
    dispatcher.add_event_handler(handler)
    try:
        yield
    finally:
        dispatcher.event_handlers.remove(handler)


def _documents(corpus: Corpus) -> list[Document]:
    return [
        Document(
            text=d.text,
            id_=d.doc_id,
            metadata={"file": d.doc_id, "kind": d.kind, "title": d.title},
        )
        for d in corpus.documents
    ]


def _label_nodes(nodes: Sequence[BaseNode], run: PipelineRun) -> None:
    """Flatten the IAB result to one ``category`` and keep the audit dicts out of prompts."""
    seen: set[str] = set()
    for node in nodes:
        add_entities(run, str(node.metadata.get("file")), node.metadata.get("entities"))
        node.metadata["category"] = top_category(node.metadata.get("iab"))
        for key in _HIDDEN:
            for excluded in (node.excluded_embed_metadata_keys, node.excluded_llm_metadata_keys):
                if key not in excluded:
                    excluded.append(key)
        if node.ref_doc_id not in seen:  # a split document counts once
            seen.add(str(node.ref_doc_id))
            run.redacted.update(node.metadata.get("pii", {}).get("counts", {}))
            run.categories[node.metadata["category"]] += 1


def _record_chat(run: PipelineRun) -> Callable[[ChatResponse], None]:
    def record(response: ChatResponse) -> None:
        counts = response.additional_kwargs
        run.tokens.add(
            int(counts.get("prompt_tokens") or 0),
            int(counts.get("completion_tokens") or 0),
            int(counts.get("reasoning_tokens") or 0),
        )
        raw = response.raw if isinstance(response.raw, dict) else {}
        if raw.get("id"):
            run.response_ids.append(str(raw["id"]))

    return record


def run_llama_index(
    corpus: Corpus,
    target: Target,
    guard: Guard,
    *,
    model: str,
    question: str,
    progress: bool = True,
) -> tuple[PipelineRun, VectorStoreIndex]:
    """Ingest ``corpus`` and answer ``question``; returns the run and the index."""
    settings = target.settings()
    run = PipelineRun("LlamaIndex", documents=len(corpus.documents), question=question)
    pipeline = IngestionPipeline(
        transformations=[
            ZeroGPUPIIRedactor(show_progress=progress, **settings),
            SentenceSplitter(chunk_size=512, chunk_overlap=32),
            ZeroGPUEntityExtractor(labels=list(ENTITY_LABELS), show_progress=progress, **settings),
            ZeroGPUIABExtractor(show_progress=progress, **settings),
        ]
    )
    with run.timed("redact + split + entities + classify"):
        nodes = pipeline.run(documents=_documents(corpus))
        _label_nodes(nodes, run)
    with run.timed("embed + index"):
        index = VectorStoreIndex(
            nodes, embed_model=ZeroGPUEmbedding(**settings), show_progress=progress
        )
    vectors = cast(SimpleVectorStore, index.vector_store).data.embedding_dict
    run.vectors = (len(vectors), len(next(iter(vectors.values()), [])))
    run.stored = [stored_text(n.get_content(), n.metadata) for n in index.docstore.docs.values()]
    llm = ZeroGPU(model=model, max_tokens=800, temperature=0.2, **settings)
    engine = index.as_query_engine(llm=llm, similarity_top_k=3)

    def answer() -> str:
        response = engine.query(question)
        run.sources = [
            Source(str(hit.node.metadata.get("file")), hit.score, hit.node.metadata["category"])
            for hit in response.source_nodes
        ]
        return str(response).strip()

    with run.timed("moderated retrieve + answer"), _watch_chat(_record_chat(run)):
        run.answer = guard.ask(run, question, answer)
    return run, index
