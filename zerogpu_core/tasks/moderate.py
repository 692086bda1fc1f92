"""Content moderation: one verdict type for both ZeroGPU moderation models.

- ``zlm-v1-moderation-edge`` on ``POST /v1/moderations`` scores OpenAI's 13
  categories (``omni-moderation-latest`` and ``text-moderation-stable`` are
  accepted as aliases of it);
- ``llama-guard-4-12b`` on the chat route answers ``safe`` or ``unsafe`` with
  Llama Guard 4 hazard codes (read by :func:`~zerogpu_core.tasks.moderation.parse_guard_verdict`).

Text longer than the model's input limit is never truncated: it is split into
contiguous chunks that together hold every character, each chunk is judged, and
the text is flagged when any chunk is (categories are the union, each score the
highest over the chunks). A reply that cannot be read fails the call; it is never
taken as "not flagged".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from zerogpu_core.tasks._checks import check_text, check_threshold
from zerogpu_core.tasks._payload import TaskOutputError
from zerogpu_core.tasks.chunking import TextChunk, split_text, token_budget
from zerogpu_core.tasks.moderation import (
    GUARD_MODEL,
    HAZARD_CATEGORIES,
    parse_guard_verdict,
)
from zerogpu_core.types import ModerationResult

__all__ = [
    "DEFAULT_MODERATION_MODEL",
    "MAX_REQUEST_CHARS",
    "MODERATION_ALIASES",
    "MODERATION_CATEGORIES",
    "MODERATION_MODELS",
    "ContentFlaggedError",
    "ModerationOptions",
    "ModerationVerdict",
    "guard_verdict",
    "plan_moderation",
    "request_groups",
    "scored_verdict",
]

DEFAULT_MODERATION_MODEL = "zlm-v1-moderation-edge"
#: OpenAI model ids the moderations route maps to ``zlm-v1-moderation-edge``.
MODERATION_ALIASES = ("omni-moderation-latest", "text-moderation-stable")
MODERATION_MODELS = (DEFAULT_MODERATION_MODEL, *MODERATION_ALIASES, GUARD_MODEL)
#: The 13 categories of the moderations route, in the documented order.
MODERATION_CATEGORIES = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)
#: The documented cap on one request's text, whatever its token count.
MAX_REQUEST_CHARS = 131_072


@dataclass(frozen=True)
class ModerationOptions:
    """Which model judges the text and what counts as flagged.

    Attributes:
        model: ``zlm-v1-moderation-edge`` (or an OpenAI alias of it) or
            ``llama-guard-4-12b``.
        threshold: moderations route only: flag a category when its score is at
            least this (0..1), instead of the model's own decision.
        categories: only these count: names from :data:`MODERATION_CATEGORIES`,
            or hazard codes (``"S1"``) for Llama Guard. All when unset.
        max_chunk_tokens: override of the catalog input limit per request.
    """

    model: str = DEFAULT_MODERATION_MODEL
    threshold: float | None = None
    categories: Sequence[str] | None = None
    max_chunk_tokens: int | None = None

    def __post_init__(self) -> None:
        if self.model not in MODERATION_MODELS:
            raise ValueError(
                f"model {self.model!r} is not a moderation model; use one of: "
                + ", ".join(MODERATION_MODELS)
            )
        check_threshold(self.threshold)
        if self.threshold is not None and self.is_guard:
            raise ValueError(
                f"threshold does not apply to {GUARD_MODEL}: its verdict has no scores"
            )
        if self.categories is not None:
            object.__setattr__(self, "categories", self._checked_categories(self.categories))
        token_budget(self._canonical, self.max_chunk_tokens)  # refuses a bad override now

    @property
    def is_guard(self) -> bool:
        """Whether the model is Llama Guard (chat route, text verdict)."""
        return self.model == GUARD_MODEL

    @property
    def budget(self) -> int:
        """Estimated input tokens per request."""
        return token_budget(self._canonical, self.max_chunk_tokens)

    @property
    def _canonical(self) -> str:
        # The aliases are not catalog ids; their limit is the edge model's.
        return GUARD_MODEL if self.is_guard else DEFAULT_MODERATION_MODEL

    def _checked_categories(self, value: Sequence[str]) -> tuple[str, ...]:
        valid = tuple(HAZARD_CATEGORIES) if self.is_guard else MODERATION_CATEGORIES
        if isinstance(value, str) or not value:
            raise ValueError("categories must be a non-empty list, e.g. " + repr(list(valid[:2])))
        unknown = [v for v in value if v not in valid]
        if unknown:
            raise ValueError(
                f"categories has {', '.join(map(repr, unknown))}, not a category of "
                f"{self.model}; valid: {', '.join(valid)}"
            )
        return tuple(value)


@dataclass(frozen=True)
class ModerationVerdict:
    """The judgement of one text.

    Attributes:
        model: the model that judged it (as the API reports it).
        flagged: whether any chunk was flagged.
        categories: the flagged categories (Llama Guard: hazard names).
        scores: the highest score per category over the chunks (moderations
            route only; Llama Guard gives no scores).
        codes: Llama Guard hazard codes of an unsafe verdict, e.g. ``("S1",)``.
        chunks: how many chunks were judged.
    """

    model: str
    flagged: bool
    categories: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    codes: tuple[str, ...] = ()
    chunks: int = 1

    def to_metadata(self) -> dict[str, Any]:
        """Plain JSON of the verdict (never the judged text)."""
        data: dict[str, Any] = {
            "model": self.model,
            "flagged": self.flagged,
            "categories": list(self.categories),
            "chunks": self.chunks,
        }
        if self.scores:
            data["scores"] = dict(self.scores)
        if self.codes:
            data["codes"] = list(self.codes)
        return data


class ContentFlaggedError(RuntimeError):
    """Moderation flagged content that was not allowed through.

    Attributes:
        verdict: the :class:`ModerationVerdict`.
        stage: where it was found (e.g. ``"input"``, ``"output"``, ``"tool"``), if known.
    """

    def __init__(self, message: str, *, verdict: ModerationVerdict, stage: str | None = None):
        super().__init__(message)
        self.verdict = verdict
        self.stage = stage

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild_flagged, (type(self), self.args[0], self.verdict, self.stage)


def _rebuild_flagged(
    cls: type[ContentFlaggedError], message: str, verdict: ModerationVerdict, stage: str | None
) -> ContentFlaggedError:
    return cls(message, verdict=verdict, stage=stage)


def plan_moderation(text: str, options: ModerationOptions) -> list[TextChunk]:
    """Contiguous chunks within the request limits; whitespace-only chunks are left
    out (there is nothing in them to judge).

    Raises:
        ValueError: for a non-string or blank ``text``.
    """
    check_text(text)
    chunks = _bounded(TextChunk(0, text), options.budget)
    return [chunk for chunk in chunks if not chunk.is_blank]


def _bounded(chunk: TextChunk, budget: int) -> list[TextChunk]:
    """``chunk`` split to ``budget`` tokens, then again until no piece exceeds
    :data:`MAX_REQUEST_CHARS` (the token estimate alone does not bound characters)."""
    pieces = [TextChunk(chunk.start + p.start, p.text) for p in split_text(chunk.text, budget)]
    if all(len(p.text) <= MAX_REQUEST_CHARS for p in pieces):
        return pieces
    smaller = max(1, budget // 2)
    return [small for p in pieces for small in _bounded(p, smaller)]


def request_groups(
    chunks: Sequence[TextChunk], max_chars: int = MAX_REQUEST_CHARS
) -> list[list[TextChunk]]:
    """Consecutive chunks batched into one moderations request (an array ``input``,
    one result each) while their text stays within ``max_chars``."""
    groups: list[list[TextChunk]] = []
    size = 0
    for chunk in chunks:
        if groups and size + len(chunk.text) <= max_chars:
            groups[-1].append(chunk)
            size += len(chunk.text)
        else:
            groups.append([chunk])
            size = len(chunk.text)
    return groups


def _hits(result: ModerationResult, options: ModerationOptions, model: str) -> set[str]:
    """The categories of one result that count as flagged under ``options``."""
    if options.threshold is not None:
        names = options.categories or tuple(result.category_scores)
        _require(names, result.category_scores, model, "score")
        return {n for n in names if result.category_scores[n] >= options.threshold}
    if options.categories:
        _require(options.categories, result.categories, model, "decision")
        return {n for n in options.categories if result.categories[n]}
    return {n for n, flagged in result.categories.items() if flagged}


def _require(names: Sequence[str], present: dict[str, Any], model: str, what: str) -> None:
    missing = [n for n in names if n not in present]
    if missing or not names:
        shown = ", ".join(missing) or "any category"
        raise TaskOutputError(f"{model} returned no {what} for {shown}")


def _ordered(names: set[str], order: Sequence[str]) -> tuple[str, ...]:
    known = [n for n in order if n in names]
    return (*known, *sorted(names - set(order)))


def scored_verdict(
    results: Sequence[ModerationResult], options: ModerationOptions, model: str
) -> ModerationVerdict:
    """The verdict of a text from its chunks' moderations results.

    Without ``threshold`` or ``categories`` the model's own ``flagged`` also counts
    (a result flagged with no category set is still flagged).

    Raises:
        TaskOutputError: when a result lacks a category that has to be checked.
    """
    hits: set[str] = set()
    flagged = False
    scores: dict[str, float] = {}
    for result in results:
        found = _hits(result, options, model)
        hits |= found
        own = result.flagged and options.threshold is None and not options.categories
        flagged = flagged or own or bool(found)
        for name, score in result.category_scores.items():
            scores[name] = max(score, scores.get(name, score))
    return ModerationVerdict(
        model=model,
        flagged=flagged,
        categories=_ordered(hits, MODERATION_CATEGORIES),
        scores={n: scores[n] for n in _ordered(set(scores), MODERATION_CATEGORIES)},
        chunks=len(results),
    )


def guard_verdict(answers: Sequence[str], options: ModerationOptions) -> ModerationVerdict:
    """The verdict of a text from its chunks' Llama Guard answers.

    An ``unsafe`` verdict without hazard codes stays flagged even when
    ``categories`` is set: it cannot be shown to lie outside them.

    Raises:
        TaskOutputError: when an answer is not a safe/unsafe verdict.
    """
    verdicts = [parse_guard_verdict(answer, model=options.model) for answer in answers]
    codes: set[str] = set()
    flagged = False
    for verdict in verdicts:
        if verdict.safe:
            continue
        found = set(verdict.codes)
        if options.categories and found:
            found &= set(options.categories)
            flagged = flagged or bool(found)
        else:
            flagged = True
        codes |= found
    ordered = _ordered(codes, tuple(HAZARD_CATEGORIES))
    return ModerationVerdict(
        model=options.model,
        flagged=flagged,
        categories=tuple(HAZARD_CATEGORIES.get(code, code) for code in ordered),
        codes=ordered,
        chunks=len(verdicts),
    )
