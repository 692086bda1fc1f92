"""Task helpers: IAB, zero-shot and entities, PII redaction and content moderation.

Both frameworks' document transformers are thin wrappers over these functions.
The ``*_documents`` functions run either concurrently or, with
``batch=BatchAPIOptions(...)``, as one Batch API job with the same results.

Example:
    >>> from zerogpu_core import ZeroGPUClient
    >>> from zerogpu_core.tasks import PIIOptions, redact_pii
    >>> with ZeroGPUClient() as client:  # doctest: +SKIP
    ...     redact_pii(client, "Call Jane at 415-555-0134").text
    'Call [PERSON] at [PHONE_NUMBER]'
"""

from zerogpu_core.tasks._payload import TaskOutputError, extract_payload
from zerogpu_core.tasks.batch_mode import BatchAPIOptions
from zerogpu_core.tasks.chunking import (
    ENTITY_GUARANTEE,
    TextChunk,
    estimate_tokens,
    split_text,
    token_budget,
)
from zerogpu_core.tasks.entities import (
    EntitiesOptions,
    EntitiesResult,
    EntitiesTask,
    Entity,
    aextract_entities,
    aextract_entities_documents,
    extract_entities,
    extract_entities_documents,
)
from zerogpu_core.tasks.iab import (
    DEFAULT_IAB_MODEL,
    IAB_MODELS,
    IABCategory,
    IABClassificationTask,
    IABIntent,
    IABOptions,
    IABResult,
    aclassify_iab,
    aclassify_iab_documents,
    classify_iab,
    classify_iab_documents,
    merge_iab_results,
    parse_iab_payload,
)
from zerogpu_core.tasks.moderate import (
    DEFAULT_MODERATION_MODEL,
    MODERATION_CATEGORIES,
    MODERATION_MODELS,
    ContentFlaggedError,
    ModerationOptions,
    ModerationVerdict,
    amoderate,
    moderate,
)
from zerogpu_core.tasks.outcomes import DocumentOutcome
from zerogpu_core.tasks.pii import (
    DEFAULT_PII_MODEL,
    PII_CATEGORIES,
    PIIDetectionTask,
    PIIOptions,
    PIIRedactionTask,
    PIIResult,
    adetect_pii,
    aredact_pii,
    aredact_pii_documents,
    detect_pii,
    pii_documents,
    redact_pii,
    redact_pii_documents,
)
from zerogpu_core.tasks.pii_chunks import PIIChunkTooLongError, Verification
from zerogpu_core.tasks.redaction import (
    PIISpan,
    PIIVerificationError,
    TruncatedReplyError,
    deanonymize,
    parse_pii_payload,
)
from zerogpu_core.tasks.results import (
    BatchTransformError,
    DocumentResults,
    DropPolicy,
    ItemFailure,
    KeepPolicy,
    TransformInterrupted,
)
from zerogpu_core.tasks.runner import (
    DEFAULT_MAX_CONCURRENCY,
    ChunkedTask,
    aiter_documents,
    aprocess_documents,
    iter_documents,
    process_documents,
)
from zerogpu_core.tasks.zero_shot import (
    ZeroShotOptions,
    ZeroShotResult,
    ZeroShotTask,
    aclassify_zero_shot,
    aclassify_zero_shot_documents,
    classify_zero_shot,
    classify_zero_shot_documents,
)

__all__ = [
    "DEFAULT_IAB_MODEL",
    "DEFAULT_MAX_CONCURRENCY",
    "DEFAULT_MODERATION_MODEL",
    "DEFAULT_PII_MODEL",
    "ENTITY_GUARANTEE",
    "IAB_MODELS",
    "MODERATION_CATEGORIES",
    "MODERATION_MODELS",
    "PII_CATEGORIES",
    "BatchAPIOptions",
    "BatchTransformError",
    "ChunkedTask",
    "ContentFlaggedError",
    "DocumentOutcome",
    "DocumentResults",
    "DropPolicy",
    "EntitiesOptions",
    "EntitiesResult",
    "EntitiesTask",
    "Entity",
    "IABCategory",
    "IABClassificationTask",
    "IABIntent",
    "IABOptions",
    "IABResult",
    "ItemFailure",
    "KeepPolicy",
    "ModerationOptions",
    "ModerationVerdict",
    "PIIChunkTooLongError",
    "PIIDetectionTask",
    "PIIOptions",
    "PIIRedactionTask",
    "PIIResult",
    "PIISpan",
    "PIIVerificationError",
    "TaskOutputError",
    "TextChunk",
    "TransformInterrupted",
    "TruncatedReplyError",
    "Verification",
    "ZeroShotOptions",
    "ZeroShotResult",
    "ZeroShotTask",
    "aclassify_iab",
    "aclassify_iab_documents",
    "aclassify_zero_shot",
    "aclassify_zero_shot_documents",
    "adetect_pii",
    "aextract_entities",
    "aextract_entities_documents",
    "aiter_documents",
    "amoderate",
    "aprocess_documents",
    "aredact_pii",
    "aredact_pii_documents",
    "classify_iab",
    "classify_iab_documents",
    "classify_zero_shot",
    "classify_zero_shot_documents",
    "deanonymize",
    "detect_pii",
    "estimate_tokens",
    "extract_entities",
    "extract_entities_documents",
    "extract_payload",
    "iter_documents",
    "merge_iab_results",
    "moderate",
    "parse_iab_payload",
    "parse_pii_payload",
    "pii_documents",
    "process_documents",
    "redact_pii",
    "redact_pii_documents",
    "split_text",
    "token_budget",
]
