"""Answer and reasoning text of a streamed chat choice, delta by delta.

A streamed reasoning trace arrives either in ``delta.reasoning`` /
``delta.reasoning_content`` or inline in ``<think>``/``<thinking>`` blocks of
``delta.content`` (reasoning models). Adapters feed each delta here and get the two
texts apart, so no framework ever shows the trace as part of the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zerogpu_core._reasoning import ThinkTagSplitter

if TYPE_CHECKING:
    # Annotations only: adapters import this before any response is parsed.
    from zerogpu_core.types.chat import ChoiceDelta

__all__ = ["DeltaTextSplitter"]


class DeltaTextSplitter:
    """Splits the deltas of one streamed choice into ``(answer, reasoning)`` text.

    Matches :attr:`ChatCompletionMessage.answer` for whole messages: the blank
    lines a model writes between a closing think tag and its answer are dropped.

    Example:
        >>> from zerogpu_core.types import ChoiceDelta
        >>> splitter = DeltaTextSplitter()
        >>> splitter.feed(ChoiceDelta(content="<think>hm</think>\\n\\nHi"))
        ('Hi', 'hm')
    """

    def __init__(self) -> None:
        self._tags = ThinkTagSplitter()
        self._inline_reasoning = False
        self._answer_started = False
        #: The answer has started and no tag is open or half-read: a delta of text
        #: without ``<`` and without reasoning fields is answer text as it is, and
        #: feeding it would change nothing (nearly every streamed token). Adapters
        #: may skip :meth:`feed` for such deltas.
        self.plain = False

    def feed(self, delta: ChoiceDelta) -> tuple[str, str]:
        """The answer and reasoning text this delta adds (either may be empty)."""
        content = delta.content
        if (
            self.plain
            and content
            and "<" not in content
            and not delta.reasoning
            and not delta.reasoning_content
        ):
            return content, ""
        explicit = (delta.reasoning or "") + (delta.reasoning_content or "")
        answer, inline = self._tags.feed(content) if content else ("", "")
        if inline or not self._answer_started:
            answer = self._answer(answer, inline)  # mid-answer plain text needs no stripping
        self.plain = self._answer_started and self._tags.idle
        return answer, explicit + inline

    def flush(self) -> tuple[str, str]:
        """Text held back at the end of the stream (a possible partial tag)."""
        answer, inline = self._tags.flush()
        return self._answer(answer, inline), inline

    def _answer(self, text: str, inline: str) -> str:
        if inline:
            self._inline_reasoning = True
        if self._inline_reasoning and not self._answer_started:
            text = text.lstrip()
        if text:
            self._answer_started = True
        return text
