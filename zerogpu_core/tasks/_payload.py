"""Unwrapping a task model's JSON payload from whatever carried it (content, metadata, output).

Task models answer with a JSON *string*: in ``choices[0].message.content`` on the
chat route and in the first ``output_text`` block on the responses route. The
playground examples show the bare payload; that is accepted too.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

from zerogpu_core._exceptions import TaskOutputError
from zerogpu_core._jsontext import parse_json_text
from zerogpu_core.types import ChatCompletion, Response

__all__ = ["TaskOutputError", "extract_payload"]

Carrier = ChatCompletion | Response | Mapping[str, Any] | str


def extract_payload(carrier: Carrier, *, model: str = "task model") -> dict[str, Any]:
    """Return the JSON object a task model produced.

    Args:
        carrier: a ``ChatCompletion``, a ``Response``, a raw envelope mapping (with
            ``choices`` or ``output``), a bare payload mapping, or the JSON text.
        model: used in error messages only.

    Raises:
        TaskOutputError: when there is no text, the text is not JSON, or the JSON is
            not an object.
    """
    if isinstance(carrier, Mapping):
        carrier = _typed_envelope(carrier)
    if isinstance(carrier, ChatCompletion):
        if not carrier.choices:
            raise TaskOutputError(f"{model} returned a chat completion without choices")
        text = carrier.choices[0].message.content
    elif isinstance(carrier, Response):
        text = carrier.output_text
    elif isinstance(carrier, dict):
        return carrier
    else:
        text = carrier
    return _decode(text, model)


def _typed_envelope(raw: Mapping[str, Any]) -> ChatCompletion | Response | dict[str, Any]:
    if "choices" in raw:
        return ChatCompletion.model_validate(raw)
    if "output" in raw and isinstance(raw["output"], list):
        return Response.model_validate(raw)
    return dict(raw)


def _decode(text: str | None, model: str) -> dict[str, Any]:
    if text is None or not text.strip():
        raise TaskOutputError(f"{model} returned no output text")
    try:
        value = parse_json_text(text)
    except ValueError:
        # Not quoted: PII model output may contain the personal data itself.
        raise TaskOutputError(
            f"{model} returned {len(text)} characters of output that are not JSON"
        ) from None
    if isinstance(value, str):
        # Some wrappers double-encode the payload; one more decode is unambiguous.
        with contextlib.suppress(json.JSONDecodeError):
            value = json.loads(value)
    if not isinstance(value, dict):
        raise TaskOutputError(f"{model} returned JSON {type(value).__name__}, expected an object")
    return value
