"""The guard policies on verdicts: what passes, what is dropped, what raises."""

from __future__ import annotations

import pytest

from zerogpu_core.tasks import (
    BatchTransformError,
    ContentFlaggedError,
    DocumentResults,
    ItemFailure,
    ModerationVerdict,
)
from zerogpu_core.tasks.moderation_guard import screened, violation_notice

OK = ModerationVerdict("m", flagged=False)
BAD = ModerationVerdict("m", flagged=True, categories=("violence",), scores={"violence": 0.9})
FAILED = ItemFailure(2, "c", RuntimeError("boom"))


def test_only_checked_unflagged_items_pass() -> None:
    outcome = DocumentResults((OK, BAD, None), (FAILED,))
    assert screened(outcome, on_flagged="drop", on_failure="drop", stage="node") == [0]


def test_a_failed_check_raises_by_policy() -> None:
    outcome = DocumentResults((OK, None), (ItemFailure(1, "b", RuntimeError("boom")),))
    with pytest.raises(BatchTransformError, match="1 of 2 nodes failed"):
        screened(outcome, on_flagged="drop", on_failure="raise", stage="node", noun="node")


def test_flagged_raises_naming_the_item() -> None:
    outcome = DocumentResults((OK, BAD))
    with pytest.raises(ContentFlaggedError, match=r"node #1 \(id 'b'\) was flagged for violence"):
        screened(
            outcome,
            on_flagged="raise",
            on_failure="raise",
            stage="node",
            noun="node",
            ids=["a", "b"],
        )


@pytest.mark.parametrize("policy", [{"on_flagged": "keep"}, {"on_failure": "keep"}])
def test_unknown_policies_are_refused(policy: dict[str, str]) -> None:
    options = {"on_flagged": "drop", "on_failure": "raise", **policy}
    with pytest.raises(ValueError, match="must be"):
        screened(DocumentResults((BAD,)), stage="node", **options)  # type: ignore[arg-type]


def test_violation_notice_fills_the_template() -> None:
    assert violation_notice(BAD, "query") == (
        "I can't help with that: the content was flagged for violence."
    )
    filled = violation_notice(BAD, "query", "{stage}: {category_scores} {original_content}", "x")
    assert filled == 'query: {"violence": 0.9} x'
    assert violation_notice(BAD, "query", "Blocked {unknown}") == "Blocked {unknown}"
    assert "moderation policy" in violation_notice(ModerationVerdict("m", True), "query")
