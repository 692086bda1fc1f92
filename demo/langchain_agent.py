"""LangChain: redact, extract entities and classify with the document transformers,
store the vectors, then let a ``ChatZeroGPU`` agent answer by calling a search tool
over the store, with the question and the answer moderated."""

from __future__ import annotations

import json
from collections.abc import Sequence

from langchain_core.documents import BaseDocumentTransformer, Document
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.tools import BaseTool, tool
from langchain_core.vectorstores import InMemoryVectorStore
from tqdm.auto import tqdm

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
from langchain_zerogpu import (
    ChatZeroGPU,
    ZeroGPUEmbeddings,
    ZeroGPUEntityExtractor,
    ZeroGPUIABClassifier,
    ZeroGPUPIIRedactor,
)

__all__ = ["MAX_AGENT_STEPS", "run_langchain", "search_tool"]

MAX_AGENT_STEPS = 4
_EMBED_BATCH = 4
_SYSTEM = (
    "You answer questions about a retailer's support tickets, emails and articles. "
    "Personal data in them is replaced by placeholders such as [PERSON]; keep them as "
    "they are. Use the search_support_documents tool before answering."
)


def search_tool(store: InMemoryVectorStore, sources: list[Source]) -> BaseTool:
    """A tool that searches ``store`` and records each hit in ``sources``."""

    @tool
    def search_support_documents(query: str) -> str:
        """Search the redacted support tickets, emails and articles for a query."""
        hits = store.similarity_search_with_score(query, k=3)
        for document, score in hits:
            sources.append(Source(str(document.id), score, document.metadata["category"]))
        return "\n\n".join(f"[{d.id}] {d.page_content}" for d, _ in hits)

    return search_support_documents


def _documents(corpus: Corpus) -> list[Document]:
    return [
        Document(d.text, id=d.doc_id, metadata={"kind": d.kind, "title": d.title})
        for d in corpus.documents
    ]


def _ingest(
    documents: Sequence[Document], run: PipelineRun, target: Target, progress: bool
) -> list[Document]:
    settings = target.settings()
    transformers: list[BaseDocumentTransformer] = [
        ZeroGPUPIIRedactor(show_progress=progress, **settings),
        # After redaction, so entity metadata cannot carry personal data.
        ZeroGPUEntityExtractor(labels=list(ENTITY_LABELS), show_progress=progress, **settings),
        ZeroGPUIABClassifier(show_progress=progress, **settings),
    ]
    for transformer in transformers:
        documents = transformer.transform_documents(documents)
    out = []
    for document in documents:
        category = top_category(document.metadata["iab"])
        out.append(
            document.model_copy(update={"metadata": {**document.metadata, "category": category}})
        )
        run.redacted.update(document.metadata["pii"]["counts"])
        run.categories[category] += 1
        add_entities(run, str(document.id), document.metadata["entities"])
    return out


def _store(documents: list[Document], target: Target, progress: bool) -> InMemoryVectorStore:
    store = InMemoryVectorStore(embedding=ZeroGPUEmbeddings(**target.settings()))
    batches = range(0, len(documents), _EMBED_BATCH)
    for start in tqdm(batches, desc="Embedding documents", unit="batch", disable=not progress):
        store.add_documents(documents[start : start + _EMBED_BATCH])
    return store


def _count(reply: AIMessage, run: PipelineRun) -> None:
    usage = reply.usage_metadata
    if usage is not None:
        reasoning = usage.get("output_token_details", {}).get("reasoning", 0)
        run.tokens.add(usage["input_tokens"], usage["output_tokens"], reasoning)
    if reply.response_metadata.get("id"):
        run.response_ids.append(str(reply.response_metadata["id"]))


def _agent(llm: ChatZeroGPU, search: BaseTool, question: str, run: PipelineRun) -> str:
    """Call the model, run the tools it asks for, repeat until it answers."""
    agent = llm.bind_tools([search])
    messages: list[BaseMessage] = [SystemMessage(_SYSTEM), HumanMessage(question)]
    for _ in range(MAX_AGENT_STEPS):
        reply = agent.invoke(messages)
        assert isinstance(reply, AIMessage)
        messages.append(reply)
        _count(reply, run)
        if not reply.tool_calls:
            return reply.text.strip()
        for call in reply.tool_calls:
            run.tool_calls.append(f"{call['name']}({json.dumps(call['args'], ensure_ascii=False)})")
            messages.append(search.invoke(call))
    return f"(no final answer after {MAX_AGENT_STEPS} model calls)"


def run_langchain(
    corpus: Corpus,
    target: Target,
    guard: Guard,
    *,
    model: str,
    question: str,
    progress: bool = True,
) -> tuple[PipelineRun, InMemoryVectorStore]:
    """Ingest ``corpus`` and let the agent answer ``question``; returns the run and store."""
    run = PipelineRun("LangChain", documents=len(corpus.documents), question=question)
    with run.timed("redact + entities + classify"):
        documents = _ingest(_documents(corpus), run, target, progress)
    with run.timed("embed + store"):
        store = _store(documents, target, progress)
    run.stored = [stored_text(item["text"], item["metadata"]) for item in store.store.values()]
    vectors = [item["vector"] for item in store.store.values()]
    run.vectors = (len(vectors), len(vectors[0]) if vectors else 0)
    llm = ChatZeroGPU(model=model, max_tokens=800, temperature=0.2, **target.settings())
    search = search_tool(store, run.sources)
    with run.timed("moderated agent"):
        run.answer = guard.ask(run, question, lambda: _agent(llm, search, question, run))
    return run, store
