"""The tools that answer a prompt: chat, reasoning, moderation and summaries."""

from __future__ import annotations

from typing import ClassVar, Literal

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from pydantic import BaseModel

from langchain_zerogpu._errors import tool_errors
from langchain_zerogpu._schemas import TextInput
from langchain_zerogpu._tool_base import PromptTool
from zerogpu_core.tasks.moderation import GUARD_MODEL, parse_guard_verdict
from zerogpu_core.tasks.summarize import SUMMARY_INSTRUCTION, SUMMARY_MODEL

__all__ = [
    "MODEL_CHAT",
    "MODEL_CHAT_THINKING",
    "MODEL_MODERATE",
    "MODEL_REASON",
    "MODEL_REASON_DEEPSEEK",
    "MODEL_REASON_GLM",
    "MODEL_REASON_GPT_LUNA",
    "MODEL_REASON_GPT_MINI",
    "MODEL_REASON_GPT_NANO",
    "MODEL_REASON_LONG_CONTEXT",
    "MODEL_REASON_MULTILINGUAL",
    "MODEL_SUMMARIZE",
    "SUMMARIZE_INSTRUCTION",
    "ZeroGPUChatThinkingTool",
    "ZeroGPUChatTool",
    "ZeroGPUModerateTool",
    "ZeroGPUReasonDeepseekTool",
    "ZeroGPUReasonGLMTool",
    "ZeroGPUReasonGPTLunaTool",
    "ZeroGPUReasonGPTMiniTool",
    "ZeroGPUReasonGPTNanoTool",
    "ZeroGPUReasonLongContextTool",
    "ZeroGPUReasonMultilingualTool",
    "ZeroGPUReasonTool",
    "ZeroGPUSummarizeTool",
]

MODEL_CHAT = "LFM2.5-1.2B-Instruct"
MODEL_CHAT_THINKING = "LFM2.5-1.2B-Thinking"
MODEL_REASON = "gpt-oss-120b"
MODEL_REASON_MULTILINGUAL = "qwen3-30b-a3b-fp8"
MODEL_REASON_LONG_CONTEXT = "glm-5.2"
MODEL_REASON_GLM = "glm-5.3-flash"
MODEL_REASON_DEEPSEEK = "deepseek-v4.1-flash"
MODEL_REASON_GPT_LUNA = "gpt-5.6-luna"
MODEL_REASON_GPT_MINI = "gpt-4.1-mini"
MODEL_REASON_GPT_NANO = "gpt-5.4-nano"
MODEL_MODERATE = GUARD_MODEL
MODEL_SUMMARIZE = SUMMARY_MODEL
SUMMARIZE_INSTRUCTION = SUMMARY_INSTRUCTION


class ZeroGPUChatTool(PromptTool):
    """A quick single-turn reply from ``LFM2.5-1.2B-Instruct`` (responses route)."""

    name: str = "zerogpu_chat"
    description: str = (
        "Reply to a short, self-contained prompt with a small, fast and cheap model. "
        "No conversation history and no multi-step reasoning."
    )
    zerogpu_model: ClassVar[str] = MODEL_CHAT
    route: ClassVar[Literal["responses", "chat"]] = "responses"


