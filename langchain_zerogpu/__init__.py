"""LangChain integration for ZeroGPU.

Native components (:class:`ChatZeroGPU`, :class:`ZeroGPUEmbeddings`, the document
transformers) and, for agents driven by any chat model, the ZeroGPU tools: every
name of ``langchain-zerogpu`` 1.2.0, which this package supersedes.

Names are imported on first use (PEP 562), so a program that only chats does not
load the Batch API, the task helpers, the transformers or the tools.
"""

from typing import TYPE_CHECKING, Any

from langchain_zerogpu import _requires  # noqa: F401  (must run first)
from zerogpu_core._lazy import LazyExports

if TYPE_CHECKING:
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
    from langchain_zerogpu.schema_transformers import (
        ZeroGPUJSONExtractor,
        ZeroGPUSchemaClassifier,
    )
    from langchain_zerogpu.summary_transformers import (
        ZeroGPUDomainClassifier,
        ZeroGPUSignalExtractor,
        ZeroGPUSummarizer,
    )
    from langchain_zerogpu.task_transformers import (
        ZeroGPUEntityExtractor,
        ZeroGPUModerationTagger,
        ZeroGPUZeroShotClassifier,
    )
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

#: Public name -> the module that defines it.
_EXPORTS = {
    "ZeroGPUClient": "langchain_zerogpu._client",
    "ZeroGPUAuthError": "langchain_zerogpu._errors",
    "ZeroGPUError": "langchain_zerogpu._errors",
    "ChatZeroGPU": "langchain_zerogpu.chat_models",
    "PIIRedaction": "langchain_zerogpu.document_transformers",
    "ZeroGPUIABClassifier": "langchain_zerogpu.document_transformers",
    "ZeroGPUPIIDetector": "langchain_zerogpu.document_transformers",
    "ZeroGPUPIIRedactor": "langchain_zerogpu.document_transformers",
    "deanonymize": "langchain_zerogpu.document_transformers",
    "ZeroGPUEmbeddings": "langchain_zerogpu.embeddings",
    "ZeroGPUEntityExtractor": "langchain_zerogpu.task_transformers",
    "ZeroGPUModerationTagger": "langchain_zerogpu.task_transformers",
    "ZeroGPUZeroShotClassifier": "langchain_zerogpu.task_transformers",
    "ZeroGPUJSONExtractor": "langchain_zerogpu.schema_transformers",
    "ZeroGPUSchemaClassifier": "langchain_zerogpu.schema_transformers",
    "ZeroGPUDomainClassifier": "langchain_zerogpu.summary_transformers",
    "ZeroGPUSignalExtractor": "langchain_zerogpu.summary_transformers",
    "ZeroGPUSummarizer": "langchain_zerogpu.summary_transformers",
    "ZeroGPUToolkit": "langchain_zerogpu.toolkit",
    "ZeroGPUChatThinkingTool": "langchain_zerogpu.tools",
    "ZeroGPUChatTool": "langchain_zerogpu.tools",
    "ZeroGPUClassifyDomainTool": "langchain_zerogpu.tools",
    "ZeroGPUClassifyIABEnrichedTool": "langchain_zerogpu.tools",
    "ZeroGPUClassifyIABTool": "langchain_zerogpu.tools",
    "ZeroGPUClassifyStructuredTool": "langchain_zerogpu.tools",
    "ZeroGPUClassifyZeroShotTool": "langchain_zerogpu.tools",
    "ZeroGPUExtractEntitiesTool": "langchain_zerogpu.tools",
    "ZeroGPUExtractJSONTool": "langchain_zerogpu.tools",
    "ZeroGPUExtractPIITool": "langchain_zerogpu.tools",
    "ZeroGPUExtractSignalsTool": "langchain_zerogpu.tools",
    "ZeroGPUModerateTool": "langchain_zerogpu.tools",
    "ZeroGPUReasonDeepseekTool": "langchain_zerogpu.tools",
    "ZeroGPUReasonGLMTool": "langchain_zerogpu.tools",
    "ZeroGPUReasonGPTLunaTool": "langchain_zerogpu.tools",
    "ZeroGPUReasonGPTMiniTool": "langchain_zerogpu.tools",
    "ZeroGPUReasonGPTNanoTool": "langchain_zerogpu.tools",
    "ZeroGPUReasonLongContextTool": "langchain_zerogpu.tools",
    "ZeroGPUReasonMultilingualTool": "langchain_zerogpu.tools",
    "ZeroGPUReasonTool": "langchain_zerogpu.tools",
    "ZeroGPURedactPIITool": "langchain_zerogpu.tools",
    "ZeroGPUSummarizeTool": "langchain_zerogpu.tools",
}


_lazy = LazyExports(__name__, _EXPORTS, globals())


def __getattr__(name: str) -> Any:
    return _lazy.load(name)


def __dir__() -> list[str]:
    return _lazy.names()


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
    "ZeroGPUDomainClassifier",
    "ZeroGPUEmbeddings",
    "ZeroGPUEntityExtractor",
    "ZeroGPUError",
    "ZeroGPUExtractEntitiesTool",
    "ZeroGPUExtractJSONTool",
    "ZeroGPUExtractPIITool",
    "ZeroGPUExtractSignalsTool",
    "ZeroGPUIABClassifier",
    "ZeroGPUJSONExtractor",
    "ZeroGPUModerateTool",
    "ZeroGPUModerationTagger",
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
    "ZeroGPUSchemaClassifier",
    "ZeroGPUSignalExtractor",
    "ZeroGPUSummarizeTool",
    "ZeroGPUSummarizer",
    "ZeroGPUToolkit",
    "ZeroGPUZeroShotClassifier",
    "__version__",
    "deanonymize",
]
