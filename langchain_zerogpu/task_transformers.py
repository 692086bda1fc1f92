"""Document transformers for entity extraction and zero-shot classification.

Like the IAB classifier: the core chunks, calls and merges; these classes only turn
``Document`` objects into texts and typed results into ``metadata`` entries.
"""

from __future__ import annotations

from langchain_zerogpu.document_transformers import _Tagging
from zerogpu_core.tasks.fields import EntityFields, ZeroShotFields

__all__ = ["ZeroGPUEntityExtractor", "ZeroGPUZeroShotClassifier"]


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
