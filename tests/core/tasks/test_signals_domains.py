"""Signals, domain IAB and the multilingual IAB model: pure parts, and end to end
against the emulator (its output is emulated)."""

from __future__ import annotations

import pytest

from tests.core.tasks.test_iab import load
from zerogpu_core import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.emulator import Emulator
from zerogpu_core.emulator.tokens import count_tokens
from zerogpu_core.tasks import (
    BatchAPIOptions,
    DomainIABOptions,
    IABOptions,
    SignalsOptions,
    aclassify_domain,
    aextract_signals_documents,
    check_domain,
    classify_domain,
    classify_domains,
    classify_iab,
    extract_signals,
    extract_signals_documents,
)
from zerogpu_core.tasks.iab import IABCategory, normalise_domain
from zerogpu_core.tasks.signals import parse_signals, signals_request

SPORT = "The team won the football match after a late goal by the striker. "
SPANISH = "El ejercicio regular es una de las mejores cosas que puede hacer por su salud. "


def _client(emu: Emulator) -> ZeroGPUClient:
    return ZeroGPUClient(api_key="test-key", base_url=emu.base_url)


def test_signals_payload_read_with_either_intent_key() -> None:
    documented = parse_signals(load("zlm-v1-iab-domain-classifier.response.json"), model="m")
    assert documented.topics[0] == IABCategory(name="news", score=0.8124)
    assert documented.keywords[:2] == ("news", "politics")
    assert documented.intent is not None
    assert documented.intent.category == "informational"
    short = parse_signals({"topics": [], "keywords": ["a"], "intent": "buying shoes"}, model="m")
    assert short.intent is not None
    assert short.intent.name == "buying shoes"
    assert short.to_metadata()["intent"] == {"name": "buying shoes", "score": 0.0}


def test_signals_request_and_options() -> None:
    body = signals_request("Text.", max_keywords=3)
    assert body == {
        "model": "zlm-v1-signal-extract",
        "input": "Text.",
        "metadata": {"max_keywords": 3},
    }
    assert "metadata" not in signals_request("Text.")
    with pytest.raises(ValueError, match="max_keywords must be a positive integer"):
        SignalsOptions(max_keywords=0)
    with pytest.raises(ValueError, match="signal extraction"):
        SignalsOptions(model="zlm-v1-iab-classify-edge")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("https://nytimes.com/x", "URL"),
        ("nytimes.com/world", "URL"),
        ("news about nytimes.com", "spaces"),
        ("user@nytimes.com", "credentials"),
        ("nytimes.com:443", "port"),
        ("localhost", "single label"),
        ("192.168.0.1", "IP address"),
        ("-bad-.com", "inner hyphens"),
        ("a" * 64 + ".com", "1 to 63"),
        ("", "empty"),
    ],
)
def test_check_domain_refuses_anything_but_a_bare_domain(value: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as info:
        check_domain(value)
    assert "bare domain" in str(info.value) or "characters" in str(info.value)
    if len(value) > 3:
        assert value not in str(info.value)  # input is never quoted


def test_check_domain_accepts_hosts() -> None:
    assert check_domain(" nytimes.com. ") == "nytimes.com"
    assert check_domain("www.bbc.co.uk") == "www.bbc.co.uk"
    assert check_domain("bücher.de") == "bücher.de"


@pytest.mark.emulator
def test_bad_domains_fail_before_any_request(emu: Emulator) -> None:
    with _client(emu) as client:
        with pytest.raises(ValueError, match=r"2 of 3 inputs .* nothing was sent: domains\[0\]"):
            classify_domains(client, ["https://nytimes.com", "espn.com", "two words"])
        with pytest.raises(ValueError, match="100-token input limit"):
            classify_domain(client, ".".join(["a1"] * 60) + ".com")
    assert emu.requests == []


@pytest.mark.emulator
async def test_domain_classification_shape_sync_async_batch(emu: Emulator) -> None:
    with _client(emu) as client:
        result = classify_domain(client, "dailynews-tribune.com")
        batch = classify_domains(
            client, ["dailynews-tribune.com", "espn.com"], batch=BatchAPIOptions(poll_interval=0.02)
        )
    assert result.chunks == 1
    assert result.audience == ()
    assert result.iab_1_0
    assert result.topics
    assert result.keywords
    assert result.user_intent is not None
    assert batch.results[0] == result
    assert emu.requests[0].json["messages"] == [
        {"role": "user", "content": "dailynews-tribune.com"}
    ]
    async with AsyncZeroGPUClient(api_key="test-key", base_url=emu.base_url) as client:
        assert await aclassify_domain(client, "dailynews-tribune.com", DomainIABOptions()) == result


@pytest.mark.emulator
async def test_signals_long_text_on_responses_merged(emu: Emulator) -> None:
    with _client(emu) as client:
        one = extract_signals(client, SPORT, SignalsOptions(max_keywords=2))
        many = extract_signals_documents(client, [SPORT * 40, SPORT])
    assert one.chunks == 1
    assert len(one.keywords) == 2
    assert one.topics
    long = many.results[0]
    assert long is not None
    assert long.chunks > 1
    # Merged: no repeated keyword or topic across chunks.
    assert len(set(long.keywords)) == len(long.keywords)
    assert len({t.name for t in long.topics}) == len(long.topics)
    assert {r.path for r in emu.requests} == {"/v1/responses"}
    with _client(emu) as client, pytest.raises(ValueError, match="Batch API"):
        extract_signals_documents(client, [SPORT], batch=BatchAPIOptions())
    async with AsyncZeroGPUClient(api_key="test-key", base_url=emu.base_url) as client:
        again = await aextract_signals_documents(client, [SPORT * 40, SPORT])
    assert again.results == many.results


@pytest.mark.emulator
def test_multilingual_iab_long_text_chunked_under_its_silent_400_token_cut(emu: Emulator) -> None:
    """The IAB task already takes zlm-v1-multi-iab-classify; this model truncates
    silently at 400 tokens, so every request must fit whole."""
    text = SPANISH * 60
    with _client(emu) as client:
        result = classify_iab(client, text, IABOptions(model="zlm-v1-multi-iab-classify"))
    sent = [r.json["messages"][0]["content"] for r in emu.requests]
    assert "".join(sent) == text
    assert all(count_tokens(t) <= 400 for t in sent)
    assert result.chunks == len(sent) > 1
    assert result.iab_2_2
    assert result.iab_2_2[0].tier_names
    assert result.topics is not None
    assert result.keywords


@pytest.mark.parametrize("bad", ["192.168.0.1", "https://-bad-.com/x", "nytimes..com"])
def test_iab_domain_input_refuses_hosts_that_are_not_domain_names(bad: str) -> None:
    """The IAB task still reduces a URL to its host, but the host must be a domain."""
    with pytest.raises(ValueError, match="bare domain name"):
        normalise_domain(bad)
    assert normalise_domain("https://www.nytimes.com/world") == "www.nytimes.com"
