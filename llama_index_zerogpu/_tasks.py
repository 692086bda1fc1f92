"""What the ZeroGPU task components share: connection settings and node copies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, TypeVar

from llama_index.core.schema import BaseNode, MetadataMode

from zerogpu_core._arguments import ArgumentPolicy
from zerogpu_core._inputs import check_free_metadata_key
from zerogpu_core.client_cache import ZeroGPUConnection
from zerogpu_core.tasks import DocumentResults, PIIResult

__all__ = [
    "ZeroGPUTaskSettings",
    "hide_metadata_key",
    "node_metadata",
    "node_texts",
    "redacted_node",
    "redacted_nodes",
]

N = TypeVar("N", bound=BaseNode)


class ZeroGPUTaskSettings(ArgumentPolicy, ZeroGPUConnection):
    """Connection settings (:class:`~zerogpu_core.ConnectionSettings`). Unknown
    arguments are an error (``model_name`` and ``api_base`` are accepted)."""

    # Serialised pipelines (to_dict / from_dict) carry the class name.
    _ignored_arguments: ClassVar[frozenset[str]] = frozenset({"class_name"})


def node_metadata(nodes: Sequence[BaseNode]) -> list[dict[str, Any]]:
    """Each node's metadata (the redacted keys are read from it)."""
    return [n.metadata for n in nodes]


def node_texts(
    nodes: Sequence[BaseNode], mode: MetadataMode, *, free_key: str | None = None, owner: str = ""
) -> tuple[list[str], list[str | None]]:
    """Each node's text (read with ``mode``) and its id.

    Raises:
        ValueError: when ``free_key`` is given and a node's metadata already has it.
    """
    ids: list[str | None] = [n.node_id for n in nodes]
    if free_key is not None:
        metadatas = [n.metadata for n in nodes]
        check_free_metadata_key(metadatas, free_key, owner=owner, ids=ids, noun="node")
    return [n.get_content(metadata_mode=mode) for n in nodes], ids


def hide_metadata_key(node: BaseNode, key: str) -> None:
    """Keep ``metadata[key]`` out of the node's embedding and LLM text."""
    for excluded in (node.excluded_embed_metadata_keys, node.excluded_llm_metadata_keys):
        if key not in excluded:
            excluded.append(key)


def redacted_node(
    node: N, result: PIIResult, *, metadata_key: str, mapping_key: str | None = None
) -> N:
    """A redacted deep copy of ``node``.

    The audit metadata, and the mapping when ``mapping_key`` is given, are hidden
    from embedding and LLM text, as LlamaIndex's own PII postprocessors do.
    """
    copy = node.model_copy(deep=True)
    copy.set_content(result.text)
    copy.metadata = result.redacted_metadata(copy.metadata)
    copy.metadata[metadata_key] = result.to_metadata()
    hide_metadata_key(copy, metadata_key)
    if mapping_key is not None:
        copy.metadata[mapping_key] = dict(result.mapping)
        hide_metadata_key(copy, mapping_key)
    return copy


def redacted_nodes(
    nodes: Sequence[N],
    outcome: DocumentResults[PIIResult],
    *,
    metadata_key: str,
    mapping_key: str | None = None,
) -> list[N | None]:
    """Redacted deep copies (see :func:`redacted_node`), ``None`` where redaction failed."""
    return [
        None
        if result is None
        else redacted_node(node, result, metadata_key=metadata_key, mapping_key=mapping_key)
        for node, result in zip(nodes, outcome.results, strict=True)
    ]
