"""The API base URL: where it comes from, what a wrong one looks like.

Two mistakes are common: a base URL without the ``/v1`` version segment (every
route then answers 404), and a full endpoint URL copied from the docs
(``.../v1/chat/completions``) given where the root is expected.
"""

from __future__ import annotations

import os

__all__ = ["DEFAULT_BASE_URL", "ENDPOINTS", "resolve_base_url", "route_not_found_hint"]

DEFAULT_BASE_URL = "https://api.zerogpu.ai/v1"

#: Paths the client appends to the base URL (the fixed ones; ids follow some).
ENDPOINTS = ("/chat/completions", "/responses", "/embeddings", "/moderations", "/files", "/batches")


def resolve_base_url(base_url: str | None) -> str:
    """``base_url``, else ``ZEROGPU_BASE_URL``, else production; checked and without
    a trailing slash.

    Raises:
        ValueError: when the URL is not http(s), or is a full endpoint URL.
    """
    source = "base_url" if base_url else "ZEROGPU_BASE_URL"
    url = (base_url or os.environ.get("ZEROGPU_BASE_URL", "").strip() or DEFAULT_BASE_URL).rstrip(
        "/"
    )
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{source} must start with http:// or https://, got {url!r}")
    for endpoint in ENDPOINTS:
        if url.endswith(endpoint):
            root = url[: -len(endpoint)]
            raise ValueError(
                f"{source} {url!r} is the full URL of the {endpoint} endpoint; give the API "
                f"root instead ({root!r}): the client appends {endpoint} itself."
            )
    return url


def route_not_found_hint(url: str) -> str | None:
    """Why a 404 from a fixed route of ours probably means a wrong base URL.

    ``None`` when ``url`` is not one of the client's fixed routes (a 404 for a file
    or batch id is about the id, not the URL).
    """
    for endpoint in ENDPOINTS:
        if url.endswith(endpoint):
            root = url[: -len(endpoint)]
            if not root.endswith("/v1"):
                return (
                    f"No route answers at {url}: the base URL {root!r} probably lacks the "
                    f"/v1 segment (try base_url={root + '/v1'!r})."
                )
            return (
                f"No route answers at {url}: check that the base URL {root!r} points at "
                "the ZeroGPU API (or your proxy's mount point for it)."
            )
    return None
