"""PII detection and redaction with ``gliner-multi-pii-v1``, for whole documents.

Documents are split to the model's 800-token budget, every entity's offsets are
checked against the text they point at, offsets are mapped back to the document,
and the redacted document is rebuilt here from verified spans, so no part of a
document is ever dropped or passed on unredacted because the model truncated it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.catalog import check_model
from zerogpu_core.tasks._payload import TaskOutputError, extract_payload
from zerogpu_core.tasks.batch_mode import BatchAPIOptions, aprocess_documents, process_documents
from zerogpu_core.tasks.chunking import TextChunk, split_text, token_budget
from zerogpu_core.tasks.redaction import (
    PIISpan,
    Placeholders,
    find_occurrences,
    locate_entity,
    merge_overlaps,
    parse_pii_payload,
    redact_spans,
)
from zerogpu_core.tasks.runner import (
    DEFAULT_MAX_CONCURRENCY,
    BatchResult,
    ChunkCall,
    DocumentTask,
    arun_one,
    run_one,
)
from zerogpu_core.types import ChatCompletion

__all__ = [
    "DEFAULT_PII_MODEL",
    "ChunkRedaction",
    "PIIOptions",
    "PIIResult",
    "adetect_pii",
    "aredact_pii",
    "aredact_pii_documents",
    "assemble_redaction",
    "detect_pii",
    "pii_call",
    "pii_request",
    "redact_pii",
    "redact_pii_documents",
    "resolve_chunk",
]

DEFAULT_PII_MODEL = "gliner-multi-pii-v1"
Usecase = Literal["redact", "extract-pii"]
_RESERVED_METADATA = frozenset({"usecase"})


@dataclass(frozen=True)
class PIIOptions:
    """How PII is found and replaced.

    Attributes:
        model: the PII model id.
        threshold: minimum score, 0..1 (the service default, 0.5, when unset).
        categories: category groups such as ``identity`` or ``contact``.
        extra_metadata: further documented ``metadata`` keys, e.g. ``{"labels":
            [...]}`` for servers that read the label list under that name.
        reversible: number placeholders per document (``[PERSON_1]``) and return
            the placeholder -> original mapping.
        propagate: also mask every other occurrence of a detected string.
        max_chunk_tokens: override of the catalog input budget per request.
    """

    model: str = DEFAULT_PII_MODEL
    threshold: float | None = None
    categories: Sequence[str] | None = None
    extra_metadata: Mapping[str, Any] = field(default_factory=dict)
    reversible: bool = False
    propagate: bool = True
    max_chunk_tokens: int | None = None

    def __post_init__(self) -> None:
        check_model(self.model, "pii")
        token_budget(self.model, self.max_chunk_tokens)
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {self.threshold}")
        if self.categories is not None:
            if isinstance(self.categories, str) or not all(
                isinstance(c, str) and c.strip() for c in self.categories
            ):
                raise ValueError("categories must be a list of non-empty strings")
            object.__setattr__(self, "categories", tuple(self.categories))
        reserved = _RESERVED_METADATA & set(self.extra_metadata)
        if reserved:
            raise ValueError(
                f"extra_metadata may not set {sorted(reserved)}; it is chosen per call"
            )

    def request_metadata(self, usecase: Usecase) -> dict[str, Any]:
        """The ``metadata`` object sent with every chunk."""
        metadata: dict[str, Any] = {"usecase": usecase}
        if usecase == "redact":
            metadata["mask"] = "label"
        if self.threshold is not None:
            metadata["threshold"] = self.threshold
        if self.categories is not None:
            metadata["categories"] = list(self.categories)
        metadata.update(self.extra_metadata)
        return metadata


@dataclass(frozen=True)
class PIIResult:
    """One redacted document.

    Attributes:
        model: the PII model used.
        text: the redacted text.
        spans: verified spans, with offsets into the *original* text.
        mapping: placeholder -> original value (reversible mode only). Keep it
            somewhere safe; it is the personal data. Not shown in ``repr``.
        chunks: requests made for the document.
        fallback_chunks: chunks whose entity offsets could not be verified, so the
            model's own ``redacted_text`` was used for them.
    """

    model: str
    text: str
    spans: tuple[PIISpan, ...] = ()
    mapping: dict[str, str] = field(default_factory=dict, repr=False)
    chunks: int = 0
    fallback_chunks: int = 0

    @property
    def counts(self) -> dict[str, int]:
        """Number of spans per label."""
        return dict(Counter(span.label for span in self.spans))

    def to_metadata(self, *, include_mapping: bool = False) -> dict[str, Any]:
        """Labels, offsets, scores and counts as plain JSON; no original strings
        unless ``include_mapping`` is set explicitly."""
        data: dict[str, Any] = {
            "model": self.model,
            "entities": [span.to_json() for span in self.spans],
            "counts": self.counts,
            "total": len(self.spans),
            "chunks": self.chunks,
            "fallback_chunks": self.fallback_chunks,
        }
        if include_mapping:
            data["mapping"] = dict(self.mapping)
        return data


@dataclass(frozen=True)
class ChunkRedaction:
    """What one chunk's reply established: verified spans (document offsets) and,
    when some entity could not be placed, the model's own redacted chunk text."""

    spans: tuple[PIISpan, ...]
    fallback_text: str | None = None


