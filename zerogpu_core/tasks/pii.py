"""PII detection and redaction with ``gliner-multi-pii-v1``, for whole documents.

Documents are covered by overlapping windows within the model's 800-token budget
(any entity of up to ``ENTITY_GUARANTEE`` characters is seen whole by at least one
request), every reply is verified against its window (see
:mod:`zerogpu_core.tasks.pii_chunks`), spans from overlapping windows are merged
by offset, and the redacted document is rebuilt here from verified spans, so no
part of a document is ever dropped or passed on unredacted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from typing_extensions import Unpack

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core._sequences import ComputedSequence
from zerogpu_core.catalog import check_model
from zerogpu_core.tasks._payload import extract_payload
from zerogpu_core.tasks.chunking import MIN_WINDOW_TOKENS, TextChunk, plan_windows, token_budget
from zerogpu_core.tasks.pii_chunks import (
    ChunkRedaction,
    PIIChunk,
    Verification,
    resolve_chunk,
    split_chunk,
)
from zerogpu_core.tasks.pii_document import PIIDocument, metadata_fields, restore_metadata
from zerogpu_core.tasks.redaction import (
    PIISpan,
    Placeholders,
    find_occurrences,
    merge_overlaps,
    redact_spans,
)
from zerogpu_core.tasks.results import DocumentResults, check_texts
from zerogpu_core.tasks.runner import (
    ChunkedTask,
    DocumentRunArgs,
    aprocess_documents,
    arun_one,
    process_documents,
    run_one,
)
from zerogpu_core.types import ChatCompletion

__all__ = [
    "DEFAULT_PII_MODEL",
    "PII_CATEGORIES",
    "ChunkRedaction",
    "PIIDetectionTask",
    "PIIOptions",
    "PIIRedactionTask",
    "PIIResult",
    "Verification",
    "adetect_pii",
    "aredact_pii",
    "aredact_pii_documents",
    "assemble_redaction",
    "detect_pii",
    "pii_documents",
    "pii_request",
    "redact_pii",
    "redact_pii_documents",
    "resolve_chunk",
]

DEFAULT_PII_MODEL = "gliner-multi-pii-v1"
#: The documented category groups (the PII guide names ``identity`` and ``contact``;
#: the plugin docs add ``financial``, ``medical`` and ``credentials``).
PII_CATEGORIES = ("identity", "contact", "financial", "medical", "credentials")
Usecase = Literal["redact", "extract-pii"]
R = TypeVar("R")
_RESERVED_METADATA = frozenset({"usecase"})
# Keys whose value is a list of category groups (some clients send ``labels``).
_CATEGORY_KEYS = ("categories", "labels")


def check_categories(value: Any, key: str) -> tuple[str, ...]:
    """``value`` as a tuple of documented category names.

    Raises:
        ValueError: for anything but a list of documented names; the message lists
            them. An unknown name would make the server redact nothing for it.
    """
    valid = "valid names: " + ", ".join(PII_CATEGORIES)
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"{key} must be a list of category names; {valid}")
    unknown = [v for v in value if not isinstance(v, str) or v not in PII_CATEGORIES]
    if unknown or not value:
        shown = ", ".join(repr(v) for v in unknown) or "an empty list"
        raise ValueError(f"{key} has {shown}, which is not a PII category; {valid}")
    return tuple(value)


@dataclass(frozen=True)
class PIIOptions:
    """How PII is found and replaced.

    Attributes:
        model: the PII model id.
        threshold: minimum score, 0..1 (the service default, 0.5, when unset).
        categories: category groups, from :data:`PII_CATEGORIES` (all when unset).
        extra_metadata: further documented ``metadata`` keys, e.g. ``{"labels":
            [...]}`` for servers that read the category list under that name.
        reversible: number placeholders per document (``[PERSON_1]``) and return
            the placeholder -> original mapping.
        propagate: also mask every other occurrence of a detected string.
        max_chunk_tokens: override of the catalog input budget per request (at
            least ``MIN_WINDOW_TOKENS``).
        verification: ``"strict"`` (default) fails a document whose replies cannot
            be verified; ``"lenient"`` masks the union of what they flag instead.
        metadata_keys: metadata keys whose text values are redacted with the text
            (``redact_pii_documents(..., metadata=...)``).
    """

    model: str = DEFAULT_PII_MODEL
    threshold: float | None = None
    categories: Sequence[str] | None = None
    extra_metadata: Mapping[str, Any] = field(default_factory=dict)
    reversible: bool = False
    propagate: bool = True
    max_chunk_tokens: int | None = None
    verification: Verification = "strict"
    metadata_keys: Sequence[str] = ()

    def __post_init__(self) -> None:
        check_model(self.model, "pii")
        if token_budget(self.model, self.max_chunk_tokens) < MIN_WINDOW_TOKENS:
            raise ValueError(
                f"max_chunk_tokens must be at least {MIN_WINDOW_TOKENS} for PII redaction "
                f"(got {self.max_chunk_tokens}): smaller requests cannot overlap enough to "
                "see every entity whole"
            )
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {self.threshold}")
        if self.categories is not None:
            object.__setattr__(self, "categories", check_categories(self.categories, "categories"))
        for key in _CATEGORY_KEYS:
            if key in self.extra_metadata:
                check_categories(self.extra_metadata[key], f"extra_metadata[{key!r}]")
        reserved = _RESERVED_METADATA & set(self.extra_metadata)
        if reserved:
            raise ValueError(
                f"extra_metadata may not set {sorted(reserved)}; it is chosen per call"
            )
        if self.verification not in ("strict", "lenient"):
            raise ValueError(
                f"verification must be 'strict' or 'lenient', got {self.verification!r}"
            )
        if isinstance(self.metadata_keys, str):
            raise ValueError("metadata_keys must be a list of keys, e.g. ['author']")
        object.__setattr__(self, "metadata_keys", tuple(self.metadata_keys))

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
        chunks: requests made for the document (windows, after any re-split).
        unverified_chunks: replies whose parts disagreed and were accepted in
            lenient verification (always 0 in strict verification).
        metadata: redacted values of the metadata fields named in
            ``PIIOptions.metadata_keys`` (see :func:`metadata_fields`).
        metadata_spans: verified spans per metadata field (offsets into its value).
    """

    model: str
    text: str
    spans: tuple[PIISpan, ...] = ()
    mapping: dict[str, str] = field(default_factory=dict, repr=False)
    chunks: int = 0
    unverified_chunks: int = 0
    metadata: dict[str, str] = field(default_factory=dict, repr=False)
    metadata_spans: dict[str, tuple[PIISpan, ...]] = field(default_factory=dict)

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
            "unverified_chunks": self.unverified_chunks,
        }
        if self.metadata_spans:
            data["metadata_entities"] = {
                key: [span.to_json() for span in spans]
                for key, spans in self.metadata_spans.items()
            }
        if include_mapping:
            data["mapping"] = dict(self.mapping)
        return data

    def redacted_metadata(self, original: Mapping[str, Any]) -> dict[str, Any]:
        """``original`` with the redacted fields put back (lists stay lists)."""
        return restore_metadata(original, self.metadata)


