"""Typed wire models of every ZeroGPU route.

Names are imported on first use (PEP 562): a program that only chats does not build
the batch, file, embedding, moderation and responses models.
"""

from typing import TYPE_CHECKING, Any

from zerogpu_core._lazy import LazyExports

if TYPE_CHECKING:
    from zerogpu_core.types.batches import (
        TERMINAL_BATCH_STATUSES,
        Batch,
        BatchError,
        BatchList,
        BatchRequestCounts,
    )
    from zerogpu_core.types.chat import (
        ChatCompletion,
        ChatCompletionChunk,
        ChatCompletionMessage,
        Choice,
        ChoiceDelta,
        ChunkChoice,
        FunctionCall,
        FunctionCallDelta,
        ToolCall,
        ToolCallDelta,
    )
    from zerogpu_core.types.embeddings import Embedding, EmbeddingResponse
    from zerogpu_core.types.files import FileDeleted, FileList, FileObject
    from zerogpu_core.types.moderations import ModerationResponse, ModerationResult
    from zerogpu_core.types.responses import ContentBlock, OutputItem, Response
    from zerogpu_core.types.usage import Usage

#: Public name -> the module that defines it.
_EXPORTS = {
    "TERMINAL_BATCH_STATUSES": "zerogpu_core.types.batches",
    "Batch": "zerogpu_core.types.batches",
    "BatchError": "zerogpu_core.types.batches",
    "BatchList": "zerogpu_core.types.batches",
    "BatchRequestCounts": "zerogpu_core.types.batches",
    "ChatCompletion": "zerogpu_core.types.chat",
    "ChatCompletionChunk": "zerogpu_core.types.chat",
    "ChatCompletionMessage": "zerogpu_core.types.chat",
    "Choice": "zerogpu_core.types.chat",
    "ChoiceDelta": "zerogpu_core.types.chat",
    "ChunkChoice": "zerogpu_core.types.chat",
    "FunctionCall": "zerogpu_core.types.chat",
    "FunctionCallDelta": "zerogpu_core.types.chat",
    "ToolCall": "zerogpu_core.types.chat",
    "ToolCallDelta": "zerogpu_core.types.chat",
    "Embedding": "zerogpu_core.types.embeddings",
    "EmbeddingResponse": "zerogpu_core.types.embeddings",
    "FileDeleted": "zerogpu_core.types.files",
    "FileList": "zerogpu_core.types.files",
    "FileObject": "zerogpu_core.types.files",
    "ModerationResponse": "zerogpu_core.types.moderations",
    "ModerationResult": "zerogpu_core.types.moderations",
    "ContentBlock": "zerogpu_core.types.responses",
    "OutputItem": "zerogpu_core.types.responses",
    "Response": "zerogpu_core.types.responses",
    "Usage": "zerogpu_core.types.usage",
}


_lazy = LazyExports(__name__, _EXPORTS, globals())


def __getattr__(name: str) -> Any:
    return _lazy.load(name)


def __dir__() -> list[str]:
    return _lazy.names()


__all__ = [
    "TERMINAL_BATCH_STATUSES",
    "Batch",
    "BatchError",
    "BatchList",
    "BatchRequestCounts",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionMessage",
    "Choice",
    "ChoiceDelta",
    "ChunkChoice",
    "ContentBlock",
    "Embedding",
    "EmbeddingResponse",
    "FileDeleted",
    "FileList",
    "FileObject",
    "FunctionCall",
    "FunctionCallDelta",
    "ModerationResponse",
    "ModerationResult",
    "OutputItem",
    "Response",
    "ToolCall",
    "ToolCallDelta",
    "Usage",
]
