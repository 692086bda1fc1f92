"""Document transformers for summaries, signals and domain IAB classification.

The core chunks, calls and combines; these classes only turn ``Document`` objects
into texts and typed results into ``metadata`` entries (``_Tagging`` applies the
failure policy and gives the lazy forms, as for the other task transformers).
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.documents import Document
from pydantic import Field

from langchain_zerogpu.document_transformers import _Tagging, _texts_and_ids
from zerogpu_core.tasks.content_fields import DomainIABFields, SignalsFields, SummaryFields
from zerogpu_core.tasks.domain_iab import check_domains

__all__ = ["ZeroGPUDomainClassifier", "ZeroGPUSignalExtractor", "ZeroGPUSummarizer"]


class ZeroGPUSummarizer(SummaryFields, _Tagging):
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


class ZeroGPUSignalExtractor(SignalsFields, _Tagging):
    """Adds topics, keywords and intent (``zlm-v1-signal-extract``) to
    ``metadata["signals"]``.

    Long documents are read in chunks and merged (topics keep their best score,
    keywords their first-seen order, the highest-scoring intent wins). The model
    is served on ``/v1/responses`` only, so ``mode="batch"`` is refused. Same
    failure policy as :class:`ZeroGPUSummarizer`.
    """


class ZeroGPUDomainClassifier(DomainIABFields, _Tagging):
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

    def _inputs(self, documents: Sequence[Document]) -> tuple[list[str], list[str | None]]:
        """The domains (checked before any request) and the ids."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        if self.domain_key is not None:
            missing = [
                i for i, d in enumerate(documents) if d.metadata.get(self.domain_key) is None
            ]
            if missing:
                raise ValueError(
                    f"{type(self).__name__}: documents {missing[:5]} have no "
                    f"metadata[{self.domain_key!r}]; nothing was sent"
                )
            texts = [d.metadata[self.domain_key] for d in documents]
        check_domains(texts, self._domain_options())
        return texts, ids
