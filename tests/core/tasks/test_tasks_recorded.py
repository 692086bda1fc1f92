"""Task helpers against recorded replies (cassettes; re-record with the emulator or live)."""

from __future__ import annotations

import pytest

from tests.conftest import Target
from zerogpu_core import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.tasks import (
    IAB_MODELS,
    IABOptions,
    PIIOptions,
    aclassify_iab,
    aredact_pii,
    classify_iab,
    deanonymize,
    detect_pii,
    redact_pii,
)

ARTICLE = (
    "The new smartphone ships with a brighter screen and a faster chip. "
    "Reviewers praised the camera, while fitness fans liked the step tracking."
)
LETTER = "Hello Jane Doe, call me at 415-555-0134 or email hi@example.com. Thanks, John Doe."


@pytest.mark.vcr
@pytest.mark.parametrize("model", IAB_MODELS)
def test_classify_each_model(zerogpu_target: Target, model: str) -> None:
    text = "https://www.nytimes.com/section/world" if "domain" in model else ARTICLE
    with ZeroGPUClient(**zerogpu_target.client_kwargs()) as client:
        result = classify_iab(client, text, IABOptions(model=model))
    assert result.model == model
    assert result.chunks == 1
    assert result.iab_1_0, "every IAB model returns IAB 1.0 categories"
    if model != "zlm-v1-iab-classify-edge":
        assert result.topics is not None
        assert result.keywords is not None


@pytest.mark.vcr
async def test_classify_async(zerogpu_target: Target) -> None:
    async with AsyncZeroGPUClient(**zerogpu_target.client_kwargs()) as client:
        result = await aclassify_iab(client, ARTICLE)
    assert result.iab_2_2


@pytest.mark.vcr
def test_redact_and_detect(zerogpu_target: Target) -> None:
    with ZeroGPUClient(**zerogpu_target.client_kwargs()) as client:
        result = redact_pii(client, LETTER, PIIOptions(reversible=True))
        spans = detect_pii(client, LETTER, PIIOptions(threshold=0.5, categories=["contact"]))
    for secret in ("Jane Doe", "415-555-0134", "hi@example.com"):
        assert secret not in result.text
    assert deanonymize(result.text, result.mapping) == LETTER
    assert {s.label for s in spans} <= {"email", "phone number", "address", "social media handle"}
    assert all(LETTER[s.start : s.end] for s in spans)


@pytest.mark.vcr
async def test_redact_async(zerogpu_target: Target) -> None:
    async with AsyncZeroGPUClient(**zerogpu_target.client_kwargs()) as client:
        result = await aredact_pii(client, LETTER)
    assert "hi@example.com" not in result.text
    assert result.counts["email"] == 1
