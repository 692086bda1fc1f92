"""Zero-shot classification with ``deberta-v3-small`` against the caller's labels.

The labels travel as the top-level ``categories`` field (the docs also show a
bracketed list in ``instructions`` or a system message). The payload maps each label
to a probability, e.g. ``{"technology": 0.97, "sports": 0.01}``; keys may come back
lower-cased. At most 10 labels; 400 input tokens per request.

Long documents are split into contiguous chunks, each scored alone; a document's
score for a label is the mean of its chunks' scores weighted by chunk length in
characters, so every part of the text counts in proportion to its size. A label
missing from a reply scores 0 for that chunk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from typing_extensions import Unpack

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.catalog import check_model
from zerogpu_core.tasks._checks import check_labels
from zerogpu_core.tasks._payload import TaskOutputError, extract_payload
from zerogpu_core.tasks.chunking import TextChunk, split_text, token_budget
from zerogpu_core.tasks.results import DocumentResults, check_texts
from zerogpu_core.tasks.runner import (
    ChunkedTask,
    DocumentRunArgs,
    aprocess_documents,
    arun_one,
    process_documents,
    run_one,
)
from zerogpu_core.tasks.single_turn import chat_request, response_request
from zerogpu_core.types import ChatCompletion

__all__ = [
    "MAX_ZERO_SHOT_LABELS",
    "ZERO_SHOT_MODEL",
    "ZeroShotOptions",
    "ZeroShotResult",
    "ZeroShotTask",
    "aclassify_zero_shot",
    "aclassify_zero_shot_documents",
    "classify_zero_shot",
    "classify_zero_shot_documents",
    "combine_scores",
    "parse_scores",
    "zero_shot_labels",
    "zero_shot_request",
]

ZERO_SHOT_MODEL = "deberta-v3-small"
MAX_ZERO_SHOT_LABELS = 10


def zero_shot_labels(labels: Sequence[str]) -> list[str]:
    """The labels when there are 1 to 10, distinct ignoring letter case (the model may
    answer in lower case, so ``"Sports"`` and ``"sports"`` could not be told apart).

    Raises:
        ValueError: naming the problem.
    """
    checked = check_labels(labels, argument="labels")
    if len(checked) > MAX_ZERO_SHOT_LABELS:
        raise ValueError(
            f"{ZERO_SHOT_MODEL} takes at most {MAX_ZERO_SHOT_LABELS} labels, got {len(checked)}"
        )
    folded = [label.strip().casefold() for label in checked]
    if len(set(folded)) != len(folded):
        raise ValueError("labels must be distinct ignoring letter case and surrounding spaces")
    return checked


def zero_shot_request(
    text: str, labels: Sequence[str], *, model: str = ZERO_SHOT_MODEL
) -> dict[str, Any]:
    """The ``/responses`` body scoring ``text`` against ``labels``."""
    categories = zero_shot_labels(labels)
    return response_request(model, text, extra_body={"categories": categories})


@dataclass(frozen=True)
class ZeroShotOptions:
    """Candidate labels (1 to 10), the model and an optional chunk budget."""

    labels: tuple[str, ...]
    model: str = ZERO_SHOT_MODEL
    max_chunk_tokens: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", tuple(zero_shot_labels(self.labels)))
        check_model(self.model, "zero-shot")
        token_budget(self.model, self.max_chunk_tokens)


@dataclass(frozen=True)
class ZeroShotResult:
    """Scores per label (highest first) and the winning label (``None`` for a blank
    document, which has no chunks and no scores)."""

    model: str
    scores: tuple[tuple[str, float], ...] = ()
    chunks: int = 0

    @property
    def label(self) -> str | None:
        """The highest-scoring label."""
        return self.scores[0][0] if self.scores else None

    def to_metadata(self) -> dict[str, Any]:
        """``{"label", "scores", "model", "chunks"}`` for document or node metadata."""
        return {
            "label": self.label,
            "scores": dict(self.scores),
            "model": self.model,
            "chunks": self.chunks,
        }


def parse_scores(payload: Mapping[str, Any], labels: Sequence[str]) -> dict[str, float]:
    """Each of ``labels`` with its score (keys matched ignoring case; missing = 0).

    Raises:
        TaskOutputError: for a key that is no label or a score that is not a number.
    """
    folded = {label.strip().casefold(): label for label in labels}
    scores = dict.fromkeys(labels, 0.0)
    for key, value in payload.items():
        label = folded.get(str(key).strip().casefold())
        if label is None:
            raise TaskOutputError(f"{ZERO_SHOT_MODEL} scored a label that was not asked for")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TaskOutputError(f"{ZERO_SHOT_MODEL} returned a score that is not a number")
        scores[label] = float(value)
    return scores


def combine_scores(
    jobs: Sequence[TextChunk], parts: Sequence[Mapping[str, float]], *, model: str
) -> ZeroShotResult:
    """The chunks' scores averaged with each chunk weighted by its length."""
    total = sum(len(job.text) for job in jobs)
    combined: dict[str, float] = {}
    for job, part in zip(jobs, parts, strict=True):
        for label, score in part.items():
            combined[label] = combined.get(label, 0.0) + score * len(job.text) / total
    ranked = sorted(combined.items(), key=lambda item: -item[1])
    return ZeroShotResult(model, tuple(ranked), chunks=len(jobs))


