"""``json_schema_response_format``."""

from __future__ import annotations

from zerogpu_core.structured_output import json_schema_response_format
from zerogpu_core.types.requests import ResponseFormat

SCHEMA = {"title": "City Info", "type": "object", "properties": {"name": {"type": "string"}}}


def test_name_comes_from_the_title_and_is_made_safe() -> None:
    fmt = json_schema_response_format(SCHEMA)
    assert fmt == {"type": "json_schema", "json_schema": {"name": "City_Info", "schema": SCHEMA}}
    ResponseFormat.model_validate(fmt)  # the core's request model accepts it


def test_explicit_name_strict_and_length_cap() -> None:
    fmt = json_schema_response_format({"type": "object"}, name="n" * 80, strict=True)
    assert fmt["json_schema"]["name"] == "n" * 64
    assert fmt["json_schema"]["strict"] is True
    assert json_schema_response_format({})["json_schema"]["name"] == "output"
