"""Document transformers: IAB classification and PII redaction on ZeroGPU.

Both are thin: the core (``zerogpu_core.tasks``) chunks, calls, verifies and runs
documents concurrently or as one Batch API job (``mode="batch"``); this module
only turns ``Document`` objects into texts and results back into new copies.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.documents import BaseDocumentTransformer, Document
from typing_extensions import TypedDict

from langchain_zerogpu._connection import LangChainConnection
from zerogpu_core._arguments import ArgumentPolicy
from zerogpu_core._inputs import check_free_metadata_key
from zerogpu_core.tasks import (
    BatchTransformError,
    ChunkedTask,
    ItemFailure,
    PIIOptions,
    PIIRedactionTask,
    PIIResult,
    PIISpan,
    TransformInterrupted,
    adetect_pii,
    deanonymize,
    detect_pii,
)
from zerogpu_core.tasks.fields import DocumentRunFields, IABFields, PIIFields, PIIRedactionFields
from zerogpu_core.tasks.outcomes import (
    DocumentOutcome,
    acollect_converted,
    ahand_over,
    collect_converted,
    hand_over,
)
from zerogpu_core.tasks.pii import pii_documents
from zerogpu_core.tasks.pii_document import PIIDocument
from zerogpu_core.tasks.results import FailurePolicy, KeepPolicy
from zerogpu_core.tasks.runner import aiter_documents, iter_documents

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


class _DocumentRun(DocumentRunFields, _ZeroGPUTaskClient):
    # LangChain objects are not serialised to JSON, so the state file stays a Path
    # here (LlamaIndex keeps the core's text for to_json and ingestion-cache keys).
    batch_state_path: Path | None = None  # type: ignore[assignment]

    def _outcomes(
        self, task: ChunkedTask[Any, Any, Any, Any], inputs: Sequence[Any], ids: list[str | None]
    ) -> Iterator[DocumentOutcome[Any]]:
        return iter_documents(task, self._clients().sync, inputs, ids=ids, **self._run_options())

    def _aoutcomes(
        self, task: ChunkedTask[Any, Any, Any, Any], inputs: Sequence[Any], ids: list[str | None]
    ) -> AsyncIterator[DocumentOutcome[Any]]:
        client = self._clients().async_client()
        return aiter_documents(task, client, inputs, ids=ids, **self._run_options())


def _texts_and_ids(
    documents: Sequence[Document], metadata_key: str, owner: str
) -> tuple[list[str], list[str | None]]:
    """Texts and ids; refuses documents whose metadata already uses ``metadata_key``."""
    ids = [d.id for d in documents]
    check_free_metadata_key([d.metadata for d in documents], metadata_key, owner=owner, ids=ids)
    return [d.page_content for d in documents], ids


def _with_metadata(document: Document, key: str, value: Any, **update: Any) -> Document:
    return document.model_copy(update={"metadata": {**document.metadata, key: value}, **update})


class _Tagging(BaseDocumentTransformer, _DocumentRun):
    """A transformer that puts each result's ``to_metadata()`` under ``metadata_key``
    (IAB, entities, zero-shot); failures per ``on_failure`` (raise or keep)."""

    if TYPE_CHECKING:  # given by the task's field set (IABFields, ...)
        metadata_key: str
        on_failure: KeepPolicy

        def _tagging_task(self) -> ChunkedTask[str, Any, Any, Any]: ...

    def _inputs(self, documents: Sequence[Document]) -> tuple[list[str], list[str | None]]:
        """What is sent for each document (``page_content``), and the ids."""
        return _texts_and_ids(documents, self.metadata_key, type(self).__name__)

    def _iterate(self, texts: list[str], ids: list[str | None]) -> Iterator[DocumentOutcome[Any]]:
        return self._outcomes(self._tagging_task(), texts, ids)

    def _aiterate(
        self, texts: list[str], ids: list[str | None]
    ) -> AsyncIterator[DocumentOutcome[Any]]:
        return self._aoutcomes(self._tagging_task(), texts, ids)

    def _tagging(
        self, documents: Sequence[Document]
    ) -> tuple[Callable[[int, Any], Document], FailurePolicy[Document]]:
        key = self.metadata_key

        def convert(index: int, result: Any) -> Document:
            return _with_metadata(documents[index], key, result.to_metadata())

        def kept(index: int, failure: ItemFailure) -> Document:
            return _with_metadata(documents[index], key, {"error": failure.to_metadata()})

        return convert, FailurePolicy(self.on_failure, kept=kept)

    def transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """New documents (same order, ``id`` and metadata) with the result added."""
        texts, ids = self._inputs(documents)
        convert, policy = self._tagging(documents)
        return collect_converted(self._iterate(texts, ids), len(texts), convert, policy)

    async def atransform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """Async :meth:`transform_documents` (native, at most ``max_concurrency`` calls)."""
        texts, ids = self._inputs(documents)
        convert, policy = self._tagging(documents)
        outcomes = self._aiterate(texts, ids)
        return await acollect_converted(outcomes, len(texts), convert, policy)

    def lazy_transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Iterator[Document]:
        """The new documents one at a time, as they finish (not in input order; each
        keeps its ``id``); only a bounded window of documents is in progress.

        ``on_failure="raise"`` yields every other document first, then raises one
        :class:`~zerogpu_core.tasks.BatchTransformError` listing every failure.
        Leaving the loop early stops the run (nothing more is sent).
        """
        texts, ids = self._inputs(documents)
        convert, policy = self._tagging(documents)
        return hand_over(self._iterate(texts, ids), convert, policy)

    def alazy_transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> AsyncIterator[Document]:
        """Async :meth:`lazy_transform_documents` (``async for``); leaving the loop
        early cancels the requests in flight."""
        texts, ids = self._inputs(documents)
        convert, policy = self._tagging(documents)
        return ahand_over(self._aiterate(texts, ids), convert, policy)


class ZeroGPUIABClassifier(IABFields, _Tagging):
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
    :meth:`lazy_transform_documents` yields documents as they finish, in flat memory.
    """


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


