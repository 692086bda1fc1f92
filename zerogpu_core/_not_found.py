"""Telling the two common 404s apart: an unknown model, or a base URL that misses.

Both come back from the same route with status 404; the request says which: a 404
that names the model (or blames the ``model`` parameter) is about the model, any
other 404 from one of the client's fixed routes means nothing listens there.
"""

from __future__ import annotations

import json
from typing import Literal

from zerogpu_core import catalog
from zerogpu_core._urls import route_not_found_hint

__all__ = ["classify_not_found"]

_ROUTE_OF: dict[str, catalog.Route] = {
    "/chat/completions": "chat",
    "/responses": "responses",
    "/embeddings": "embeddings",
    "/moderations": "moderations",
}


def _requested_model(content: bytes) -> str | None:
    try:
        body = json.loads(content) if content else None
    except ValueError:
        return None
    model = body.get("model") if isinstance(body, dict) else None
    return model if isinstance(model, str) and model else None


def _model_hint(model: str, url: str) -> str:
    route = next((r for path, r in _ROUTE_OF.items() if url.endswith(path)), None)
    pool = [m.id for m in catalog.MODELS.values() if route is None or route in m.routes]
    closest = catalog.closest_models(model, pool)
    suggestion = f" Closest catalog ids: {', '.join(closest)}." if closest else ""
    return (
        f"The API does not know model {model!r} (or your project has no access to it).{suggestion}"
    )


def classify_not_found(
    url: str, request_content: bytes, message: str, param: str | None
) -> tuple[Literal["model", "route"], str] | None:
    """``("model", hint)``, ``("route", hint)`` or ``None`` (an ordinary 404).

    Args:
        url: The URL the request went to.
        request_content: The request body (JSON for the inference routes).
        message: The error message from the response body.
        param: The error body's ``param``, if any.
    """
    model = _requested_model(request_content)
    if model is not None and (param == "model" or model in message):
        return "model", _model_hint(model, url)
    route_hint = route_not_found_hint(url)
    if route_hint is not None:
        return "route", route_hint
    return None
