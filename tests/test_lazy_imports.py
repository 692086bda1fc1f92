"""Chatting alone loads neither the Batch API, the task helpers, tqdm nor the tools."""

from __future__ import annotations

import importlib
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


def test_chat_model_import_builds_only_what_chat_uses() -> None:
    # The wire models of other routes and LangChain's parsers and tools cost import
    # time (issue 16: import within 1.05x of BaseChatModel's); they load on first use.
    unwanted = [
        "zerogpu_core.types.batches",
        "zerogpu_core.types.embeddings",
        "zerogpu_core.types.files",
        "zerogpu_core.types.moderations",
        "zerogpu_core.types.responses",
        "zerogpu_core._jsontext",
        "langchain_core.tools",
        "langchain_core.output_parsers.json",
        "langchain_core.output_parsers.pydantic",
    ]
    assert _loaded("from langchain_zerogpu import ChatZeroGPU", unwanted) == ""


@pytest.mark.parametrize(
    "statement",
    ["from langchain_zerogpu import ChatZeroGPU", "from llama_index_zerogpu import ZeroGPU"],
)
def test_chat_import_defers_streaming_structured_output_and_404_hints(statement: str) -> None:
    # Each costs import time a plain invoke never uses (issue 16, measured with
    # ``python -X importtime`` in a venv holding only what the install line brings):
    # the SSE decoder, the JSON-schema response format and the 404 classifier load
    # when a stream, structured output or a 404 first needs them.
    unwanted = [
        "zerogpu_core.streaming",
        "httpx_sse",
        "zerogpu_core.structured_output",
        "zerogpu_core._not_found",
    ]
    assert _loaded(statement, unwanted) == ""


@pytest.mark.parametrize(
    "statement",
    ["from langchain_zerogpu import ChatZeroGPU", "from llama_index_zerogpu import ZeroGPU"],
)
def test_chat_import_defers_the_clients_httpx_and_chat_wire_models(statement: str) -> None:
    # httpx (about 9 ms) and building the chat request/response models (about
    # 13 ms) are most of a chat model's own import time (issue 16); only a call
    # needs them, so they load with the first client, which the settings check at
    # construction does not build.
    unwanted = [
        "httpx",
        "zerogpu_core._base_client",
        "zerogpu_core._client",
        "zerogpu_core._routes",
        "zerogpu_core.types.chat",
        "zerogpu_core.types.requests",
        "zerogpu_core.types.usage",
    ]
    imports = f"{statement}\n{statement.split()[-1]}(api_key='k', model='gpt-oss-120b')"
    assert _loaded(imports, unwanted) == ""


def test_core_names_load_on_first_use() -> None:
    code = (
        "import sys, zerogpu_core\n"
        "assert 'zerogpu_core.types.batches' not in sys.modules\n"
        "from zerogpu_core import catalog, types, ZeroGPUClient, __version__\n"
        "from zerogpu_core.types import Batch, EmbeddingResponse\n"
        "assert catalog is sys.modules['zerogpu_core.catalog']\n"
        "assert types.Batch is Batch and Batch.__module__ == 'zerogpu_core.types.batches'\n"
        "print(ZeroGPUClient.__name__, __version__ == zerogpu_core.__version__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["ZeroGPUClient", "True"]


def test_llama_index_llm_import_skips_embeddings_and_transformations() -> None:
    unwanted = [
        "llama_index_zerogpu.embeddings",
        "llama_index_zerogpu.transformations",
        "llama_index_zerogpu.extractors",
        "llama_index_zerogpu.postprocessors",
        "zerogpu_core.batch",
    ]
    assert _loaded("from llama_index_zerogpu import ZeroGPU", unwanted) == ""


@pytest.mark.parametrize(
    "package", ["langchain_zerogpu", "llama_index_zerogpu", "zerogpu_core", "zerogpu_core.types"]
)
def test_every_public_name_still_imports(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, name
        assert name in dir(module)
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchThing'"):
        getattr(module, "NoSuchThing")  # noqa: B009
