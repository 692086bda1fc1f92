"""Structured extraction to JSON with ``gliner2-base-v1`` (``usecase: json``).

The schema names groups of fields, each field a ``"name::type::description"`` spec
(``"email::str::Email address"``); ``str`` fields hold one string or ``null`` and
``list`` fields a list of strings. The model answers ``{"data": {group: [record,
...]}}``, one record per instance it found, with ``null`` for fields it did not.

Long documents are sent in overlapping windows (as for entities, so a field value
cut by one window's edge is whole in the next), and the windows' records are
merged into one object per document, in text order, by one rule:

* a record with no value at all is dropped (it says "nothing found");
* a record whose values all appear in an earlier record of its group is dropped
  (the same instance seen again, e.g. in the overlap of two windows);
* the first record of a window continues the group's last record when no ``str``
  field holds two different values: empty fields take the later value and ``list``
  fields the union (an instance cut at a window edge);
* any other record is a further instance, appended.

So no value the model returned is lost: it ends up in some record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from typing_extensions import Unpack

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.catalog import check_model
from zerogpu_core.tasks._checks import check_schema, check_threshold
from zerogpu_core.tasks._payload import TaskOutputError, extract_payload
from zerogpu_core.tasks.chunking import MIN_WINDOW_TOKENS, TextChunk, plan_windows, token_budget
from zerogpu_core.tasks.extraction import EXTRACTION_MODEL, json_metadata
from zerogpu_core.tasks.results import DocumentResults, check_texts
from zerogpu_core.tasks.runner import (
    ChunkedTask,
    DocumentRunArgs,
    aprocess_documents,
    arun_one,
    process_documents,
    run_one,
)
from zerogpu_core.tasks.single_turn import chat_request
from zerogpu_core.types import ChatCompletion

__all__ = [
    "FIELD_TYPES",
    "FieldSpec",
    "JSONExtractionOptions",
    "JSONExtractionResult",
    "JSONExtractionTask",
    "aextract_json",
    "aextract_json_documents",
    "extract_json",
    "extract_json_documents",
    "merge_records",
    "parse_field_spec",
    "parse_records",
]

FieldType = Literal["str", "list"]
#: The field types: ZeroGPU's docs show ``str``; ``list`` is GLiNER2's other type.
FIELD_TYPES: tuple[FieldType, ...] = ("str", "list")
_TYPES: dict[str, FieldType] = {kind: kind for kind in FIELD_TYPES}
Record = dict[str, Any]
Records = dict[str, list[Record]]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a group: ``name::type::description`` (the description optional)."""

    name: str
    type: FieldType
    description: str = ""

    def empty(self) -> Any:
        """The value of this field when nothing was found."""
        return [] if self.type == "list" else None


def parse_field_spec(spec: str, *, where: str = "spec") -> FieldSpec:
    """The parts of ``"name::type::description"``.

    Raises:
        ValueError: naming ``where`` when the name is blank or the type unknown.
    """
    parts = spec.split("::", 2)
    if len(parts) < 2:
        raise ValueError(
            f"{where} must look like 'name::str::description' (a name and a type), got {spec!r}"
        )
    name, kind = parts[0].strip(), parts[1].strip()
    if not name:
        raise ValueError(f"{where} has no field name before '::'")
    checked = _TYPES.get(kind)
    if checked is None:
        raise ValueError(f"{where} has type {kind!r}; use one of {', '.join(FIELD_TYPES)}")
    description = parts[2].strip() if len(parts) == 3 else ""
    return FieldSpec(name, checked, description)


def _parse_schema(schema: Any) -> dict[str, tuple[FieldSpec, ...]]:
    checked = check_schema(schema, what='"field::type::description" specs')
    groups: dict[str, tuple[FieldSpec, ...]] = {}
    for group, specs in checked.items():
        fields = tuple(
            parse_field_spec(spec, where=f"schema[{group!r}][{i}]") for i, spec in enumerate(specs)
        )
        names = [f.name.casefold() for f in fields]
        if len(set(names)) != len(names):
            raise ValueError(f"schema[{group!r}] names a field twice (ignoring letter case)")
        groups[group] = fields
    folded = [group.strip().casefold() for group in groups]
    if len(set(folded)) != len(folded):
        raise ValueError("schema groups must be distinct ignoring letter case")
    return groups


