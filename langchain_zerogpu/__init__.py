"""LangChain integration for ZeroGPU.

Native components (:class:`ChatZeroGPU`, :class:`ZeroGPUEmbeddings`, the document
transformers) and, for agents driven by any chat model, the ZeroGPU tools: every
name of ``langchain-zerogpu`` 1.2.0, which this package supersedes.
"""

from langchain_zerogpu import _requires  # noqa: F401  (must run first)
from langchain_zerogpu._client import ZeroGPUClient
from langchain_zerogpu._errors import ZeroGPUAuthError, ZeroGPUError
from langchain_zerogpu.chat_models import ChatZeroGPU
from langchain_zerogpu.document_transformers import (
    PIIRedaction,
    ZeroGPUIABClassifier,
    ZeroGPUPIIDetector,
    ZeroGPUPIIRedactor,
    deanonymize,
)
from langchain_zerogpu.embeddings import ZeroGPUEmbeddings
from langchain_zerogpu.toolkit import ZeroGPUToolkit
from langchain_zerogpu.tools import (
    ZeroGPUChatThinkingTool,
    ZeroGPUChatTool,
    ZeroGPUClassifyDomainTool,
    ZeroGPUClassifyIABEnrichedTool,
    ZeroGPUClassifyIABTool,
    ZeroGPUClassifyStructuredTool,
    ZeroGPUClassifyZeroShotTool,
    ZeroGPUExtractEntitiesTool,
    ZeroGPUExtractJSONTool,
    ZeroGPUExtractPIITool,
    ZeroGPUExtractSignalsTool,
    ZeroGPUModerateTool,
    ZeroGPUReasonDeepseekTool,
    ZeroGPUReasonGLMTool,
    ZeroGPUReasonGPTLunaTool,
    ZeroGPUReasonGPTMiniTool,
    ZeroGPUReasonGPTNanoTool,
    ZeroGPUReasonLongContextTool,
    ZeroGPUReasonMultilingualTool,
    ZeroGPUReasonTool,
    ZeroGPURedactPIITool,
    ZeroGPUSummarizeTool,
)

__version__ = "2.0.0"

__all__ = [
    "ChatZeroGPU",
    "PIIRedaction",
    "ZeroGPUAuthError",
    "ZeroGPUChatThinkingTool",
    "ZeroGPUChatTool",
    "ZeroGPUClassifyDomainTool",
    "ZeroGPUClassifyIABEnrichedTool",
    "ZeroGPUClassifyIABTool",
    "ZeroGPUClassifyStructuredTool",
    "ZeroGPUClassifyZeroShotTool",
    "ZeroGPUClient",
    "ZeroGPUEmbeddings",
    "ZeroGPUError",
    "ZeroGPUExtractEntitiesTool",
    "ZeroGPUExtractJSONTool",
    "ZeroGPUExtractPIITool",
    "ZeroGPUExtractSignalsTool",
    "ZeroGPUIABClassifier",
    "ZeroGPUModerateTool",
    "ZeroGPUPIIDetector",
    "ZeroGPUPIIRedactor",
    "ZeroGPUReasonDeepseekTool",
    "ZeroGPUReasonGLMTool",
    "ZeroGPUReasonGPTLunaTool",
    "ZeroGPUReasonGPTMiniTool",
    "ZeroGPUReasonGPTNanoTool",
    "ZeroGPUReasonLongContextTool",
    "ZeroGPUReasonMultilingualTool",
    "ZeroGPUReasonTool",
    "ZeroGPURedactPIITool",
    "ZeroGPUSummarizeTool",
    "ZeroGPUToolkit",
    "__version__",
    "deanonymize",
]
