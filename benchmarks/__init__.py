"""`make bench`: the benchmark suite (run with ``python -m benchmarks.run``)."""
