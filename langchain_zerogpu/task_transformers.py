"""Document transformers for entity extraction, zero-shot classification and
moderation flags.

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
    amoderate_documents,
    classify_zero_shot_documents,
    extract_entities_documents,
    moderate_documents,
)
from zerogpu_core.tasks.fields import EntityFields, ModerationFields, ZeroShotFields
from zerogpu_core.tasks.results import KeepPolicy

__all__ = ["ZeroGPUEntityExtractor", "ZeroGPUModerationTagger", "ZeroGPUZeroShotClassifier"]


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


class ZeroGPUModerationTagger(
    BaseDocumentTransformer, ModerationFields, _DocumentRun, _ZeroGPUTaskClient
):
    """Adds the moderation verdict of each document to ``metadata["moderation"]``.

    Example:
        >>> tagger = ZeroGPUModerationTagger()
        >>> docs = tagger.transform_documents([Document("I will hurt you")])  # doctest: +SKIP
        >>> docs[0].metadata["moderation"]["flagged"]  # doctest: +SKIP
        True

    The verdict holds ``flagged``, ``categories``, ``scores`` (moderations route)
    or ``codes`` (Llama Guard), ``model`` and ``chunks``; long documents are judged
    in chunks and flagged when any chunk is. Documents are tagged, never removed:
    filter on ``metadata["moderation"]["flagged"]``. A failed check raises
    :class:`~zerogpu_core.tasks.BatchTransformError` (default), or with
    ``on_failure="keep"`` records ``{"error": {...}}`` and no ``flagged`` key, so
    the document cannot pass for unflagged. ``mode="batch"`` needs
    ``model="llama-guard-4-12b"``: the Batch API runs chat completions only.
    """

    on_failure: KeepPolicy = "raise"
    """'raise' (BatchTransformError with the finished results) or 'keep' (the
    document unchanged, with ``{"error": {...}}`` under ``metadata_key``)."""
    metadata_key: str = "moderation"
    """Metadata key for the verdict."""

    def transform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """New documents (same order, ``id`` and metadata) with the verdicts."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = moderate_documents(
            self._clients().sync,
            texts,
            self._moderation_options(),
            ids=ids,
            **self._run_options(),
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)

    async def atransform_documents(
        self, documents: Sequence[Document], **kwargs: Any
    ) -> Sequence[Document]:
        """Async :meth:`transform_documents` (at most ``max_concurrency`` calls)."""
        texts, ids = _texts_and_ids(documents, self.metadata_key, type(self).__name__)
        outcome = await amoderate_documents(
            self._clients().async_client(),
            texts,
            self._moderation_options(),
            ids=ids,
            **self._run_options(),
        )
        return _tagged(documents, outcome, self.metadata_key, self.on_failure)
