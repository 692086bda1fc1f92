"""Rule-based ``gliner2-base-v1``: NER, schema-driven JSON extraction, classification."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from zerogpu_core.emulator.lexicon import (
    ADDRESS,
    COMPANIES,
    EMAIL,
    JOB_TITLE,
    LOCATIONS,
    PERSON,
    PHONE,
    TERMS,
    find_terms,
)
from zerogpu_core.emulator.wire import JSONObject, bad_request
from zerogpu_core.emulator.zeroshot import score_labels

__all__ = ["gliner2_payload"]

Finder = Callable[[str], list[str]]

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# ISO, numeric, "June 3, 2024" and the day-first "3 June 2024" written outside the US.
_DATE = re.compile(
    rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|{_MONTH} \d{{1,2}}(?:, \d{{4}})?"
    rf"|\d{{1,2}} {_MONTH}(?: \d{{4}})?)\b"
)


def _regex(pattern: re.Pattern[str]) -> Finder:
    return lambda text: [m.group(0).strip() for m in pattern.finditer(text)]


def _terms(terms: tuple[str, ...]) -> Finder:
    return lambda text: [found for _, _, found in find_terms(text, terms)]


# Word cues in a label or field name -> how to find matching spans.
_FINDERS: list[tuple[tuple[str, ...], Finder]] = [
    (("email", "e-mail"), _regex(EMAIL)),
    (("phone", "telephone", "mobile"), _regex(PHONE)),
    (("address", "office", "street"), _regex(ADDRESS)),
    (("company", "organization", "organisation", "employer", "org"), _terms(COMPANIES)),
    (("title", "job", "role", "position"), _regex(JOB_TITLE)),
    (("location", "city", "country", "place", "state"), _terms(LOCATIONS)),
    (("date", "when", "day"), _regex(_DATE)),
    (("name", "person", "people", "contact"), _regex(PERSON)),
]


def _finder(label: str) -> Finder | None:
    key = label.strip().lower()
    if key in TERMS:
        return _terms(TERMS[key])
    words = set(re.split(r"[\s_-]+", key))
    for cues, finder in _FINDERS:
        if words & set(cues):
            return finder
    return None


def _ner(text: str, metadata: JSONObject) -> JSONObject:
    labels = metadata.get("labels")
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
        raise bad_request(
            "metadata.labels must be a non-empty array of strings for usecase 'ner'",
            "metadata.labels",
        )
    entities: dict[str, list[str]] = {}
    for label in labels:
        finder = _finder(label)
        found = list(dict.fromkeys(finder(text))) if finder else []
        if found:
            entities[label] = found
    return {"entities": entities}


def _schema(metadata: JSONObject, usecase: str) -> dict[str, list[str]]:
    schema = metadata.get("schema")
    ok = isinstance(schema, dict) and all(
        isinstance(v, list) and v and all(isinstance(s, str) for s in v) for v in schema.values()
    )
    if not ok or not schema:
        raise bad_request(
            f"metadata.schema must map names to arrays of strings for usecase '{usecase}'",
            "metadata.schema",
        )
    checked: dict[str, list[str]] = schema
    return checked


def _field(text: str, spec: str) -> Any:
    name, _, rest = spec.partition("::")
    kind, _, description = rest.partition("::")
    finder = _finder(name) or _finder(description)
    found = list(dict.fromkeys(finder(text))) if finder else []
    if kind.strip() == "list":
        return found
    return found[0] if found else None


_FIELD_TYPES = ("str", "list")


def _check_specs(schema: dict[str, list[str]]) -> None:
    # The documented form is "name::type::description"; GLiNER2 types are str and list.
    for group, specs in schema.items():
        for spec in specs:
            parts = spec.split("::", 2)
            if len(parts) < 2 or not parts[0].strip() or parts[1].strip() not in _FIELD_TYPES:
                raise bad_request(
                    f"metadata.schema.{group}: field specs must be 'name::type::description' "
                    f"with type {' or '.join(_FIELD_TYPES)}",
                    "metadata.schema",
                )


def _json(text: str, metadata: JSONObject) -> JSONObject:
    schema = _schema(metadata, "json")
    _check_specs(schema)
    data = {
        group: [{spec.partition("::")[0]: _field(text, spec) for spec in fields}]
        for group, fields in schema.items()
    }
    return {"data": data}


def _classification(text: str, metadata: JSONObject) -> JSONObject:
    schema = _schema(metadata, "classification")
    chosen = {}
    for axis, labels in schema.items():
        scores = score_labels(text, labels)
        best = next(iter(scores))
        chosen[axis] = next(label for label in labels if label.strip().lower() == best)
    return {"classification": chosen}


_USECASES: dict[str, Callable[[str, JSONObject], JSONObject]] = {
    "ner": _ner,
    "json": _json,
    "classification": _classification,
}


def gliner2_payload(text: str, metadata: JSONObject) -> JSONObject:
    """The ``gliner2-base-v1`` payload for ``text`` and its ``metadata`` options."""
    usecase = metadata.get("usecase", "ner")
    handler = _USECASES.get(usecase) if isinstance(usecase, str) else None
    if handler is None:
        raise bad_request(
            "metadata.usecase must be 'ner', 'json' or 'classification'", "metadata.usecase"
        )
    return handler(text, metadata)
