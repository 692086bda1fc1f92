"""One constructor-argument policy for every public class of both frameworks."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_zerogpu import (
    ChatZeroGPU,
    ZeroGPUEmbeddings,
    ZeroGPUIABClassifier,
    ZeroGPUPIIDetector,
    ZeroGPUPIIRedactor,
)
from llama_index_zerogpu import (
    ZeroGPU,
    ZeroGPUEmbedding,
    ZeroGPUIABExtractor,
    ZeroGPUPIINodePostprocessor,
)
from llama_index_zerogpu import ZeroGPUPIIRedactor as LlamaPIIRedactor
from zerogpu_core._arguments import resolve_arguments
from zerogpu_core.emulator import Emulator

URL = "http://127.0.0.1:9/v1"
# Every public class with its model field and a model it accepts.
CLASSES: list[tuple[type[Any], str, str]] = [
    (ChatZeroGPU, "model", "LFM2.5-1.2B-Instruct"),
    (ZeroGPUEmbeddings, "model", "all-minilm-l6-v2"),
    (ZeroGPUIABClassifier, "model", "zlm-v1-iab-domain-classifier"),
    (ZeroGPUPIIRedactor, "model", "gliner-multi-pii-v1"),
    (ZeroGPUPIIDetector, "model", "gliner-multi-pii-v1"),
    (ZeroGPU, "model", "LFM2.5-1.2B-Instruct"),
    (ZeroGPUEmbedding, "model_name", "all-minilm-l6-v2"),
    (ZeroGPUIABExtractor, "model", "zlm-v1-iab-domain-classifier"),
    (LlamaPIIRedactor, "model", "gliner-multi-pii-v1"),
    (ZeroGPUPIINodePostprocessor, "model", "gliner-multi-pii-v1"),
]
IDS = [f"{c.__module__.split('.')[0]}.{c.__name__}" for c, _, _ in CLASSES]


@pytest.mark.parametrize(("cls", "field", "model"), CLASSES, ids=IDS)
@pytest.mark.parametrize("alias", ["model", "model_name"])
def test_model_and_model_name_both_work(cls: type[Any], field: str, model: str, alias: str) -> None:
    obj = cls(api_key="k", base_url=URL, **{alias: model})
    assert getattr(obj, field) == model


@pytest.mark.parametrize(("cls", "field", "model"), CLASSES, ids=IDS)
@pytest.mark.parametrize("alias", ["api_base", "openai_api_base"])
def test_api_base_names_set_the_base_url(
    cls: type[Any], field: str, model: str, alias: str
) -> None:
    assert cls(api_key="k", **{alias: URL}).base_url == URL


@pytest.mark.parametrize(("cls", "field", "model"), CLASSES[1:], ids=IDS[1:])
def test_unknown_argument_is_an_error_naming_it(cls: type[Any], field: str, model: str) -> None:
    with pytest.raises(TypeError, match=rf"{cls.__name__} got unexpected argument\(s\): 'foo'"):
        cls(api_key="k", base_url=URL, foo=1)


@pytest.mark.parametrize(("cls", "field", "model"), CLASSES, ids=IDS)
def test_base_url_shown_is_the_one_used(
    cls: type[Any], field: str, model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZEROGPU_BASE_URL", URL)
    obj = cls(api_key="zgpu-api-SECRET")
    assert obj.base_url == URL
    assert f"base_url='{URL}'" in repr(obj)
    assert "SECRET" not in repr(obj)


def test_typo_of_a_field_gets_a_suggestion() -> None:
    with pytest.raises(TypeError, match=r"'max_retry' \(did you mean 'max_retries'\?\)\."):
        ZeroGPUEmbeddings(max_retry=3)


def test_synonyms_given_together_must_agree() -> None:
    with pytest.raises(TypeError, match="both model= and model_name="):
        ZeroGPU(model="gpt-oss-120b", model_name="glm-5.2")


def test_openai_embeddings_chunk_size_is_the_batch_size() -> None:
    assert ZeroGPUEmbeddings(chunk_size=7).batch_size == 7


def test_chat_model_moves_unknown_arguments_to_model_kwargs_and_sends_them() -> None:
    with Emulator(api_key="k") as emu:
        with pytest.warns(UserWarning, match="moved to model_kwargs") as caught:
            llm = ChatZeroGPU(
                api_key="k",
                openai_api_base=emu.base_url,
                model_name="gpt-oss-120b",
                seed=42,
                response_format={"type": "json_object"},
            )
        messages = sorted(str(w.message) for w in caught)
        assert messages == [
            "ChatZeroGPU: 'response_format' is not a ChatZeroGPU parameter; it was moved to "
            "model_kwargs and is sent in every request body as 'response_format'.",
            "ChatZeroGPU: 'seed' is not a ChatZeroGPU parameter; it was moved to model_kwargs "
            "and is sent in every request body as 'seed'.",
        ]
        llm.invoke("Reply in JSON with a 'greeting' key.")
        body = emu.requests[-1].json
    assert body["model"] == "gpt-oss-120b"
    assert body["seed"] == 42
    assert body["response_format"] == {"type": "json_object"}


def test_chat_model_extra_body_is_sent() -> None:
    with Emulator(api_key="k") as emu:
        llm = ChatZeroGPU(api_key="k", base_url=emu.base_url, extra_body={"top_k": 5})
        llm.invoke("Hi")
        assert emu.requests[-1].json["top_k"] == 5


def test_llama_index_names_where_body_fields_go() -> None:
    with pytest.raises(TypeError, match=r"'seed'. Request body fields go in additional_kwargs"):
        ZeroGPU(seed=42)


def test_policy_function_directly() -> None:
    out = resolve_arguments("X", {"api_base": URL, "model": "m"}, {"base_url", "model"})
    assert out == {"base_url": URL, "model": "m"}
    with pytest.warns(UserWarning, match="moved to model_kwargs"):
        moved = resolve_arguments("X", {"seed": 1}, {"model_kwargs"}, unknown_into="model_kwargs")
    assert moved == {"model_kwargs": {"seed": 1}}
    with pytest.raises(TypeError, match="seed= both directly and in model_kwargs"):
        resolve_arguments(
            "X",
            {"seed": 1, "model_kwargs": {"seed": 2}},
            {"model_kwargs"},
            unknown_into="model_kwargs",
        )


def test_openai_like_is_chat_model_is_accepted_only_as_true() -> None:
    assert ZeroGPU(is_chat_model=True).metadata.is_chat_model is True
    with pytest.raises(TypeError, match="ZeroGPU only supports is_chat_model=True"):
        ZeroGPU(is_chat_model=False)