class ZeroGPUPIIRedactor(BaseDocumentTransformer, PIIRedactionFields, _DocumentRun):
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
    (``docs/guides/batch.md``). :meth:`lazy_transform_documents` yields documents
    as they finish, in flat memory.
    """

    reversible: bool = False
    """Number placeholders per document and return the mapping."""
    store_mapping: bool = False
    """Also put the mapping (the original values) in ``metadata["pii"]["mapping"]``."""

    def _options(self) -> PIIOptions:
        return self._pii_options(reversible=self.reversible)

    def _run(
        self, documents: Sequence[Document]
    ) -> tuple[PIIRedactionTask, Sequence[PIIDocument], list[str | None]]:
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        options = self._options()
        inputs = pii_documents(texts, [d.metadata for d in documents], options)
        return PIIRedactionTask(options), inputs, ids

    def _redacting(
        self, documents: Sequence[Document]
    ) -> tuple[
        Callable[[int, PIIResult], tuple[Document, dict[str, str]]],
        FailurePolicy[tuple[Document, dict[str, str]]],
    ]:
        """The redacted copy and mapping of a finished document; the drop/raise policy."""

        def convert(index: int, result: PIIResult) -> tuple[Document, dict[str, str]]:
            document = documents[index]
            audit = result.to_metadata(include_mapping=self.store_mapping)
            metadata = {**result.redacted_metadata(document.metadata), self.metadata_key: audit}
            update = {"metadata": metadata, "page_content": result.text}
            return document.model_copy(update=update), dict(result.mapping)

        return convert, FailurePolicy(self.on_failure)

    def redact_documents(self, documents: Sequence[Document]) -> PIIRedaction:
        """Redact documents; returns them with their mappings and any dropped failures."""
        task, inputs, ids = self._run(documents)
        convert, policy = self._redacting(documents)
        failures: list[ItemFailure] = []
        with _documents_if_interrupted():
            pairs = collect_converted(
                self._outcomes(task, inputs, ids), len(inputs), convert, _noting(policy, failures)
            )
        return _redaction(pairs, failures)

    async def aredact_documents(self, documents: Sequence[Document]) -> PIIRedaction:
        """Async :meth:`redact_documents`."""
        task, inputs, ids = self._run(documents)
        convert, policy = self._redacting(documents)
        failures: list[ItemFailure] = []
        outcomes = self._aoutcomes(task, inputs, ids)
        pairs = await acollect_converted(outcomes, len(inputs), convert, _noting(policy, failures))
        return _redaction(pairs, failures)

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

    def lazy_transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Iterator[Document]:
        """Redacted copies one at a time, as they finish (not in input order; each
        keeps its ``id``); only a bounded window of documents is in progress.

        A failed document is never yielded: ``on_failure="drop"`` logs it,
        ``"raise"`` yields every other document first and then raises one
        :class:`~zerogpu_core.tasks.BatchTransformError` listing every failure.
        Mappings (``reversible``) are in metadata only with ``store_mapping=True``.
        Leaving the loop early stops the run (nothing more is sent).
        """
        task, inputs, ids = self._run(documents)
        convert, policy = self._redacting(documents)
        pairs = hand_over(self._outcomes(task, inputs, ids), convert, policy)
        return _sync_documents_of(pairs)

    def alazy_transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> AsyncIterator[Document]:
        """Async :meth:`lazy_transform_documents`; leaving the loop early cancels the
        requests in flight."""
        task, inputs, ids = self._run(documents)  # bad input fails here, at the call
        convert, policy = self._redacting(documents)
        return _documents_of(ahand_over(self._aoutcomes(task, inputs, ids), convert, policy))


_Pair = tuple[Document, dict[str, str]]


def _sync_documents_of(pairs: Iterator[_Pair]) -> Iterator[Document]:
    with closing(pairs):  # type: ignore[type-var]
        for document, _mapping in pairs:
            yield document


async def _documents_of(pairs: AsyncIterator[_Pair]) -> AsyncIterator[Document]:
    try:
        async for document, _mapping in pairs:
            yield document
    finally:
        await pairs.aclose()  # type: ignore[attr-defined]


def _noting(policy: FailurePolicy[_Pair], failures: list[ItemFailure]) -> FailurePolicy[_Pair]:
    """``policy`` for (document, mapping) pairs: it also notes the failures it drops
    (they go on :class:`PIIRedaction`), and an error carries the documents only."""

    class Noting(FailurePolicy[_Pair]):
        def apply(
            self, converted: Sequence[_Pair | None], found: Sequence[ItemFailure]
        ) -> list[_Pair]:
            failures.extend(found)
            if self.on_failure == "raise" and found:
                documents = [None if pair is None else pair[0] for pair in converted]
                raise BatchTransformError(documents, found, self.noun)
            return super().apply(converted, found)

    return Noting(policy.on_failure, noun=policy.noun, action=policy.action)


@contextmanager
def _documents_if_interrupted() -> Iterator[None]:
    """An interrupt carries the redacted documents (not document/mapping pairs)."""
    try:
        yield
    except TransformInterrupted as stopped:
        documents = [None if pair is None else pair[0] for pair in stopped.results]
        raise TransformInterrupted(documents, stopped.failures) from stopped.__cause__


def _redaction(pairs: list[_Pair], failures: list[ItemFailure]) -> PIIRedaction:
    return PIIRedaction([d for d, _ in pairs], [m for _, m in pairs], failures)


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
