"""LangChain integration for ZeroGPU."""

from langchain_zerogpu import _requires  # noqa: F401  (must run first)
from langchain_zerogpu.chat_models import ChatZeroGPU
from langchain_zerogpu.document_transformers import (
    PIIRedaction,
    ZeroGPUIABClassifier,
    ZeroGPUPIIDetector,
    ZeroGPUPIIRedactor,
    deanonymize,
)
from langchain_zerogpu.embeddings import ZeroGPUEmbeddings
from zerogpu_core._version import __version__

__all__ = [
    "ChatZeroGPU",
    "PIIRedaction",
    "ZeroGPUEmbeddings",
    "ZeroGPUIABClassifier",
    "ZeroGPUPIIDetector",
    "ZeroGPUPIIRedactor",
    "__version__",
    "deanonymize",
]
