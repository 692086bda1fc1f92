"""Turn a validated request into choices and token usage, whatever the route."""

from __future__ import annotations

from dataclasses import dataclass, field

from zerogpu_core.emulator.examples import Documented, find_documented
from zerogpu_core.emulator.request import ChatRequest
from zerogpu_core.emulator.tasks import instructed_summary, run_task, summarize
from zerogpu_core.emulator.textgen import (
    apply_stop,
    reasoning_text,
    reply_text,
    truncate_tokens,
)
from zerogpu_core.emulator.tools import (
    json_object_content,
    json_schema_content,
    plan_tool_calls,
    prompt_schema_content,
    tool_answer,
)
from zerogpu_core.emulator.wire import JSONObject, dumps, estimate_tokens

__all__ = ["Choice", "Completion", "complete"]

# Thinking model that inlines its trace instead of returning a reasoning field.
_INLINE_THINKING = "LFM2.5-1.2B-Thinking"


@dataclass
class Choice:
    """One generated alternative."""

    content: str | None
    reasoning: str | None = None
    tool_calls: list[JSONObject] = field(default_factory=list)
    finish_reason: str = "stop"

    @property
    def tokens(self) -> int:
        """Estimated completion tokens of this choice."""
        text = (self.content or "") + "".join(c["function"]["arguments"] for c in self.tool_calls)
        return estimate_tokens(text) + self.reasoning_tokens

    @property
    def reasoning_tokens(self) -> int:
        """Estimated reasoning tokens of this choice."""
        return estimate_tokens(self.reasoning or "")


@dataclass
class Completion:
    """Choices plus usage, before a route wraps them in its envelope."""

    choices: list[Choice]
    prompt_tokens: int
    completion_tokens: int
    reasoning_tokens: int
    separate_reasoning: bool


def complete(request: ChatRequest) -> Completion:
    """Generate the deterministic answer for ``request``."""
    documented = find_documented(request)
    prompt_tokens = estimate_tokens(
        "".join(m.text for m in request.messages) + (dumps(request.tools) if request.tools else "")
    )
    separate = request.model.reasoning and request.model.id != _INLINE_THINKING
    if documented is not None:
        choices = [_documented_choice(request, documented)]
        if documented.usage is not None and choices[0].content == documented.content:
            prompt_tokens, completion = documented.usage
            return Completion(choices, prompt_tokens, completion, 0, separate)
    elif request.model.kind == "task":
        choices = [Choice(run_task(request))]
    else:
        choices = [_generate(request, i, separate) for i in range(request.n)]
    completion_tokens = 0 if request.model.kind == "task" else sum(c.tokens for c in choices)
    reasoning = sum(c.reasoning_tokens for c in choices)
    return Completion(choices, prompt_tokens, completion_tokens, reasoning, separate)


def _documented_choice(request: ChatRequest, documented: Documented) -> Choice:
    if request.model.kind == "task":
        return Choice(documented.content, documented.reasoning)
    return _finish(request, documented.content, documented.reasoning)


def _generate(request: ChatRequest, index: int, separate: bool) -> Choice:
    prompt = request.last_user_text
    reasoning = reasoning_text(prompt) if request.model.reasoning else None
    calls = [] if request.model.id == "t5-small" else plan_tool_calls(request)
    if calls:
        return Choice(None, reasoning if separate else None, calls, "tool_calls")
    content = _content(request, index)
    if reasoning is not None and not separate:
        content = f"<think>{reasoning}</think>\n\n{content}"
        reasoning = None
    return _finish(request, content, reasoning)


def _content(request: ChatRequest, index: int) -> str:
    if request.model.id == "t5-small":
        return summarize(request.last_user_text)
    answer = tool_answer(request) or instructed_summary(request)
    if answer is not None:
        return answer
    fmt = request.response_format
    if fmt is not None and fmt["type"] == "json_schema":
        return json_schema_content(request, fmt["json_schema"])
    if fmt is not None:
        return json_object_content(request)
    schema_answer = prompt_schema_content(request)
    if schema_answer is not None:
        return schema_answer
    return reply_text(request.model.id, request.last_user_text, index)


def _finish(request: ChatRequest, content: str, reasoning: str | None) -> Choice:
    """Apply ``stop`` and the ``max_tokens`` budget (reasoning gets at most half)."""
    budget = request.max_tokens
    truncated = False
    if reasoning is not None and budget is not None:
        cut = truncate_tokens(reasoning, (budget + 1) // 2)
        reasoning, truncated = cut.text, cut.truncated
        budget -= estimate_tokens(reasoning)
    stopped = apply_stop(content, request.stop)
    cut = truncate_tokens(stopped, budget)
    truncated = truncated or cut.truncated
    return Choice(cut.text, reasoning, finish_reason="length" if truncated else "stop")
