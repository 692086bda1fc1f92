"""The bench's paired ratio: what a goal row between two contenders is judged on."""

from __future__ import annotations

import statistics

import pytest

from benchmarks.harness import Sample, Stats, paired_ratio


def _stats(name: str, per_unit: list[float]) -> Stats:
    return Stats(name, [Sample(wall=t * 10, cpu=t * 10, count=10) for t in per_unit])


def test_slow_stretches_of_the_machine_move_the_ratio_of_medians_not_the_paired_ratio() -> None:
    # Ours costs 1.04x the base. The machine runs at half speed for both sides in
    # rounds 0 to 2, and for ours alone in rounds 3 and 4: ours' median lands in a
    # slow stretch and the base's does not, so the ratio of medians reads 2.08x.
    base = [2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    ours = [1.04 * b for b in base]
    ours[3] = ours[4] = 2.08
    base_stats, ours_stats = _stats("base", base), _stats("ours", ours)

    assert ours_stats.wall / base_stats.wall == pytest.approx(2.08)
    assert paired_ratio(ours_stats, base_stats) == pytest.approx(1.04)
    assert paired_ratio(ours_stats, base_stats) == pytest.approx(
        statistics.median(o / b for o, b in zip(ours, base, strict=True))
    )


def test_a_ratio_needs_both_contenders_measured_in_the_same_rounds() -> None:
    with pytest.raises(ValueError, match="not measured in the same rounds"):
        paired_ratio(_stats("ours", [1.0, 1.0]), _stats("base", [1.0]))
    with pytest.raises(ValueError, match="not measured in the same rounds"):
        paired_ratio(_stats("ours", []), _stats("base", []))
