"""LlamaIndex integration for ZeroGPU.

Names are imported on first use (PEP 562), so a program that only chats does not
load the embeddings, the task helpers or the transformations.
"""

from typing import TYPE_CHECKING, Any

from llama_index_zerogpu import _requires  # noqa: F401  (must run first)
from zerogpu_core._lazy import LazyExports

if TYPE_CHECKING:
    from llama_index_zerogpu.embeddings import ZeroGPUEmbedding
    from llama_index_zerogpu.extractors import (
        ZeroGPUEntityExtractor,
        ZeroGPUIABExtractor,
        ZeroGPUZeroShotExtractor,
    )
    from llama_index_zerogpu.llms import ZeroGPU
    from llama_index_zerogpu.moderation import (
        ZeroGPUModeratedQueryEngine,
        ZeroGPUModerationPostprocessor,
    )
    from llama_index_zerogpu.postprocessors import ZeroGPUPIINodePostprocessor
    from llama_index_zerogpu.schema_extractors import (
        ZeroGPUJSONExtractor,
        ZeroGPUSchemaClassificationExtractor,
    )
    from llama_index_zerogpu.summary_extractors import (
        ZeroGPUSignalsExtractor,
        ZeroGPUSummaryExtractor,
    )
    from llama_index_zerogpu.tool_spec import ZeroGPUToolSpec
    from llama_index_zerogpu.transformations import ZeroGPUPIIRedactor

#: Public name -> the module that defines it.
_EXPORTS = {
    "ZeroGPU": "llama_index_zerogpu.llms",
    "ZeroGPUEmbedding": "llama_index_zerogpu.embeddings",
    "ZeroGPUEntityExtractor": "llama_index_zerogpu.extractors",
    "ZeroGPUSignalsExtractor": "llama_index_zerogpu.summary_extractors",
    "ZeroGPUSummaryExtractor": "llama_index_zerogpu.summary_extractors",
    "ZeroGPUIABExtractor": "llama_index_zerogpu.extractors",
    "ZeroGPUZeroShotExtractor": "llama_index_zerogpu.extractors",
    "ZeroGPUModeratedQueryEngine": "llama_index_zerogpu.moderation",
    "ZeroGPUModerationPostprocessor": "llama_index_zerogpu.moderation",
    "ZeroGPUPIINodePostprocessor": "llama_index_zerogpu.postprocessors",
    "ZeroGPUJSONExtractor": "llama_index_zerogpu.schema_extractors",
    "ZeroGPUSchemaClassificationExtractor": "llama_index_zerogpu.schema_extractors",
    "ZeroGPUPIIRedactor": "llama_index_zerogpu.transformations",
    "ZeroGPUToolSpec": "llama_index_zerogpu.tool_spec",
}

__all__ = [
    "ZeroGPU",
    "ZeroGPUEmbedding",
    "ZeroGPUEntityExtractor",
    "ZeroGPUIABExtractor",
    "ZeroGPUJSONExtractor",
    "ZeroGPUModeratedQueryEngine",
    "ZeroGPUModerationPostprocessor",
    "ZeroGPUPIINodePostprocessor",
    "ZeroGPUPIIRedactor",
    "ZeroGPUSchemaClassificationExtractor",
    "ZeroGPUSignalsExtractor",
    "ZeroGPUSummaryExtractor",
    "ZeroGPUToolSpec",
    "ZeroGPUZeroShotExtractor",
]


_lazy = LazyExports(__name__, _EXPORTS, globals())


def __getattr__(name: str) -> Any:
    return _lazy.load(name)


def __dir__() -> list[str]:
    return _lazy.names()
