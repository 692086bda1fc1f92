"""Typed wire models of every ZeroGPU route."""

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
