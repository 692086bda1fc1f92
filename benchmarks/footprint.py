"""Import time and peak memory, each measured in a fresh interpreter.

Run as ``python -m benchmarks.footprint BASE_URL KEY KIND N`` it is the memory
probe: it transforms ``N`` documents and prints its resident-set peak as JSON.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tracemalloc
from collections.abc import Sequence
from typing import Any

__all__ = ["import_times", "peak_memory"]

_IMPORT = "import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"


def import_times(
    interpreters: dict[str, tuple[str, str]], *, rounds: int, seed: int = 0
) -> dict[str, float]:
    """Median import seconds per label; values are ``(python, module)``, interleaved.

    ``module`` may also be a whole statement (``from x import Y``).
    """
    samples: dict[str, list[float]] = {label: [] for label in interpreters}
    order = list(interpreters)
    shuffle = random.Random(seed)
    for _ in range(rounds):
        shuffle.shuffle(order)
        for label in order:
            python, module = interpreters[label]
            statement = module if module.startswith(("import ", "from ")) else f"import {module}"
            # -I: no user site or PYTHONPATH; cwd / is outside the repository so the
            # official venv cannot pick up our same-named package.
            out = subprocess.run(
                [os.path.abspath(python), "-I", "-c", _IMPORT.format(statement=statement)],
                check=True,
                capture_output=True,
                text=True,
                cwd="/",
            )
            samples[label].append(float(out.stdout))
    return {label: statistics.median(values) for label, values in samples.items()}


def peak_memory(
    base_url: str,
    api_key: str,
    kind: str,
    documents: int,
    *,
    api: str = "list",
    mode: str = "sync",
    trace: bool = True,
) -> dict[str, float]:
    """Run the probe in a fresh interpreter; returns heap figures and RSS peak in MiB.

    ``api`` is ``list`` (``transform_documents``) or ``lazy`` (``lazy_transform_documents``,
    nothing kept); ``mode`` is ``sync`` (concurrent requests) or ``batch`` (Batch API);
    without ``trace`` the RSS peak is measured without tracemalloc's own overhead.
    """
    command = [sys.executable, "-m", "benchmarks.footprint", base_url, api_key, kind]
    command += [str(documents), api, mode, "trace" if trace else "rss"]
    out = subprocess.run(command, check=False, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"the memory probe failed: {out.stderr[-2000:]}")
    result: dict[str, float] = json.loads(out.stdout)
    return result


def _status_mib(field: str) -> float:
    """A ``/proc/self/status`` memory field (``VmRSS``, ``VmHWM``) in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_rss_peak() -> float:
    """Reset the resident-set high-water mark; returns the RSS now, in MiB.

    ``ru_maxrss`` cannot be reset and, on Linux, starts from the parent's peak
    across fork and exec (a probe started by a 160 MiB benchmark process reported
    160 MiB before its run); ``VmHWM`` is reset by writing 5 to ``clear_refs``.
    """
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")
    return _status_mib("VmRSS")


def _probe(argv: Sequence[str]) -> None:
    from benchmarks.corpus import corpus
    from langchain_zerogpu import ZeroGPUIABClassifier, ZeroGPUPIIRedactor

    base_url, api_key, kind, size, api, mode, measure = argv
    cls = ZeroGPUIABClassifier if kind == "iab" else ZeroGPUPIIRedactor
    options = {"mode": "batch", "batch_poll_interval": 0.05} if mode == "batch" else {}
    transformer = cls(base_url=base_url, api_key=api_key, **options)
    documents = corpus(int(size))
    transformer.transform_documents(documents[:10])  # client, pools and caches
    rss_before = _reset_rss_peak()
    if measure == "trace":
        # The RSS peak alone can hide the run under an earlier, freed import-time
        # peak; tracemalloc's peak is the Python heap growth of the run itself.
        tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    if api == "lazy":
        out: Any = None
        count = sum(1 for _ in transformer.lazy_transform_documents(documents))
    else:
        out = transformer.transform_documents(documents)
        count = len(out)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if count != len(documents):
        raise AssertionError("documents were lost")
    print(
        json.dumps(
            {
                "heap_growth_mib": (peak - start) / 2**20,
                "kept_mib": (current - start) / 2**20,
                "rss_peak_mib": _status_mib("VmHWM"),
                "rss_before_mib": rss_before,
            }
        )
    )
    del out


if __name__ == "__main__":
    _probe(sys.argv[1:])
