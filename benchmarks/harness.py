"""Measuring on a shared machine: interleaved rounds, medians, ratios.

Absolute times on a 2-core shared box drift by tens of percent between minutes,
so every contender of a comparison runs once per round, in a shuffled order,
and the report uses the median per-call time of each and ratios between them.
A goal row between two contenders is judged on the median of their per-round
ratios (``paired_ratio``), which such drift moves least.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Contender", "Remote", "Sample", "Stats", "interleave", "paired_ratio", "timed"]


@dataclass(frozen=True)
class Sample:
    """One batch: wall and process-CPU seconds for ``count`` units of work."""

    wall: float
    cpu: float
    count: int


def timed(work: Callable[[], int]) -> Sample:
    """Run ``work`` (it returns how many units it did) and measure it."""
    wall, cpu = time.perf_counter(), time.process_time()
    count = work()
    return Sample(time.perf_counter() - wall, time.process_time() - cpu, count)


@dataclass(frozen=True)
class Contender:
    """A named way of doing one batch of ``n`` units of work."""

    name: str
    run: Callable[[int], Sample]


@dataclass
class Stats:
    """The samples of one contender and their medians per unit."""

    name: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def wall(self) -> float:
        """Median wall seconds per unit."""
        return statistics.median(s.wall / s.count for s in self.samples)

    @property
    def cpu(self) -> float:
        """Median client CPU seconds per unit."""
        return statistics.median(s.cpu / s.count for s in self.samples)

    @property
    def spread(self) -> float:
        """Relative spread of wall time per unit (max/min - 1), a noise indicator."""
        per_unit = [s.wall / s.count for s in self.samples]
        return max(per_unit) / min(per_unit) - 1.0


def paired_ratio(mine: Stats, base: Stats) -> float:
    """The median, over rounds, of ``mine``'s wall time per unit over ``base``'s in
    the same round.

    Both ran in every round (``interleave``), a few tens of milliseconds apart: a
    slow minute on the shared machine moves both sides of a round's ratio, where it
    moves only one side's median when it happens to fall on that side's rounds.

    Raises:
        ValueError: when the two were not measured in the same rounds.
    """
    if len(mine.samples) != len(base.samples) or not mine.samples:
        raise ValueError(f"{mine.name} and {base.name} were not measured in the same rounds")
    rounds = zip(mine.samples, base.samples, strict=True)
    return statistics.median((m.wall / m.count) / (b.wall / b.count) for m, b in rounds)


def interleave(
    contenders: Sequence[Contender], *, rounds: int, n: int, seed: int = 0
) -> dict[str, Stats]:
    """Warm every contender up, then run ``rounds`` rounds of ``n`` units each.

    The order within a round is shuffled (seeded), so a slow minute on the shared
    machine hurts every contender alike instead of the one that happened to run then.
    """
    order = list(contenders)
    for contender in order:
        contender.run(max(1, n // 10))
    stats = {c.name: Stats(c.name) for c in order}
    shuffle = random.Random(seed)
    for _ in range(rounds):
        shuffle.shuffle(order)
        for contender in order:
            stats[contender.name].samples.append(contender.run(n))
    return stats


class Remote:
    """A JSON-lines worker process (the official package's venv) that times its own work."""

    def __init__(self, argv: Sequence[str]) -> None:
        self._process = subprocess.Popen(
            list(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def call(self, command: dict[str, Any]) -> Sample:
        """Send one command and wait for its measurement."""
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write(json.dumps(command) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"worker exited with {self._process.wait()} on {command['op']}")
        answer = json.loads(line)
        return Sample(answer["wall"], answer["cpu"], int(answer["count"]))

    def close(self) -> None:
        """Close stdin (the worker exits) and wait."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=30)
