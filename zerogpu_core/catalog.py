"""The ZeroGPU model catalog, shared by both adapters.

The API has no ``GET /models`` route, so these facts are written down here. A few ids
are used by the ``langchain-zerogpu`` 1.2.0 tools but appear nowhere in ZeroGPU's
docs; their entries say so in :attr:`ModelInfo.seen_only_in`. Unknown
model ids are still accepted everywhere (new models appear before this list knows
them): :func:`check_model` only refuses a *known* model used for the wrong job, and
warns when an unknown id looks like a typo of a known one.
"""

from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass
from typing import Literal

ModelKind = Literal["chat", "task", "embedding", "moderation"]
Route = Literal["chat", "responses", "embeddings", "moderations"]
TaskFamily = Literal["iab", "pii", "zero-shot", "extraction", "signals", "moderation"]
Use = Literal["chat", "embeddings", "pii", "iab", "extraction", "zero-shot", "signals"]

__all__ = [
    "DEFAULT_CHAT_MODEL",
    "DEFAULT_EMBEDDING_MODEL",
    "MODELS",
    "ModelInfo",
    "ModelKind",
    "Route",
    "TaskFamily",
    "Use",
    "check_model",
    "closest_models",
    "find_model",
    "get_model",
    "models_for",
]

#: The default chat model can call tools (agents work out of the box) and has a
#: 131K-token context; the cheaper llama-3.1-8b-instruct-fast and LFM2.5 models
#: cannot call tools according to the catalog.
DEFAULT_CHAT_MODEL = "gpt-oss-120b"
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
        task: For task models, what they do (``iab``, ``pii``, ``zero-shot``,
            ``extraction``, ``signals``, ``moderation``).
        seen_only_in: Where the id was seen when it is not in ZeroGPU's published
            catalog (its limits and capabilities come from that source, unverified).
    """

    id: str
    kind: ModelKind
    routes: tuple[Route, ...]
    input_token_limit: int
    function_calling: bool = False
    reasoning: bool = False
    embedding_dimensions: int | None = None
    languages: str | None = None
    task: TaskFamily | None = None
    seen_only_in: str | None = None

    @property
    def description(self) -> str:
        """What the model is, with its article: "an embedding model"."""
        what = _TASK_NAMES[self.task] if self.task else self.kind
        article = "an" if what[0].lower() in "aeiou" else "a"
        return f"{article} {what} model"


_TASK_NAMES: dict[TaskFamily, str] = {
    "iab": "IAB classification",
    "pii": "PII detection",
    "zero-shot": "zero-shot classification",
    "extraction": "entity/JSON extraction",
    "signals": "contextual signal extraction",
    "moderation": "safety moderation",
}

_PII_LANGUAGES = "en, fr, de, es, it, pt"
_BOTH: tuple[Route, ...] = ("responses", "chat")
_CHAT: tuple[Route, ...] = ("chat",)
# Used by the langchain-zerogpu 1.2.0 tools (all but the signal model on the chat
# route); not in the published catalog, so their figures are that package's.
_LC_ONLY = "langchain-zerogpu 1.2.0"

_SEEN_ONLY_IN_LANGCHAIN_ZEROGPU = (
    ModelInfo(
        "glm-5.3-flash",
        "chat",
        _CHAT,
        1_048_576,
        function_calling=True,
        reasoning=True,
        seen_only_in=_LC_ONLY,
    ),
    ModelInfo(
        "deepseek-v4.1-flash",
        "chat",
        _CHAT,
        1_048_576,
        function_calling=True,
        reasoning=True,
        seen_only_in=_LC_ONLY,
    ),
    ModelInfo(
        "gpt-5.6-luna",
        "chat",
        _CHAT,
        272_000,
        function_calling=True,
        reasoning=True,
        seen_only_in=_LC_ONLY,
    ),
    ModelInfo(
        "gpt-4.1-mini", "chat", _CHAT, 1_047_576, function_calling=True, seen_only_in=_LC_ONLY
    ),
    ModelInfo("gpt-5.4-nano", "chat", _CHAT, 400_000, function_calling=True, seen_only_in=_LC_ONLY),
    # Answers "safe" or "unsafe" plus hazard codes as text on the chat route.
    ModelInfo(
        "llama-guard-4-12b", "task", _CHAT, 160_000, task="moderation", seen_only_in=_LC_ONLY
    ),
    # The input limit is not published; the 400 tokens of the zlm edge classifiers
    # are assumed.
    ModelInfo(
        "zlm-v1-signal-extract", "task", ("responses",), 400, task="signals", seen_only_in=_LC_ONLY
    ),
)

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
        ModelInfo("zlm-v1-iab-classify-edge", "task", _BOTH, 400, languages="50+", task="iab"),
        ModelInfo(
            "zlm-v2-iab-classify-edge-enriched", "task", _BOTH, 400, languages="50+", task="iab"
        ),
        ModelInfo("zlm-v1-iab-domain-classifier", "task", _BOTH, 100, task="iab"),
        ModelInfo(
            "zlm-v1-multi-iab-classify", "task", _BOTH, 400, languages="non-English", task="iab"
        ),
        ModelInfo("deberta-v3-small", "task", _BOTH, 400, task="zero-shot"),
        ModelInfo("gliner-multi-pii-v1", "task", _BOTH, 800, task="pii", languages=_PII_LANGUAGES),
        ModelInfo("gliner2-base-v1", "task", _BOTH, 800, task="extraction"),
        ModelInfo("zlm-v1-moderation-edge", "moderation", ("moderations",), 4_000),
        *_SEEN_ONLY_IN_LANGCHAIN_ZEROGPU,
        ModelInfo("all-minilm-l6-v2", "embedding", ("embeddings",), 256, embedding_dimensions=384),
        ModelInfo("bge-small-en-v1.5", "embedding", ("embeddings",), 512, embedding_dimensions=384),
    )
}

_BY_FOLDED = {model_id.casefold(): info for model_id, info in MODELS.items()}

_USES: dict[Use, str] = {
    "chat": "chat completions",
    "embeddings": "embeddings",
    "pii": "PII detection",
    "iab": "IAB classification",
    "extraction": "entity extraction",
    "zero-shot": "zero-shot classification",
    "signals": "signal extraction",
}


def get_model(model_id: str) -> ModelInfo | None:
    """The entry whose id is exactly ``model_id`` (the API's spelling), or ``None``."""
    return MODELS.get(model_id)


def find_model(model_id: str) -> ModelInfo | None:
    """The entry for ``model_id`` ignoring case (``all-MiniLM-L6-v2`` finds MiniLM)."""
    return MODELS.get(model_id) or _BY_FOLDED.get(model_id.casefold())


def _serves(info: ModelInfo, use: Use) -> bool:
    if use == "chat":
        return info.kind == "chat"
    if use == "embeddings":
        return info.kind == "embedding"
    return info.task == use


def models_for(use: Use) -> list[str]:
    """The catalog ids suitable for ``use``, sorted."""
    return sorted(m.id for m in MODELS.values() if _serves(m, use))


def closest_models(
    model_id: str, candidates: list[str] | None = None, *, n: int = 3, cutoff: float = 0.6
) -> list[str]:
    """Catalog ids that look like ``model_id`` (closest first), ignoring case."""
    pool = candidates if candidates is not None else list(MODELS)
    folded = {c.casefold(): c for c in pool}
    matches = difflib.get_close_matches(model_id.casefold(), list(folded), n=n, cutoff=cutoff)
    return [folded[m] for m in matches]


def check_model(model_id: str, use: Use, *, owner: str = "") -> None:
    """Refuse a known model that cannot serve ``use``; warn about a likely typo.

    Args:
        model_id: The id the user gave.
        use: What the model is for (``chat``, ``embeddings``, ``pii``, ``iab``).
        owner: The class or function name that starts the messages, if any.

    Raises:
        ValueError: when the catalog knows ``model_id`` (in any letter case) and it
            is not a model for ``use``; the message lists the models that are.
    """
    prefix = f"{owner}: " if owner else ""
    usable = models_for(use)
    info = find_model(model_id)
    if info is not None and not _serves(info, use):
        raise ValueError(
            f"{prefix}model {model_id!r} is {info.description} and cannot be used for "
            f"{_USES[use]}. Use one of: {', '.join(usable)}."
        )
    note = _spelling_note(model_id, info, usable)
    if note is not None:
        warnings.warn(prefix + note, UserWarning, stacklevel=3)


def _spelling_note(model_id: str, info: ModelInfo | None, usable: list[str]) -> str | None:
    """A "did you mean" for a miss-cased or nearly-matching id, else ``None``."""
    if info is not None:
        if info.id == model_id:
            return None
        return (
            f"model {model_id!r} is spelled {info.id!r} in the ZeroGPU catalog and the API "
            f"matches ids exactly. Did you mean {info.id!r}?"
        )
    near = closest_models(model_id, usable, n=1, cutoff=0.85)
    if not near:
        return None
    return (
        f"model {model_id!r} is not in the ZeroGPU catalog; it is sent as given. "
        f"Did you mean {near[0]!r}?"
    )
