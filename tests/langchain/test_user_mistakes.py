"""What a new user coming from ``ChatOpenAI`` gets wrong, and the message they see."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator

import pytest
from langchain_core.documents import Document
from langchain_core.messages import HumanMessage
from langchain_core.tools import tool
from pydantic import BaseModel, ValidationError

from langchain_zerogpu import ChatZeroGPU, ZeroGPUEmbeddings, ZeroGPUIABClassifier
from zerogpu_core import catalog
from zerogpu_core.emulator import Emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key="k") as emu:
        yield emu


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"Sunny in {city}"


class Person(BaseModel):
    """A person."""

    name: str
    age: int


@pytest.mark.parametrize(
    ("prompt", "error", "words"),
    [
        ([], ValueError, "ChatZeroGPU: input is empty; send at least one message."),
        ("", ValueError, "ChatZeroGPU: input[0] is a user message with empty content"),
        ([("system", ""), ("human", "Hi")], ValueError, "input[0] is a system message"),
    ],
)
def test_empty_input_is_refused_before_any_request(
    emulator: Emulator, prompt: object, error: type[Exception], words: str
) -> None:
    llm = ChatZeroGPU(api_key="k", base_url=emulator.base_url)
    with pytest.raises(error) as raised:
        llm.invoke(prompt)  # type: ignore[arg-type]
    assert words in str(raised.value)
    assert emulator.requests == []


def test_stop_of_the_wrong_type_is_named(emulator: Emulator) -> None:
    llm = ChatZeroGPU(api_key="k", base_url=emulator.base_url)
    with pytest.raises(TypeError, match="ChatZeroGPU: stop must be a string or a list of strings"):
        llm.invoke("Hi", stop=123)  # type: ignore[arg-type]
    assert emulator.requests == []


def test_zero_timeout_is_refused_at_construction() -> None:
    with pytest.raises(ValidationError, match="timeout must be a positive number of seconds"):
        ChatZeroGPU(timeout=0)


@pytest.mark.parametrize(
    ("texts", "words"),
    [
        ("abc", "texts must be a list of strings, got a single string. Use embed_query()"),
        (None, "texts must be a list of strings, got NoneType"),
    ],
)
def test_embed_documents_needs_a_list(emulator: Emulator, texts: object, words: str) -> None:
    embeddings = ZeroGPUEmbeddings(api_key="k", base_url=emulator.base_url)
    with pytest.raises(TypeError) as raised:
        embeddings.embed_documents(texts)  # type: ignore[arg-type]
    assert words in str(raised.value)
    assert emulator.requests == []


def test_task_model_is_not_a_chat_model() -> None:
    with pytest.raises(ValidationError, match="'gliner-multi-pii-v1' is a PII detection model"):
        ChatZeroGPU(model="gliner-multi-pii-v1")


def test_default_model_calls_tools_without_warning(emulator: Emulator) -> None:
    llm = ChatZeroGPU(api_key="k", base_url=emulator.base_url)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        message = llm.bind_tools([get_weather]).invoke("What is the weather in Paris?")
    assert [call["name"] for call in message.tool_calls] == ["get_weather"]


def test_tools_on_a_model_without_tool_calling_warn_naming_models_that_work() -> None:
    llm = ChatZeroGPU(model="llama-3.1-8b-instruct-fast")
    with pytest.warns(UserWarning, match="does not list tool calling for") as caught:
        llm.bind_tools([get_weather])
    assert "gpt-oss-120b" in str(caught[0].message)


def test_profile_comes_from_the_catalog() -> None:
    profile = ChatZeroGPU().profile
    assert profile is not None
    # SummarizationMiddleware(trigger=("fraction", 0.5)) reads max_input_tokens.
    assert profile["max_input_tokens"] == 131_072
    assert profile["tool_calling"] is True
    assert profile["reasoning_output"] is True
    assert profile["structured_output"] is False
    small = ChatZeroGPU(model="llama-3.1-8b-instruct-fast").profile
    assert small is not None
    assert small["tool_calling"] is False
    assert ChatZeroGPU(model="a-new-model").profile is None


def test_get_num_tokens_is_an_estimate_without_downloads() -> None:
    llm = ChatZeroGPU()
    assert llm.get_num_tokens("hello world") == 4  # 11 characters, ~3 per token
    assert llm.get_num_tokens_from_messages([HumanMessage("hello world")]) > 4
    assert ChatZeroGPU(custom_get_token_ids=lambda t: [1] * len(t)).get_num_tokens("abc") == 3


def test_iab_classifier_does_not_overwrite_a_user_field(emulator: Emulator) -> None:
    classifier = ZeroGPUIABClassifier(
        api_key="k", base_url=emulator.base_url, metadata_key="author"
    )
    document = Document("New phone review", id="doc-1", metadata={"author": "Ann"})
    with pytest.raises(
        ValueError, match=r"document 0 \(id 'doc-1'\) already has metadata\['author'\]"
    ):
        classifier.transform_documents([document])
    assert emulator.requests == []


def test_json_mode_answers_the_schema_in_the_prompt(emulator: Emulator) -> None:
    llm = ChatZeroGPU(api_key="k", base_url=emulator.base_url, model=catalog.DEFAULT_CHAT_MODEL)
    structured = llm.with_structured_output(Person, method="json_mode")
    schema = json.dumps(Person.model_json_schema())
    person = structured.invoke(f"Return JSON matching this schema: {schema}")
    assert isinstance(person, Person)
