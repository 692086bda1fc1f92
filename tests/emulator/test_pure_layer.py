"""The pure handler layer and generators, without HTTP."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zerogpu_core.emulator import EmulatorOptions
from zerogpu_core.emulator.app import EmulatorApp
from zerogpu_core.emulator.schema_values import PromptValues, generate_value
from zerogpu_core.emulator.textgen import apply_stop, split_words, truncate_tokens
from zerogpu_core.emulator.wire import estimate_tokens


def test_app_answers_without_a_server() -> None:
    app = EmulatorApp(EmulatorOptions(api_key="k"))
    body = json.dumps(
        {"model": "glm-5.2", "messages": [{"role": "user", "content": "Hi"}]}
    ).encode()
    response = app.handle("POST", "/v1/chat/completions?x=1", {"X-Api-Key": "k"}, body)
    assert response.status == 200
    assert response.headers["x-zerogpu-emulator"] == "1"
    assert response.body is not None
    assert json.loads(response.body)["model"] == "glm-5.2"
    assert app.requests[0].headers["x-api-key"] == "***"


def test_stream_response_is_a_chunk_sequence() -> None:
    app = EmulatorApp(EmulatorOptions())
    body = {"model": "glm-5.2", "messages": [{"role": "user", "content": "Hi"}], "stream": True}
    response = app.handle(
        "POST", "/v1/chat/completions", {"x-api-key": "a"}, json.dumps(body).encode()
    )
    assert response.chunks is not None
    chunks = list(response.chunks)
    assert chunks[-1] == b"data: [DONE]\n\n"
    assert all(c.startswith(b"data: ") and c.endswith(b"\n\n") for c in chunks)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"stream_mode": "ws"}, "stream_mode"),
        ({"context_length_status": 413}, "context_length_status"),
        ({"batch_expiry_seconds": 0}, "positive"),
    ],
)
def test_options_are_checked(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EmulatorOptions(**options)  # type: ignore[arg-type]


@given(st.text(max_size=200))
def test_split_words_round_trips(text: str) -> None:
    assert "".join(split_words(text)) == text


@given(st.text(max_size=300), st.integers(min_value=0, max_value=40))
def test_truncation_respects_budget(text: str, budget: int) -> None:
    cut = truncate_tokens(text, budget)
    assert text.startswith(cut.text)
    if cut.truncated:
        assert estimate_tokens(cut.text) <= budget
    else:
        assert cut.text == text


def test_stop_uses_earliest_sequence() -> None:
    assert apply_stop("one two three", ["three", "two"]) == "one "
    assert apply_stop("one", ["x"]) == "one"


def test_generator_prefers_prompt_values() -> None:
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "days": {"type": "integer", "maximum": 5},
            "unit": {"enum": ["celsius", "fahrenheit"]},
            "contact": {"type": "string", "format": "email"},
        },
    }
    prompt = "Forecast for Lisbon over 9 days in fahrenheit, mail bob@example.com"
    assert generate_value(schema, PromptValues(prompt)) == {
        "city": "Lisbon",
        "days": 5,
        "unit": "fahrenheit",
        "contact": "bob@example.com",
    }


def test_generator_handles_recursive_refs() -> None:
    schema = {
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                },
                "required": ["name"],
            }
        },
        "$ref": "#/$defs/Node",
    }
    value = generate_value(schema, PromptValues("tree"))
    depth = 0
    while value.get("children"):
        value = value["children"][0]
        depth += 1
    assert depth < 10


def test_unexpected_errors_become_500(monkeypatch: pytest.MonkeyPatch) -> None:
    app = EmulatorApp(EmulatorOptions())

    def broken(query: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(app.files, "list_page", broken)
    response = app.handle("GET", "/v1/files", {"x-api-key": "a"}, b"")
    assert response.status == 500
    assert response.body is not None
    assert json.loads(response.body) == {
        "error": {"message": "Internal error", "type": "internal_error"}
    }
