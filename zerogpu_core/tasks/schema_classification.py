"""Schema classification with ``gliner2-base-v1`` (``usecase: classification``).

The schema names axes, each with its candidate labels
(``{"sentiment": ["positive", "negative", "neutral"]}``); the model answers one
label per axis, without a score: ``{"classification": {"sentiment": "positive"}}``.
Labels may come back in another letter case; the schema's spelling is reported.

Long documents are split into contiguous chunks, each classified alone. Each chunk
votes for its label on every axis with its length in characters; a label's
**share** is its votes over the document's total length, so the shares of an axis
sum to 1 when every chunk answered it. The document's label is the one with the
highest share; a tie goes to the label listed first in the schema. An axis no
chunk answered has no label (``None``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from typing_extensions import Unpack

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.catalog import check_model
from zerogpu_core.tasks._checks import check_schema, check_threshold
from zerogpu_core.tasks._payload import TaskOutputError, extract_payload
from zerogpu_core.tasks.chunking import TextChunk, split_text, token_budget
from zerogpu_core.tasks.extraction import EXTRACTION_MODEL, classification_metadata
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
    "SchemaClassificationOptions",
    "SchemaClassificationResult",
    "SchemaClassificationTask",
    "aclassify_schema",
    "aclassify_schema_documents",
    "classify_schema",
    "classify_schema_documents",
    "combine_choices",
    "parse_choices",
]

Choices = dict[str, str]


def _check_axes(schema: Any) -> dict[str, tuple[str, ...]]:
    checked = check_schema(schema, what="candidate labels")
    for axis, labels in checked.items():
        if len(labels) < 2:
            raise ValueError(f"schema[{axis!r}] needs at least two candidate labels to choose from")
        folded = [label.strip().casefold() for label in labels]
        if len(set(folded)) != len(folded):
            raise ValueError(
                f"schema[{axis!r}] labels must be distinct ignoring letter case and spaces"
            )
    axes = [axis.strip().casefold() for axis in checked]
    if len(set(axes)) != len(axes):
        raise ValueError("schema axes must be distinct ignoring letter case")
    return {axis: tuple(labels) for axis, labels in checked.items()}


@dataclass(frozen=True)
class SchemaClassificationOptions:
    """The axes to classify on.

    Attributes:
        schema: each axis with its candidate labels (at least two, distinct ignoring
            letter case), e.g. ``{"sentiment": ["positive", "negative"]}``.
        threshold: minimum confidence 0..1 (not sent when ``None``).
        model: the classification model.
        max_chunk_tokens: override of the 800-token chunk budget.
    """

    schema: Mapping[str, Sequence[str]]
    threshold: float | None = None
    model: str = EXTRACTION_MODEL
    max_chunk_tokens: int | None = None

    def __post_init__(self) -> None:
        # A copy: the frozen options must not change when the caller's dict does.
        object.__setattr__(self, "schema", _check_axes(self.schema))
        check_threshold(self.threshold)
        check_model(self.model, "extraction")
        token_budget(self.model, self.max_chunk_tokens)


@dataclass(frozen=True)
class SchemaClassificationResult:
    """The label of each axis and how much of the text chose each label.

    Attributes:
        classification: ``{axis: label}`` (``None`` when no chunk answered the axis,
            as for a blank document).
        shares: ``{axis: {label: share of the text}}``, highest first; not a model
            confidence (the model returns none), the fraction of characters whose
            chunk chose the label.
        chunks: requests sent for the document.
    """

    model: str
    classification: dict[str, str | None]
    shares: dict[str, dict[str, float]]
    chunks: int = 0

    def to_metadata(self) -> dict[str, Any]:
        """``{"classification", "shares", "model", "chunks"}`` for metadata."""
        return {
            "classification": dict(self.classification),
            "shares": {axis: dict(s) for axis, s in self.shares.items()},
            "model": self.model,
            "chunks": self.chunks,
        }


def _folded(names: Sequence[str]) -> dict[str, str]:
    return {name.strip().casefold(): name for name in names}


def _answers(payload: Mapping[str, Any], axes: Sequence[str]) -> Mapping[str, Any]:
    # Documented: {"classification": {...}}; a bare {axis: label} object is read too.
    found = payload.get("classification")
    if isinstance(found, Mapping):
        return found
    folded = _folded(axes)
    if payload and all(str(key).strip().casefold() in folded for key in payload):
        return payload
    raise TaskOutputError("gliner2 classification output has no 'classification' object")


def parse_choices(payload: Mapping[str, Any], schema: Mapping[str, Sequence[str]]) -> Choices:
    """One chunk's label per axis, in the schema's spelling (axes left out are absent).

    Raises:
        TaskOutputError: for an axis or label that was not asked for, or a value
            that is not one label.
    """
    axes = _folded(list(schema))
    choices: Choices = {}
    for key, value in _answers(payload, list(schema)).items():
        axis = axes.get(str(key).strip().casefold())
        if axis is None:
            raise TaskOutputError("gliner2 classification output has an axis not asked for")
        if not isinstance(value, str):
            raise TaskOutputError(f"gliner2 classification of {axis!r} is not one label")
        label = _folded(schema[axis]).get(value.strip().casefold())
        if label is None:
            raise TaskOutputError(f"gliner2 chose a label for {axis!r} that was not a candidate")
        choices[axis] = label
    return choices


def combine_choices(
    jobs: Sequence[TextChunk],
    parts: Sequence[Choices],
    schema: Mapping[str, Sequence[str]],
    *,
    model: str,
) -> SchemaClassificationResult:
    """Each axis's label by length-weighted vote (rule in the module docstring)."""
    total = sum(len(job.text) for job in jobs)
    classification: dict[str, str | None] = {}
    shares: dict[str, dict[str, float]] = {}
    for axis, labels in schema.items():
        votes = dict.fromkeys(labels, 0)
        for job, part in zip(jobs, parts, strict=True):
            if axis in part:
                votes[part[axis]] += len(job.text)
        ranked = sorted((v, -i, label) for i, (label, v) in enumerate(votes.items()) if v)
        ranked.reverse()
        classification[axis] = ranked[0][2] if ranked else None
        shares[axis] = {label: v / total for v, _, label in ranked}
    return SchemaClassificationResult(model, classification, shares, chunks=len(jobs))


