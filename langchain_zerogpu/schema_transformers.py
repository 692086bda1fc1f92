"""Document transformers for JSON extraction and schema classification (``gliner2-base-v1``).

Like the entity extractor: the core chunks, calls and merges; these classes only turn
``Document`` objects into texts and typed results into ``metadata`` entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.documents import BaseDocumentTransformer, Document

from langchain_zerogpu.document_transformers import (
    _DocumentRun,
    _tagged,
    _texts_and_ids,
    _ZeroGPUTaskClient,
)
from zerogpu_core.tasks import (
    aclassify_schema_documents,
    aextract_json_documents,
    classify_schema_documents,
    extract_json_documents,
)
from zerogpu_core.tasks.fields import JSONExtractionFields, SchemaClassificationFields

__all__ = ["ZeroGPUJSONExtractor", "ZeroGPUSchemaClassifier"]


class ZeroGPUJSONExtractor(
    BaseDocumentTransformer, JSONExtractionFields, _DocumentRun, _ZeroGPUTaskClient
):
    """Adds the fields of a schema, as one object per document, to
    ``metadata["json_extraction"]``.

    Example:
        >>> extractor = ZeroGPUJSONExtractor(
        ...     extraction_schema={"contact": ["name::str::Full name", "email::str::Email"]}
        ... )
        >>> docs = extractor.transform_documents([Document("Jane: jane@x.io")])  # doctest: +SKIP
        >>> docs[0].metadata["json_extraction"]["data"]  # doctest: +SKIP
        {'contact': [{'name': 'Jane', 'email': 'jane@x.io'}]}

    Long documents are read in overlapping windows whose records are merged
    (``docs/guides/entities-and-classification.md``). Failures raise
    :class:`~zerogpu_core.tasks.BatchTransformError` (default) or, with
    ``on_failure="keep"``, leave the document with ``{"error": {...}}``.
    """

    def transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """New documents (same order, ``id`` and metadata) with the extracted object."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = extract_json_documents(
            self._clients().sync,
            texts,
            self._json_extraction_options(),
            ids=ids,
            **self._run_options(),
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)

    async def atransform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """Async :meth:`transform_documents` (at most ``max_concurrency`` calls)."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = await aextract_json_documents(
            self._clients().async_client(),
            texts,
            self._json_extraction_options(),
            ids=ids,
            **self._run_options(),
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)


class ZeroGPUSchemaClassifier(
    BaseDocumentTransformer, SchemaClassificationFields, _DocumentRun, _ZeroGPUTaskClient
):
    """Chooses one label per axis for each document into
    ``metadata["schema_classification"]``.

    Example:
        >>> classifier = ZeroGPUSchemaClassifier(
        ...     classification_schema={"sentiment": ["positive", "negative", "neutral"]}
        ... )
        >>> docs = classifier.transform_documents([Document("I love it")])  # doctest: +SKIP
        >>> docs[0].metadata["schema_classification"]["classification"]  # doctest: +SKIP
        {'sentiment': 'positive'}

    Long documents are classified in chunks of at most 800 tokens; each axis takes
    the label chosen for the largest share of the text. Same failure policy as
    :class:`ZeroGPUJSONExtractor`.
    """

    def transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """New documents (same order, ``id`` and metadata) with the labels."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = classify_schema_documents(
            self._clients().sync,
            texts,
            self._schema_classification_options(),
            ids=ids,
            **self._run_options(),
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)

    async def atransform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """Async :meth:`transform_documents` (at most ``max_concurrency`` calls)."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = await aclassify_schema_documents(
            self._clients().async_client(),
            texts,
            self._schema_classification_options(),
            ids=ids,
            **self._run_options(),
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)
