"""Summaries with ``llama-3.1-8b-instruct-fast`` on the chat route.

The model is served on chat completions; on the responses route it has answered
``invalid_prompt``. Without an instruction it replies conversationally to a bare
passage and can run out of tokens mid-sentence, so :data:`SUMMARY_INSTRUCTION`
goes with the text as the system message.
"""

from __future__ import annotations

__all__ = ["SUMMARY_INSTRUCTION", "SUMMARY_MODEL"]

SUMMARY_MODEL = "llama-3.1-8b-instruct-fast"
SUMMARY_INSTRUCTION = (
    "Write a short, faithful summary of the text the user sends. Answer with the "
    "summary alone: no introduction, no remarks and no questions."
)
