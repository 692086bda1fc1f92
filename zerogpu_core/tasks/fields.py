"""Task options as pydantic fields, declared once for both frameworks' classes.

Each framework class inherits the field sets of its task kind and only adds what
its framework needs (how a node's text is read, where results go). The field sets
check their options at construction, so a bad ``threshold`` or ``categories`` fails
when the object is built, not at the first document.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from pydantic import BaseModel, Field, field_validator, model_validator

from zerogpu_core.tasks.batch_mode import BatchAPIOptions
from zerogpu_core.tasks.concurrent import DEFAULT_MAX_CONCURRENCY
from zerogpu_core.tasks.entities import EntitiesOptions, EntitiesTask
from zerogpu_core.tasks.extraction import EXTRACTION_MODEL
from zerogpu_core.tasks.iab import DEFAULT_IAB_MODEL, IABClassificationTask, IABOptions
from zerogpu_core.tasks.json_extraction import JSONExtractionOptions, JSONExtractionTask
from zerogpu_core.tasks.moderate import DEFAULT_MODERATION_MODEL, ModerationOptions
from zerogpu_core.tasks.moderation_runs import check_batch_moderation
from zerogpu_core.tasks.pii import DEFAULT_PII_MODEL, PIIOptions
from zerogpu_core.tasks.pii_chunks import Verification
from zerogpu_core.tasks.results import DropPolicy, KeepPolicy
from zerogpu_core.tasks.schema_classification import (
    SchemaClassificationOptions,
    SchemaClassificationTask,
)
from zerogpu_core.tasks.zero_shot import ZERO_SHOT_MODEL, ZeroShotOptions, ZeroShotTask

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "BatchModeFields",
    "DocumentRunFields",
    "EntityFields",
    "IABFields",
    "JSONExtractionFields",
    "ModerationFields",
    "PIIFields",
    "PIIRedactionFields",
    "RunOptions",
    "SchemaClassificationFields",
    "ZeroShotFields",
]


class RunOptions(TypedDict):
    """How a run over many documents is carried out (keyword arguments of the
    ``*_documents`` functions)."""

    max_concurrency: int
    progress: bool
    batch: BatchAPIOptions | None


class BatchModeFields(BaseModel):
    """The choice between concurrent requests and one Batch API job."""

    mode: Literal["sync", "batch"] = Field(
        default="sync",
        description="'batch' sends every chunk as a line of one Batch API job (discounted, "
        "minutes to hours); results, metadata and failures are the same.",
    )
    batch_state_path: str | None = Field(
        default=None,
        description="Batch mode: the job's state file; a run finding it resumes that job "
        "(same documents) instead of submitting again. Use a new path per job.",
    )
    batch_poll_interval: float = Field(
        default=5.0, gt=0, description="Batch mode: first delay between status polls (s)."
    )

    @field_validator("batch_state_path", mode="before")
    @classmethod
    def _path_text(cls, value: Any) -> Any:
        # Kept as text so serialised forms (to_json, ingestion-cache keys) hold it.
        return os.fspath(value) if isinstance(value, os.PathLike) else value

    def _batch_api(self) -> BatchAPIOptions | None:
        if self.mode == "sync":
            return None
        return BatchAPIOptions(self.batch_state_path, self.batch_poll_interval)


class DocumentRunFields(BatchModeFields):
    """Concurrency, progress bar and batch mode of a run over many documents."""

    max_concurrency: int = Field(
        default=DEFAULT_MAX_CONCURRENCY, ge=1, description="Requests in flight at once."
    )
    show_progress: bool = Field(default=False, description="Show a progress bar.")

    def _pool_size(self) -> int | None:
        """The connection pool keeps ``max_concurrency`` connections."""
        return self.max_concurrency

    def _run_options(self, *, progress: bool = False) -> RunOptions:
        """The run's keyword arguments; ``progress`` forces the bar on."""
        return RunOptions(
            max_concurrency=self.max_concurrency,
            progress=self.show_progress or progress,
            batch=self._batch_api(),
        )