def plan_pii(document: PIIDocument, options: PIIOptions) -> list[PIIChunk]:
    """The non-blank overlapping windows of every field within the model's budget."""
    budget = token_budget(options.model, options.max_chunk_tokens)
    return [
        PIIChunk(index, window)
        for index, value in enumerate(document.values)
        for window in plan_windows(value, budget)
        if not window.is_blank
    ]


def pii_request(chunk: TextChunk, options: PIIOptions, usecase: Usecase) -> dict[str, Any]:
    """The chat-completions body for one chunk (also a batch line's ``body``)."""
    return {
        "model": options.model,
        "messages": [{"role": "user", "content": chunk.text}],
        "metadata": options.request_metadata(usecase),
    }


def _values(texts: Sequence[str], spans: Sequence[Sequence[PIISpan]]) -> dict[str, PIISpan]:
    best: dict[str, PIISpan] = {}
    for text, field_spans in zip(texts, spans, strict=True):
        for span in field_spans:
            value = text[span.start : span.end]
            if value not in best or span.score > best[value].score:
                best[value] = span
    return best


def _by_field(
    document: PIIDocument, outcomes: Sequence[ChunkRedaction], options: PIIOptions
) -> list[list[PIISpan]]:
    """Every field's spans, merged by offset across overlapping windows; with
    ``propagate``, repeats of any detected value in any field are added."""
    spans: list[list[PIISpan]] = [[] for _ in document.values]
    for outcome in outcomes:
        spans[outcome.field] += outcome.spans
    if options.propagate:
        detected = _values(document.values, spans)
        for index, value in enumerate(document.values):
            spans[index] += find_occurrences(value, detected)
    return [merge_overlaps(field_spans) for field_spans in spans]


