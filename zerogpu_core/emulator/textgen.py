"""Deterministic free text for generative models, plus ``stop``/``max_tokens`` rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

from zerogpu_core.emulator.wire import estimate_tokens

__all__ = [
    "Budgeted",
    "apply_stop",
    "excerpt",
    "reasoning_text",
    "reply_text",
    "split_words",
    "tool_result_text",
    "truncate_tokens",
]

_WORDS = re.compile(r"\s*\S+|\s+$")


def excerpt(text: str, limit: int = 80) -> str:
    """One-line excerpt of ``text`` (whitespace collapsed, cut with an ellipsis)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def reply_text(model_id: str, prompt: str, choice: int = 0) -> str:
    """The emulated answer to ``prompt``; choice ``i > 0`` is marked so ``n`` differs."""
    tag = f" (choice {choice + 1})" if choice else ""
    return (
        f'[emulated]{tag} {model_id} reply to "{excerpt(prompt)}". This deterministic '
        "answer comes from the local ZeroGPU emulator, not from the model."
    )


def reasoning_text(prompt: str) -> str:
    """The emulated reasoning trace for ``prompt``."""
    return (
        f'[emulated] Reasoning about "{excerpt(prompt, 60)}": a deterministic emulator '
        "trace, not model reasoning."
    )


def tool_result_text(results: list[tuple[str, str]]) -> str:
    """Answer built from ``(tool name, tool output)`` pairs after tool messages."""
    parts = [f'{name} returned "{excerpt(output, 120)}"' for name, output in results]
    return "[emulated] Based on the tool results: " + "; ".join(parts) + "."


def split_words(text: str) -> list[str]:
    """Split ``text`` into word pieces that concatenate back to ``text``."""
    return _WORDS.findall(text) or ([text] if text else [])


def apply_stop(text: str, stops: list[str]) -> str:
    """Cut ``text`` before the earliest occurrence of any stop sequence."""
    cut = min((i for i in (text.find(s) for s in stops) if i >= 0), default=-1)
    return text if cut < 0 else text[:cut]


@dataclass
class Budgeted:
    """Text after applying a token budget."""

    text: str
    truncated: bool


def truncate_tokens(text: str, budget: int | None) -> Budgeted:
    """Keep at most ``budget`` estimated tokens (4 characters each) of ``text``.

    The cut falls on a word boundary when one exists inside the allowance, so
    truncated answers read like a model that ran out of tokens.
    """
    if budget is None or estimate_tokens(text) <= budget:
        return Budgeted(text, truncated=False)
    allowance = budget * 4
    head = text[:allowance]
    boundary = head.rstrip().rfind(" ")
    if boundary > 0:
        head = head[:boundary]
    return Budgeted(head, truncated=True)
