"""The readable report printed at the end of the demo."""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass

from demo.documents import Corpus
from demo.results import PipelineRun
from demo.target import EMULATED_ID_PREFIX, Target

__all__ = ["EMULATED_NOTICE", "DemoReport", "render"]

EMULATED_NOTICE = (
    "EMULATED: no ZEROGPU_API_KEY was set, so the bundled local emulator answered every "
    "request. Redactions, categories, vectors, answers and token counts are deterministic "
    "stand-ins, not real model output. Set ZEROGPU_API_KEY to run the same code against "
    "the live API."
)
_WIDTH = 88


@dataclass(frozen=True)
class DemoReport:
    """Everything the demo found, for both frameworks."""

    corpus: Corpus
    target: Target
    runs: tuple[PipelineRun, ...]
    seconds: float

    @property
    def emulated(self) -> bool:
        """True when the emulator answered (started here, or recognised by its ids)."""
        ids = [i for run in self.runs for i in run.response_ids]
        return self.target.emulated or any(i.startswith(EMULATED_ID_PREFIX) for i in ids)


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{label} {n}" for label, n in counter.most_common()) or "none"


def _wrap(label: str, text: str) -> list[str]:
    indent = " " * (len(label) + 2)
    return textwrap.wrap(text, _WIDTH, initial_indent=f"  {label}", subsequent_indent=indent)


def _leak_line(corpus: Corpus, run: PipelineRun) -> str:
    if not corpus.planted:
        return "  Leak check:    skipped (the corpus has no personal_data.json)"
    left = corpus.leaked(run.stored)
    verdict = "none left" if not left else f"{len(left)} STILL PRESENT"
    return f"  Leak check:    {verdict} of {len(corpus.planted)} planted personal-data strings"


def _run_lines(corpus: Corpus, run: PipelineRun) -> list[str]:
    tokens = run.tokens
    lines = [
        f"== {run.framework} ==",
        f"  Redacted:      {_counts(run.redacted)} ({sum(run.redacted.values())} in total)",
        _leak_line(corpus, run),
        *_wrap("Categories:    ", _counts(run.categories)),
        f"  Vector store:  {run.vectors[0]} vectors of dimension {run.vectors[1]}",
        *_wrap("Question:      ", run.question),
    ]
    lines += [f"  Tool call:     {call}" for call in run.tool_calls]
    lines += _wrap("Answer:        ", run.answer or "(empty)")
    for source in run.sources:
        score = "" if source.score is None else f", score {source.score:.2f}"
        lines.append(f"  Source:        {source.doc_id} ({source.category}{score})")
    lines.append(
        f"  Chat tokens:   {tokens.input} in, {tokens.output} out "
        f"({tokens.reasoning} reasoning) over {tokens.calls} call(s)"
    )
    timing = ", ".join(f"{stage} {seconds:.1f}s" for stage, seconds in run.timings.items())
    lines.append(f"  Time:          {timing}")
    return lines


def render(report: DemoReport) -> str:
    """The report as plain text."""
    kinds = ", ".join(f"{n} {kind}s" for kind, n in sorted(report.corpus.kinds().items()))
    where = "bundled emulator" if report.target.emulated else "ZeroGPU API"
    lines = [
        "ZeroGPU demo report",
        f"  Corpus:        {len(report.corpus.documents)} documents ({kinds})",
        f"  Target:        {where} at {report.target.base_url}",
    ]
    for run in report.runs:
        lines += ["", *_run_lines(report.corpus, run)]
    lines += ["", f"Total time: {report.seconds:.1f}s"]
    if report.emulated:
        lines += ["", *textwrap.wrap(EMULATED_NOTICE, _WIDTH)]
    return "\n".join(lines) + "\n"
