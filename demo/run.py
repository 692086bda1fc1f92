"""Command line of the demo: ``python -m demo [--corpus DIR] [--model ID] [--no-progress]``."""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from demo.documents import CORPUS_DIR, Corpus, load_corpus
from demo.guard import PROBE, Guard
from demo.langchain_agent import run_langchain
from demo.llama_index_rag import run_llama_index
from demo.report import EMULATED_NOTICE, DemoReport, render
from demo.target import Target, open_target
from zerogpu_core import ZeroGPUError

__all__ = ["DEFAULT_AGENT_QUESTION", "DEFAULT_MODEL", "DEFAULT_QUESTION", "main", "run_demo"]

DEFAULT_MODEL = "gpt-oss-120b"
DEFAULT_QUESTION = (
    "Which customers were charged twice for an order, and what did support do about it?"
)
DEFAULT_AGENT_QUESTION = (
    "Use the search_support_documents tool to find the ticket about a cracked watch "
    "screen, then say what support promised the customer."
)
_STAGES = (
    "[1/2] LlamaIndex: redact -> split -> entities -> classify -> embed -> index -> "
    "moderated query",
    "[2/2] LangChain: redact -> entities -> classify -> embed -> store -> "
    "moderated agent with a tool",
)


def run_demo(
    corpus: Corpus,
    target: Target,
    *,
    model: str = DEFAULT_MODEL,
    question: str = DEFAULT_QUESTION,
    agent_question: str = DEFAULT_AGENT_QUESTION,
    progress: bool = True,
    out: TextIO = sys.stdout,
) -> DemoReport:
    """Run the LlamaIndex and the LangChain pipelines over ``corpus`` against ``target``."""
    start = time.perf_counter()
    guard = Guard.for_target(target)
    with guard.client:
        print(_STAGES[0], file=out, flush=True)
        llama_run, _ = run_llama_index(
            corpus, target, guard, model=model, question=question, progress=progress
        )
        print(_STAGES[1], file=out, flush=True)
        chain_run, _ = run_langchain(
            corpus, target, guard, model=model, question=agent_question, progress=progress
        )
        probe = guard.judge(PROBE)
    runs = (llama_run, chain_run)
    return DemoReport(corpus, target, runs, time.perf_counter() - start, probe)


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m demo",
        description="RAG ingestion with PII redaction, entities, IAB classification and "
        "moderation on ZeroGPU.",
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder of .txt/.md")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="chat model id")
    parser.add_argument("--question", default=DEFAULT_QUESTION, help="question for LlamaIndex")
    parser.add_argument("--agent-question", default=DEFAULT_AGENT_QUESTION)
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    """Run the demo and print its report; returns the exit status."""
    args = _arguments(argv)
    corpus = load_corpus(args.corpus)
    with open_target() as target:
        if target.emulated:
            print(textwrap.fill(EMULATED_NOTICE, 88) + "\n", file=out)
        else:
            print(f"Using the ZeroGPU API at {target.base_url}\n", file=out)
        try:
            report = run_demo(
                corpus,
                target,
                model=args.model,
                question=args.question,
                agent_question=args.agent_question,
                progress=not args.no_progress,
                out=out,
            )
        except ZeroGPUError as error:
            print(f"\nThe demo stopped: {type(error).__name__}: {error}", file=out)
            return 1
    print("\n" + render(report), end="", file=out)
    return 0