def plan_pii(text: str, options: PIIOptions) -> list[TextChunk]:
    """The non-blank chunks of ``text`` within the model's budget."""
    budget = token_budget(options.model, options.max_chunk_tokens)
    return [chunk for chunk in split_text(text, budget) if not chunk.is_blank]


def pii_request(chunk: TextChunk, options: PIIOptions, usecase: Usecase) -> dict[str, Any]:
    """The chat-completions body for one chunk (also a batch line's ``body``)."""
    return {
        "model": options.model,
        "messages": [{"role": "user", "content": chunk.text}],
        "metadata": options.request_metadata(usecase),
    }


def resolve_chunk(
    chunk: TextChunk, payload: Mapping[str, Any], *, allow_fallback: bool
) -> ChunkRedaction:
    """Check a chunk's entities against its text and map them to the document.

    Raises:
        TaskOutputError: when an entity cannot be placed and no safe fallback
            exists; the message never quotes the entity.
    """
    entities, redacted = parse_pii_payload(payload)
    spans: list[PIISpan] = []
    for entity in entities:
        where = locate_entity(chunk.text, entity)
        if where is not None:
            start, end = (chunk.start + offset for offset in where)
            spans.append(PIISpan(entity.label, start, end, entity.score))
    missing = len(entities) - len(spans)
    if not missing:
        return ChunkRedaction(tuple(spans))
    leaked = redacted is not None and any(e.text and e.text in redacted for e in entities)
    if allow_fallback and redacted is not None and not leaked:
        return ChunkRedaction(tuple(spans), redacted)
    raise TaskOutputError(
        f"{missing} of {len(entities)} entities returned for the text at offset {chunk.start} "
        "do not match it and cannot be located, so the chunk cannot be redacted safely"
    )


def _values(text: str, spans: Sequence[PIISpan]) -> dict[str, PIISpan]:
    best: dict[str, PIISpan] = {}
    for span in spans:
        value = text[span.start : span.end]
        if value not in best or span.score > best[value].score:
            best[value] = span
    return best


def _outside(span: PIISpan, regions: Sequence[tuple[int, int]]) -> bool:
    return not any(a < span.end and span.start < b for a, b in regions)


def _mask_fallback(text: str, detected: Mapping[str, PIISpan], propagate: bool) -> str:
    if not propagate:
        return text
    spans = merge_overlaps(find_occurrences(text, detected))
    return redact_spans(text, spans, Placeholders(reversible=False))[0]


def assemble_redaction(
    text: str, chunks: Sequence[TextChunk], outcomes: Sequence[ChunkRedaction], options: PIIOptions
) -> PIIResult:
    """Rebuild the redacted document from its chunks' verified spans."""
    verified = [span for outcome in outcomes for span in outcome.spans]
    fallbacks = {
        c.start: (c.end, o.fallback_text)
        for c, o in zip(chunks, outcomes, strict=True)
        if o.fallback_text is not None
    }
    regions = [(start, end) for start, (end, _) in fallbacks.items()]
    detected = _values(text, verified)
    own = [s for s in verified if _outside(s, regions)]
    if options.propagate:
        own += find_occurrences(text, detected, exclude=regions)
    merged = merge_overlaps(own)
    placeholders = Placeholders(options.reversible)
    pieces: list[str] = []
    reported: list[PIISpan] = [s for s in verified if not _outside(s, regions)]
    cursor = 0
    for start in sorted({*fallbacks, len(text)}):
        segment = [s for s in merged if cursor <= s.start and s.end <= start]
        shifted = [_shift(s, -cursor) for s in segment]
        redacted, done = redact_spans(text[cursor:start], shifted, placeholders)
        pieces.append(redacted)
        reported += [_shift(s, cursor) for s in done]
        if start in fallbacks:
            end, fallback = fallbacks[start]
            pieces.append(_mask_fallback(fallback or "", detected, options.propagate))
            cursor = end
    return PIIResult(
        model=options.model,
        text="".join(pieces),
        spans=tuple(sorted(reported, key=lambda s: s.start)),
        mapping=placeholders.mapping,
        chunks=len(chunks),
        fallback_chunks=len(fallbacks),
    )


