"""Document transformers for entity extraction, zero-shot classification and
moderation flags.

Like the IAB classifier: the core chunks, calls and merges; these classes only turn
``Document`` objects into texts and typed results into ``metadata`` entries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_zerogpu.document_transformers import _Tagging
from zerogpu_core.tasks.fields import EntityFields, ModerationFields, ZeroShotFields
from zerogpu_core.tasks.moderation_runs import aiter_moderation, iter_moderation
from zerogpu_core.tasks.outcomes import DocumentOutcome
from zerogpu_core.tasks.results import KeepPolicy

__all__ = ["ZeroGPUEntityExtractor", "ZeroGPUModerationTagger", "ZeroGPUZeroShotClassifier"]


class ZeroGPUEntityExtractor(EntityFields, _Tagging):
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
    :meth:`lazy_transform_documents` yields documents as they finish.
    """


class ZeroGPUZeroShotClassifier(ZeroShotFields, _Tagging):
    """Scores each document against your labels into ``metadata["zero_shot"]``.

    Example:
        >>> classifier = ZeroGPUZeroShotClassifier(labels=["sports", "technology"])
        >>> docs = classifier.transform_documents([Document("GPU news")])  # doctest: +SKIP
        >>> docs[0].metadata["zero_shot"]["label"]  # doctest: +SKIP
        'technology'

    Long documents are scored in chunks of at most 400 tokens; a label's score is
    the chunks' scores averaged, weighted by chunk length. Same failure policy and
    lazy form as :class:`ZeroGPUEntityExtractor`.
    """


class ZeroGPUModerationTagger(ModerationFields, _Tagging):
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

    def _iterate(self, texts: list[str], ids: list[str | None]) -> Iterator[DocumentOutcome[Any]]:
        # Two routes (moderations or Llama Guard chat): the core picks the runner.
        client = self._clients().sync
        options = self._moderation_options()
        return iter_moderation(client, texts, options, ids=ids, **self._run_options())

    def _aiterate(
        self, texts: list[str], ids: list[str | None]
    ) -> AsyncIterator[DocumentOutcome[Any]]:
        client = self._clients().async_client()
        options = self._moderation_options()
        return aiter_moderation(client, texts, options, ids=ids, **self._run_options())
