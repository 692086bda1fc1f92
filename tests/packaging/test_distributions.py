"""The distributions install side by side, upgrade 1.2.0 cleanly, and ship only their part.

Wheels are built here from the workspace members (``packages/``) and installed into
throwaway virtualenvs with ``uv``, offline from its cache (``make install`` filled it):
the dependencies as ``uv.lock`` resolves the README's install line (exported as a
PEP 751 ``pylock`` file), then our wheels, then ``uv pip check``.
The one download is ``langchain-zerogpu==1.2.0`` itself, from the package index;
without the index the upgrade scenario is skipped and says why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.langchain.compat.test_script_1_2_0 import KEY, run_script
from zerogpu_core.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK_PACKAGES = ("langchain_zerogpu", "llama_index_zerogpu")
# Our wheels that each README install line brings (file names use underscores).
CORE = ("zerogpu_integrations", "zerogpu_core")
LANGCHAIN = (*CORE, "langchain_zerogpu")
LLAMA_INDEX = (*CORE, "llama_index_zerogpu")
# uv's own messages when the index cannot be reached.
_OFFLINE_SIGNS = ("Failed to fetch", "dns error", "Could not connect", "Network is unreachable")


def _uv() -> str:
    found = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    if not Path(found).exists():
        pytest.skip("uv is not installed: run 'make install' first")
    return found


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=600, check=False, cwd=ROOT
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheels of the three members and of the zerogpu-integrations meta-distribution."""
    out = tmp_path_factory.mktemp("dist")
    uv = _uv()
    for project in (*sorted((ROOT / "packages").iterdir()), ROOT):
        _run(uv, "build", "--offline", "--quiet", "--wheel", "-o", str(out), str(project))
    return out


class Venv:
    """A throwaway virtualenv and what is installed in it."""

    def __init__(self, path: Path, wheels: Path) -> None:
        self.path = path
        self.wheels = wheels
        self.uv = _uv()
        _run(self.uv, "venv", "--quiet", str(path), "--python", sys.executable)
        self.python = str(path / "bin" / "python")
        self.site = Path(
            _run(
                self.python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"
            ).stdout.strip()
        )

    def pip(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return _run(self.uv, "pip", *args, "--python", self.python, check=check)

    def install_ours(self, extra: str | None, distributions: tuple[str, ...]) -> None:
        """``pip install "zerogpu-integrations[extra]"`` as the lock resolves it."""
        lock = self.path.parent / f"pylock.{extra or 'core'}.toml"
        _run(
            self.uv, "export", "--frozen", "--quiet", "--format", "pylock.toml", "--no-dev",
            "--no-emit-workspace", *(("--extra", extra) if extra else ()), "-o", str(lock),
        )  # fmt: skip
        deps = self.pip("install", "--quiet", "--offline", "-r", str(lock), check=False)
        if deps.returncode != 0 and "network was disabled" in deps.stderr:
            # make install fills the cache for its own Python only (the range runs use others).
            pytest.skip(f"uv's cache lacks the locked wheels for Python {sys.version_info[:2]}")
        assert deps.returncode == 0, deps.stderr[-3000:]
        ours = [str(w) for d in distributions for w in self.wheels.glob(f"{d}-*.whl")]
        assert len(ours) == len(distributions), ours
        self.pip("install", "--quiet", "--offline", "--no-deps", *ours)
        self.pip("check")

    def uninstall(self, name: str) -> None:
        self.pip("uninstall", "--quiet", name)

    def packages(self) -> set[str]:
        """Import packages present in site-packages (directories with Python files)."""
        return {p.name for p in self.site.iterdir() if p.is_dir() and any(p.glob("*.py"))}

    def has_distribution(self, name: str) -> bool:
        probe = f"import importlib.metadata as m; m.version({name!r})"
        return _run(self.python, "-c", probe, check=False).returncode == 0

    def files_of(self, package: str) -> set[str]:
        root = self.site / package
        return {
            str(p.relative_to(self.site))
            for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }

    def recorded(self, distribution: str, version: str) -> set[str]:
        dist_info = self.site / f"{distribution.replace('-', '_')}-{version}.dist-info"
        lines = (dist_info / "RECORD").read_text(encoding="utf-8").splitlines()
        return {line.split(",")[0] for line in lines if line and ".dist-info/" not in line}


@pytest.fixture
def venv(tmp_path: Path, wheels: Path) -> Venv:
    return Venv(tmp_path / "venv", wheels)


def test_each_wheel_ships_only_its_own_package(wheels: Path) -> None:
    shipped = {}
    for wheel in wheels.glob("*.whl"):
        names = zipfile.ZipFile(wheel).namelist()
        top = {n.split("/")[0] for n in names if ".dist-info/" not in n}
        shipped[wheel.name.split("-")[0].replace("_", "-")] = top
    assert shipped == {
        "zerogpu-core": {"zerogpu_core"},
        "langchain-zerogpu": {"langchain_zerogpu"},
        "llama-index-zerogpu": {"llama_index_zerogpu"},
        "zerogpu-integrations": set(),  # the README's install line: metadata only
    }


def test_1_2_0_users_upgrade_to_a_working_superset(venv: Venv) -> None:
    installed = venv.pip("install", "--quiet", "langchain-zerogpu==1.2.0", check=False)
    if installed.returncode != 0:
        if any(sign in installed.stderr for sign in _OFFLINE_SIGNS):
            pytest.skip("the package index is unreachable, so langchain-zerogpu 1.2.0 is too")
        raise AssertionError(installed.stderr[-3000:])
    with Emulator(api_key=KEY) as emulator:
        before = run_script(venv.python, emulator)
        assert before.returncode == 0, "the 1.2.0 program must pass on 1.2.0 itself"
        # The README's install line, on top of 1.2.0.
        venv.install_ours("langchain", LANGCHAIN)
        after = run_script(venv.python, emulator)
    assert after.returncode == 0, after.stderr[-3000:]
    # No orphans: every file in the package directory is one of ours.
    assert venv.files_of("langchain_zerogpu") == venv.recorded("langchain-zerogpu", "2.0.0")
    probe = (
        "from langchain_zerogpu import ChatZeroGPU, ZeroGPUToolkit, __version__; print(__version__)"
    )
    assert _run(venv.python, "-c", probe).stdout.strip() == "2.0.0"
    venv.uninstall("langchain-zerogpu")
    assert not (venv.site / "langchain_zerogpu").exists()  # no half-package left


def test_llama_index_users_get_no_langchain(venv: Venv) -> None:
    venv.install_ours("llama-index", LLAMA_INDEX)
    assert {"zerogpu_core", "llama_index_zerogpu"} <= venv.packages()
    assert "langchain_zerogpu" not in venv.packages()
    assert not venv.has_distribution("langchain-core")
    _run(venv.python, "-c", "from llama_index_zerogpu import ZeroGPU, ZeroGPUEmbedding")


def test_core_only_install_ships_no_framework_package(venv: Venv) -> None:
    venv.install_ours(None, CORE)
    assert "zerogpu_core" in venv.packages()
    assert not set(FRAMEWORK_PACKAGES) & venv.packages()
    _run(venv.python, "-c", "from zerogpu_core import ZeroGPUClient")
