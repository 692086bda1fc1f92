"""``POST /v1/moderations``: keyword-based scores for the 13 OpenAI categories."""

from __future__ import annotations

import zlib
from typing import Any

from zerogpu_core.catalog import get_model
from zerogpu_core.emulator.examples import documented_moderation
from zerogpu_core.emulator.lexicon import count_keywords, fold
from zerogpu_core.emulator.wire import ApiError, JSONObject, bad_request, estimate_tokens, new_id

__all__ = ["CATEGORIES", "create_moderation", "moderate"]

_MODEL = "zlm-v1-moderation-edge"
_ALIASES = {"omni-moderation-latest": _MODEL, "text-moderation-stable": _MODEL}
_FLAG_AT = 0.5

_CUES: dict[str, str] = {
    "harassment": "worthless, idiot, stupid, loser, pathetic, shut up, hate you, ugly",
    "harassment/threatening": (
        "hurt them, hurt you, should be scared, i will find you, watch your back"
    ),
    "hate": "subhuman, vermin, inferior race, go back to your country",
    "hate/threatening": "exterminate, wipe them out, ethnic cleansing",
    "illicit": "steal, drugs, hack into, counterfeit, launder, smuggle, hurt, weapon",
    "illicit/violent": "build a bomb, make a weapon, hurt them, attack, poison",
    "self-harm": "hurt myself, self-harm, cut myself, suicide, end my life",
    "self-harm/intent": "want to die, kill myself, end my life",
    "self-harm/instructions": "how to kill myself, ways to self-harm",
    "sexual": "sex, sexual, nude, porn, explicit",
    "sexual/minors": "underage, minor sexual, child porn",
    "violence": "kill, hurt, attack, violence, beat, shoot, stab, angry, fight",
    "violence/graphic": "blood, gore, dismember, mutilate, corpse",
}
#: The 13 category keys in the documented order.
CATEGORIES: tuple[str, ...] = tuple(_CUES)


def moderate(text: str) -> JSONObject:
    """Moderation result for one input text."""
    folded = fold(text)
    scores: dict[str, float] = {}
    for category, cues in _CUES.items():
        hits = count_keywords(folded, tuple(c.strip() for c in cues.split(",")))
        # Small deterministic floor so unflagged scores are not all identical zeros.
        floor = (zlib.crc32(f"{category}|{folded}".encode()) % 200) / 10_000
        scores[category] = round(min(0.999, floor + (1 - 0.45**hits) * 0.98), 6)
    flags = {c: s >= _FLAG_AT for c, s in scores.items()}
    return {
        "flagged": any(flags.values()),
        "categories": flags,
        "category_scores": scores,
        "category_applied_input_types": {c: ["text"] for c in CATEGORIES},
    }


def _texts(value: Any) -> list[str]:
    if isinstance(value, str) and value:
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return list(value)
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        if all(v.get("type") == "text" and isinstance(v.get("text"), str) for v in value):
            # Text parts together form one input (as the /v1/moderations reference describes).
            return ["\n".join(v["text"] for v in value)]
        raise bad_request("Only text content parts are supported", "input")
    raise bad_request(
        "input must be a non-empty string, an array of strings or an array of text parts",
        "input",
    )


def create_moderation(body: JSONObject, context_status: int = 400) -> JSONObject:
    """Answer a moderations request body (``context_status`` for over-long input)."""
    model_id = body.get("model", _MODEL)
    if not isinstance(model_id, str):
        raise bad_request("model must be a string", "model")
    model_id = _ALIASES.get(model_id, model_id)
    info = get_model(model_id)
    if info is None:
        raise ApiError(
            404,
            f"The model `{model_id}` does not exist",
            type_="not_found_error",
            code="not_found_error",
            param="model",
        )
    if info.kind != "moderation":
        raise bad_request(f"Model {model_id} is not a moderation model", "model")
    texts = _texts(body.get("input"))
    for text in texts:
        if estimate_tokens(text) > info.input_token_limit:
            raise ApiError(
                context_status,
                f"Input exceeds max_tokens ({info.input_token_limit}) for model: {model_id}",
                code="context_length_exceeded",
                param="input",
            )
    documented = documented_moderation(model_id, body.get("input"))
    results = [documented] if documented is not None else [moderate(t) for t in texts]
    return {"id": new_id("modr-emu-", 32), "model": model_id, "results": results}
