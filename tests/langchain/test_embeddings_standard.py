"""LangChain's standard embeddings suites for ``ZeroGPUEmbeddings``.

The integration suite replays cassettes recorded from the bundled emulator.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from langchain_zerogpu import ZeroGPUEmbeddings

pytestmark = pytest.mark.vcr


@pytest.fixture(autouse=True)
def _zerogpu_env(zerogpu_target: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The suites build the model from params only: point it at the test target."""
    monkeypatch.setenv("ZEROGPU_BASE_URL", zerogpu_target.base_url)
    monkeypatch.setenv("ZEROGPU_API_KEY", zerogpu_target.api_key)
    monkeypatch.delenv("ZEROGPU_PROJECT_ID", raising=False)


class TestZeroGPUEmbeddingsUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[ZeroGPUEmbeddings]:
        return ZeroGPUEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": "bge-small-en-v1.5"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"ZEROGPU_API_KEY": "env-key", "ZEROGPU_PROJECT_ID": "env-project"},
            {},
            {"api_key": "env-key", "project_id": "env-project"},
        )


class TestZeroGPUEmbeddingsIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[ZeroGPUEmbeddings]:
        return ZeroGPUEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": "all-minilm-l6-v2", "batch_size": 2}
