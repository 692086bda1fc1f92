"""The catalog decides which model may serve which job, in any letter case."""

from __future__ import annotations

import warnings

import pytest

from zerogpu_core import catalog


@pytest.mark.parametrize(
    ("use", "expected"),
    [
        ("chat", {"gpt-oss-120b", "llama-3.1-8b-instruct-fast", "t5-small"}),
        ("embeddings", {"all-minilm-l6-v2", "bge-small-en-v1.5"}),
        ("pii", {"gliner-multi-pii-v1"}),
        ("iab", {"zlm-v1-iab-classify-edge", "zlm-v1-iab-domain-classifier"}),
    ],
)
def test_use_lists_hold_only_models_for_that_use(use: catalog.Use, expected: set[str]) -> None:
    usable = set(catalog.models_for(use))
    assert expected <= usable
    # Nothing of another kind or task leaks into the list.
    kinds = {catalog.MODELS[m].task or catalog.MODELS[m].kind for m in usable}
    assert len(kinds) == 1, kinds


@pytest.mark.parametrize(
    ("model", "use", "words"),
    [
        ("gliner-multi-pii-v1", "chat", "is a PII detection model and cannot be used for chat"),
        ("bge-small-en-v1.5", "chat", "is an embedding model"),
        ("all-MiniLM-L6-v2", "chat", "is an embedding model"),
        ("gpt-oss-120b", "pii", "Use one of: gliner-multi-pii-v1."),
        ("gliner-multi-pii-v1", "iab", "is a PII detection model"),
        ("zlm-v1-iab-classify-edge", "pii", "is an IAB classification model"),
    ],
)
def test_known_model_of_the_wrong_kind_is_refused(model: str, use: catalog.Use, words: str) -> None:
    with pytest.raises(ValueError, match=words) as raised:
        catalog.check_model(model, use, owner="Owner")
    assert str(raised.value).startswith("Owner: ")
    # The suggestions are models for this use only.
    listed = str(raised.value).split("Use one of: ")[1].rstrip(".").split(", ")
    assert set(listed) == set(catalog.models_for(use))


def test_lookup_ignores_case_but_check_warns_about_the_spelling() -> None:
    info = catalog.find_model("all-MiniLM-L6-v2")
    assert info is not None
    assert info.id == "all-minilm-l6-v2"
    assert catalog.get_model("all-MiniLM-L6-v2") is None  # the API's exact spelling
    with pytest.warns(UserWarning, match="spelled 'all-minilm-l6-v2'"):
        catalog.check_model("all-MiniLM-L6-v2", "embeddings")


def test_close_typo_gets_a_did_you_mean_warning() -> None:
    with pytest.warns(UserWarning, match="Did you mean 'gpt-oss-120b'"):
        catalog.check_model("gpt-oss-12b", "chat")


@pytest.mark.parametrize("model", ["a-new-model", "gpt-5.4-nano", "gpt-oss-120b"])
def test_unknown_or_exact_ids_pass_silently(model: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        catalog.check_model(model, "chat")


def test_default_chat_model_can_call_tools() -> None:
    info = catalog.get_model(catalog.DEFAULT_CHAT_MODEL)
    assert info is not None
    assert info.function_calling
    assert info.kind == "chat"