class SchemaClassificationTask(ChunkedTask[str, TextChunk, Choices, SchemaClassificationResult]):
    """Schema classification of a document: chunks classified, then a weighted vote."""

    desc = "Schema classification"

    def __init__(self, options: SchemaClassificationOptions) -> None:
        self.options = options

    def plan(self, document: str, /) -> list[TextChunk]:
        budget = token_budget(self.options.model, self.options.max_chunk_tokens)
        return [c for c in split_text(document, budget) if not c.is_blank]

    def request(self, job: TextChunk, /) -> dict[str, Any]:
        metadata = classification_metadata(self.options.schema, self.options.threshold)
        return chat_request(self.options.model, job.text, metadata=metadata)

    def resolve(self, job: TextChunk, reply: ChatCompletion, /) -> Choices:
        payload = extract_payload(reply, model=self.options.model)
        return parse_choices(payload, self.options.schema)

    def finish(
        self, document: str, jobs: Sequence[TextChunk], parts: Sequence[Choices], /
    ) -> SchemaClassificationResult:
        return combine_choices(jobs, parts, self.options.schema, model=self.options.model)


def classify_schema(
    client: ZeroGPUClient, text: str, options: SchemaClassificationOptions
) -> SchemaClassificationResult:
    """One label per axis for ``text`` (any length).

    Raises:
        ZeroGPUError: API errors (after the client's retries) or unusable output.
    """
    return run_one(SchemaClassificationTask(options), client, text)


async def aclassify_schema(
    client: AsyncZeroGPUClient, text: str, options: SchemaClassificationOptions
) -> SchemaClassificationResult:
    """Async :func:`classify_schema`."""
    return await arun_one(SchemaClassificationTask(options), client, text)


def classify_schema_documents(
    client: ZeroGPUClient,
    texts: Sequence[str],
    options: SchemaClassificationOptions,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[SchemaClassificationResult]:
    """Classify many texts, concurrently or as one Batch API job (``batch``);
    failures are returned, never raised."""
    check_texts(texts)
    return process_documents(
        SchemaClassificationTask(options),
        client,
        texts,
        **run,
    )


async def aclassify_schema_documents(
    client: AsyncZeroGPUClient,
    texts: Sequence[str],
    options: SchemaClassificationOptions,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[SchemaClassificationResult]:
    """Async :func:`classify_schema_documents`."""
    check_texts(texts)
    return await aprocess_documents(
        SchemaClassificationTask(options),
        client,
        texts,
        **run,
    )
