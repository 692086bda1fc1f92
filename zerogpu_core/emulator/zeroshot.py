"""Keyword-based zero-shot label scoring (deberta-v3-small, gliner2 classification)."""

from __future__ import annotations

import math
import re
import zlib

from zerogpu_core.emulator.iab_table import categories
from zerogpu_core.emulator.lexicon import count_keywords, fold

__all__ = ["parse_label_list", "score_labels"]

_SENTIMENT = {
    "positive": (
        "love, loved, great, excellent, outstanding, amazing, helpful, good, happy, best,"
        " wonderful, fantastic, recommend, perfect"
    ),
    "negative": (
        "hate, hated, bad, terrible, awful, worst, poor, broken, disappointed, useless,"
        " angry, slow, refund, horrible"
    ),
    "neutral": "okay, fine, average, neutral, normal, expected",
}


def _keywords(label: str) -> tuple[str, ...]:
    """The label itself, its words, sentiment cues and related IAB keywords."""
    words = [w for w in re.split(r"[\s_/&-]+", fold(label)) if len(w) > 2]
    found = [fold(label), *words]
    for polarity, cues in _SENTIMENT.items():
        if polarity in words:
            found.extend(c.strip() for c in cues.split(","))
    for category in categories():
        names = fold(" ".join(category.content_tiers) + " " + category.iab1_name)
        if any(re.search(rf"\b{re.escape(w[:5])}", names) for w in words):
            found.extend(category.keywords)
    return tuple(dict.fromkeys(found))


def score_labels(text: str, labels: list[str]) -> dict[str, float]:
    """Softmax over keyword hits: lower-cased labels to scores summing to 1.0."""
    folded = fold(text)
    logits = {}
    for label in labels:
        key = label.strip().lower()
        # A tiny label-dependent offset breaks ties without randomness.
        jitter = (zlib.crc32(key.encode()) % 97) / 1000
        logits[key] = 1.5 * count_keywords(folded, _keywords(key)) + jitter
    total = sum(math.exp(v) for v in logits.values())
    scores = {k: round(math.exp(v) / total, 6) for k, v in logits.items()}
    ranked = dict(sorted(scores.items(), key=lambda kv: -kv[1]))
    top = next(iter(ranked))
    ranked[top] = round(ranked[top] + 1.0 - sum(ranked.values()), 6)
    return ranked


def parse_label_list(text: str) -> list[str]:
    """Labels from a bracketed list such as ``"[sports, finance, politics]"``."""
    inner = text.strip()
    if not (inner.startswith("[") and inner.endswith("]")):
        return []
    parts = (p.strip().strip("'\"").strip() for p in inner[1:-1].split(","))
    return [p for p in parts if p]
