"""Document transformers: IAB classification and PII redaction on ZeroGPU.

Both are thin: the core (``zerogpu_core.tasks``) chunks, calls, verifies and runs
documents concurrently or as one Batch API job (``mode="batch"``); this module
only turns ``Document`` objects into texts and results back into new copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.documents import BaseDocumentTransformer, Document
from typing_extensions import TypedDict

from langchain_zerogpu._connection import LangChainConnection
from zerogpu_core._arguments import ArgumentPolicy
from zerogpu_core._inputs import check_free_metadata_key
from zerogpu_core.tasks import (
    DocumentResults,
    IABResult,
    ItemFailure,
    KeepPolicy,
    PIIOptions,
    PIIResult,
    PIISpan,
    aclassify_iab_documents,
    adetect_pii,
    aredact_pii_documents,
    classify_iab_documents,
    deanonymize,
    detect_pii,
    redact_pii_documents,
)
from zerogpu_core.tasks.fields import DocumentRunFields, IABFields, PIIFields, PIIRedactionFields

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


class _DocumentRun(DocumentRunFields):
    # LangChain objects are not serialised to JSON, so the state file stays a Path
    # here (LlamaIndex keeps the core's text for to_json and ingestion-cache keys).
    batch_state_path: Path | None = None  # type: ignore[assignment]


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


def _tagged(
    documents: Sequence[Document],
    outcome: DocumentResults[Any],
    key: str,
    on_failure: KeepPolicy,
) -> list[Document]:
    """Copies with each result's ``to_metadata()`` under ``key``; failures per policy."""
    converted = [
        None if result is None else _with_metadata(document, key, result.to_metadata())
        for document, result in zip(documents, outcome.results, strict=True)
    ]
    return outcome.keep_failed(
        converted,
        on_failure=on_failure,
        kept=lambda index, failure: _with_metadata(
            documents[index], key, {"error": failure.to_metadata()}
        ),
    )


class ZeroGPUIABClassifier(BaseDocumentTransformer, IABFields, _DocumentRun, _ZeroGPUTaskClient):
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

    def _documents(
        self, documents: Sequence[Document], outcome: DocumentResults[IABResult]
    ) -> list[Document]:
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)

    def transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """New documents (same order, ``id`` and metadata) with ``metadata["iab"]``."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = classify_iab_documents(
            self._clients().sync, texts, self._iab_options(), ids=ids, **self._run_options()
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
            self._iab_options(),
            ids=ids,
            **self._run_options(),
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


class ZeroGPUPIIRedactor(
    BaseDocumentTransformer, PIIRedactionFields, _DocumentRun, _ZeroGPUTaskClient
):
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

    reversible: bool = False
    """Number placeholders per document and return the mapping."""
    store_mapping: bool = False
    """Also put the mapping (the original values) in ``metadata["pii"]["mapping"]``."""

    def _options(self) -> PIIOptions:
        return self._pii_options(reversible=self.reversible)

    def _redaction(
        self, documents: Sequence[Document], outcome: DocumentResults[PIIResult]
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
            **self._run_options(),
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
            **self._run_options(),
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


class ZeroGPUPIIDetector(PIIFields, _ZeroGPUTaskClient):
    """A PII detector callable for LangChain's ``PIIMiddleware``.

    Example:
        >>> detector = ZeroGPUPIIDetector(labels=["email"])
        >>> detector("Mail jane@example.com")  # doctest: +SKIP
        [{'type': 'email', 'value': 'jane@example.com', 'start': 5, 'end': 21}]

    ``type`` is the model's label in snake case (``phone number`` -> ``phone_number``).
    ``value`` is the matched text, which the middleware needs to apply its strategy.
    """

    labels: list[str] | None = None
    """Keep only these labels (either spelling: ``phone number`` or ``phone_number``)."""

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