class IABFields(BaseModel):
    """IAB classification options and what happens to a failed document."""

    model: str = Field(
        default=DEFAULT_IAB_MODEL,
        description="zlm-v1-iab-classify-edge, zlm-v2-iab-classify-edge-enriched, "
        "zlm-v1-multi-iab-classify or zlm-v1-iab-domain-classifier.",
    )
    multilingual: bool | None = Field(default=None, description="Sent as `multilingual`.")
    max_chunk_tokens: int | None = Field(default=None, ge=1, description="Budget override.")
    on_failure: KeepPolicy = Field(
        default="raise",
        description="'raise' (BatchTransformError with the finished results) or 'keep' "
        "(the failed document unchanged, with {'error': {...}} under metadata_key).",
    )
    metadata_key: str = Field(default="iab", description="Metadata key for the result.")

    @model_validator(mode="after")
    def _check_iab_options(self) -> Self:
        self._iab_options()
        return self

    def _iab_options(self) -> IABOptions:
        return IABOptions(self.model, self.multilingual, self.max_chunk_tokens)

    def _tagging_task(self) -> IABClassificationTask:
        """The task whose results go under ``metadata_key``."""
        return IABClassificationTask(self._iab_options())


_KEEP_DESCRIPTION = (
    "'raise' (BatchTransformError with the finished results) or 'keep' "
    "(the failed document unchanged, with {'error': {...}} under metadata_key)."
)


class EntityFields(BaseModel):
    """Entity extraction options (``gliner2-base-v1``, ``usecase: ner``)."""

    labels: list[str] = Field(description="Entity types to find, e.g. ['person', 'company'].")
    threshold: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Minimum score (the service default when unset)."
    )
    model: str = Field(default=EXTRACTION_MODEL, description="Extraction model id.")
    max_chunk_tokens: int | None = Field(default=None, ge=1, description="Budget override.")
    on_failure: KeepPolicy = Field(default="raise", description=_KEEP_DESCRIPTION)
    metadata_key: str = Field(default="entities", description="Metadata key for the result.")

    @model_validator(mode="after")
    def _check_entity_options(self) -> Self:
        self._entity_options()
        return self

    def _entity_options(self) -> EntitiesOptions:
        return EntitiesOptions(
            tuple(self.labels), self.threshold, self.model, self.max_chunk_tokens
        )

    def _tagging_task(self) -> EntitiesTask:
        """The task whose results go under ``metadata_key``."""
        return EntitiesTask(self._entity_options())


class ZeroShotFields(BaseModel):
    """Zero-shot classification options (``deberta-v3-small``, 1 to 10 labels)."""

    labels: list[str] = Field(description="Candidate labels (1 to 10).")
    model: str = Field(default=ZERO_SHOT_MODEL, description="Zero-shot model id.")
    max_chunk_tokens: int | None = Field(default=None, ge=1, description="Budget override.")
    on_failure: KeepPolicy = Field(default="raise", description=_KEEP_DESCRIPTION)
    metadata_key: str = Field(default="zero_shot", description="Metadata key for the result.")

    @model_validator(mode="after")
    def _check_zero_shot_options(self) -> Self:
        self._zero_shot_options()
        return self

    def _zero_shot_options(self) -> ZeroShotOptions:
        return ZeroShotOptions(tuple(self.labels), self.model, self.max_chunk_tokens)

    def _tagging_task(self) -> ZeroShotTask:
        """The task whose results go under ``metadata_key``."""
        return ZeroShotTask(self._zero_shot_options())


_SCHEMA_THRESHOLD = "Minimum score 0..1 (not sent when unset; the docs tie it to ner)."


class JSONExtractionFields(BaseModel):
    """JSON extraction options (``gliner2-base-v1``, ``usecase: json``)."""

    # Not named `schema`: that would shadow pydantic's BaseModel.schema.
    extraction_schema: dict[str, list[str]] = Field(
        description="Groups of 'name::type::description' field specs (type str or list), "
        "e.g. {'contact': ['name::str::Full name', 'email::str::Email address']}."
    )
    threshold: float | None = Field(default=None, ge=0.0, le=1.0, description=_SCHEMA_THRESHOLD)
    model: str = Field(default=EXTRACTION_MODEL, description="Extraction model id.")
    max_chunk_tokens: int | None = Field(default=None, ge=1, description="Budget override.")
    on_failure: KeepPolicy = Field(default="raise", description=_KEEP_DESCRIPTION)
    metadata_key: str = Field(default="json_extraction", description="Metadata key for the result.")

    @model_validator(mode="after")
    def _check_json_extraction_options(self) -> Self:
        self._json_extraction_options()
        return self

    def _json_extraction_options(self) -> JSONExtractionOptions:
        return JSONExtractionOptions(
            self.extraction_schema, self.threshold, self.model, self.max_chunk_tokens
        )

    def _tagging_task(self) -> JSONExtractionTask:
        """The task whose results go under ``metadata_key``."""
        return JSONExtractionTask(self._json_extraction_options())


