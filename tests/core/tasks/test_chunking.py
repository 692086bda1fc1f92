"""Chunking: nothing lost, every piece within budget, entities seen whole by a window."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerogpu_core.tasks import estimate_tokens, split_text, token_budget
from zerogpu_core.tasks.chunking import (
    DEFAULT_TOKEN_BUDGET,
    ENTITY_GUARANTEE,
    MIN_WINDOW_TOKENS,
    TextChunk,
    plan_windows,
)

PROSE = "The committee reviewed the quarterly figures and found nothing unusual. "


def test_budgets_come_from_the_catalog() -> None:
    assert token_budget("zlm-v1-iab-classify-edge") == 400
    assert token_budget("gliner-multi-pii-v1") == 800
    assert token_budget("zlm-v1-iab-domain-classifier") == 100
    assert token_budget("some-future-model") == DEFAULT_TOKEN_BUDGET
    assert token_budget("gliner-multi-pii-v1", 50) == 50
    with pytest.raises(ValueError, match="at least 1"):
        token_budget("gliner-multi-pii-v1", 0)


def test_estimate_of_each_kind_of_text() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("word") == 2  # a word start, then a quarter per letter
    assert estimate_tokens("a b c d") == 4  # short words are a token each
    assert estimate_tokens("4155550134") == 10  # one per digit
    assert estimate_tokens("a.b@c.io") == 8
    assert estimate_tokens("日本語") == 3
    assert estimate_tokens("４１５") == 6  # full-width forms cost two
    assert estimate_tokens("é" * 3) == 2


@pytest.mark.parametrize(
    "dense",
    [
        "2024-05-01T12:00:01Z,INFO,jane.doe@example.com,10.0.0.12,+1 415-555-0134\n",
        "https://crm.example.com/contacts?id=81723&ref=42 ",
        "４１５-５５５-０１３４ ",
        "李伟在北京工作。",
    ],
)
def test_dense_text_costs_more_per_character_than_prose(dense: str) -> None:
    prose_rate = estimate_tokens(PROSE * 10) / len(PROSE * 10)
    assert estimate_tokens(dense * 10) / len(dense * 10) > 1.5 * prose_rate


def test_empty_text_has_no_chunks() -> None:
    assert split_text("", 10) == []
    assert plan_windows("", 800) == []


def test_cut_after_the_last_sentence_that_fits() -> None:
    text = "One two three. Four five six. Seven eight nine ten eleven."
    chunks = split_text(text, 16)
    assert [c.text for c in chunks] == [
        "One two three. Four five six. ",
        "Seven eight nine ten eleven.",
    ]
    assert chunks[1].start == 30


def test_line_breaks_count_as_boundaries() -> None:
    chunks = split_text("header line\nbody text goes on and on", 7)
    assert chunks[0].text == "header line\n"


def test_whitespace_when_no_sentence_end_fits() -> None:
    chunks = split_text("alpha beta gamma delta epsilon", 5)
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


def _check_windows(text: str, windows: list[TextChunk], budget: int) -> None:
    assert windows[0].start == 0
    assert windows[-1].end == len(text)
    for window in windows:
        assert window.text == text[window.start : window.end]
        assert estimate_tokens(window.text) <= budget
    for before, after in itertools.pairwise(windows):
        assert before.start < after.start
        assert before.end - after.start >= ENTITY_GUARANTEE


def _covered_whole(windows: list[TextChunk], start: int, end: int) -> bool:
    return any(w.start <= start and end <= w.end for w in windows)


@settings(max_examples=200, deadline=None)
@given(
    st.text(min_size=1, max_size=3000),
    st.integers(min_value=MIN_WINDOW_TOKENS, max_value=900),
    st.data(),
)
def test_every_short_span_is_inside_one_window(text: str, budget: int, data: st.DataObject) -> None:
    windows = plan_windows(text, budget)
    _check_windows(text, windows, budget)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, min(len(text), start + ENTITY_GUARANTEE)))
    assert _covered_whole(windows, start, end)


@pytest.mark.parametrize("name", ["Dr. Novak", "John R. Smith", "J. R. R. Tolkien"])
def test_titles_and_initials_are_seen_whole_at_every_offset(name: str) -> None:
    for offset in range(0, 1400, 7):
        text = (PROSE * 40)[:offset] + f" handled by {name} and the nurse. " + PROSE * 20
        windows = plan_windows(text, MIN_WINDOW_TOKENS)
        where = text.index(name)
        assert len(windows) > 1
        assert _covered_whole(windows, where, where + len(name)), offset


def test_windows_prefer_sentence_ends_and_word_starts() -> None:
    windows = plan_windows(PROSE * 60, 800)
    assert all(w.text.endswith(". ") for w in windows[:-1])
    assert all(w.text[0].isalpha() for w in windows)
    overhead = sum(len(w.text) for w in windows) / len(PROSE * 60) - 1
    assert overhead < 0.08


def test_a_budget_too_small_for_the_overlap_is_refused() -> None:
    with pytest.raises(ValueError, match=f"at least {MIN_WINDOW_TOKENS}"):
        plan_windows("1" * 1000, 150)