class ZeroShotTask(ChunkedTask[str, TextChunk, dict[str, float], ZeroShotResult]):
    """Zero-shot classification of a document: chunks scored, then averaged."""

    desc = "Zero-shot classification"

    def __init__(self, options: ZeroShotOptions) -> None:
        self.options = options

    def plan(self, document: str, /) -> list[TextChunk]:
        budget = token_budget(self.options.model, self.options.max_chunk_tokens)
        return [c for c in split_text(document, budget) if not c.is_blank]

    def request(self, job: TextChunk, /) -> dict[str, Any]:
        body = chat_request(self.options.model, job.text)
        body["categories"] = list(self.options.labels)
        return body

    def resolve(self, job: TextChunk, reply: ChatCompletion, /) -> dict[str, float]:
        payload = extract_payload(reply, model=self.options.model)
        return parse_scores(payload, self.options.labels)

    def finish(
        self, document: str, jobs: Sequence[TextChunk], parts: Sequence[dict[str, float]], /
    ) -> ZeroShotResult:
        return combine_scores(jobs, parts, model=self.options.model)


def classify_zero_shot(
    client: ZeroGPUClient, text: str, options: ZeroShotOptions
) -> ZeroShotResult:
    """Score ``text`` (any length) against the options' labels.

    Raises:
        ZeroGPUError: API errors (after the client's retries) or unusable output.
    """
    return run_one(ZeroShotTask(options), client, text)


async def aclassify_zero_shot(
    client: AsyncZeroGPUClient, text: str, options: ZeroShotOptions
) -> ZeroShotResult:
    """Async :func:`classify_zero_shot`."""
    return await arun_one(ZeroShotTask(options), client, text)


def classify_zero_shot_documents(
    client: ZeroGPUClient,
    texts: Sequence[str],
    options: ZeroShotOptions,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[ZeroShotResult]:
    """Classify many texts, concurrently or as one Batch API job (``batch``);
    failures are returned, never raised."""
    check_texts(texts)
    return process_documents(ZeroShotTask(options), client, texts, **run)


async def aclassify_zero_shot_documents(
    client: AsyncZeroGPUClient,
    texts: Sequence[str],
    options: ZeroShotOptions,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[ZeroShotResult]:
    """Async :func:`classify_zero_shot_documents`."""
    check_texts(texts)
    return await aprocess_documents(ZeroShotTask(options), client, texts, **run)