@dataclass(frozen=True)
class JSONExtractionOptions:
    """What to extract.

    Attributes:
        schema: groups of field specs, e.g.
            ``{"contact": ["name::str::Full name", "email::str::Email address"]}``.
        threshold: minimum confidence 0..1 (not sent when ``None``).
        model: the extraction model.
        max_chunk_tokens: override of the 800-token window budget.
        groups: the parsed schema, each group's fields (derived).
    """

    schema: Mapping[str, Sequence[str]]
    threshold: float | None = None
    model: str = EXTRACTION_MODEL
    max_chunk_tokens: int | None = None
    groups: dict[str, tuple[FieldSpec, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        groups = _parse_schema(self.schema)
        # A copy: the frozen options must not change when the caller's dict does.
        object.__setattr__(self, "schema", {g: tuple(s) for g, s in dict(self.schema).items()})
        object.__setattr__(self, "groups", groups)
        check_threshold(self.threshold)
        check_model(self.model, "extraction")
        if token_budget(self.model, self.max_chunk_tokens) < MIN_WINDOW_TOKENS:
            raise ValueError(
                f"max_chunk_tokens must be at least {MIN_WINDOW_TOKENS} for JSON extraction"
            )


@dataclass(frozen=True)
class JSONExtractionResult:
    """One object per document: each group's records, in text order.

    Attributes:
        data: ``{group: [record, ...]}``; every field of the schema is in every
            record (``None`` or ``[]`` when not found); a group with nothing found
            has no records.
        chunks: requests sent for the document.
    """

    model: str
    data: Records
    chunks: int = 0

    def first(self, group: str) -> Record | None:
        """The group's first record, or ``None`` when nothing was found."""
        records = self.data.get(group, [])
        return records[0] if records else None

    def to_metadata(self) -> dict[str, Any]:
        """``{"data", "model", "chunks"}`` for document or node metadata."""
        data = {g: [dict(r) for r in records] for g, records in self.data.items()}
        return {"data": data, "model": self.model, "chunks": self.chunks}


def _by_folded(names: Sequence[str]) -> dict[str, str]:
    return {name.strip().casefold(): name for name in names}


def _records_map(payload: Mapping[str, Any], groups: Mapping[str, Any]) -> Mapping[str, Any]:
    # Documented: {"data": {...}}; some official pages show the groups without it.
    data = payload.get("data")
    if isinstance(data, Mapping):
        return data
    folded = _by_folded(list(groups))
    if payload and all(str(key).strip().casefold() in folded for key in payload):
        return payload
    raise TaskOutputError("gliner2 JSON output has no 'data' object of groups")


def _value(spec: FieldSpec, value: Any, group: str) -> Any:
    if value is None:
        return spec.empty()
    if spec.type == "str" and isinstance(value, str):
        return value if value.strip() else None
    if spec.type == "list" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(dict.fromkeys(v for v in value if v.strip()))
    wanted = "a string or null" if spec.type == "str" else "a list of strings or null"
    raise TaskOutputError(
        f"gliner2 JSON output field {spec.name!r} of group {group!r} is not {wanted}"
    )


def _record(raw: Any, fields: Sequence[FieldSpec], group: str) -> Record:
    if not isinstance(raw, Mapping):
        raise TaskOutputError(f"gliner2 JSON output group {group!r} holds a non-object record")
    by_name = {f.name.casefold(): f for f in fields}
    record: Record = {f.name: f.empty() for f in fields}
    for key, value in raw.items():
        spec = by_name.get(str(key).strip().casefold())
        if spec is None:
            raise TaskOutputError(f"gliner2 JSON output group {group!r} has an unknown field")
        record[spec.name] = _value(spec, value, group)
    return record


def _is_empty(record: Record) -> bool:
    return all(value is None or value == [] for value in record.values())


def parse_records(payload: Mapping[str, Any], groups: Mapping[str, Sequence[FieldSpec]]) -> Records:
    """One window's records per group (every group present; empty records dropped).

    Group and field names may come back in another letter case; the schema's
    spelling is used. A group given as one object instead of a list is one record.

    Raises:
        TaskOutputError: for a group or field that was not asked for, or a value of
            the wrong type.
    """
    found = _records_map(payload, groups)
    folded = _by_folded(list(groups))
    records: Records = {group: [] for group in groups}
    for key, raw in found.items():
        group = folded.get(str(key).strip().casefold())
        if group is None:
            raise TaskOutputError("gliner2 JSON output has a group that was not asked for")
        items = [raw] if isinstance(raw, Mapping) else raw
        if not isinstance(items, list):
            raise TaskOutputError(f"gliner2 JSON output group {group!r} is not a list of records")
        parsed = (_record(item, groups[group], group) for item in items)
        records[group].extend(r for r in parsed if not _is_empty(r))
    return records


def _values(record: Record) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for name, value in record.items():
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                pairs.add((name, item))
    return pairs


def _continues(earlier: Record, later: Record) -> bool:
    return all(
        a is None or b is None or isinstance(a, list) or a == b
        for a, b in ((earlier[k], later[k]) for k in earlier)
    )


def _joined(earlier: Record, later: Record) -> Record:
    joined: Record = {}
    for name, value in earlier.items():
        other = later[name]
        if isinstance(value, list):
            joined[name] = list(dict.fromkeys([*value, *other]))
        else:
            joined[name] = other if value is None else value
    return joined


def merge_records(parts: Sequence[Records]) -> Records:
    """The windows' records merged into one object (rule in the module docstring)."""
    merged: Records = {}
    for part in parts:
        for group, records in part.items():
            kept = merged.setdefault(group, [])
            for position, record in enumerate(records):
                if any(_values(record) <= _values(earlier) for earlier in kept):
                    continue
                if position == 0 and kept and _continues(kept[-1], record):
                    kept[-1] = _joined(kept[-1], record)
                else:
                    kept.append(record)
    return merged


class JSONExtractionTask(ChunkedTask[str, TextChunk, Records, JSONExtractionResult]):
    """JSON extraction of a document: overlapping windows, then one merged object."""

    desc = "JSON extraction"

    def __init__(self, options: JSONExtractionOptions) -> None:
        self.options = options

    def plan(self, document: str, /) -> list[TextChunk]:
        budget = token_budget(self.options.model, self.options.max_chunk_tokens)
        return [c for c in plan_windows(document, budget) if not c.is_blank]

    def request(self, job: TextChunk, /) -> dict[str, Any]:
        metadata = json_metadata(self.options.schema, self.options.threshold)
        return chat_request(self.options.model, job.text, metadata=metadata)

    def resolve(self, job: TextChunk, reply: ChatCompletion, /) -> Records:
        payload = extract_payload(reply, model=self.options.model)
        return parse_records(payload, self.options.groups)

    def finish(
        self, document: str, jobs: Sequence[TextChunk], parts: Sequence[Records], /
    ) -> JSONExtractionResult:
        empty: Records = {group: [] for group in self.options.groups}
        merged = merge_records([empty, *parts])
        return JSONExtractionResult(self.options.model, merged, chunks=len(jobs))


def extract_json(
    client: ZeroGPUClient, text: str, options: JSONExtractionOptions
) -> JSONExtractionResult:
    """The schema's fields found in ``text`` (any length), as one object.

    Raises:
        ZeroGPUError: API errors (after the client's retries) or unusable output.
    """
    return run_one(JSONExtractionTask(options), client, text)


async def aextract_json(
    client: AsyncZeroGPUClient, text: str, options: JSONExtractionOptions
) -> JSONExtractionResult:
    """Async :func:`extract_json`."""
    return await arun_one(JSONExtractionTask(options), client, text)


def extract_json_documents(
    client: ZeroGPUClient,
    texts: Sequence[str],
    options: JSONExtractionOptions,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[JSONExtractionResult]:
    """One object per text, concurrently or as one Batch API job (``batch``);
    failures are returned, never raised."""
    check_texts(texts)
    return process_documents(
        JSONExtractionTask(options),
        client,
        texts,
        **run,
    )


async def aextract_json_documents(
    client: AsyncZeroGPUClient,
    texts: Sequence[str],
    options: JSONExtractionOptions,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[JSONExtractionResult]:
    """Async :func:`extract_json_documents`."""
    check_texts(texts)
    return await aprocess_documents(
        JSONExtractionTask(options),
        client,
        texts,
        **run,
    )
