"""Field sets of the summary, signals and domain-IAB task kinds, for both frameworks.

Like :mod:`zerogpu_core.tasks.fields`: each set checks its options at construction,
so a bad value fails when the object is built, not at the first document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, model_validator

from zerogpu_core.tasks.domain_iab import DomainIABOptions, DomainIABTask
from zerogpu_core.tasks.iab import DOMAIN_IAB_MODEL
from zerogpu_core.tasks.results import KeepPolicy
from zerogpu_core.tasks.signals import (
    SIGNALS_MODEL,
    SignalsOptions,
    SignalsTask,
    check_signals_mode,
)
from zerogpu_core.tasks.summaries import SummaryOptions, SummaryTask
from zerogpu_core.tasks.summarize import SUMMARY_MODEL

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["DomainIABFields", "SignalsFields", "SummaryFields"]

_KEEP_DESCRIPTION = (
    "'raise' (BatchTransformError with the finished results) or 'keep' "
    "(the failed document unchanged, with {'error': {...}} under metadata_key)."
)


class SummaryFields(BaseModel):
    """Summary options (``llama-3.1-8b-instruct-fast``, ``t5-small`` or a chat model)."""

    model: str = Field(default=SUMMARY_MODEL, description="Summary model id.")
    max_chunk_tokens: int | None = Field(default=None, ge=1, description="Budget override.")
    max_summary_tokens: int | None = Field(
        default=None, ge=1, description="Completion cap per chunk (not for t5-small)."
    )
    on_failure: KeepPolicy = Field(default="raise", description=_KEEP_DESCRIPTION)

    @model_validator(mode="after")
    def _check_summary_options(self) -> Self:
        self._summary_options()
        return self

    def _summary_options(self) -> SummaryOptions:
        return SummaryOptions(self.model, self.max_chunk_tokens, self.max_summary_tokens)

    def _tagging_task(self) -> SummaryTask:
        """The task whose results go under ``metadata_key``."""
        return SummaryTask(self._summary_options())


class SignalsFields(BaseModel):
    """Signal extraction options (``zlm-v1-signal-extract``; no Batch API mode)."""

    model: str = Field(default=SIGNALS_MODEL, description="Signal model id.")
    max_keywords: int | None = Field(
        default=None, ge=1, description="Sent as metadata.max_keywords."
    )
    max_chunk_tokens: int | None = Field(default=None, ge=1, description="Budget override.")
    on_failure: KeepPolicy = Field(default="raise", description=_KEEP_DESCRIPTION)
    metadata_key: str = Field(default="signals", description="Metadata key for the result.")

    @model_validator(mode="after")
    def _check_signals_options(self) -> Self:
        self._signals_options()
        # Mixed with the batch-mode fields in framework classes: refuse at construction.
        check_signals_mode(getattr(self, "mode", "sync") == "batch")
        return self

    def _signals_options(self) -> SignalsOptions:
        return SignalsOptions(self.model, self.max_keywords, self.max_chunk_tokens)

    def _tagging_task(self) -> SignalsTask:
        """The task whose results go under ``metadata_key``."""
        return SignalsTask(self._signals_options())


class DomainIABFields(BaseModel):
    """Domain classification options (``zlm-v1-iab-domain-classifier``)."""

    model: str = Field(default=DOMAIN_IAB_MODEL, description="Domain classifier id.")
    on_failure: KeepPolicy = Field(default="raise", description=_KEEP_DESCRIPTION)
    metadata_key: str = Field(default="domain_iab", description="Metadata key for the result.")

    @model_validator(mode="after")
    def _check_domain_options(self) -> Self:
        self._domain_options()
        return self

    def _domain_options(self) -> DomainIABOptions:
        return DomainIABOptions(self.model)

    def _tagging_task(self) -> DomainIABTask:
        """The task whose results go under ``metadata_key``."""
        return DomainIABTask(self._domain_options())
