"""LlamaIndex integration for ZeroGPU."""

from llama_index_zerogpu import _requires  # noqa: F401  (must run first)
from llama_index_zerogpu.embeddings import ZeroGPUEmbedding
from llama_index_zerogpu.extractors import ZeroGPUIABExtractor
from llama_index_zerogpu.llms import ZeroGPU
from llama_index_zerogpu.postprocessors import ZeroGPUPIINodePostprocessor
from llama_index_zerogpu.transformations import ZeroGPUPIIRedactor

__all__ = [
    "ZeroGPU",
    "ZeroGPUEmbedding",
    "ZeroGPUIABExtractor",
    "ZeroGPUPIINodePostprocessor",
    "ZeroGPUPIIRedactor",
]
