"""Moderation around each question and answer, with the core ``moderate`` task.

The same guard serves both frameworks: the question is judged before it is
asked (a flagged one is refused without calling the model), the answer before it
is shown (a flagged one is withheld).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from demo.results import PipelineRun
from demo.target import Target
from zerogpu_core import ZeroGPUClient
from zerogpu_core.tasks import ModerationOptions, ModerationVerdict, moderate

__all__ = ["PROBE", "Guard"]

#: A threat the report judges too, to show what a flagged verdict looks like.
PROBE = "Refund me today or I will hurt you."


@dataclass(frozen=True)
class Guard:
    """Judges text with a ZeroGPU moderation model and records the verdicts on a run."""

    client: ZeroGPUClient
    options: ModerationOptions = field(default_factory=ModerationOptions)

    @classmethod
    def for_target(cls, target: Target) -> Guard:
        """A guard on ``target`` (the live API or the emulator)."""
        return cls(ZeroGPUClient(**target.settings()))

    def judge(self, text: str) -> ModerationVerdict:
        """The verdict on ``text``."""
        return moderate(self.client, text, self.options)

    def ask(self, run: PipelineRun, question: str, answer: Callable[[], str]) -> str:
        """``answer()`` to ``question`` unless moderation flags either of them."""
        verdict = run.moderation["question"] = self.judge(question)
        if verdict.flagged:
            return f"(not asked: the question was flagged for {_categories(verdict)})"
        text = answer()
        if not text.strip():
            return text
        verdict = run.moderation["answer"] = self.judge(text)
        if verdict.flagged:
            return f"(withheld: the answer was flagged for {_categories(verdict)})"
        return text


def _categories(verdict: ModerationVerdict) -> str:
    return ", ".join(verdict.categories) or "the moderation policy"