def assemble_redaction(
    document: PIIDocument,
    chunks: Sequence[PIIChunk],
    outcomes: Sequence[ChunkRedaction],
    options: PIIOptions,
) -> PIIResult:
    """Rebuild the redacted document and its fields from the windows' verified spans."""
    placeholders = Placeholders(options.reversible, reserved=document.values)
    redacted: list[str] = []
    done: list[tuple[PIISpan, ...]] = []
    for value, spans in zip(document.values, _by_field(document, outcomes, options), strict=True):
        text, applied = redact_spans(value, spans, placeholders)
        redacted.append(text)
        done.append(tuple(applied))
    keys = [key for key, _ in document.fields]
    return PIIResult(
        model=options.model,
        text=redacted[0],
        spans=done[0],
        mapping=placeholders.mapping,
        chunks=len(chunks),
        unverified_chunks=sum(1 for o in outcomes if o.unverified),
        metadata=dict(zip(keys, redacted[1:], strict=True)),
        metadata_spans={k: s for k, s in zip(keys, done[1:], strict=True) if s},
    )


def detected_spans(
    document: PIIDocument, outcomes: Sequence[ChunkRedaction], options: PIIOptions
) -> list[PIISpan]:
    """All verified spans of a text (plus repeats when ``propagate``), merged."""
    return _by_field(document, outcomes, options)[0]


class _PIITask(ChunkedTask[PIIDocument, PIIChunk, ChunkRedaction, R]):
    """Windows of every field, one verified request each, re-split when too long."""

    usecase: Usecase

    def __init__(self, options: PIIOptions) -> None:
        self.options = options

    def plan(self, document: PIIDocument, /) -> list[PIIChunk]:
        return plan_pii(document, self.options)

    def request(self, job: PIIChunk, /) -> dict[str, Any]:
        return pii_request(job.chunk, self.options, self.usecase)

    def resolve(self, job: PIIChunk, reply: ChatCompletion, /) -> ChunkRedaction:
        payload = extract_payload(reply, model=self.options.model)
        return resolve_chunk(job, payload, self.options.verification)

    def resplit(self, job: PIIChunk, error: Exception, /) -> Sequence[PIIChunk] | None:
        return split_chunk(job, error)

    def combine(self, parts: Sequence[ChunkRedaction], /) -> ChunkRedaction:
        spans = tuple(span for part in parts for span in part.spans)
        return ChunkRedaction(parts[0].field, spans, sum(part.unverified for part in parts))


class PIIRedactionTask(_PIITask[PIIResult]):
    """Redaction of a document (and its named metadata fields) from verified spans."""

    desc = "Redacting PII"
    usecase: Usecase = "redact"

    def finish(
        self,
        document: PIIDocument,
        jobs: Sequence[PIIChunk],
        parts: Sequence[ChunkRedaction],
        /,
    ) -> PIIResult:
        return assemble_redaction(document, jobs, parts, self.options)


class PIIDetectionTask(_PIITask[list[PIISpan]]):
    """Detection: the verified spans of a text, which is left unchanged."""

    desc = "Detecting PII"
    usecase: Usecase = "extract-pii"

    def finish(
        self,
        document: PIIDocument,
        jobs: Sequence[PIIChunk],
        parts: Sequence[ChunkRedaction],
        /,
    ) -> list[PIISpan]:
        return detected_spans(document, parts, self.options)


def _single(text: str) -> PIIDocument:
    check_texts([text])
    return PIIDocument(text)


