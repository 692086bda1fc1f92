"""Document transformers for JSON extraction and schema classification (``gliner2-base-v1``).

Like the entity extractor: the core chunks, calls and merges; these classes only turn
``Document`` objects into texts and typed results into ``metadata`` entries.
"""

from __future__ import annotations

from langchain_zerogpu.document_transformers import _Tagging
from zerogpu_core.tasks.fields import JSONExtractionFields, SchemaClassificationFields

__all__ = ["ZeroGPUJSONExtractor", "ZeroGPUSchemaClassifier"]


class ZeroGPUJSONExtractor(JSONExtractionFields, _Tagging):
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
    :meth:`lazy_transform_documents` yields documents as they finish.
    """


class ZeroGPUSchemaClassifier(SchemaClassificationFields, _Tagging):
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
