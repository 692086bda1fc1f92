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

__all__ = ["extract_sentences", "instructed_summary", "run_task", "summarize"]

_MAX_LABELS = 10


_SENTENCE = re.compile(r"[^.!?]*[.!?]+(?=\s|$)")


def extract_sentences(text: str) -> str:
    """The first sentence, and the last complete one when there are three or more."""
    flat = " ".join(text.split())
    sentences = [s.strip() for s in _SENTENCE.findall(flat) if s.strip()]
    if not sentences:
        return flat[:200]
    return " ".join(sentences[:1] + sentences[-1:] if len(sentences) >= 3 else sentences[:1])


def summarize(text: str) -> str:
    """t5-small style extractive summary, lower-cased (:func:`extract_sentences`: the
    end of what the model read, after its silent 512-token cut, shows in it)."""
    return extract_sentences(text).lower()


def instructed_summary(request: ChatRequest) -> str | None:
    """llama-3.1-8b-instruct-fast asked for a summary by its system message: an
    extractive summary marked as emulated; ``None`` for any other request."""
    if request.model.id != "llama-3.1-8b-instruct-fast":
        return None
    if "summary" not in request.system_text.lower():
        return None
    return f"[emulated summary] {extract_sentences(request.last_user_text)}"


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


def _signals(text: str, metadata: JSONObject) -> JSONObject:
    """Signals with ``metadata.max_keywords`` (the one option the API names) applied."""
    payload = signals_payload(text)
    cap = metadata.get("max_keywords")
    if cap is None:
        return payload
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
        raise bad_request("metadata.max_keywords must be a positive integer", "metadata")
    payload["keywords"] = payload["keywords"][:cap]
    return payload


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
        return _signals(text, request.metadata)
    return dict(score_labels(text, _zero_shot_labels(request)))


def run_task(request: ChatRequest) -> str:
    """The task model's payload as the JSON string the API puts in the output text
    (Llama Guard answers with its plain-text verdict instead)."""
    if request.model.id == "llama-guard-4-12b":
        return guard_verdict(request.last_user_text)
    return dumps(_payload(request))
