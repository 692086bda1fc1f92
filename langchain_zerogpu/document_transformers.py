"""Document transformers: IAB classification and PII redaction on ZeroGPU.

Both are thin: the core (``zerogpu_core.tasks``) chunks, calls, verifies and runs
documents concurrently or as one Batch API job (``mode="batch"``); this module
only turns ``Document`` objects into texts and results back into new copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from langchain_core.documents import BaseDocumentTransformer, Document
from pydantic import BaseModel, Field, model_validator
from typing_extensions import Self, TypedDict

from langchain_zerogpu._connection import LangChainConnection
from zerogpu_core._arguments import ArgumentPolicy
from zerogpu_core._inputs import check_free_metadata_key
from zerogpu_core.tasks import (
    DEFAULT_IAB_MODEL,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_PII_MODEL,
    BatchAPIOptions,
    BatchResult,
    IABOptions,
    IABResult,
    ItemFailure,
    PIIOptions,
    PIIResult,
    PIISpan,
    Verification,
    aclassify_iab_documents,
    adetect_pii,
    aredact_pii_documents,
    classify_iab_documents,
    deanonymize,
    detect_pii,
    redact_pii_documents,
)

__all__ = [
    "PIIMatch",
    "PIIRedaction",
    "ZeroGPUIABClassifier",
    "ZeroGPUPIIDetector",
    "ZeroGPUPIIRedactor",
    "deanonymize",
]


class _ZeroGPUTaskClient(ArgumentPolicy, LangChainConnection):
    """Connection settings shared by the transformers (same names as the chat model).

    Unknown arguments are an error (``model_name`` and ``api_base`` are accepted).
    """


class _BatchMode(BaseModel):
    """The choice between concurrent requests and one Batch API job."""

    mode: Literal["sync", "batch"] = "sync"
    """``"batch"`` sends every chunk as a line of one Batch API job (discounted, but
    it takes minutes to hours); results, metadata and failures are the same."""
    batch_state_path: Path | None = None
    """Batch mode: the job's state file. A run finding it resumes that job instead of
    submitting again (the documents must be the same); use a new path per job."""
    batch_poll_interval: float = Field(default=5.0, gt=0)
    """Batch mode: the first delay between status polls, in seconds (it grows)."""

    def _batch_api(self) -> BatchAPIOptions | None:
        if self.mode == "sync":
            return None
        return BatchAPIOptions(self.batch_state_path, self.batch_poll_interval)


def _texts_and_ids(
    documents: Sequence[Document], metadata_key: str, owner: str
) -> tuple[list[str], list[str | None]]:
    """Texts and ids; refuses documents whose metadata already uses ``metadata_key``."""
    ids = [d.id for d in documents]
    check_free_metadata_key([d.metadata for d in documents], metadata_key, owner=owner, ids=ids)
    return [d.page_content for d in documents], ids


def _metadata(documents: Sequence[Document]) -> list[dict[str, Any]]:
    return [d.metadata for d in documents]


def _with_metadata(document: Document, key: str, value: Any, **update: Any) -> Document:
    return document.model_copy(update={"metadata": {**document.metadata, key: value}, **update})


class ZeroGPUIABClassifier(BaseDocumentTransformer, _BatchMode, _ZeroGPUTaskClient):
    """Adds IAB content categories to ``metadata["iab"]``.

    Example:
        >>> from langchain_core.documents import Document
        >>> classifier = ZeroGPUIABClassifier(max_concurrency=16)
        >>> docs = classifier.transform_documents([Document("New phone review")])  # doctest: +SKIP
        >>> docs[0].metadata["iab"]["iab_2_2"][0]["name"]  # doctest: +SKIP
        'Smartphones'

    Long documents are classified in chunks and merged (highest score per category).
    On failure the default raises :class:`~zerogpu_core.tasks.BatchTransformError`
    carrying the finished documents and the failures; ``on_failure="keep"`` returns
    failed documents unchanged with ``metadata["iab"] = {"error": {...}}``.
    ``mode="batch"`` runs the chunks as one Batch API job (``docs/guides/batch.md``).
    """

    model: str = DEFAULT_IAB_MODEL
    """``zlm-v1-iab-classify-edge``, ``zlm-v2-iab-classify-edge-enriched``,
    ``zlm-v1-multi-iab-classify`` or ``zlm-v1-iab-domain-classifier``."""
    multilingual: bool | None = None
    max_chunk_tokens: int | None = Field(default=None, ge=1)
    max_concurrency: int = Field(default=DEFAULT_MAX_CONCURRENCY, ge=1)
    show_progress: bool = False
    on_failure: Literal["raise", "keep"] = "raise"
    metadata_key: str = "iab"

    @model_validator(mode="after")
    def _check_options(self) -> Self:
        self._options()
        return self

    def _options(self) -> IABOptions:
        return IABOptions(self.model, self.multilingual, self.max_chunk_tokens)

    def _documents(
        self, documents: Sequence[Document], outcome: BatchResult[IABResult]
    ) -> list[Document]:
        failed = {f.index: f for f in outcome.failures}
        out: list[Document | None] = []
        for index, (document, result) in enumerate(zip(documents, outcome.results, strict=True)):
            if result is not None:
                out.append(_with_metadata(document, self.metadata_key, result.to_metadata()))
            elif self.on_failure == "keep":
                error = {"error": failed[index].to_metadata()}
                out.append(_with_metadata(document, self.metadata_key, error))
            else:
                out.append(None)
        if self.on_failure == "raise":
            outcome.raise_for_failures(out)
        return [d for d in out if d is not None]

    def transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """New documents (same order, ``id`` and metadata) with ``metadata["iab"]``."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = classify_iab_documents(
            self._clients().sync,
            texts,
            self._options(),
            ids=ids,
            max_concurrency=self.max_concurrency,
            progress=self.show_progress,
            batch=self._batch_api(),
        )
        return self._documents(documents, outcome)

    async def atransform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """Async :meth:`transform_documents` (native, at most ``max_concurrency`` calls)."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = await aclassify_iab_documents(
            self._clients().async_client(),
            texts,
            self._options(),
            ids=ids,
            max_concurrency=self.max_concurrency,
            progress=self.show_progress,
            batch=self._batch_api(),
        )
        return self._documents(documents, outcome)


@dataclass(frozen=True)
class PIIRedaction:
    """What :meth:`ZeroGPUPIIRedactor.redact_documents` returns.

    Attributes:
        documents: redacted documents in input order (failed ones left out).
        mappings: one placeholder -> original mapping per returned document (empty
            unless ``reversible``). This is the personal data: store it securely.
        failures: documents that failed and were dropped (``on_failure="drop"``).
    """

    documents: list[Document]
    mappings: list[dict[str, str]] = field(repr=False)
    failures: list[ItemFailure]


class ZeroGPUPIIRedactor(BaseDocumentTransformer, _BatchMode, _ZeroGPUTaskClient):
    """Replaces PII in ``page_content`` with ``[LABEL]`` placeholders.

    Example:
        >>> redactor = ZeroGPUPIIRedactor(reversible=True)
        >>> out = redactor.redact_documents([Document("Mail jane@example.com")])  # doctest: +SKIP
        >>> out.documents[0].page_content, out.mappings[0]  # doctest: +SKIP
        ('Mail [EMAIL_1]', {'[EMAIL_1]': 'jane@example.com'})

    ``metadata["pii"]`` holds labels, offsets (into the original text), scores and
    counts, never the original strings. With ``reversible=True`` placeholders are
    numbered per document; the mapping is returned by :meth:`redact_documents` and
    only stored in metadata when ``store_mapping=True``. A failed document is never
    passed on unredacted: it raises (default) or is dropped and reported
    (``on_failure="drop"``). ``mode="batch"`` runs the chunks as one Batch API job
    (``docs/guides/batch.md``).
    """

    model: str = DEFAULT_PII_MODEL
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    categories: list[str] | None = None
    """Category groups, e.g. ``["identity", "contact"]`` (all when unset)."""
    extra_metadata: dict[str, Any] = Field(default_factory=dict)
    """Further documented ``metadata`` keys sent to the model."""
    reversible: bool = False
    store_mapping: bool = False
    """Also put the mapping (the original values) in ``metadata["pii"]["mapping"]``."""
    propagate: bool = True
    """Mask every other occurrence of a detected string too."""
    max_chunk_tokens: int | None = Field(default=None, ge=1)
    verification: Verification = "strict"
    """``"strict"``: a reply that cannot be verified fails its document. ``"lenient"``:
    mask the union of what the reply's parts flag instead (``docs/guides/pii.md``)."""
    redact_metadata_keys: list[str] = Field(default_factory=list)
    """Metadata keys whose text values are redacted too (same placeholders)."""
    max_concurrency: int = Field(default=DEFAULT_MAX_CONCURRENCY, ge=1)
    show_progress: bool = False
    on_failure: Literal["raise", "drop"] = "raise"
    metadata_key: str = "pii"

    @model_validator(mode="after")
    def _check_options(self) -> Self:
        self._options()
        return self

    def _options(self) -> PIIOptions:
        return PIIOptions(
            model=self.model,
            threshold=self.threshold,
            categories=self.categories,
            extra_metadata=self.extra_metadata,
            reversible=self.reversible,
            propagate=self.propagate,
            max_chunk_tokens=self.max_chunk_tokens,
            verification=self.verification,
            metadata_keys=self.redact_metadata_keys,
        )

    def _redaction(
        self, documents: Sequence[Document], outcome: BatchResult[PIIResult]
    ) -> PIIRedaction:
        out: list[Document | None] = []
        mappings: list[dict[str, str]] = []
        for document, result in zip(documents, outcome.results, strict=True):
            if result is None:
                out.append(None)
                continue
            audit = result.to_metadata(include_mapping=self.store_mapping)
            metadata = {**result.redacted_metadata(document.metadata), self.metadata_key: audit}
            out.append(
                document.model_copy(update={"metadata": metadata, "page_content": result.text})
            )
            mappings.append(dict(result.mapping))
        kept = outcome.drop_failed(out, on_failure=self.on_failure)
        return PIIRedaction(kept, mappings, list(outcome.failures))

    def redact_documents(self, documents: Sequence[Document]) -> PIIRedaction:
        """Redact documents; returns them with their mappings and any dropped failures."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = redact_pii_documents(
            self._clients().sync,
            texts,
            self._options(),
            ids=ids,
            metadata=_metadata(documents),
            max_concurrency=self.max_concurrency,
            progress=self.show_progress,
            batch=self._batch_api(),
        )
        return self._redaction(documents, outcome)

    async def aredact_documents(self, documents: Sequence[Document]) -> PIIRedaction:
        """Async :meth:`redact_documents`."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = await aredact_pii_documents(
            self._clients().async_client(),
            texts,
            self._options(),
            ids=ids,
            metadata=_metadata(documents),
            max_concurrency=self.max_concurrency,
            progress=self.show_progress,
            batch=self._batch_api(),
        )
        return self._redaction(documents, outcome)

    def transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """Redacted copies in input order (see :meth:`redact_documents` for mappings)."""
        return self.redact_documents(documents).documents

    async def atransform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """Async :meth:`transform_documents` (native, at most ``max_concurrency`` calls)."""
        return (await self.aredact_documents(documents)).documents


