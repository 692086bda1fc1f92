"""Document transformers for summaries, signals and domain IAB classification.

The core chunks, calls and combines; these classes only turn ``Document`` objects
into texts and typed results into ``metadata`` entries (``_tagged`` applies the
failure policy, as for the other task transformers).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.documents import BaseDocumentTransformer, Document
from pydantic import Field

from langchain_zerogpu.document_transformers import (
    _DocumentRun,
    _tagged,
    _texts_and_ids,
    _ZeroGPUTaskClient,
)
from zerogpu_core.tasks import (
    aclassify_domains,
    aextract_signals_documents,
    asummarize_documents,
    classify_domains,
    extract_signals_documents,
    summarize_documents,
)
from zerogpu_core.tasks.content_fields import DomainIABFields, SignalsFields, SummaryFields

__all__ = ["ZeroGPUDomainClassifier", "ZeroGPUSignalExtractor", "ZeroGPUSummarizer"]


class ZeroGPUSummarizer(BaseDocumentTransformer, SummaryFields, _DocumentRun, _ZeroGPUTaskClient):
    """Adds each document's summary to ``metadata["summary"]``.

    Example:
        >>> summarizer = ZeroGPUSummarizer(model="t5-small")
        >>> docs = summarizer.transform_documents([Document(long_text)])  # doctest: +SKIP
        >>> docs[0].metadata["summary"]["summary"]  # doctest: +SKIP

    The entry is ``{"summary", "model", "chunks"}`` plus ``sections`` (each chunk's
    span and summary) when the text took several requests: long text is split
    under the model's input limit (512 tokens for ``t5-small``) and the chunk
    summaries are joined in order. Failures raise
    :class:`~zerogpu_core.tasks.BatchTransformError` (default) or, with
    ``on_failure="keep"``, leave the document with ``{"error": {...}}``.
    """

    metadata_key: str = Field(default="summary", description="Metadata key for the result.")

    def transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """New documents (same order, ``id`` and metadata) with their summaries."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = summarize_documents(
            self._clients().sync, texts, self._summary_options(), ids=ids, **self._run_options()
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)

    async def atransform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """Async :meth:`transform_documents` (at most ``max_concurrency`` calls)."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = await asummarize_documents(
            self._clients().async_client(),
            texts,
            self._summary_options(),
            ids=ids,
            **self._run_options(),
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)


class ZeroGPUSignalExtractor(
    BaseDocumentTransformer, SignalsFields, _DocumentRun, _ZeroGPUTaskClient
):
    """Adds topics, keywords and intent (``zlm-v1-signal-extract``) to
    ``metadata["signals"]``.

    Long documents are read in chunks and merged (topics keep their best score,
    keywords their first-seen order, the highest-scoring intent wins). The model
    is served on ``/v1/responses`` only, so ``mode="batch"`` is refused. Same
    failure policy as :class:`ZeroGPUSummarizer`.
    """

    def transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """New documents (same order, ``id`` and metadata) with their signals."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = extract_signals_documents(
            self._clients().sync, texts, self._signals_options(), ids=ids, **self._run_options()
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)

    async def atransform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """Async :meth:`transform_documents` (at most ``max_concurrency`` calls)."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = await aextract_signals_documents(
            self._clients().async_client(),
            texts,
            self._signals_options(),
            ids=ids,
            **self._run_options(),
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)


class ZeroGPUDomainClassifier(
    BaseDocumentTransformer, DomainIABFields, _DocumentRun, _ZeroGPUTaskClient
):
    """Classifies the site each document comes from into ``metadata["domain_iab"]``.

    Example:
        >>> classifier = ZeroGPUDomainClassifier(domain_key="domain")
        >>> doc = Document("...", metadata={"domain": "nytimes.com"})
        >>> classifier.transform_documents([doc])[0].metadata["domain_iab"]  # doctest: +SKIP

    The domain is ``page_content`` (one document per domain) or, with
    ``domain_key``, that metadata value. It must be a bare domain such as
    ``nytimes.com``: a URL, text or a missing value is refused before any request.
    Same failure policy as :class:`ZeroGPUSummarizer` for service failures.
    """

    domain_key: str | None = Field(
        default=None, description="Metadata key holding the domain (page_content when unset)."
    )

    def _domains(self, documents: Sequence[Document]) -> tuple[list[str], list[str | None]]:
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        if self.domain_key is None:
            return texts, ids
        missing = [i for i, d in enumerate(documents) if d.metadata.get(self.domain_key) is None]
        if missing:
            raise ValueError(
                f"{type(self).__name__}: documents {missing[:5]} have no "
                f"metadata[{self.domain_key!r}]; nothing was sent"
            )
        return [d.metadata[self.domain_key] for d in documents], ids

    def transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """New documents (same order, ``id`` and metadata) with their site's categories."""
        domains, ids = self._domains(documents)
        outcome = classify_domains(
            self._clients().sync, domains, self._domain_options(), ids=ids, **self._run_options()
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)

    async def atransform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """Async :meth:`transform_documents` (at most ``max_concurrency`` calls)."""
        domains, ids = self._domains(documents)
        outcome = await aclassify_domains(
            self._clients().async_client(),
            domains,
            self._domain_options(),
            ids=ids,
            **self._run_options(),
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)
