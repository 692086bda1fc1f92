"""The emulator's subword-like token count, its overflow modes, categories and names."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerogpu_core.emulator import Emulator
from zerogpu_core.emulator.pii import detect_pii
from zerogpu_core.emulator.tokens import count_tokens, truncate_to_tokens
from zerogpu_core.tasks import estimate_tokens


def test_dense_text_costs_more_than_prose() -> None:
    assert count_tokens("the cat sat on the mat") == 7  # about a token per short word
    assert count_tokens("internationalization") == 5
    assert count_tokens("415-555-0134") == 12
    assert count_tokens("jane.doe@example.com") == 9
    assert count_tokens("李伟") == 2
    assert count_tokens("４１５") == 6
    assert count_tokens("word\n\nword") == 5


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=400))
def test_the_clients_estimate_is_never_below_the_count(text: str) -> None:
    assert estimate_tokens(text) >= count_tokens(text)


@given(st.text(max_size=200), st.integers(min_value=0, max_value=60))
def test_truncation_keeps_the_longest_fitting_prefix(text: str, limit: int) -> None:
    cut = truncate_to_tokens(text, limit)
    assert text.startswith(cut)
    assert count_tokens(cut) <= limit
    assert cut == text or count_tokens(text[: len(cut) + 1]) > limit


def _redact(emu: Emulator, text: str) -> httpx.Response:
    body = {
        "model": "gliner-multi-pii-v1",
        "messages": [{"role": "user", "content": text}],
        "metadata": {"usecase": "redact"},
    }
    with httpx.Client(base_url=emu.base_url, headers={"x-api-key": "k"}) as http:
        return http.post("/chat/completions", json=body)


@pytest.mark.parametrize("status", [400, 420])
def test_reject_mode_answers_context_length_exceeded(status: int) -> None:
    with Emulator(api_key="k", input_token_limit=20, context_length_status=status) as emu:
        response = _redact(emu, "Write to jane@example.com or call 415-555-0134 today.")
    assert response.status_code == status
    assert response.json()["error"]["code"] == "context_length_exceeded"


def test_truncate_mode_silently_redacts_only_the_start() -> None:
    text = "Call 415-555-0134 now. Later write to jane@example.com please."
    with Emulator(api_key="k", input_token_limit=18, context_overflow="truncate") as emu:
        response = _redact(emu, text)
    assert response.status_code == 200
    content = response.json()["choices"][0]["message"]["content"]
    assert "[PHONE_NUMBER]" in content
    assert "jane@example.com" not in content  # cut off, neither masked nor returned


@pytest.mark.parametrize("key", ["categories", "labels"])
def test_unknown_categories_are_a_bad_request(key: str) -> None:
    body = {
        "model": "gliner-multi-pii-v1",
        "messages": [{"role": "user", "content": "hi"}],
        "metadata": {key: ["contacts"]},
    }
    with Emulator(api_key="k") as emu, httpx.Client(base_url=emu.base_url) as http:
        response = http.post("/chat/completions", json=body, headers={"x-api-key": "k"})
    assert response.status_code == 400
    assert "valid: identity, contact, financial, medical, credentials" in response.text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The case was handled by Dr. Novak and the nurse.", "Dr. Novak"),
        ("Mrs. O'Brien called.", "Mrs. O'Brien"),
        ("Signed by John R. Smith on Monday.", "John R. Smith"),
        ("A novel by J. R. R. Tolkien.", "J. R. R. Tolkien"),
        ("Forward it to Li Wei today.", "Li Wei"),
        ("The request came from Zoë Ólafsdóttir.", "Zoë Ólafsdóttir"),
        ("Ask Łukasz Wójcik.", "Łukasz Wójcik"),
    ],
)
def test_person_names_beyond_the_word_list(text: str, name: str) -> None:
    spans = detect_pii(text, ["person"], 0.5)
    assert [s.text for s in spans] == [name]


@pytest.mark.parametrize("text", ["The U.S. Army base.", "The report was filed."])
def test_no_person_in_plain_text(text: str) -> None:
    assert detect_pii(text, ["person"], 0.5) == []
