"""What counts as a bare domain name, checked before the domain classifier is called.

``zlm-v1-iab-domain-classifier`` takes a host name alone, such as ``nytimes.com``:
no scheme, path, port, credentials or surrounding text. The checks follow the DNS
rules (labels of letters, digits and hyphens, at most 63 characters, at most 253
in all, at least two labels, a top-level label that is not a number);
internationalised names are checked in their ASCII (IDNA) form and sent as written.
Messages say what is wrong without quoting the value (URLs can carry tokens).
"""

from __future__ import annotations

import re

__all__ = ["MAX_DOMAIN_CHARS", "check_domain"]

#: The longest host name DNS allows.
MAX_DOMAIN_CHARS = 253
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_EXAMPLE = "a bare domain name such as 'nytimes.com'"
_BAD_LABEL = "each part between dots must be 1 to 63 letters, digits or inner hyphens"


def _ascii(domain: str, argument: str) -> str:
    try:
        return domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(f"{argument} must be {_EXAMPLE}; {_BAD_LABEL}") from None


def _shape_problem(value: str) -> str | None:
    """Why ``value`` is not a host name at all (a URL, text, an address), or ``None``."""
    if "://" in value or "/" in value:
        return "got a URL or a path; pass its host alone, e.g. urllib.parse.urlsplit(url).hostname"
    if any(c.isspace() for c in value):
        return "got text with spaces"
    if any(c in value for c in "@:?#[]"):
        return "got a host with credentials, a port, a query or brackets"
    return None


def check_domain(domain: object, *, argument: str = "domain") -> str:
    """``domain`` without surrounding whitespace or a final dot, if it is a bare domain.

    Raises:
        ValueError: naming what is wrong (a URL, text, an IP address, a bad label).
    """
    if not isinstance(domain, str):
        raise ValueError(f"{argument} must be a string, got {type(domain).__name__}")
    value = domain.strip().removesuffix(".")
    if not value:
        raise ValueError(f"{argument} must be {_EXAMPLE}; got an empty value")
    problem = _shape_problem(value)
    if problem is not None:
        raise ValueError(f"{argument} must be {_EXAMPLE}; {problem}")
    labels = _ascii(value, argument).split(".")
    if len(labels) < 2:
        raise ValueError(f"{argument} must be {_EXAMPLE}; got a single label with no dot")
    if labels[-1].isdigit():
        raise ValueError(f"{argument} must be {_EXAMPLE}; got an IP address")
    if not all(_LABEL.match(label) for label in labels):
        raise ValueError(f"{argument} must be {_EXAMPLE}; {_BAD_LABEL}")
    if len(".".join(labels)) > MAX_DOMAIN_CHARS:
        raise ValueError(f"{argument} must be at most {MAX_DOMAIN_CHARS} characters long")
    return value