class PIIMatch(TypedDict):
    """One match, shaped like ``langchain.agents.middleware.PIIMatch``."""

    type: str
    value: str
    start: int
    end: int


class ZeroGPUPIIDetector(_ZeroGPUTaskClient):
    """A PII detector callable for LangChain's ``PIIMiddleware``.

    Example:
        >>> detector = ZeroGPUPIIDetector(labels=["email"])
        >>> detector("Mail jane@example.com")  # doctest: +SKIP
        [{'type': 'email', 'value': 'jane@example.com', 'start': 5, 'end': 21}]

    ``type`` is the model's label in snake case (``phone number`` -> ``phone_number``).
    ``value`` is the matched text, which the middleware needs to apply its strategy.
    """

    model: str = DEFAULT_PII_MODEL
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    categories: list[str] | None = None
    labels: list[str] | None = None
    """Keep only these labels (either spelling: ``phone number`` or ``phone_number``)."""
    extra_metadata: dict[str, Any] = Field(default_factory=dict)
    max_chunk_tokens: int | None = Field(default=None, ge=1)
    verification: Verification = "strict"

    @model_validator(mode="after")
    def _check_options(self) -> Self:
        self._options()
        return self

    def _options(self) -> PIIOptions:
        return PIIOptions(
            model=self.model,
            threshold=self.threshold,
            categories=self.categories,
            extra_metadata=self.extra_metadata,
            max_chunk_tokens=self.max_chunk_tokens,
            verification=self.verification,
        )

    def _matches(self, content: str, spans: Sequence[PIISpan]) -> list[PIIMatch]:
        wanted = None if self.labels is None else {_snake(label) for label in self.labels}
        matches = [
            PIIMatch(type=_snake(s.label), value=content[s.start : s.end], start=s.start, end=s.end)
            for s in spans
        ]
        return [m for m in matches if wanted is None or m["type"] in wanted]

    def __call__(self, content: str) -> list[PIIMatch]:
        """Detect PII in ``content`` (the ``Detector`` signature)."""
        return self._matches(content, detect_pii(self._clients().sync, content, self._options()))

    async def adetect(self, content: str) -> list[PIIMatch]:
        """Async :meth:`__call__`."""
        spans = await adetect_pii(self._clients().async_client(), content, self._options())
        return self._matches(content, spans)


def _snake(label: str) -> str:
    return "_".join(label.lower().split())
