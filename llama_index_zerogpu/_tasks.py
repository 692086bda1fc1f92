"""What the ZeroGPU task components share: connection settings, the batch mode and
node copies."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Literal, TypeVar

from llama_index.core.bridge.pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    SecretStr,
    field_validator,
)
from llama_index.core.schema import BaseNode, MetadataMode

from zerogpu_core._secrets import InputHidingModel
from zerogpu_core.client_cache import ClientCache
from zerogpu_core.tasks import BatchAPIOptions, BatchResult, PIIResult

__all__ = ["BatchModeSettings", "ZeroGPUTaskSettings", "node_texts", "redacted_nodes"]

N = TypeVar("N", bound=BaseNode)


class ZeroGPUTaskSettings(InputHidingModel, BaseModel):
    """Connection settings. ``api_key`` is excluded from ``to_dict()`` (and so from
    ingestion-cache keys); unset values come from ``ZEROGPU_*`` variables."""

    api_key: SecretStr | None = Field(
        default=None, exclude=True, repr=False, description="Defaults to ZEROGPU_API_KEY."
    )
    project_id: str | None = Field(default=None, description="Defaults to ZEROGPU_PROJECT_ID.")
    base_url: str | None = Field(default=None, description="Defaults to ZEROGPU_BASE_URL.")
    timeout: float | None = Field(default=None, gt=0, description="Seconds per attempt.")
    max_retry_after: float | None = Field(
        default=None, ge=0, description="Longest Retry-After waited out (core default 60 s)."
    )
    default_headers: dict[str, str] | None = Field(default=None, description="Extra headers.")

    _clients: ClientCache | None = PrivateAttr(default=None)

    def _client_cache(self, max_retries: int | None) -> ClientCache:
        self._clients = ClientCache.of(self, self._clients, max_retries=max_retries)
        return self._clients


class BatchModeSettings(BaseModel):
    """The choice between concurrent requests and one Batch API job."""

    mode: Literal["sync", "batch"] = Field(
        default="sync",
        description="'batch' sends every chunk as a line of one Batch API job (discounted, "
        "minutes to hours); results, metadata and failures are the same.",
    )
    batch_state_path: str | None = Field(
        default=None,
        description="Batch mode: the job's state file; a run finding it resumes that job "
        "(same nodes) instead of submitting again. Use a new path per job.",
    )
    batch_poll_interval: float = Field(
        default=5.0, gt=0, description="Batch mode: first delay between status polls (s)."
    )

    @field_validator("batch_state_path", mode="before")
    @classmethod
    def _path_text(cls, value: Any) -> Any:
        # Kept as text so to_json() (ingestion-cache keys) can serialise it.
        return os.fspath(value) if isinstance(value, os.PathLike) else value

    def _batch_api(self) -> BatchAPIOptions | None:
        if self.mode == "sync":
            return None
        return BatchAPIOptions(self.batch_state_path, self.batch_poll_interval)


def node_texts(nodes: Sequence[BaseNode], mode: MetadataMode) -> tuple[list[str], list[str | None]]:
    """Each node's text (read with ``mode``) and its id."""
    return [n.get_content(metadata_mode=mode) for n in nodes], [n.node_id for n in nodes]


def _hide(node: BaseNode, key: str) -> None:
    for excluded in (node.excluded_embed_metadata_keys, node.excluded_llm_metadata_keys):
        if key not in excluded:
            excluded.append(key)


def redacted_nodes(
    nodes: Sequence[N],
    outcome: BatchResult[PIIResult],
    *,
    metadata_key: str,
    mapping_key: str | None = None,
) -> list[N | None]:
    """Redacted deep copies (``None`` where redaction failed).

    The audit metadata, and the mapping when ``mapping_key`` is given, are hidden
    from embedding and LLM text, as LlamaIndex's own PII postprocessors do.
    """
    out: list[N | None] = []
    for node, result in zip(nodes, outcome.results, strict=True):
        if result is None:
            out.append(None)
            continue
        copy = node.model_copy(deep=True)
        copy.set_content(result.text)
        copy.metadata[metadata_key] = result.to_metadata()
        _hide(copy, metadata_key)
        if mapping_key is not None:
            copy.metadata[mapping_key] = dict(result.mapping)
            _hide(copy, mapping_key)
        out.append(copy)
    return out
