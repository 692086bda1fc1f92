"""The tools that run a task model: IAB, signals, zero-shot, GLiNER2 and PII.

Requests are built and replies read by :mod:`zerogpu_core.tasks`; the tools return
the model's payload shape, as ``langchain-zerogpu`` 1.2.0 did. IAB and PII texts of
any length are split to the model's input budget and the results merged, and PII
offsets are checked against the text before anything is returned.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from pydantic import BaseModel

from langchain_zerogpu._errors import tool_errors
from langchain_zerogpu._schemas import (
    DomainInput,
    ExtractEntitiesInput,
    ExtractJSONInput,
    ExtractPIIInput,
    RedactPIIInput,
    StructuredClassifyInput,
    TextInput,
    ZeroShotInput,
)
from langchain_zerogpu._tool_base import PayloadTool, ZeroGPUTool
from zerogpu_core.tasks._checks import check_text
from zerogpu_core.tasks.extraction import (
    EXTRACTION_MODEL,
    classification_request,
    entities_request,
    json_extraction_request,
)
from zerogpu_core.tasks.iab import (
    DEFAULT_IAB_MODEL,
    DOMAIN_IAB_MODEL,
    IABOptions,
    aclassify_iab,
    classify_iab,
)
from zerogpu_core.tasks.pii import (
    DEFAULT_PII_MODEL,
    PIIOptions,
    adetect_pii,
    aredact_pii,
    detect_pii,
    redact_pii,
)
from zerogpu_core.tasks.pii_payload import extraction_payload, redaction_payload
from zerogpu_core.tasks.signals import SIGNALS_MODEL, signals_request
from zerogpu_core.tasks.zero_shot import ZERO_SHOT_MODEL, zero_shot_request

__all__ = [
    "MODEL_EXTRACT_SIGNALS",
    "MODEL_GLINER",
    "MODEL_IAB",
    "MODEL_IAB_DOMAIN",
    "MODEL_IAB_ENRICHED",
    "MODEL_PII",
    "MODEL_ZERO_SHOT",
    "ZeroGPUClassifyDomainTool",
    "ZeroGPUClassifyIABEnrichedTool",
    "ZeroGPUClassifyIABTool",
    "ZeroGPUClassifyStructuredTool",
    "ZeroGPUClassifyZeroShotTool",
    "ZeroGPUExtractEntitiesTool",
    "ZeroGPUExtractJSONTool",
    "ZeroGPUExtractPIITool",
    "ZeroGPUExtractSignalsTool",
    "ZeroGPURedactPIITool",
]

MODEL_IAB = DEFAULT_IAB_MODEL
MODEL_IAB_ENRICHED = "zlm-v2-iab-classify-edge-enriched"
MODEL_IAB_DOMAIN = DOMAIN_IAB_MODEL
MODEL_EXTRACT_SIGNALS = SIGNALS_MODEL
MODEL_ZERO_SHOT = ZERO_SHOT_MODEL
MODEL_GLINER = EXTRACTION_MODEL
MODEL_PII = DEFAULT_PII_MODEL


class _IABTool(ZeroGPUTool):
    """IAB payload of a text: ``content`` (``iab_1_0``/``iab_2_2``), ``audience`` and,
    for the enriched model, ``topics``, ``keywords`` and ``user_intent``."""

    args_schema: type[BaseModel] = TextInput

    def _run(self, text: str, run_manager: CallbackManagerForToolRun | None = None) -> Any:
        with tool_errors():
            options = IABOptions(model=self.zerogpu_model)
            return classify_iab(self.client.sync_client, check_text(text), options).to_payload()

    async def _arun(
        self, text: str, run_manager: AsyncCallbackManagerForToolRun | None = None
    ) -> Any:
        with tool_errors():
            options = IABOptions(model=self.zerogpu_model)
            result = await aclassify_iab(self.client.async_client, check_text(text), options)
            return result.to_payload()


class ZeroGPUClassifyIABTool(_IABTool):
    """IAB categories and audience of a text (``zlm-v1-iab-classify-edge``)."""

    name: str = "zerogpu_classify_iab"
    description: str = (
        "Classify a passage into the IAB content taxonomy used in advertising. Returns "
        "scored IAB 1.0 and 2.2 categories and audience segments."
    )
    zerogpu_model: ClassVar[str] = MODEL_IAB


class ZeroGPUClassifyIABEnrichedTool(_IABTool):
    """IAB categories plus topics, keywords and intent
    (``zlm-v2-iab-classify-edge-enriched``)."""

    name: str = "zerogpu_classify_iab_enriched"
    description: str = (
        "Classify a passage into IAB categories and also return its topics, keywords "
        "and the reader's likely intent."
    )
    zerogpu_model: ClassVar[str] = MODEL_IAB_ENRICHED


class ZeroGPUClassifyDomainTool(_IABTool):
    """IAB categories of a whole site from its domain
    (``zlm-v1-iab-domain-classifier``); a URL is reduced to its host first."""

    name: str = "zerogpu_classify_domain"
    description: str = (
        "Classify a website from its domain name alone (e.g. 'example.com') into IAB "
        "categories, with topics, keywords and intent for the site as a whole. When "
        "you have the page text, use zerogpu_classify_iab instead."
    )
    args_schema: type[BaseModel] = DomainInput
    zerogpu_model: ClassVar[str] = MODEL_IAB_DOMAIN

    def _run(self, domain: str, run_manager: CallbackManagerForToolRun | None = None) -> Any:
        return super()._run(domain)

    async def _arun(
        self, domain: str, run_manager: AsyncCallbackManagerForToolRun | None = None
    ) -> Any:
        return await super()._arun(domain)


class ZeroGPUExtractSignalsTool(PayloadTool):
    """Topics, keywords and intent of a text (``zlm-v1-signal-extract``)."""

    name: str = "zerogpu_extract_signals"
    description: str = (
        "Extract contextual signals (topics, keywords, intent) from a passage in one "
        "call, for enrichment, routing, targeting or analytics. For formal IAB "
        "categories use the IAB tools."
    )
    args_schema: type[BaseModel] = TextInput
    zerogpu_model: ClassVar[str] = MODEL_EXTRACT_SIGNALS
    request = staticmethod(signals_request)


class ZeroGPUClassifyZeroShotTool(PayloadTool):
    """Each of the caller's labels scored for a text (``deberta-v3-small``)."""

    name: str = "zerogpu_classify_zero_shot"
    description: str = (
        "Score a text against your own flat list of labels (e.g. ['billing', "
        "'shipping', 'returns']). Returns every label with its score."
    )
    args_schema: type[BaseModel] = ZeroShotInput
    zerogpu_model: ClassVar[str] = MODEL_ZERO_SHOT
    request = staticmethod(zero_shot_request)


