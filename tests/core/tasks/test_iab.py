"""IAB payload parsing for every documented shape, merging and request building."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zerogpu_core.tasks import IABOptions, merge_iab_results, parse_iab_payload
from zerogpu_core.tasks.chunking import TextChunk
from zerogpu_core.tasks.iab import IABCategory, IABIntent, iab_request, normalise_domain, plan_iab

# The documented payloads (tests/examples is a copy of the contract examples).
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> dict[str, object]:
    return json.loads((EXAMPLES / name).read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "name",
    [
        "zlm-v1-iab-classify-edge.response.json",
        "zlm-v1-iab-classify-edge.index-page.response.json",
        "zlm-v1-iab-classify-edge.mcp-cookbook.json",
    ],
)
def test_edge_model_shape(name: str) -> None:
    result = parse_iab_payload(load(name), model="zlm-v1-iab-classify-edge")
    assert result.iab_1_0
    assert result.iab_2_2
    assert result.audience
    assert (result.topics, result.keywords, result.user_intent) == (None, None, None)
    scores = [c.score for c in result.iab_2_2]
    assert scores == sorted(scores, reverse=True)
    assert set(result.to_metadata()) == {"model", "iab_1_0", "iab_2_2", "audience", "chunks"}


def test_enriched_shape_keeps_codes_ids_and_tiers() -> None:
    result = parse_iab_payload(load("zlm-v2-iab-classify-edge-enriched.response.json"), model="m")
    assert result.iab_1_0[0] == IABCategory(
        name="Cell Phones", score=0.7597, code="IAB19-6", parent_code="IAB19", tier=2
    )
    assert result.iab_2_2 == ()  # documented as absent for this model
    assert result.audience[1].tier_names == (
        "Interest",
        "Technology & Computing",
        "Consumer Electronics",
    )
    assert result.keywords is not None
    assert result.keywords[0] == "technology"
    assert result.user_intent == IABIntent(
        name="mastering technology quietly reshaped rhythm everyday life",
        category="informational",
        score=0.5,
    )


@pytest.mark.parametrize(
    "name",
    ["zlm-v1-multi-iab-classify.response.json", "zlm-v1-multi-iab-classify.trimmed.response.json"],
)
def test_multilingual_shape(name: str) -> None:
    result = parse_iab_payload(load(name), model="zlm-v1-multi-iab-classify")
    tier1 = [c for c in result.iab_2_2 if c.parent_id == 0]
    assert all(c.id is not None for c in result.iab_2_2)
    assert all(len(c.tier_names) == 1 for c in tier1)
    assert result.topics
    assert result.keywords


def test_domain_shape_has_no_audience() -> None:
    result = parse_iab_payload(load("zlm-v1-iab-domain-classifier.response.json"), model="d")
    assert result.audience == ()
    assert result.iab_1_0[0].name == "News"
    assert json.loads(json.dumps(result.to_metadata())) == result.to_metadata()


def test_missing_and_malformed_keys_are_tolerated() -> None:
    payload = {
        "content": {"iab_1_0": [{"name": "A"}, {"score": 0.3}, "B", 7]},
        "audience": "not a list",
        "user_intent": "buying",
        "keywords": ["k", 3],
    }
    result = parse_iab_payload(payload, model="m")
    assert [c.name for c in result.iab_1_0] == ["A", "B"]
    assert result.audience == ()
    assert result.user_intent == IABIntent(name="buying")
    assert result.keywords == ("k",)
    assert parse_iab_payload({}, model="m").iab_1_0 == ()


def test_merge_keeps_the_best_score_per_category_sorted() -> None:
    first = parse_iab_payload(
        {
            "content": {"iab_2_2": [{"name": "A", "score": 0.2}, {"name": "B", "score": 0.9}]},
            "keywords": ["x", "y"],
            "user_intent": {"name": "low", "score": 0.1},
        },
        model="m",
    )
    second = parse_iab_payload(
        {
            "content": {"iab_2_2": [{"name": "A", "score": 0.95}]},
            "keywords": ["y", "z"],
            "user_intent": {"name": "high", "score": 0.7},
        },
        model="m",
    )
    merged = merge_iab_results([first, second], model="m")
    assert [(c.name, c.score) for c in merged.iab_2_2] == [("A", 0.95), ("B", 0.9)]
    assert merged.keywords == ("x", "y", "z")
    assert merged.user_intent is not None
    assert merged.user_intent.name == "high"
    assert merged.topics is None
    assert merged.chunks == 2
    assert merge_iab_results([], model="m").chunks == 0


def test_domain_input_is_normalised_or_rejected() -> None:
    assert normalise_domain(" https://www.nytimes.com/section?x=1 ") == "www.nytimes.com"
    assert normalise_domain("nytimes.com") == "nytimes.com"
    for bad in ("not a domain", "localhost", "http://"):
        with pytest.raises(ValueError, match="domain name"):
            normalise_domain(bad)
    options = IABOptions(model="zlm-v1-iab-domain-classifier")
    assert plan_iab("https://bbc.co.uk/news", options) == [TextChunk(0, "bbc.co.uk")]
    assert plan_iab("  ", options) == []


def test_requests_and_budgets() -> None:
    options = IABOptions(multilingual=True)
    assert iab_request(TextChunk(0, "hi"), options) == {
        "model": "zlm-v1-iab-classify-edge",
        "messages": [{"role": "user", "content": "hi"}],
        "multilingual": True,
    }
    chunks = plan_iab("Sentence one here. " * 200, IABOptions())
    assert max(len(c.text) for c in chunks) <= 1200
    with pytest.raises(ValueError, match="chat model"):
        IABOptions(model="gpt-oss-120b")
