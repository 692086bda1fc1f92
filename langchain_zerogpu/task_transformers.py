"""Document transformers for entity extraction and zero-shot classification.

Like the IAB classifier: the core chunks, calls and merges; these classes only turn
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
    aclassify_zero_shot_documents,
    aextract_entities_documents,
    classify_zero_shot_documents,
    extract_entities_documents,
)
from zerogpu_core.tasks.fields import EntityFields, ZeroShotFields

__all__ = ["ZeroGPUEntityExtractor", "ZeroGPUZeroShotClassifier"]


class ZeroGPUEntityExtractor(
    BaseDocumentTransformer, EntityFields, _DocumentRun, _ZeroGPUTaskClient
):
    """Adds the entities of each document to ``metadata["entities"]``.

    Example:
        >>> extractor = ZeroGPUEntityExtractor(labels=["person", "company"])
        >>> docs = extractor.transform_documents([Document("Jane Doe, Acme")])  # doctest: +SKIP
        >>> docs[0].metadata["entities"]["by_label"]  # doctest: +SKIP
        {'person': ['Jane Doe'], 'company': ['Acme']}

    ``entities`` lists ``{label, text, start, end}`` with offsets into
    ``page_content``; long documents are read in overlapping windows and merged.
    Failures raise :class:`~zerogpu_core.tasks.BatchTransformError` (default) or,
    with ``on_failure="keep"``, leave the document with ``{"error": {...}}``.
    """

    def transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """New documents (same order, ``id`` and metadata) with the entities."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = extract_entities_documents(
            self._clients().sync, texts, self._entity_options(), ids=ids, **self._run_options()
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)

    async def atransform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """Async :meth:`transform_documents` (at most ``max_concurrency`` calls)."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = await aextract_entities_documents(
            self._clients().async_client(),
            texts,
            self._entity_options(),
            ids=ids,
            **self._run_options(),
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)


class ZeroGPUZeroShotClassifier(
    BaseDocumentTransformer, ZeroShotFields, _DocumentRun, _ZeroGPUTaskClient
):
    """Scores each document against your labels into ``metadata["zero_shot"]``.

    Example:
        >>> classifier = ZeroGPUZeroShotClassifier(labels=["sports", "technology"])
        >>> docs = classifier.transform_documents([Document("GPU news")])  # doctest: +SKIP
        >>> docs[0].metadata["zero_shot"]["label"]  # doctest: +SKIP
        'technology'

    Long documents are scored in chunks of at most 400 tokens; a label's score is
    the chunks' scores averaged, weighted by chunk length. Same failure policy as
    :class:`ZeroGPUEntityExtractor`.
    """

    def transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """New documents (same order, ``id`` and metadata) with the scores."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = classify_zero_shot_documents(
            self._clients().sync, texts, self._zero_shot_options(), ids=ids, **self._run_options()
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)

    async def atransform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """Async :meth:`transform_documents` (at most ``max_concurrency`` calls)."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = await aclassify_zero_shot_documents(
            self._clients().async_client(),
            texts,
            self._zero_shot_options(),
            ids=ids,
            **self._run_options(),
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)