class SchemaClassificationFields(BaseModel):
    """Schema classification options (``gliner2-base-v1``, ``usecase: classification``)."""

    classification_schema: dict[str, list[str]] = Field(
        description="Each axis with its candidate labels (at least two), "
        "e.g. {'sentiment': ['positive', 'negative', 'neutral']}."
    )
    threshold: float | None = Field(default=None, ge=0.0, le=1.0, description=_SCHEMA_THRESHOLD)
    model: str = Field(default=EXTRACTION_MODEL, description="Classification model id.")
    max_chunk_tokens: int | None = Field(default=None, ge=1, description="Budget override.")
    on_failure: KeepPolicy = Field(default="raise", description=_KEEP_DESCRIPTION)
    metadata_key: str = Field(
        default="schema_classification", description="Metadata key for the result."
    )

    @model_validator(mode="after")
    def _check_schema_classification_options(self) -> Self:
        self._schema_classification_options()
        return self

    def _schema_classification_options(self) -> SchemaClassificationOptions:
        return SchemaClassificationOptions(
            self.classification_schema, self.threshold, self.model, self.max_chunk_tokens
        )

    def _tagging_task(self) -> SchemaClassificationTask:
        """The task whose results go under ``metadata_key``."""
        return SchemaClassificationTask(self._schema_classification_options())


class ModerationFields(BaseModel):
    """Moderation options; batch mode is refused at construction for a model the
    Batch API cannot run (only ``llama-guard-4-12b`` goes over chat)."""

    model: str = Field(
        default=DEFAULT_MODERATION_MODEL,
        description="zlm-v1-moderation-edge (or omni-moderation-latest / "
        "text-moderation-stable, its aliases) or llama-guard-4-12b.",
    )
    threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Moderations route: flag a category at this score or above.",
    )
    categories: list[str] | None = Field(
        default=None, description="Only these categories count (all when unset)."
    )
    max_chunk_tokens: int | None = Field(default=None, ge=1, description="Budget override.")

    @model_validator(mode="after")
    def _check_moderation_options(self) -> Self:
        self._moderation_options()
        if isinstance(self, BatchModeFields) and self.mode == "batch":
            check_batch_moderation(self.model)
        return self

    def _moderation_options(self) -> ModerationOptions:
        return ModerationOptions(self.model, self.threshold, self.categories, self.max_chunk_tokens)


class PIIFields(BaseModel):
    """How PII is found: model, threshold, categories, windows and verification."""

    model: str = Field(default=DEFAULT_PII_MODEL, description="PII model id.")
    threshold: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Minimum score (the service's 0.5 when unset)."
    )
    categories: list[str] | None = Field(
        default=None, description="Category groups, e.g. ['identity', 'contact'] (all when unset)."
    )
    extra_metadata: dict[str, Any] = Field(
        default_factory=dict, description="Further documented `metadata` keys sent to the model."
    )
    propagate: bool = Field(default=True, description="Mask repeats of detected strings too.")
    max_chunk_tokens: int | None = Field(default=None, ge=1, description="Budget override.")
    verification: Verification = Field(
        default="strict",
        description="'strict': a reply that cannot be verified fails its document; "
        "'lenient': mask the union of what the reply's parts flag (docs/guides/pii.md).",
    )

    @model_validator(mode="after")
    def _check_pii_options(self) -> Self:
        self._options()
        return self

    def _options(self) -> PIIOptions:
        """The task options (classes that number placeholders override this)."""
        return self._pii_options()

    def _pii_options(self, *, reversible: bool = False) -> PIIOptions:
        return PIIOptions(
            model=self.model,
            threshold=self.threshold,
            categories=self.categories,
            extra_metadata=self.extra_metadata,
            reversible=reversible,
            propagate=self.propagate,
            max_chunk_tokens=self.max_chunk_tokens,
            verification=self.verification,
            metadata_keys=self._metadata_keys(),
        )

    def _metadata_keys(self) -> list[str]:
        return []


class PIIRedactionFields(PIIFields):
    """Redaction: the PII options, redacted metadata keys and the failure policy."""

    redact_metadata_keys: list[str] = Field(
        default_factory=list,
        description="Metadata keys whose text values are redacted too (same placeholders).",
    )
    on_failure: DropPolicy = Field(
        default="raise",
        description="'raise' (BatchTransformError with the finished results) or 'drop' "
        "(left out and logged); a document is never passed on unredacted.",
    )
    metadata_key: str = Field(default="pii", description="Metadata key for the audit data.")

    def _metadata_keys(self) -> list[str]:
        return self.redact_metadata_keys
