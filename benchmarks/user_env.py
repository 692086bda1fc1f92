"""Virtualenvs holding only what a user's ``pip install`` brings, for the import rows.

The development venv also holds dev tools (click, rich, pygments for the linters and
docs) that change what third-party imports load: httpx, for one, imports its
command-line module when click and rich are present. Import goals are measured in a
venv per README install line instead: the locked dependencies of that extra (``uv
export`` to a PEP 751 ``pylock`` file, installed offline from uv's cache, which
``make install`` fills) plus our wheels built from this tree. Ours and the framework
floor run in the same venv, so the comparison is like for like.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["user_pythons"]

ROOT = Path(__file__).resolve().parent.parent
#: README install line extra -> our distributions it brings (wheel file prefixes).
EXTRAS = {
    "langchain": ("zerogpu_integrations", "zerogpu_core", "langchain_zerogpu"),
    "llama-index": ("zerogpu_integrations", "zerogpu_core", "llama_index_zerogpu"),
}


def _uv() -> str:
    return shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")


def _run(*args: str) -> None:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    if out.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{out.stderr[-3000:]}")


def _wheels(folder: Path) -> Path:
    dist = folder / "dist"
    for project in (*sorted((ROOT / "packages").iterdir()), ROOT):
        _run(_uv(), "build", "--offline", "--quiet", "--wheel", "-o", str(dist), str(project))
    return dist


def _venv(folder: Path, extra: str, dist: Path) -> str:
    path = folder / extra
    uv = _uv()
    _run(uv, "venv", "--quiet", str(path), "--python", sys.executable)
    python = str(path / "bin" / "python")
    lock = folder / f"pylock.{extra}.toml"
    _run(
        uv, "export", "--frozen", "--quiet", "--format", "pylock.toml", "--no-dev",
        "--no-emit-workspace", "--extra", extra, "-o", str(lock),
    )  # fmt: skip
    # pip compiles bytecode on install (uv does not by default): without it the first
    # interpreter of a round would compile what the others then reuse.
    install = (uv, "pip", "install", "--quiet", "--offline", "--compile-bytecode")
    _run(*install, "-r", str(lock), "--python", python)
    ours = [str(w) for d in EXTRAS[extra] for w in dist.glob(f"{d}-*.whl")]
    if len(ours) != len(EXTRAS[extra]):
        raise RuntimeError(f"missing wheels for {extra}: {ours}")
    _run(*install, "--no-deps", *ours, "--python", python)
    _run(uv, "pip", "check", "--python", python)
    return python


def user_pythons(folder: Path) -> dict[str, str]:
    """Build one venv per extra under ``folder``; returns extra -> its python."""
    if folder.exists():
        shutil.rmtree(folder)  # always from the lock: no state from an earlier run
    folder.mkdir(parents=True)
    dist = _wheels(folder)
    return {extra: _venv(folder, extra, dist) for extra in EXTRAS}
