"""The public surface of ``langchain-zerogpu`` 1.2.0 as JSON, for the compatibility tests.

Regenerate the committed snapshot (downloads the 1.2.0 wheel from the package index
into a throwaway virtualenv; needs ``uv`` on PATH or in ``.tools/bin``)::

    cd tests/langchain/compat && python snapshot_1_2_0.py > langchain_zerogpu_1_2_0.json

``describe()`` is also what the tests run on this project's ``langchain_zerogpu``, so
both sides are described the same way. Descriptions (prose) are left out; names,
types, defaults, constraints, signatures and model ids are kept.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

PINNED = "langchain-zerogpu==1.2.0"
ROOT = Path(__file__).resolve().parents[3]
CLIENT_METHODS = ("__init__", "responses", "aresponses", "chat", "achat")


def _field(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in ("description", "title")}


def _args_schema(model: Any) -> dict[str, Any]:
    schema = model.model_json_schema()
    return {
        "title": schema.get("title"),
        "required": sorted(schema.get("required", [])),
        "fields": {name: _field(prop) for name, prop in schema["properties"].items()},
    }


def _parameters(function: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "kind": p.kind.name,
            "default": None if p.default is inspect.Parameter.empty else repr(p.default),
            "required": p.default is inspect.Parameter.empty,
        }
        for p in inspect.signature(function).parameters.values()
        if p.name != "self"
    ]


def describe() -> dict[str, Any]:
    """Tools, toolkit, client, errors and model constants of the installed package."""
    from langchain_core.tools import BaseTool, BaseToolkit

    import langchain_zerogpu as package
    from langchain_zerogpu import tools

    base_fields = set(BaseTool.model_fields)
    described_tools = []
    for cls in tools.ALL_TOOL_CLASSES:
        fields = cls.model_fields
        described_tools.append(
            {
                "class": cls.__name__,
                "name": fields["name"].default,
                "args_schema": _args_schema(fields["args_schema"].default),
                "constructor": sorted(set(fields) - base_fields),
            }
        )
    toolkit_fields = set(package.ZeroGPUToolkit.model_fields) - set(BaseToolkit.model_fields)
    return {
        "exports": sorted(package.__all__),
        "tools": described_tools,
        "toolkit": sorted(toolkit_fields),
        "client": {m: _parameters(getattr(package.ZeroGPUClient, m)) for m in CLIENT_METHODS},
        "errors": {
            "ZeroGPUError": [b.__name__ for b in package.ZeroGPUError.__mro__],
            "ZeroGPUAuthError": [b.__name__ for b in package.ZeroGPUAuthError.__mro__],
        },
        "models": {
            name: value
            for name, value in sorted(vars(tools).items())
            if name.startswith("MODEL_") and isinstance(value, str)
        },
    }


def _uv() -> str:
    found = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    if not Path(found).exists():
        raise SystemExit("uv not found: run 'make install' first or put uv on PATH")
    return found


def main() -> None:
    """Install 1.2.0 into a throwaway venv and print its description as JSON."""
    if "--describe" in sys.argv:
        print(json.dumps(describe(), indent=2, sort_keys=True))
        return
    uv = _uv()
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run(
            [uv, "venv", "--quiet", str(venv), "--python", sys.executable], check=True, env=env
        )
        python = venv / "bin" / "python"
        subprocess.run(
            [uv, "pip", "install", "--quiet", "--python", str(python), PINNED], check=True, env=env
        )
        subprocess.run([str(python), __file__, "--describe"], check=True, env=env)


if __name__ == "__main__":
    main()