class ZeroGPUClassifyStructuredTool(PayloadTool):
    """One label per axis of a schema (``gliner2-base-v1``, ``classification``)."""

    name: str = "zerogpu_classify_structured"
    description: str = (
        "Classify a text on several axes at once. Give each axis with its labels, e.g. "
        "{'sentiment': ['positive', 'negative'], 'urgency': ['high', 'low']}; returns "
        "the chosen label per axis."
    )
    args_schema: type[BaseModel] = StructuredClassifyInput
    zerogpu_model: ClassVar[str] = MODEL_GLINER
    request = staticmethod(classification_request)


class ZeroGPUExtractEntitiesTool(PayloadTool):
    """Spans of the caller's entity types (``gliner2-base-v1``, ``ner``)."""

    name: str = "zerogpu_extract_entities"
    description: str = (
        "Find entities of the types you name (e.g. ['person', 'product', 'city']) in a "
        "text. Returns the matching strings grouped by type."
    )
    args_schema: type[BaseModel] = ExtractEntitiesInput
    zerogpu_model: ClassVar[str] = MODEL_GLINER
    request = staticmethod(entities_request)


class ZeroGPUExtractJSONTool(PayloadTool):
    """Records of the caller's fields (``gliner2-base-v1``, ``json``)."""

    name: str = "zerogpu_extract_json"
    description: str = (
        "Pull structured records out of a text. Describe each group's fields as "
        "'name::type::description', e.g. {'order': ['id::str::Order number']}; returns "
        "{'data': {group: [records]}} with null for fields not found."
    )
    args_schema: type[BaseModel] = ExtractJSONInput
    zerogpu_model: ClassVar[str] = MODEL_GLINER
    request = staticmethod(json_extraction_request)


def _pii_options(categories: list[str] | None, threshold: float | None) -> PIIOptions:
    # 1.2.0 sent no filter for an empty list; an empty filter would match nothing.
    return PIIOptions(categories=categories or None, threshold=threshold)


class ZeroGPUExtractPIITool(ZeroGPUTool):
    """Personal data found in a text (``gliner-multi-pii-v1``): ``entities`` with
    verified offsets and ``entities_by_label``."""

    name: str = "zerogpu_extract_pii"
    description: str = (
        "Find personal data (names, emails, phone numbers, addresses, ...) in a text, "
        "optionally only some category groups such as ['identity', 'contact']. Returns "
        "each match with its label, offsets and score."
    )
    args_schema: type[BaseModel] = ExtractPIIInput
    zerogpu_model: ClassVar[str] = MODEL_PII

    def _run(
        self,
        text: str,
        categories: list[str] | None = None,
        threshold: float | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> Any:
        with tool_errors():
            options = _pii_options(categories, threshold)
            spans = detect_pii(self.client.sync_client, check_text(text), options)
            return extraction_payload(text, spans)

    async def _arun(
        self,
        text: str,
        categories: list[str] | None = None,
        threshold: float | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> Any:
        with tool_errors():
            options = _pii_options(categories, threshold)
            spans = await adetect_pii(self.client.async_client, check_text(text), options)
            return extraction_payload(text, spans)


class ZeroGPURedactPIITool(ZeroGPUTool):
    """Text with personal data replaced by ``[LABEL]`` placeholders
    (``gliner-multi-pii-v1``), as a JSON string with ``redacted_text``.

    The entities in that JSON carry offsets and placeholders but never the removed
    strings, so the output can go to another model safely.
    """

    name: str = "zerogpu_redact_pii"
    description: str = (
        "Replace personal data in a text with placeholders such as [PERSON] or "
        "[EMAIL]. Returns JSON whose 'redacted_text' is safe to pass on."
    )
    args_schema: type[BaseModel] = RedactPIIInput
    zerogpu_model: ClassVar[str] = MODEL_PII

    def _run(
        self,
        text: str,
        categories: list[str] | None = None,
        threshold: float | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> str:
        with tool_errors():
            options = _pii_options(categories, threshold)
            result = redact_pii(self.client.sync_client, check_text(text), options)
            return json.dumps(redaction_payload(result), ensure_ascii=False)

    async def _arun(
        self,
        text: str,
        categories: list[str] | None = None,
        threshold: float | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> str:
        with tool_errors():
            options = _pii_options(categories, threshold)
            result = await aredact_pii(self.client.async_client, check_text(text), options)
            return json.dumps(redaction_payload(result), ensure_ascii=False)
