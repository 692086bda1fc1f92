"""Chunking: nothing lost, every chunk within budget, cuts at natural boundaries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerogpu_core.tasks import estimate_tokens, split_text, token_budget
from zerogpu_core.tasks.chunking import DEFAULT_TOKEN_BUDGET


def test_budgets_come_from_the_catalog() -> None:
    assert token_budget("zlm-v1-iab-classify-edge") == 400
    assert token_budget("gliner-multi-pii-v1") == 800
    assert token_budget("zlm-v1-iab-domain-classifier") == 100
    assert token_budget("some-future-model") == DEFAULT_TOKEN_BUDGET
    assert token_budget("gliner-multi-pii-v1", 50) == 50
    with pytest.raises(ValueError, match="at least 1"):
        token_budget("gliner-multi-pii-v1", 0)


def test_estimate_is_conservative_for_wide_scripts() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcdef") == 2
    assert estimate_tokens("abcdefg") == 3
    assert estimate_tokens("日本語") == 3
    assert estimate_tokens("é" * 3) == 1


def test_empty_text_has_no_chunks() -> None:
    assert split_text("", 10) == []


def test_cut_after_the_last_sentence_that_fits() -> None:
    text = "One two three. Four five six. Seven eight nine ten eleven."
    chunks = split_text(text, 12)  # 36 characters
    assert [c.text for c in chunks] == [
        "One two three. Four five six. ",
        "Seven eight nine ten eleven.",
    ]
    assert chunks[1].start == 30


def test_line_breaks_count_as_boundaries() -> None:
    chunks = split_text("header line\nbody text goes on and on", 6)
    assert chunks[0].text == "header line\n"


def test_whitespace_when_no_sentence_end_fits() -> None:
    chunks = split_text("alpha beta gamma delta epsilon", 4)  # 12 characters
    assert [c.text for c in chunks] == ["alpha beta ", "gamma delta ", "epsilon"]


def test_hard_cut_only_inside_an_unbroken_run() -> None:
    chunks = split_text("x" * 25, 3)
    assert [len(c.text) for c in chunks] == [9, 9, 7]


def test_wide_characters_use_more_budget() -> None:
    chunks = split_text("日本語のテキスト" * 10, 10)
    assert all(estimate_tokens(c.text) <= 10 for c in chunks)
    assert len(chunks) == 8


def test_longer_than_the_api_limit() -> None:
    text = ("A sentence about phones and fitness. " * 4000)[:140_000]
    chunks = split_text(text, token_budget("gliner-multi-pii-v1"))
    assert "".join(c.text for c in chunks) == text
    assert max(len(c.text) for c in chunks) <= 2400
    assert all(c.text.endswith(". ") for c in chunks[:-1])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600), st.integers(min_value=1, max_value=60))
def test_chunks_rebuild_the_text_and_fit_the_budget(text: str, budget: int) -> None:
    chunks = split_text(text, budget)
    assert "".join(c.text for c in chunks) == text
    for chunk in chunks:
        assert chunk.text == text[chunk.start : chunk.end]
        assert chunk.text
        assert estimate_tokens(chunk.text) <= budget or len(chunk.text) == 1