class ZeroGPUChatThinkingTool(PromptTool):
    """A reply from ``LFM2.5-1.2B-Thinking`` with its reasoning shown first, in a
    ``<thinking>`` block (the one tool whose output includes the trace)."""

    name: str = "zerogpu_chat_thinking"
    description: str = (
        "Reply to a short prompt with a small thinking model and show its reasoning "
        "before the answer. Use when the steps matter, not only the result."
    )
    zerogpu_model: ClassVar[str] = MODEL_CHAT_THINKING
    route: ClassVar[Literal["responses", "chat"]] = "responses"

    def _run(
        self,
        text: str,
        system: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> str:
        reply = self.client.reply(model=self.zerogpu_model, text=text, system=system)
        return reply.with_reasoning()

    async def _arun(
        self,
        text: str,
        system: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> str:
        reply = await self.client.areply(model=self.zerogpu_model, text=text, system=system)
        return reply.with_reasoning()


class ZeroGPUReasonTool(PromptTool):
    """An answer from ``gpt-oss-120b`` (131K context, responses route)."""

    name: str = "zerogpu_reason"
    description: str = (
        "Answer a prompt that needs real reasoning: several steps, careful logic or a "
        "long input. Slower and dearer than zerogpu_chat; use that for simple prompts."
    )
    zerogpu_model: ClassVar[str] = MODEL_REASON
    route: ClassVar[Literal["responses", "chat"]] = "responses"


class ZeroGPUReasonMultilingualTool(PromptTool):
    """An answer from ``qwen3-30b-a3b-fp8`` (100+ languages, chat route)."""

    name: str = "zerogpu_reason_multilingual"
    description: str = (
        "Answer a prompt that needs reasoning when the prompt or the answer is not in "
        "English; the model covers more than 100 languages."
    )
    zerogpu_model: ClassVar[str] = MODEL_REASON_MULTILINGUAL


class ZeroGPUReasonLongContextTool(PromptTool):
    """An answer from ``glm-5.2``, the largest and most expensive model (chat route)."""

    name: str = "zerogpu_reason_long_context"
    description: str = (
        "Answer over a very large input (a whole codebase, a book, a long transcript) "
        "with the most capable and by far the most expensive ZeroGPU model. Prefer "
        "zerogpu_reason or zerogpu_reason_glm unless the input does not fit them."
    )
    zerogpu_model: ClassVar[str] = MODEL_REASON_LONG_CONTEXT


class ZeroGPUReasonGLMTool(PromptTool):
    """An answer from ``glm-5.3-flash`` (1M-token context, chat route)."""

    name: str = "zerogpu_reason_glm"
    description: str = (
        "Answer a coding or long-running agent prompt (reading or writing code, "
        "planning several steps) with an efficient model whose context holds about "
        "a million tokens; the cheapest choice for very large inputs."
    )
    zerogpu_model: ClassVar[str] = MODEL_REASON_GLM


class ZeroGPUReasonDeepseekTool(PromptTool):
    """An answer from ``deepseek-v4.1-flash`` (1M-token context, chat route)."""

    name: str = "zerogpu_reason_deepseek"
    description: str = (
        "Answer a chat, reasoning or agent prompt with DeepSeek V4.1 Flash (about a "
        "million tokens of context). It costs more than zerogpu_reason_glm for the "
        "same context, so pick it when you want this model in particular."
    )
    zerogpu_model: ClassVar[str] = MODEL_REASON_DEEPSEEK


class ZeroGPUReasonGPTLunaTool(PromptTool):
    """An answer from ``gpt-5.6-luna`` (272K context, chat route)."""

    name: str = "zerogpu_reason_gpt_luna"
    description: str = (
        "Answer coding, reasoning, retrieval, summary or translation prompts with the "
        "low-cost member of OpenAI's GPT-5.6 family (272K context); still dearer per "
        "token than zerogpu_reason."
    )
    zerogpu_model: ClassVar[str] = MODEL_REASON_GPT_LUNA


class ZeroGPUReasonGPTMiniTool(PromptTool):
    """An answer from ``gpt-4.1-mini`` (1M-token context, chat route)."""

    name: str = "zerogpu_reason_gpt_mini"
    description: str = (
        "Answer prompts that depend on following instructions closely (coding, "
        "retrieval, summaries, translation) with GPT-4.1 mini. After "
        "zerogpu_reason_long_context it is the most expensive tool here."
    )
    zerogpu_model: ClassVar[str] = MODEL_REASON_GPT_MINI


class ZeroGPUReasonGPTNanoTool(PromptTool):
    """An answer from ``gpt-5.4-nano`` (400K context, chat route)."""

    name: str = "zerogpu_reason_gpt_nano"
    description: str = (
        "Answer high-volume or latency-sensitive prompts (routing, extraction, "
        "sub-agent steps) with the cheapest model of OpenAI's GPT-5.4 family. The "
        "small chat tools and the task classifiers cost less where they fit."
    )
    zerogpu_model: ClassVar[str] = MODEL_REASON_GPT_NANO


class ZeroGPUModerateTool(PromptTool):
    """A Llama Guard 4 verdict (``llama-guard-4-12b``, chat route): ``safe``, or
    ``unsafe`` and the hazard codes. Read it with
    :func:`zerogpu_core.tasks.moderation.parse_guard_verdict`."""

    name: str = "zerogpu_moderate"
    description: str = (
        "Check a prompt or a reply against Llama Guard 4's safety policy. Returns "
        "'safe', or 'unsafe' followed by the violated hazard codes such as S1 or S10. "
        "Works in many languages."
    )
    zerogpu_model: ClassVar[str] = MODEL_MODERATE

    def _run(
        self,
        text: str,
        system: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> str:
        verdict = self.client.chat(model=self.zerogpu_model, text=text, system=system)
        with tool_errors():
            return parse_guard_verdict(verdict, model=self.zerogpu_model).text

    async def _arun(
        self,
        text: str,
        system: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> str:
        verdict = await self.client.achat(model=self.zerogpu_model, text=text, system=system)
        with tool_errors():
            return parse_guard_verdict(verdict, model=self.zerogpu_model).text


class ZeroGPUSummarizeTool(PromptTool):
    """A summary from ``llama-3.1-8b-instruct-fast`` (chat route, with an instruction
    that keeps the model from answering conversationally)."""

    name: str = "zerogpu_summarize"
    description: str = (
        "Summarise a passage, from a few paragraphs to a whole document, into a short summary."
    )
    args_schema: type[BaseModel] = TextInput
    zerogpu_model: ClassVar[str] = MODEL_SUMMARIZE

    def _run(  # type: ignore[override]
        self, text: str, run_manager: CallbackManagerForToolRun | None = None
    ) -> str:
        return self.client.chat(model=self.zerogpu_model, text=text, system=SUMMARIZE_INSTRUCTION)

    async def _arun(  # type: ignore[override]
        self, text: str, run_manager: AsyncCallbackManagerForToolRun | None = None
    ) -> str:
        return await self.client.achat(
            model=self.zerogpu_model, text=text, system=SUMMARIZE_INSTRUCTION
        )