def _shift(span: PIISpan, delta: int) -> PIISpan:
    return replace(span, start=span.start + delta, end=span.end + delta)


def detected_spans(
    text: str, outcomes: Sequence[ChunkRedaction], options: PIIOptions
) -> list[PIISpan]:
    """All verified spans of a document (plus repeats when ``propagate``), merged."""
    verified = [span for outcome in outcomes for span in outcome.spans]
    if options.propagate:
        verified += find_occurrences(text, _values(text, verified))
    return merge_overlaps(verified)


def pii_call(options: PIIOptions, usecase: Usecase) -> ChunkCall[TextChunk, ChunkRedaction]:
    """One chunk's request and how its reply is checked against the chunk."""
    allow_fallback = usecase == "redact" and not options.reversible

    def resolve(chunk: TextChunk, reply: ChatCompletion) -> ChunkRedaction:
        payload = extract_payload(reply, model=options.model)
        return resolve_chunk(chunk, payload, allow_fallback=allow_fallback)

    return ChunkCall(body=lambda chunk: pii_request(chunk, options, usecase), resolve=resolve)


def _redaction_task(options: PIIOptions) -> DocumentTask[TextChunk, ChunkRedaction, PIIResult]:
    return DocumentTask(
        plan=lambda text: plan_pii(text, options),
        finish=lambda text, chunks, outcomes: assemble_redaction(text, chunks, outcomes, options),
    )


def _detection_task(
    options: PIIOptions,
) -> DocumentTask[TextChunk, ChunkRedaction, list[PIISpan]]:
    return DocumentTask(
        plan=lambda text: plan_pii(text, options),
        finish=lambda text, _chunks, outcomes: detected_spans(text, outcomes, options),
    )


def detect_pii(
    client: ZeroGPUClient, text: str, options: PIIOptions | None = None
) -> list[PIISpan]:
    """Find PII in ``text`` (any length) without changing it.

    Example:
        >>> spans = detect_pii(client, "Call Jane at 415-555-0134")  # doctest: +SKIP
        >>> [(s.label, s.start, s.end) for s in spans]  # doctest: +SKIP
        [('person', 5, 9), ('phone number', 13, 25)]
    """
    options = options or PIIOptions()
    return run_one(_detection_task(options), pii_call(options, "extract-pii").job(client), text)


async def adetect_pii(
    client: AsyncZeroGPUClient, text: str, options: PIIOptions | None = None
) -> list[PIISpan]:
    """Async :func:`detect_pii`."""
    options = options or PIIOptions()
    return await arun_one(
        _detection_task(options), pii_call(options, "extract-pii").ajob(client), text
    )


def redact_pii(client: ZeroGPUClient, text: str, options: PIIOptions | None = None) -> PIIResult:
    """Redact ``text`` (any length): PII becomes ``[LABEL]`` (``[LABEL_n]`` if reversible).

    Raises:
        TaskOutputError: when a reply cannot be verified against the text.
        ZeroGPUError: API errors, after the client's retries.
    """
    options = options or PIIOptions()
    return run_one(_redaction_task(options), pii_call(options, "redact").job(client), text)


async def aredact_pii(
    client: AsyncZeroGPUClient, text: str, options: PIIOptions | None = None
) -> PIIResult:
    """Async :func:`redact_pii`."""
    options = options or PIIOptions()
    return await arun_one(_redaction_task(options), pii_call(options, "redact").ajob(client), text)


def redact_pii_documents(
    client: ZeroGPUClient,
    texts: Sequence[str],
    options: PIIOptions | None = None,
    *,
    ids: Sequence[str | None] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    progress: bool = False,
    batch: BatchAPIOptions | None = None,
) -> BatchResult[PIIResult]:
    """Redact many texts concurrently; failures are returned, never raised.

    With ``batch``, every chunk is sent as one line of a Batch API job instead
    (``max_concurrency`` does not apply); the results are the same.
    """
    options = options or PIIOptions()
    return process_documents(
        _redaction_task(options),
        pii_call(options, "redact"),
        client,
        texts,
        ids=ids,
        max_concurrency=max_concurrency,
        progress=progress,
        batch=batch,
        desc="Redacting PII",
    )


async def aredact_pii_documents(
    client: AsyncZeroGPUClient,
    texts: Sequence[str],
    options: PIIOptions | None = None,
    *,
    ids: Sequence[str | None] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    progress: bool = False,
    batch: BatchAPIOptions | None = None,
) -> BatchResult[PIIResult]:
    """Async :func:`redact_pii_documents`."""
    options = options or PIIOptions()
    return await aprocess_documents(
        _redaction_task(options),
        pii_call(options, "redact"),
        client,
        texts,
        ids=ids,
        max_concurrency=max_concurrency,
        progress=progress,
        batch=batch,
        desc="Redacting PII",
    )
