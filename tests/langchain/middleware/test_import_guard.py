"""Without the ``langchain`` package the middleware says what to install; the rest works."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> subprocess.CompletedProcess[str]:
    hide = "import sys; sys.modules['langchain'] = None; "
    return subprocess.run(
        [sys.executable, "-c", hide + code], capture_output=True, text=True, check=False
    )


def test_missing_langchain_names_the_extra() -> None:
    run = _run("import langchain_zerogpu.middleware")
    assert run.returncode != 0
    assert "ImportError: langchain_zerogpu.middleware needs langchain>=1" in run.stderr
    assert "pip install 'langchain-zerogpu[agents]'" in run.stderr


def test_the_package_itself_does_not_need_langchain() -> None:
    run = _run("import langchain_zerogpu; print(langchain_zerogpu.ChatZeroGPU.__name__)")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ChatZeroGPU"
