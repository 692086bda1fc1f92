"""Shared fixtures for the emulator contract tests.

``zerogpu_emulator`` comes from ``zerogpu_core.emulator.pytest_plugin``, registered by
``pytest_plugins`` in the root ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from zerogpu_core.emulator.server import Emulator

Validator = Callable[[Any, dict[str, Any]], None]


def http_client(emulator: Emulator, **headers: str) -> httpx.Client:
    """A client for ``emulator``; plain HTTP on loopback, so no CA bundle is loaded."""
    return httpx.Client(base_url=emulator.base_url, headers=headers, timeout=10, verify=False)


@pytest.fixture
def client(zerogpu_emulator: Emulator) -> Iterator[httpx.Client]:
    """An httpx client pointed at the running emulator with the right key."""
    with http_client(zerogpu_emulator, **{"x-api-key": "test-key"}) as http:
        yield http


@pytest.fixture
def connect() -> Iterator[Callable[..., httpx.Client]]:
    """Factory for clients of any emulator; every client is closed after the test."""
    opened: list[httpx.Client] = []

    def factory(emulator: Emulator, **headers: str) -> httpx.Client:
        opened.append(http_client(emulator, **headers))
        return opened[-1]

    yield factory
    for http in opened:
        http.close()


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _check_number(value: Any, schema: dict[str, Any], path: str) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return
    for key, ok in (
        ("minimum", lambda b: value >= b),
        ("maximum", lambda b: value <= b),
        ("exclusiveMinimum", lambda b: value > b),
        ("exclusiveMaximum", lambda b: value < b),
    ):
        if key in schema:
            assert ok(schema[key]), f"{path}: {value} violates {key}={schema[key]}"


def validate(
    value: Any, schema: dict[str, Any], root: dict[str, Any] | None = None, path: str = "$"
) -> None:
    """Assert ``value`` satisfies the subset of JSON Schema tool schemas use."""
    root = root if root is not None else schema
    schema = _resolve(schema, root)
    if "const" in schema:
        assert value == schema["const"], path
    if "enum" in schema:
        assert value in schema["enum"], f"{path}: {value!r} not in enum"
    for combiner in ("anyOf", "oneOf"):
        if combiner in schema:
            errors = 0
            for option in schema[combiner]:
                try:
                    validate(value, option, root, path)
                except AssertionError:
                    errors += 1
            assert errors < len(schema[combiner]), f"{path}: matches no {combiner} option"
    for part in schema.get("allOf", []):
        validate(value, part, root, path)
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        assert any(_TYPES[k](value) for k in kinds), f"{path}: {value!r} is not {kinds}"
    _check_number(value, schema, path)
    if isinstance(value, str):
        assert len(value) >= schema.get("minLength", 0), path
        assert len(value) <= schema.get("maxLength", len(value)), path
    if isinstance(value, dict):
        for name in schema.get("required", []):
            assert name in value, f"{path}: missing required {name!r}"
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name in properties:
                validate(item, properties[name], root, f"{path}.{name}")
            else:
                assert schema.get("additionalProperties", True) is not False, f"{path}.{name}"
    if isinstance(value, list):
        assert len(value) >= schema.get("minItems", 0), path
        assert len(value) <= schema.get("maxItems", len(value)), path
        for index, item in enumerate(value):
            if isinstance(schema.get("items"), dict):
                validate(item, schema["items"], root, f"{path}[{index}]")


@pytest.fixture
def schema_validator() -> Validator:
    """The assertion-based JSON Schema validator used by the structured tests."""
    return validate
