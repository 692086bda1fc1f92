"""``POST /v1/embeddings``: deterministic 384-dimensional unit vectors.

Vectors are hashed bags of word unigrams and bigrams, so texts that share words
point in similar directions (good enough for retrieval demos).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import math
import re
import struct
from typing import Any

from zerogpu_core.catalog import get_model
from zerogpu_core.emulator.examples import documented_embedding
from zerogpu_core.emulator.wire import ApiError, JSONObject, bad_request, estimate_tokens

__all__ = ["DIMENSIONS", "create_embeddings", "embed"]

DIMENSIONS = 384
# The API answers with the upstream spelling for MiniLM (reference example).
_RESPONSE_NAMES = {"all-minilm-l6-v2": "all-MiniLM-L6-v2"}


def _features(text: str) -> list[tuple[str, float]]:
    words = re.findall(r"\w+", text.lower())
    grams = [(w, 1.0) for w in words]
    grams += [(f"{a} {b}", 0.5) for a, b in itertools.pairwise(words)]
    return grams or [(text, 1.0)]


def _hashed(text: str, salt: str, size: int) -> list[float]:
    vector = [0.0] * size
    for gram, weight in _features(text):
        digest = hashlib.blake2b(f"{salt}|{gram}".encode(), digest_size=8).digest()
        index = int.from_bytes(digest[:4], "little") % size
        vector[index] += weight if digest[4] & 1 else -weight
    return vector


def _normalised(vector: list[float], norm: float) -> list[float]:
    length = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [round(v / length * norm, 6) for v in vector]


def embed(text: str, model: str, prefix: list[float] | None = None) -> list[float]:
    """Unit vector for ``text``; a documented ``prefix`` is kept as the first values."""
    head = prefix or []
    rest = _hashed(text, model, DIMENSIONS - len(head))
    remaining = math.sqrt(max(0.0, 1.0 - sum(v * v for v in head)))
    return head + _normalised(rest, remaining)


def _inputs(value: Any) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(s, str) for s in items):
        raise bad_request("input must be a non-empty string or an array of strings", "input")
    for index, item in enumerate(items):
        if not item:
            raise bad_request(f"input[{index}] must be a non-empty string", "input")
    return items


def _encode(vector: list[float], encoding: str) -> Any:
    if encoding == "base64":
        return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
    return vector


def create_embeddings(body: JSONObject) -> JSONObject:
    """Answer an embeddings request body."""
    model_id = body.get("model")
    if not isinstance(model_id, str) or not model_id:
        raise bad_request("model is required", "model")
    info = get_model(model_id)
    if info is None:
        raise ApiError(
            404,
            f"The model `{model_id}` does not exist",
            type_="not_found_error",
            code="not_found_error",
            param="model",
        )
    if info.kind != "embedding":
        raise bad_request(f"Model {model_id} is not an embedding model", "model")
    encoding = body.get("encoding_format", "float")
    if encoding not in ("float", "base64"):
        raise bad_request("encoding_format must be 'float' or 'base64'", "encoding_format")
    dimensions = body.get("dimensions")
    if dimensions is not None and dimensions != DIMENSIONS:
        raise bad_request(f"dimensions must be {DIMENSIONS} for {model_id}", "dimensions")
    texts = _inputs(body.get("input"))
    documented = documented_embedding(model_id, body.get("input"))
    data = []
    tokens = 0
    for index, text in enumerate(texts):
        # Documented behaviour: input beyond the model limit is silently truncated.
        kept = text[: info.input_token_limit * 4]
        tokens += estimate_tokens(kept)
        prefix = documented[0] if documented else None
        vector = embed(kept, model_id, prefix)
        data.append({"object": "embedding", "index": index, "embedding": _encode(vector, encoding)})
    usage = {"prompt_tokens": tokens, "total_tokens": tokens}
    if documented is not None:
        usage = {"prompt_tokens": documented[1][0], "total_tokens": documented[1][1]}
    return {
        "object": "list",
        "data": data,
        "model": _RESPONSE_NAMES.get(model_id, model_id),
        "usage": usage,
    }
