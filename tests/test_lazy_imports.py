"""Chatting alone loads neither the Batch API, the task helpers, tqdm nor the tools."""

from __future__ import annotations

import subprocess
import sys

import pytest

_PROBE = """
import sys
{imports}
loaded = sorted(m for m in {unwanted!r} if m in sys.modules)
print(",".join(loaded))
"""


def _loaded(imports: str, unwanted: list[str]) -> str:
    code = _PROBE.format(imports=imports, unwanted=unwanted)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_chat_model_import_skips_what_chat_does_not_use() -> None:
    unwanted = [
        "tqdm",
        "zerogpu_core.tasks",
        "zerogpu_core.batch",
        "langchain_zerogpu.document_transformers",
        "langchain_zerogpu.tools",
        "langchain_zerogpu.toolkit",
        "langchain_zerogpu.embeddings",
    ]
    assert _loaded("from langchain_zerogpu import ChatZeroGPU", unwanted) == ""


def test_llama_index_llm_import_skips_embeddings_and_transformations() -> None:
    unwanted = [
        "llama_index_zerogpu.embeddings",
        "llama_index_zerogpu.transformations",
        "llama_index_zerogpu.extractors",
        "llama_index_zerogpu.postprocessors",
        "zerogpu_core.batch",
    ]
    assert _loaded("from llama_index_zerogpu import ZeroGPU", unwanted) == ""


@pytest.mark.parametrize("package", ["langchain_zerogpu", "llama_index_zerogpu"])
def test_every_public_name_still_imports(package: str) -> None:
    module = __import__(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, name
        assert name in dir(module)
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchThing'"):
        getattr(module, "NoSuchThing")  # noqa: B009
