"""Task-model payloads (section 11 of the contract) and the t5-small summary."""

from __future__ import annotations

import re

from zerogpu_core.emulator.gliner2 import gliner2_payload
from zerogpu_core.emulator.guard import guard_verdict, signals_payload
from zerogpu_core.emulator.iab import IAB_MODELS, iab_payload
from zerogpu_core.emulator.pii import pii_payload
from zerogpu_core.emulator.request import ChatRequest
from zerogpu_core.emulator.wire import JSONObject, bad_request, dumps
from zerogpu_core.emulator.zeroshot import parse_label_list, score_labels

__all__ = ["run_task", "summarize"]

_MAX_LABELS = 10


def summarize(text: str) -> str:
    """t5-small style summary: the lower-cased first sentence."""
    flat = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(?:\s|$)", flat)
    return (match.group(1) if match else flat[:200]).lower()


def _zero_shot_labels(request: ChatRequest) -> list[str]:
    categories = request.raw.get("categories")
    if categories is not None:
        if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
            raise bad_request("categories must be an array of strings", "categories")
        labels = [c for c in categories if c.strip()]
    elif request.instructions is not None:
        labels = parse_label_list(request.instructions)
    else:
        labels = parse_label_list(request.system_text)
    param = (
        "categories"
        if categories is not None
        else ("instructions" if request.route == "responses" else "messages")
    )
    if not labels:
        raise bad_request(
            "deberta-v3-small needs candidate labels: a bracketed list such as "
            "'[sports, finance]' in instructions / a system message, or 'categories'",
            param,
        )
    if len(labels) > _MAX_LABELS:
        raise bad_request(f"At most {_MAX_LABELS} candidate labels are supported", param)
    return labels


def _payload(request: ChatRequest) -> JSONObject:
    text = request.last_user_text
    model_id = request.model.id
    if model_id in IAB_MODELS:
        return iab_payload(model_id, text)
    if model_id == "gliner-multi-pii-v1":
        return pii_payload(text, request.metadata)
    if model_id == "gliner2-base-v1":
        return gliner2_payload(text, request.metadata)
    if model_id == "zlm-v1-signal-extract":
        return signals_payload(text)
    return dict(score_labels(text, _zero_shot_labels(request)))


def run_task(request: ChatRequest) -> str:
    """The task model's payload as the JSON string the API puts in the output text
    (Llama Guard answers with its plain-text verdict instead)."""
    if request.model.id == "llama-guard-4-12b":
        return guard_verdict(request.last_user_text)
    return dumps(_payload(request))
