"""Rule-based IAB classifiers, each answering in its model's documented shape.

Keyword hits from :mod:`~zerogpu_core.emulator.iab_table` pick the categories; the
score grows with the number of hits and lists are sorted by score, highest first.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from zerogpu_core.emulator.iab_table import IabCategory, categories
from zerogpu_core.emulator.lexicon import count_keywords, fold, top_words
from zerogpu_core.emulator.wire import JSONObject

__all__ = ["IAB_MODELS", "iab_payload", "signals_payload"]

_LIMIT = 5
_TRANSACTIONAL = ("buy", "price", "order", "shop", "discount", "deal", "purchase", "book")
_NAVIGATIONAL = ("login", "log in", "sign in", "homepage", "website", "official site")

Scored = list[tuple[IabCategory, float]]


def _score(hits: int) -> float:
    return round(0.5 + 0.45 * (1 - 0.6**hits), 4)


def _rank(hits: list[tuple[IabCategory, int]]) -> Scored:
    ranked = [(c, _score(h)) for c, h in hits if h > 0]
    ranked.sort(key=lambda pair: -pair[1])
    return ranked


def _classify_text(text: str) -> Scored:
    folded = fold(text)
    return _rank([(c, count_keywords(folded, c.keywords)) for c in categories()])


def _classify_domain(domain: str) -> Scored:
    host = re.sub(r"^[a-z]+://|/.*$", "", fold(domain.strip()))
    labels = [p for p in re.split(r"[.\-_]", host) if p][:-1] or [host]
    hits = []
    for category in categories():
        words = [k for k in category.keywords if " " not in k and len(k) >= 4]
        hits.append((category, sum(1 for k in words for label in labels if k in label)))
    return _rank(hits)


def _unique(items: list[JSONObject]) -> list[JSONObject]:
    seen: set[str] = set()
    kept = []
    for item in items:
        if item["name"] not in seen:
            seen.add(item["name"])
            kept.append(item)
    return kept[:_LIMIT]


def _tiers(tiers: tuple[str, ...]) -> JSONObject:
    return {f"tier{i}_name": name for i, name in enumerate(tiers, start=1)}


def _named(scored: Scored, name: Callable[[IabCategory], str]) -> list[JSONObject]:
    return _unique([{"name": name(c), "score": s} for c, s in scored])


def _audience(scored: Scored) -> list[JSONObject]:
    return _unique(
        [
            {
                "id": c.audience_id,
                "parent_id": c.audience_parent,
                "name": c.audience_tiers[-1],
                **_tiers(c.audience_tiers),
                "score": s,
            }
            for c, s in scored
        ]
    )


def _content_v22(scored: Scored) -> list[JSONObject]:
    return _unique(
        [
            {
                "id": c.content_id,
                "parent_id": c.content_parent,
                "name": c.content_tiers[-1],
                **_tiers(c.content_tiers),
                "score": s,
            }
            for c, s in scored
        ]
    )


def _content_v10(scored: Scored) -> list[JSONObject]:
    return _unique(
        [
            {
                "code": c.iab1_code,
                "name": c.iab1_name,
                "tier": 1 if c.iab1_parent is None else 2,
                "parent_code": c.iab1_parent,
                "score": s,
            }
            for c, s in scored
        ]
    )


def _intent(text: str, keywords: list[str], verb: str) -> JSONObject:
    folded = fold(text)
    if any(word in folded for word in _TRANSACTIONAL):
        category = "transactional"
    elif any(word in folded for word in _NAVIGATIONAL):
        category = "navigational"
    else:
        category = "informational"
    name = f"{verb} {' '.join(keywords[:5])}".strip()
    return {"name": name, "category": category, "score": 0.5}


def _signals(text: str, scored: Scored, keywords: list[str], verb: str) -> JSONObject:
    topics = _named(scored, lambda c: c.content_tiers[-1].lower())
    return {"topics": topics, "keywords": keywords, "user_intent": _intent(text, keywords, verb)}


def _edge(text: str) -> JSONObject:
    scored = _classify_text(text)
    return {
        "audience": _named(scored, lambda c: c.audience_tiers[-1]),
        "content": {
            "iab_1_0": _named(scored, lambda c: c.iab1_name),
            "iab_2_2": _named(scored, lambda c: c.content_tiers[-1]),
        },
    }


def _enriched(text: str) -> JSONObject:
    scored = _classify_text(text)
    return {
        "audience": _audience(scored),
        "content": {"iab_1_0": _content_v10(scored)},
        **_signals(text, scored, top_words(text), "learning about"),
    }


def _multi(text: str) -> JSONObject:
    payload = _enriched(text)
    payload["content"]["iab_2_2"] = _content_v22(_classify_text(text))
    return payload


def _domain(text: str) -> JSONObject:
    scored = _classify_domain(text)
    keywords = list(dict.fromkeys(k for c, _ in scored for k in c.keywords if " " not in k))
    return {
        "content": {
            "iab_1_0": _named(scored, lambda c: c.iab1_name),
            "iab_2_2": _named(scored, lambda c: c.content_tiers[-1]),
        },
        **_signals(text, scored, keywords[:7], "browsing"),
    }


IAB_MODELS: dict[str, Callable[[str], JSONObject]] = {
    "zlm-v1-iab-classify-edge": _edge,
    "zlm-v2-iab-classify-edge-enriched": _enriched,
    "zlm-v1-multi-iab-classify": _multi,
    "zlm-v1-iab-domain-classifier": _domain,
}


def signals_payload(text: str) -> JSONObject:
    """Topics, keywords and intent of ``text``, as the signal extractor returns them."""
    return _signals(text, _classify_text(text), top_words(text), "looking into")


def iab_payload(model_id: str, text: str) -> JSONObject:
    """The payload ``model_id`` returns for ``text``."""
    return IAB_MODELS[model_id](text)
