"""What a guard does with moderation verdicts, for every framework's guard.

A guard lets content through only when a verdict says it is not flagged: a flagged
item is dropped or raised (:func:`screened`), and an item whose check failed is
never taken as unflagged (it raises, or is dropped). :func:`violation_notice` is the
message shown in place of flagged content.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal

from zerogpu_core.tasks.moderate import ContentFlaggedError, ModerationVerdict
from zerogpu_core.tasks.results import DocumentResults, DropPolicy

__all__ = [
    "DEFAULT_VIOLATION_MESSAGE",
    "FlaggedPolicy",
    "screened",
    "violation_notice",
]

#: What happens to flagged content: left out, or a :class:`ContentFlaggedError`.
FlaggedPolicy = Literal["drop", "raise"]
DEFAULT_VIOLATION_MESSAGE = "I can't help with that: the content was flagged for {categories}."


def violation_notice(
    verdict: ModerationVerdict,
    stage: str,
    template: str | None = None,
    original: str = "",
) -> str:
    """``template`` with ``{categories}``, ``{category_scores}``, ``{stage}`` and
    ``{original_content}`` filled in; a template with other braces is used as written."""
    fields = {
        "categories": ", ".join(verdict.categories) or "ZeroGPU's moderation policy",
        "category_scores": json.dumps(verdict.scores, sort_keys=True),
        "stage": stage,
        "original_content": original,
    }
    text = template or DEFAULT_VIOLATION_MESSAGE
    try:
        return text.format(**fields)
    except (KeyError, IndexError, ValueError):
        return text


def screened(
    outcome: DocumentResults[ModerationVerdict],
    *,
    on_flagged: FlaggedPolicy,
    on_failure: DropPolicy,
    stage: str,
    noun: str = "document",
    ids: Sequence[str | None] | None = None,
) -> list[int]:
    """The positions of the items that passed: checked and not flagged.

    Raises:
        BatchTransformError: when a check failed and ``on_failure="raise"``.
        ContentFlaggedError: for the first flagged item when ``on_flagged="raise"``.
        ValueError: for an unknown policy (nothing passes by mistake).
    """
    if on_flagged not in ("drop", "raise"):
        raise ValueError(f"on_flagged must be 'drop' or 'raise', got {on_flagged!r}")
    outcome.drop_failed(list(outcome.results), on_failure=on_failure, noun=noun, action="checked")
    passed: list[int] = []
    for index, verdict in enumerate(outcome.results):
        if verdict is None:
            continue
        if not verdict.flagged:
            passed.append(index)
        elif on_flagged == "raise":
            where = f"{noun} #{index}" + (f" (id {ids[index]!r})" if ids and ids[index] else "")
            message = f"{where} was flagged for {', '.join(verdict.categories) or 'a violation'}"
            raise ContentFlaggedError(message, verdict=verdict, stage=stage)
    return passed
