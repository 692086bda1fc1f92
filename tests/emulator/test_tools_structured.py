"""Tool calls and structured output, including the LangChain standard-test prompts."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

Validator = Callable[[Any, dict[str, Any]], None]


def _tool(name: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {"name": name, "description": name, "parameters": parameters},
    }


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


MAGIC = _tool(
    "magic_function",
    _object({"input": {"type": "integer", "exclusiveMinimum": -1000, "exclusiveMaximum": 1000}}),
)
NO_ARGS = _tool("magic_function_no_args", {"type": "object", "properties": {}})
WEATHER = _tool("get_weather", _object({"location": {"type": "string"}}))
ADDER = _tool("my_adder_tool", _object({"a": {"type": "integer"}, "b": {"type": "integer"}}))
GREETER = _tool("greeting_generator", _object({"answer_style": {"type": "string"}}))
CUSTOMER = _tool(
    "unicode_customer",
    _object({"customer_name": {"type": "string"}, "description": {"type": "string"}}),
)
JOKE = {
    "title": "Joke",
    "type": "object",
    "properties": {
        "setup": {"type": "string", "description": "question to set up a joke"},
        "punchline": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
    },
    "required": ["setup"],
}
NESTED = {
    "type": "object",
    "$defs": {
        "Item": _object(
            {"sku": {"type": "string", "minLength": 3}, "qty": {"type": "integer", "minimum": 1}}
        )
    },
    "properties": {
        "order_id": {"type": "integer"},
        "priority": {"type": "string", "enum": ["low", "high"]},
        "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}, "minItems": 2},
        "shipping": _object(
            {"express": {"type": "boolean"}, "weight": {"type": "number", "maximum": 10}}
        ),
        "note": {"type": ["string", "null"], "maxLength": 12},
    },
    "required": ["order_id", "priority", "items", "shipping"],
    "additionalProperties": False,
}


def _ask(client: httpx.Client, content: str | list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    messages = [{"role": "user", "content": content}] if isinstance(content, str) else content
    response = client.post(
        "/chat/completions", json={"model": "gpt-oss-120b", "messages": messages, **extra}
    )
    assert response.status_code == 200, response.text
    choice: dict[str, Any] = response.json()["choices"][0]
    return choice


def _calls(choice: dict[str, Any]) -> list[tuple[str, Any]]:
    return [
        (c["function"]["name"], json.loads(c["function"]["arguments"]))
        for c in choice["message"]["tool_calls"]
    ]


def test_forced_tool_call_takes_number_from_prompt(client: httpx.Client) -> None:
    choice = _ask(
        client,
        "What is the value of magic_function(3)? Use the tool.",
        tools=[MAGIC],
        tool_choice="required",
    )
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] is None
    assert _calls(choice) == [("magic_function", {"input": 3})]
    assert choice["message"]["tool_calls"][0]["id"].startswith("call_emu_")


def test_no_argument_tool(client: httpx.Client) -> None:
    choice = _ask(
        client, "What is the value of magic_function_no_args()? Use the tool.", tools=[NO_ARGS]
    )
    assert _calls(choice) == [("magic_function_no_args", {})]


@pytest.mark.parametrize(
    ("prompt", "tools", "choice", "expected"),
    [
        (
            "What is the weather in San Francisco, CA?",
            [WEATHER],
            None,
            ("get_weather", {"location": "San Francisco, CA"}),
        ),
        (
            "Using the tool, generate a Pirate greeting.",
            [GREETER],
            "required",
            ("greeting_generator", {"answer_style": "Pirate"}),
        ),
        (
            "Hello!",
            [MAGIC, WEATHER],
            {"type": "function", "function": {"name": "get_weather"}},
            ("get_weather", None),
        ),
        ("Hello!", [MAGIC, WEATHER], "required", ("magic_function", {"input": 1})),
        ("What is 3 + 4", [ADDER], "required", ("my_adder_tool", {"a": 3, "b": 4})),
    ],
)
def test_tool_selection(
    client: httpx.Client, prompt: str, tools: list[Any], choice: Any, expected: tuple[str, Any]
) -> None:
    extra = {} if choice is None else {"tool_choice": choice}
    calls = _calls(_ask(client, prompt, tools=tools, **extra))
    assert calls[0][0] == expected[0]
    if expected[1] is not None:
        assert calls[0][1] == expected[1]


@pytest.mark.parametrize(
    ("prompt", "needle"),
    [
        (
            "Create a customer named '你好啊集团' (Hello Group) - a Chinese technology company",
            "你好",
        ),
        (
            "Create a customer named 'こんにちは株式会社' (Hello Corporation) - a Japanese company",
            "こんにちは",
        ),
    ],
)
def test_unicode_arguments_are_kept(client: httpx.Client, prompt: str, needle: str) -> None:
    choice = _ask(client, prompt, tools=[CUSTOMER], tool_choice="required")
    assert needle in choice["message"]["tool_calls"][0]["function"]["arguments"]
    assert needle in _calls(choice)[0][1]["customer_name"]


def test_auto_without_mention_answers_in_text(client: httpx.Client) -> None:
    choice = _ask(client, "What is 1 + 2", tools=[ADDER])
    assert choice["finish_reason"] == "stop"
    assert choice["message"]["tool_calls"] == []


def test_tool_choice_none_and_parallel_calls(client: httpx.Client) -> None:
    prompt = "Check the weather and run magic_function on 5"
    assert (
        _ask(client, prompt, tools=[MAGIC, WEATHER], tool_choice="none")["message"]["tool_calls"]
        == []
    )
    both = _calls(_ask(client, prompt, tools=[MAGIC, WEATHER]))
    assert [name for name, _ in both] == ["magic_function", "get_weather"]
    one = _calls(_ask(client, prompt, tools=[MAGIC, WEATHER], parallel_tool_calls=False))
    assert [name for name, _ in one] == ["magic_function"]


def test_answer_after_tool_result(client: httpx.Client) -> None:
    history = [
        {"role": "user", "content": "What is 1 + 2"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "id": "abc123",
                    "type": "function",
                    "function": {"name": "my_adder_tool", "arguments": '{"a": 1, "b": 2}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "abc123", "content": '{"result": 3}'},
    ]
    choice = _ask(client, history, tools=[ADDER])
    assert choice["finish_reason"] == "stop"
    assert "my_adder_tool" in choice["message"]["content"]
    assert '{"result": 3}' in choice["message"]["content"]


def test_tool_message_requires_tool_call_id(client: httpx.Client) -> None:
    messages = [{"role": "user", "content": "x"}, {"role": "tool", "content": "3"}]
    response = client.post(
        "/chat/completions", json={"model": "gpt-oss-120b", "messages": messages}
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "messages[1].tool_call_id"


@pytest.mark.parametrize("schema", [JOKE, NESTED, MAGIC["function"]["parameters"]])
def test_tool_arguments_validate(
    client: httpx.Client, schema_validator: Validator, schema: dict[str, Any]
) -> None:
    tool = _tool("fill", schema)
    choice = _ask(
        client,
        "Order 42 with 2 items weighing 30 kg, note 'fragile glass'",
        tools=[tool],
        tool_choice="required",
    )
    schema_validator(_calls(choice)[0][1], schema)


@pytest.mark.parametrize("schema", [JOKE, NESTED])
def test_json_schema_output_validates(
    client: httpx.Client, schema_validator: Validator, schema: dict[str, Any]
) -> None:
    response_format = {
        "type": "json_schema",
        "json_schema": {"name": "Out", "schema": schema, "strict": True},
    }
    choice = _ask(client, "Tell me a joke about cats.", response_format=response_format)
    schema_validator(json.loads(choice["message"]["content"]), schema)


def test_json_object_uses_quoted_keys(client: httpx.Client) -> None:
    prompt = (
        "Tell me a joke about cats. Return the result as a JSON with 'setup' and 'punchline' keys."
        " Return nothing other than JSON."
    )
    choice = _ask(client, prompt, response_format={"type": "json_object"})
    assert set(json.loads(choice["message"]["content"])) == {"setup", "punchline"}
    fallback = _ask(client, "Answer in JSON.", response_format={"type": "json_object"})
    assert set(json.loads(fallback["message"]["content"])) == {"answer"}


@pytest.mark.parametrize("doubled", [False, True])
def test_schema_pasted_into_the_prompt_gets_schema_valid_json(
    client: httpx.Client, doubled: bool
) -> None:
    schema = json.dumps(_object({"name": {"type": "string"}, "moons": {"type": "integer"}}))
    if doubled:
        schema = schema.replace("{", "{{").replace("}", "}}")
    prompt = f"Describe Mars.\nHere's a JSON schema to follow:\n{schema}\nOutput a JSON object."
    choice = _ask(client, prompt)
    value = json.loads(choice["message"]["content"])
    assert isinstance(value["name"], str)
    assert isinstance(value["moons"], int)


def test_prompt_without_schema_phrase_gets_text(client: httpx.Client) -> None:
    choice = _ask(client, 'Echo {"properties": {}} back')
    assert choice["message"]["content"].startswith("[emulated]")


def test_json_object_fits_a_schema_given_in_the_prompt(
    client: httpx.Client, schema_validator: Validator
) -> None:
    schema = _object({"name": {"type": "string"}, "age": {"type": "integer"}})
    prompt = f"Extract the person from: Ann is 31. Answer with JSON like {json.dumps(schema)}"
    choice = _ask(client, prompt, response_format={"type": "json_object"})
    schema_validator(json.loads(choice["message"]["content"]), schema)
