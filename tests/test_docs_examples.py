"""Every ```python block in README.md and docs/ runs here, so no example can rot.

Blocks of one page run in order in one namespace, with ZEROGPU_BASE_URL and
ZEROGPU_API_KEY pointing at a fresh emulator. Fence code as ```text or ```bash when
it is not meant to run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])


def _blocks(page: Path) -> list[str]:
    return _BLOCK.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "page",
    [p for p in PAGES if _blocks(p)],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_page_examples_run(
    page: Path, zerogpu_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZEROGPU_BASE_URL", zerogpu_emulator.base_url)
    monkeypatch.setenv("ZEROGPU_API_KEY", "test-key")
    monkeypatch.delenv("ZEROGPU_PROJECT_ID", raising=False)
    namespace: dict[str, Any] = {"__name__": f"docs_example_{page.stem}"}
    for number, source in enumerate(_blocks(page), start=1):
        code = compile(source, f"{page.relative_to(ROOT)} block {number}", "exec")
        exec(code, namespace)
