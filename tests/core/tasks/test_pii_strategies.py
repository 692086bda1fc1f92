"""What replaces PII: labels, masks and keyed hashes (pure)."""

from __future__ import annotations

import hashlib

import pytest

from zerogpu_core.tasks.pii_strategies import apply_pii_strategy, hash_value, mask_value
from zerogpu_core.tasks.redaction import PIISpan

KEY = b"k" * 32
TEXT = "Call Jane Doe at 415-555-0134 or jane@example.com."
SPANS = (
    PIISpan("person", 5, 13, 0.9),
    PIISpan("phone number", 17, 29, 0.9),
    PIISpan("email", 33, 49, 0.9),
)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("415-555-0134", "***-***-0134"),
        ("4111 1111 1111 1111", "**** **** **** 1111"),
        ("+44 20 7946 0958", "+** ** **** 0958"),
        ("jane@example.com", "****@*******.***"),
        ("Jane Doe", "**** ***"),
        ("12 Main Street 94105", "** **** ****** *****"),  # letters: nothing kept
        ("1234567", "*******"),  # too few digits to keep any
        ("Zoë Ølsen", "*** *****"),
    ],
)
def test_mask_keeps_only_the_last_four_digits_of_long_numbers(value: str, masked: str) -> None:
    assert mask_value(value) == masked


def test_hash_is_keyed_stable_and_not_a_plain_digest() -> None:
    token = hash_value("phone number", "415-555-0134", KEY)
    assert token.startswith("<phone_number_hash:")
    assert token == hash_value("phone number", "415-555-0134", KEY)
    assert token != hash_value("phone number", "415-555-0134", b"other" * 8)
    assert token != hash_value("phone number", "415-555-0135", KEY)
    plain = hashlib.sha256(b"415-555-0134").hexdigest()
    assert plain[:12] not in token


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("redact", "Call [PERSON] at [PHONE_NUMBER] or [EMAIL]."),
        ("mask", "Call **** *** at ***-***-0134 or ****@*******.***."),
    ],
)
def test_apply_replaces_every_span_and_keeps_the_rest(strategy: str, expected: str) -> None:
    assert apply_pii_strategy(TEXT, SPANS, strategy) == expected  # type: ignore[arg-type]


def test_apply_hash() -> None:
    out = apply_pii_strategy(TEXT, SPANS, "hash", hash_key=KEY)
    assert out.startswith("Call <person_hash:")
    assert "Jane" not in out
    assert "0134" not in out
    assert "example" not in out


def test_hash_needs_a_key_and_unknown_strategies_are_refused() -> None:
    with pytest.raises(ValueError, match="needs a secret hash_key"):
        apply_pii_strategy(TEXT, SPANS, "hash")
    with pytest.raises(ValueError, match="strategy must be"):
        apply_pii_strategy(TEXT, SPANS, "block")  # type: ignore[arg-type]
    assert apply_pii_strategy(TEXT, (), "mask") == TEXT
