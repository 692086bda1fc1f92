"""Named entities with ``gliner2-base-v1`` (``usecase: ner``), located in the text.

The model answers ``{"entities": {label: ["span", ...]}}``: strings without offsets.
Long documents are sent in overlapping windows (as for PII, so an entity cut by one
window's edge is whole in the next); each string is located in its window (every
occurrence, whole words, whitespace-tolerant), and the windows' spans are merged:
the same label at the same offsets is one entity, and a span inside a longer span
of the same label (a name cut at a window edge) is dropped. A string that cannot be
found in the text is kept in :attr:`EntitiesResult.unlocated`, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from typing_extensions import Unpack

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.catalog import check_model
from zerogpu_core.tasks._checks import check_labels, check_threshold
from zerogpu_core.tasks._payload import TaskOutputError, extract_payload
from zerogpu_core.tasks.chunking import MIN_WINDOW_TOKENS, TextChunk, plan_windows, token_budget
from zerogpu_core.tasks.extraction import EXTRACTION_MODEL, entities_metadata
from zerogpu_core.tasks.results import DocumentResults, check_texts
from zerogpu_core.tasks.runner import (
    ChunkedTask,
    DocumentRunArgs,
    aprocess_documents,
    arun_one,
    process_documents,
    run_one,
)
from zerogpu_core.tasks.single_turn import chat_request
from zerogpu_core.types import ChatCompletion

__all__ = [
    "EntitiesOptions",
    "EntitiesResult",
    "EntitiesTask",
    "Entity",
    "aextract_entities",
    "aextract_entities_documents",
    "extract_entities",
    "extract_entities_documents",
    "locate_spans",
    "merge_entities",
    "parse_entities",
]


@dataclass(frozen=True)
class EntitiesOptions:
    """What to extract.

    Attributes:
        labels: entity types, e.g. ``("person", "company")``.
        threshold: minimum confidence 0..1 (the service default when ``None``).
        model: the extraction model.
        max_chunk_tokens: override of the 800-token window budget.
    """

    labels: tuple[str, ...]
    threshold: float | None = None
    model: str = EXTRACTION_MODEL
    max_chunk_tokens: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", tuple(check_labels(self.labels)))
        check_threshold(self.threshold)
        check_model(self.model, "extraction")
        if token_budget(self.model, self.max_chunk_tokens) < MIN_WINDOW_TOKENS:
            raise ValueError(f"max_chunk_tokens must be at least {MIN_WINDOW_TOKENS} for entities")


@dataclass(frozen=True, order=True)
class Entity:
    """One located mention: ``text == document[start:end]``."""

    start: int
    end: int
    label: str
    text: str

    def to_json(self) -> dict[str, Any]:
        """``{"label", "text", "start", "end"}``."""
        return {"label": self.label, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class EntitiesResult:
    """The entities of one document, in text order.

    Attributes:
        entities: located mentions, sorted by offset.
        unlocated: ``(label, text)`` pairs the model returned that are not in the text.
        chunks: requests sent for the document.
    """

    model: str
    entities: tuple[Entity, ...] = ()
    unlocated: tuple[tuple[str, str], ...] = ()
    chunks: int = 0
    by_label: dict[str, list[str]] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[str]] = {}
        for entity in self.entities:
            texts = grouped.setdefault(entity.label, [])
            if entity.text not in texts:
                texts.append(entity.text)
        object.__setattr__(self, "by_label", grouped)

    def to_metadata(self) -> dict[str, Any]:
        """A JSON-serialisable dict for document or node metadata."""
        data: dict[str, Any] = {
            "model": self.model,
            "entities": [e.to_json() for e in self.entities],
            "by_label": {k: list(v) for k, v in self.by_label.items()},
            "chunks": self.chunks,
        }
        if self.unlocated:
            data["unlocated"] = [{"label": lbl, "text": txt} for lbl, txt in self.unlocated]
        return data


def _pattern(span: str, flags: int) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(word) for word in span.split())
    before = r"(?<!\w)" if span.strip()[:1].isalnum() else ""
    after = r"(?!\w)" if span.strip()[-1:].isalnum() else ""
    return re.compile(before + body + after, flags)


def locate_spans(text: str, span: str) -> list[tuple[int, int]]:
    """Every whole-word occurrence of ``span`` in ``text`` (whitespace runs may differ;
    letter case only when no exact-case occurrence exists)."""
    if not span.strip():
        return []
    for flags in (0, re.IGNORECASE):
        found = [m.span() for m in _pattern(span, flags).finditer(text)]
        if found:
            return found
    return []


def _label_for(key: str, labels: Sequence[str]) -> str:
    # Keys may come back in another letter case; report the caller's spelling.
    folded = {label.casefold(): label for label in labels}
    return folded.get(key.casefold(), key)


def parse_entities(
    payload: Mapping[str, Any], chunk: TextChunk, labels: Sequence[str]
) -> EntitiesResult:
    """One window's result, its spans at document offsets (``model`` left empty).

    Raises:
        TaskOutputError: when ``entities`` is not a map of labels to lists of strings.
    """
    found = payload.get("entities", {})
    ok = isinstance(found, Mapping) and all(
        isinstance(v, list) and all(isinstance(s, str) for s in v) for v in found.values()
    )
    if not ok:
        raise TaskOutputError("gliner2 NER output is not a map of labels to lists of strings")
    entities: list[Entity] = []
    unlocated: list[tuple[str, str]] = []
    for key, spans in found.items():
        label = _label_for(key, labels)
        for span in dict.fromkeys(spans):
            places = locate_spans(chunk.text, span)
            if not places:
                unlocated.append((label, span))
            entities.extend(
                Entity(chunk.start + a, chunk.start + b, label, chunk.text[a:b]) for a, b in places
            )
    return EntitiesResult("", tuple(entities), tuple(unlocated), chunks=1)


def merge_entities(parts: Sequence[EntitiesResult], *, model: str) -> EntitiesResult:
    """Combine windows: one entity per (label, offsets), spans inside a longer span of
    the same label dropped, strings found in some window no longer unlocated."""
    unique = sorted({(e.start, e.end, e.label): e for p in parts for e in p.entities}.values())
    kept = [
        e
        for e in unique
        if not any(
            o.label == e.label and o.start <= e.start and e.end <= o.end and o != e for o in unique
        )
    ]
    located = {(e.label, e.text) for e in kept}
    missing = dict.fromkeys(u for p in parts for u in p.unlocated if u not in located)
    return EntitiesResult(model, tuple(kept), tuple(missing), sum(p.chunks for p in parts))


class EntitiesTask(ChunkedTask[str, TextChunk, EntitiesResult, EntitiesResult]):
    """Entity extraction of a document: overlapping windows, located, then merged."""

    desc = "Entities"

    def __init__(self, options: EntitiesOptions) -> None:
        self.options = options

    def plan(self, document: str, /) -> list[TextChunk]:
        budget = token_budget(self.options.model, self.options.max_chunk_tokens)
        return [c for c in plan_windows(document, budget) if not c.is_blank]

    def request(self, job: TextChunk, /) -> dict[str, Any]:
        metadata = entities_metadata(self.options.labels, self.options.threshold)
        return chat_request(self.options.model, job.text, metadata=metadata)

    def resolve(self, job: TextChunk, reply: ChatCompletion, /) -> EntitiesResult:
        payload = extract_payload(reply, model=self.options.model)
        return parse_entities(payload, job, self.options.labels)

    def finish(
        self, document: str, jobs: Sequence[TextChunk], parts: Sequence[EntitiesResult], /
    ) -> EntitiesResult:
        return merge_entities(parts, model=self.options.model)


def extract_entities(client: ZeroGPUClient, text: str, options: EntitiesOptions) -> EntitiesResult:
    """The entities of ``text`` (any length).

    Raises:
        ZeroGPUError: API errors (after the client's retries) or unusable output.
    """
    return run_one(EntitiesTask(options), client, text)


async def aextract_entities(
    client: AsyncZeroGPUClient, text: str, options: EntitiesOptions
) -> EntitiesResult:
    """Async :func:`extract_entities`."""
    return await arun_one(EntitiesTask(options), client, text)


def extract_entities_documents(
    client: ZeroGPUClient,
    texts: Sequence[str],
    options: EntitiesOptions,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[EntitiesResult]:
    """The entities of many texts, concurrently or as one Batch API job (``batch``);
    failures are returned, never raised."""
    check_texts(texts)
    return process_documents(EntitiesTask(options), client, texts, **run)


async def aextract_entities_documents(
    client: AsyncZeroGPUClient,
    texts: Sequence[str],
    options: EntitiesOptions,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[EntitiesResult]:
    """Async :func:`extract_entities_documents`."""
    check_texts(texts)
    return await aprocess_documents(EntitiesTask(options), client, texts, **run)
