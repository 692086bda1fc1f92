"""A program written for ``langchain-zerogpu`` 1.2.0 runs unchanged on this package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from zerogpu_core.emulator import Emulator

SCRIPT = Path(__file__).with_name("script_1_2_0.py")
# A key in 1.2.0's own format, so the same program also passes on 1.2.0 itself
# (tests/packaging runs it there).
KEY = "zgpu-api-test-key"


def run_script(python: str, emulator: Emulator) -> subprocess.CompletedProcess[str]:
    """Run the 1.2.0 program with ``python`` against ``emulator``."""
    env = {**os.environ, "ZEROGPU_API_KEY": KEY, "ZEROGPU_BASE_URL": emulator.base_url}
    env.pop("ZEROGPU_PROJECT_ID", None)
    return subprocess.run(
        [python, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=240, check=False
    )


def test_1_2_0_program_passes_on_this_package() -> None:
    with Emulator(api_key=KEY) as emulator:
        result = run_script(sys.executable, emulator)
        models = {r.json["model"] for r in emulator.requests if isinstance(r.json, dict)}
    assert result.returncode == 0, result.stderr[-4000:]
    assert result.stdout.strip().endswith("ok")
    # Every tool's model was really called.
    assert {"llama-guard-4-12b", "zlm-v1-signal-extract", "gpt-5.4-nano"} <= models
