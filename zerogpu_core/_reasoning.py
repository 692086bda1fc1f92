"""Separating a reasoning trace from the answer text (reasoning models send one).

Reasoning models return the trace in ``message.reasoning`` (or ``reasoning_content``);
the small thinking model may instead put it inline in ``<think>``/``<thinking>``
blocks. Inline blocks are split out here, once, for every adapter.
"""

from __future__ import annotations

import re

__all__ = ["ThinkTagSplitter", "split_think_blocks"]

_BLOCK = re.compile(r"<(think|thinking)>(.*?)</\1>", re.DOTALL | re.IGNORECASE)
_OPEN_TAGS = ("<think>", "<thinking>")


def split_think_blocks(text: str) -> tuple[str, str]:
    """Split ``text`` into ``(answer, reasoning)``.

    Complete ``<think>…</think>`` and ``<thinking>…</thinking>`` blocks become the
    reasoning (joined by blank lines); the rest, stripped, is the answer. An unclosed
    opening tag at the start means the answer was cut while thinking: everything after
    it is reasoning. Text without tags is returned unchanged as the answer.
    """
    if "<" not in text:
        return text, ""  # no tag at all: the common case, without the regex passes
    reasoning = [m.group(2).strip() for m in _BLOCK.finditer(text)]
    answer = _BLOCK.sub("", text)
    stripped = answer.lstrip()
    for tag in _OPEN_TAGS:
        if stripped.lower().startswith(tag):
            reasoning.append(stripped[len(tag) :].strip())
            answer = ""
            break
    if not reasoning:
        return text, ""
    return answer.strip(), "\n\n".join(r for r in reasoning if r)


class ThinkTagSplitter:
    """Incremental version of :func:`split_think_blocks` for streamed text.

    Feed content deltas; each call returns ``(answer_delta, reasoning_delta)``. Text
    that might be the start of a tag is held back until it can be decided, so a tag
    split across two chunks is still recognised. Call :meth:`flush` at the end.
    """

    def __init__(self) -> None:
        self._buffer = ""
        self._close_tag: str | None = None

    @property
    def idle(self) -> bool:
        """Nothing held back and no tag open: text without ``<`` passes unchanged."""
        return not self._buffer and self._close_tag is None

    def feed(self, text: str) -> tuple[str, str]:
        """Consume one delta and return what can be emitted now."""
        if not self._buffer and self._close_tag is None and "<" not in text:
            return text, ""  # plain answer text, nothing held back: the common delta
        self._buffer += text
        answer: list[str] = []
        reasoning: list[str] = []
        while self._buffer:
            if self._close_tag is None:
                start = self._buffer.find("<")
                if start < 0:
                    answer.append(self._buffer)
                    self._buffer = ""
                    break
                answer.append(self._buffer[:start])
                self._buffer = self._buffer[start:]
                lowered = self._buffer.lower()
                tag = next((t for t in _OPEN_TAGS if lowered.startswith(t)), None)
                if tag is not None:
                    self._buffer = self._buffer[len(tag) :]
                    self._close_tag = "</" + tag[1:]
                    continue
                if any(t.startswith(lowered) for t in _OPEN_TAGS):
                    break  # could still become a tag: wait for more text
                answer.append(self._buffer[0])
                self._buffer = self._buffer[1:]
            else:
                end = self._buffer.lower().find(self._close_tag)
                if end >= 0:
                    reasoning.append(self._buffer[:end])
                    self._buffer = self._buffer[end + len(self._close_tag) :]
                    self._close_tag = None
                    continue
                keep = _partial_suffix(self._buffer.lower(), self._close_tag)
                reasoning.append(self._buffer[: len(self._buffer) - keep])
                self._buffer = self._buffer[len(self._buffer) - keep :]
                break
        return "".join(answer), "".join(reasoning)

    def flush(self) -> tuple[str, str]:
        """Emit whatever was held back at the end of the stream."""
        rest, self._buffer = self._buffer, ""
        if self._close_tag is not None:
            return "", rest
        return rest, ""


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest suffix of ``text`` that is a proper prefix of ``tag``."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-size:]):
            return size
    return 0