def pii_documents(
    texts: Sequence[str],
    metadata: Sequence[Mapping[str, Any]] | None,
    options: PIIOptions,
) -> Sequence[PIIDocument]:
    """The documents of a redaction run: each text with its named metadata values.

    Every value is checked here, before any request; each document is then built
    when the run reaches it, so a long run holds no second copy of its inputs.

    Raises:
        TypeError: for a text, or a named metadata value, that is not text.
        ValueError: when there is not one metadata mapping per text.
    """
    check_texts(texts)
    if metadata is not None:
        if len(metadata) != len(texts):
            raise ValueError(f"got {len(metadata)} metadata mappings for {len(texts)} texts")
        for fields in metadata:
            metadata_fields(fields, options.metadata_keys)
    return _PIIDocuments(texts, metadata, tuple(options.metadata_keys))


class _PIIDocuments(ComputedSequence[PIIDocument]):
    """Each text with its named metadata values, built on access."""

    def __init__(
        self,
        texts: Sequence[str],
        metadata: Sequence[Mapping[str, Any]] | None,
        keys: tuple[str, ...],
    ) -> None:
        self._texts, self._metadata, self._keys = texts, metadata, keys

    def __len__(self) -> int:
        return len(self._texts)

    def _item(self, index: int) -> PIIDocument:
        if self._metadata is None:
            return PIIDocument(self._texts[index])
        return PIIDocument(self._texts[index], metadata_fields(self._metadata[index], self._keys))


def detect_pii(
    client: ZeroGPUClient, text: str, options: PIIOptions | None = None
) -> list[PIISpan]:
    """Find PII in ``text`` (any length) without changing it.

    Example:
        >>> spans = detect_pii(client, "Call Jane at 415-555-0134")  # doctest: +SKIP
        >>> [(s.label, s.start, s.end) for s in spans]  # doctest: +SKIP
        [('person', 5, 9), ('phone number', 13, 25)]
    """
    return run_one(PIIDetectionTask(options or PIIOptions()), client, _single(text))


async def adetect_pii(
    client: AsyncZeroGPUClient, text: str, options: PIIOptions | None = None
) -> list[PIISpan]:
    """Async :func:`detect_pii`."""
    return await arun_one(PIIDetectionTask(options or PIIOptions()), client, _single(text))


def redact_pii(client: ZeroGPUClient, text: str, options: PIIOptions | None = None) -> PIIResult:
    """Redact ``text`` (any length): PII becomes ``[LABEL]`` (``[LABEL_n]`` if reversible).

    Raises:
        TaskOutputError: when a reply cannot be verified against the text.
        ZeroGPUError: API errors, after the client's retries.
    """
    return run_one(PIIRedactionTask(options or PIIOptions()), client, _single(text))


async def aredact_pii(
    client: AsyncZeroGPUClient, text: str, options: PIIOptions | None = None
) -> PIIResult:
    """Async :func:`redact_pii`."""
    return await arun_one(PIIRedactionTask(options or PIIOptions()), client, _single(text))


def redact_pii_documents(
    client: ZeroGPUClient,
    texts: Sequence[str],
    options: PIIOptions | None = None,
    *,
    metadata: Sequence[Mapping[str, Any]] | None = None,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[PIIResult]:
    """Redact many texts concurrently; failures are returned, never raised.

    With ``batch``, every chunk is sent as one line of a Batch API job instead
    (``max_concurrency`` does not apply); the results are the same. With
    ``metadata`` (one mapping per text), the values of ``options.metadata_keys``
    are redacted too, into :attr:`PIIResult.metadata`.

    Raises:
        TypeError: for a text that is not a string, or a named metadata value that
            is not text (before any request).
    """
    options = options or PIIOptions()
    return process_documents(
        PIIRedactionTask(options), client, pii_documents(texts, metadata, options), **run
    )


async def aredact_pii_documents(
    client: AsyncZeroGPUClient,
    texts: Sequence[str],
    options: PIIOptions | None = None,
    *,
    metadata: Sequence[Mapping[str, Any]] | None = None,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[PIIResult]:
    """Async :func:`redact_pii_documents`."""
    options = options or PIIOptions()
    return await aprocess_documents(
        PIIRedactionTask(options), client, pii_documents(texts, metadata, options), **run
    )
