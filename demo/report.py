"""The readable report printed at the end of the demo."""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass

from demo.documents import Corpus
from demo.guard import PROBE
from demo.results import PipelineRun
from demo.target import EMULATED_ID_PREFIX, Target
from zerogpu_core.tasks import ModerationVerdict

__all__ = ["EMULATED_NOTICE", "DemoReport", "render"]

EMULATED_NOTICE = (
    "EMULATED: no ZEROGPU_API_KEY was set, so the bundled local emulator answered every "
    "request. Redactions, entities, categories, moderation verdicts, vectors, answers and "
    "token counts are deterministic stand-ins, not real model output. Set ZEROGPU_API_KEY "
    "to run the same code against the live API."
)
_WIDTH = 88
_EXAMPLES = 4


@dataclass(frozen=True)
class DemoReport:
    """Everything the demo found, for both frameworks."""

    corpus: Corpus
    target: Target
    runs: tuple[PipelineRun, ...]
    seconds: float
    probe: ModerationVerdict | None = None

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


def _entities(run: PipelineRun) -> str:
    by_label: dict[str, set[str]] = {}
    for _, label, text in run.entities:
        by_label.setdefault(label, set()).add(text)
    counts = Counter(label for _, label, _ in run.entities)
    parts = []
    for label, n in counts.most_common():
        examples = sorted(by_label[label])
        more = ", ..." if len(examples) > _EXAMPLES else ""
        parts.append(f"{label} {n} ({', '.join(examples[:_EXAMPLES])}{more})")
    return "; ".join(parts) or "none"


def _verdict(verdict: ModerationVerdict) -> str:
    if not verdict.flagged:
        return "not flagged"
    return f"flagged for {', '.join(verdict.categories) or 'the moderation policy'}"


def _moderation(run: PipelineRun) -> str:
    judged = [f"{stage} {_verdict(v)}" for stage, v in run.moderation.items()]
    return ", ".join(judged) or "nothing judged"


def _leak_line(corpus: Corpus, run: PipelineRun) -> str:
    if not corpus.planted:
        return "  Leak check:    skipped (the corpus has no personal_data.json)"
    left = corpus.leaked(run.stored)
    verdict = "none left" if not left else f"{len(left)} STILL PRESENT"
    return f"  Leak check:    {verdict} of {len(corpus.planted)} planted personal-data strings"


def _run_lines(corpus: Corpus, run: PipelineRun, tag: str) -> list[str]:
    tokens = run.tokens
    lines = [
        f"== {run.framework} ==",
        f"  Redacted:      {_counts(run.redacted)} ({sum(run.redacted.values())} in total)",
        _leak_line(corpus, run),
        *_wrap("Entities:      ", _entities(run) + tag),
        *_wrap("Categories:    ", _counts(run.categories)),
        f"  Vector store:  {run.vectors[0]} vectors of dimension {run.vectors[1]}",
        *_wrap("Question:      ", run.question),
    ]
    lines += [f"  Tool call:     {call}" for call in run.tool_calls]
    lines += _wrap("Answer:        ", run.answer or "(empty)")
    for source in run.sources:
        score = "" if source.score is None else f", score {source.score:.2f}"
        lines.append(f"  Source:        {source.doc_id} ({source.category}{score})")
    lines += _wrap("Moderation:    ", _moderation(run) + tag)
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
    # Emulator output is labelled where it is shown, not only in the notice.
    tag = " [emulated]" if report.emulated else ""
    for run in report.runs:
        lines += ["", *_run_lines(report.corpus, run, tag)]
    if report.probe is not None:
        lines += [
            "",
            "== Moderation probe ==",
            f'  Text:          "{PROBE}"',
            *_wrap("Verdict:       ", f"{_verdict(report.probe)} ({report.probe.model}){tag}"),
        ]
    lines += ["", f"Total time: {report.seconds:.1f}s"]
    if report.emulated:
        lines += ["", *textwrap.wrap(EMULATED_NOTICE, _WIDTH)]
    return "\n".join(lines) + "\n"
