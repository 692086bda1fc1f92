"""The ZeroGPU model catalog (CONTRACT section 16), shared by both adapters.

The API has no ``GET /models`` route, so these facts are written down here. Unknown
model ids are still accepted everywhere: :func:`get_model` returns ``None`` and the
callers fall back to conservative defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ModelKind = Literal["chat", "task", "embedding", "moderation"]
Route = Literal["chat", "responses", "embeddings", "moderations"]

__all__ = [
    "DEFAULT_CHAT_MODEL",
    "DEFAULT_EMBEDDING_MODEL",
    "MODELS",
    "ModelInfo",
    "ModelKind",
    "Route",
    "get_model",
    "require_kind",
]

DEFAULT_CHAT_MODEL = "llama-3.1-8b-instruct-fast"
DEFAULT_EMBEDDING_MODEL = "bge-small-en-v1.5"


@dataclass(frozen=True)
class ModelInfo:
    """What the catalog says about one model.

    Attributes:
        id: The model id exactly as the API expects it (case matters).
        kind: ``chat`` (generative), ``task`` (classification/extraction with a JSON
            payload), ``embedding`` or ``moderation``.
        routes: The inference routes that accept the model.
        input_token_limit: The catalog's "Max tokens" (input budget / context window).
        function_calling: Whether tool calling is advertised for the model.
        reasoning: Whether the model returns a reasoning trace.
        embedding_dimensions: Vector size for embedding models.
        languages: A short note on language coverage, when the catalog gives one.
    """

    id: str
    kind: ModelKind
    routes: tuple[Route, ...]
    input_token_limit: int
    function_calling: bool = False
    reasoning: bool = False
    embedding_dimensions: int | None = None
    languages: str | None = None


_BOTH: tuple[Route, ...] = ("responses", "chat")
_CHAT: tuple[Route, ...] = ("chat",)

MODELS: dict[str, ModelInfo] = {
    m.id: m
    for m in (
        ModelInfo("gpt-oss-120b", "chat", _BOTH, 131_072, function_calling=True, reasoning=True),
        ModelInfo(
            "qwen3-30b-a3b-fp8", "chat", _CHAT, 32_768, function_calling=True, reasoning=True
        ),
        ModelInfo("glm-5.2", "chat", _CHAT, 1_048_576, function_calling=True, reasoning=True),
        ModelInfo(
            "deepseek-v4-flash", "chat", _CHAT, 1_048_576, function_calling=True, reasoning=True
        ),
        ModelInfo("llama-3.1-8b-instruct-fast", "chat", _CHAT, 131_072),
        ModelInfo("LFM2.5-1.2B-Instruct", "chat", _BOTH, 32_768),
        ModelInfo("LFM2.5-1.2B-Thinking", "chat", _BOTH, 32_768, reasoning=True),
        ModelInfo("t5-small", "chat", _BOTH, 512),
        ModelInfo("zlm-v1-iab-classify-edge", "task", _BOTH, 400, languages="50+"),
        ModelInfo("zlm-v2-iab-classify-edge-enriched", "task", _BOTH, 400, languages="50+"),
        ModelInfo("zlm-v1-iab-domain-classifier", "task", _BOTH, 100),
        ModelInfo("zlm-v1-multi-iab-classify", "task", _BOTH, 400, languages="non-English"),
        ModelInfo("deberta-v3-small", "task", _BOTH, 400),
        ModelInfo("gliner-multi-pii-v1", "task", _BOTH, 800, languages="en, fr, de, es, it, pt"),
        ModelInfo("gliner2-base-v1", "task", _BOTH, 800),
        ModelInfo("zlm-v1-moderation-edge", "moderation", ("moderations",), 4_000),
        ModelInfo("all-minilm-l6-v2", "embedding", ("embeddings",), 256, embedding_dimensions=384),
        ModelInfo("bge-small-en-v1.5", "embedding", ("embeddings",), 512, embedding_dimensions=384),
    )
}


def get_model(model_id: str) -> ModelInfo | None:
    """Return the catalog entry for ``model_id``, or ``None`` for an unknown id."""
    return MODELS.get(model_id)


def require_kind(model_id: str, *kinds: ModelKind, purpose: str) -> None:
    """Raise ``ValueError`` when a *known* model is of the wrong kind for ``purpose``.

    Unknown ids pass: the catalog is not exhaustive and the live API is the judge.
    """
    info = MODELS.get(model_id)
    if info is not None and info.kind not in kinds:
        usable = sorted(m.id for m in MODELS.values() if m.kind in kinds)
        raise ValueError(
            f"Model {model_id!r} is a {info.kind} model and cannot be used for {purpose}. "
            f"Use one of: {', '.join(usable)}."
        )
