"""Issue 16's per-call, streaming and import goal rows alone, without ``make bench``.

Usage: ``python -m benchmarks.goal_rows [chat] [llama] [stream] [import] [--rounds N]``
(all four by default). Each row is a ratio against its contender measured in the
same run, in interleaved rounds, as in ``make bench``; the per-call rows also print
the client-CPU ratio, which a loaded machine disturbs less than wall time.
"""

from __future__ import annotations

import argparse

from benchmarks import goals
from benchmarks.contenders import (
    BEST_CHAT,
    BEST_LLAMA,
    Endpoint,
    chat_contenders,
    llama_contenders,
    stream_contenders,
)
from benchmarks.emulator_server import EmulatorProcess
from benchmarks.harness import Stats, interleave

API_KEY = "zgpu-api-fake-bench-key"
SECTIONS = ("chat", "llama", "stream", "import")


def _call_row(stats: dict[str, Stats], ours: str, best: str) -> None:
    target = goals.call_goal(stats, ours)
    cpu = stats[ours].cpu / stats[best].cpu
    print(f"{target.text}: {target.measured}, client CPU {cpu:.2f}x, met={target.met}")


def run(sections: list[str], rounds: int) -> None:
    """Measure the chosen sections against one emulator process."""
    emulator = EmulatorProcess(API_KEY)
    endpoint = Endpoint(emulator.base_url, API_KEY)
    try:
        emulator.command("latency 0.0")
        if "chat" in sections:
            sync, _ = chat_contenders(endpoint, None)
            chosen = [c for c in sync if c.name in ("ChatZeroGPU.invoke", BEST_CHAT)]
            _call_row(interleave(chosen, rounds=rounds, n=25), "ChatZeroGPU.invoke", BEST_CHAT)
        if "llama" in sections:
            chosen = [
                c for c in llama_contenders(endpoint) if c.name in ("ZeroGPU.chat", BEST_LLAMA)
            ]
            _call_row(interleave(chosen, rounds=rounds, n=25), "ZeroGPU.chat", BEST_LLAMA)
        if "stream" in sections:
            chosen = [c for c in stream_contenders(endpoint) if c.name != "ChatOpenAI.stream"]
            for target in goals.stream_goals(interleave(chosen, rounds=rounds, n=10)):
                print(f"{target.text}: {target.measured}, met={target.met}")
        if "import" in sections:
            times = goals.import_goal_times(max(4, rounds // 2))
            for target in goals.import_goals(times):
                print(f"{target.text}: {target.measured}, met={target.met}")
    finally:
        endpoint.close()
        emulator.close()


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.goal_rows")
    parser.add_argument("sections", nargs="*", help=f"any of {', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    unknown = sorted(set(args.sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {unknown}; choose from {', '.join(SECTIONS)}")
    run(args.sections or list(SECTIONS), args.rounds)


if __name__ == "__main__":
    main()
