"""IAB content classification (``zlm-*-iab-*`` models): typed results, chunk merging.

One parser covers every documented payload shape (the IAB models' reference examples): plain
``{name, score}`` items, IAB 1.0 items with ``code``/``tier``/``parent_code``, and
IAB 2.2 / audience items with ``id``/``parent_id``/``tierN_name``. Missing keys give
empty lists or ``None``, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict
from typing_extensions import Unpack

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.catalog import check_model
from zerogpu_core.tasks._payload import extract_payload
from zerogpu_core.tasks.chunking import TextChunk, split_text, token_budget
from zerogpu_core.tasks.domain_names import check_domain
from zerogpu_core.tasks.results import DocumentResults, check_texts
from zerogpu_core.tasks.runner import (
    ChunkedTask,
    DocumentRunArgs,
    aprocess_documents,
    arun_one,
    process_documents,
    run_one,
)
from zerogpu_core.types import ChatCompletion

__all__ = [
    "DEFAULT_IAB_MODEL",
    "DOMAIN_IAB_MODEL",
    "IAB_MODELS",
    "IABCategory",
    "IABClassificationTask",
    "IABIntent",
    "IABOptions",
    "IABResult",
    "aclassify_iab",
    "aclassify_iab_documents",
    "classify_iab",
    "classify_iab_documents",
    "iab_request",
    "merge_iab_results",
    "normalise_domain",
    "parse_iab_payload",
]

DEFAULT_IAB_MODEL = "zlm-v1-iab-classify-edge"
DOMAIN_IAB_MODEL = "zlm-v1-iab-domain-classifier"
IAB_MODELS = (
    DEFAULT_IAB_MODEL,
    "zlm-v2-iab-classify-edge-enriched",
    "zlm-v1-multi-iab-classify",
    DOMAIN_IAB_MODEL,
)
_TIER_NAME = re.compile(r"^tier(\d+)_name$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class IABCategory(_Frozen):
    """One scored label (content category, audience segment or topic).

    Attributes:
        name: the label as the model spelled it.
        score: 0..1 confidence.
        code: IAB 1.0 code such as ``IAB19-6`` (enriched models).
        id: IAB 2.2 / audience taxonomy id (enriched models).
        parent_id: taxonomy parent id (``0`` for a tier-1 entry).
        parent_code: IAB 1.0 parent code (``None`` for tier 1).
        tier: IAB 1.0 tier number.
        tier_names: ``tier1_name``, ``tier2_name``, ... in order.
    """

    name: str
    score: float = 0.0
    code: str | None = None
    id: int | None = None
    parent_id: int | None = None
    parent_code: str | None = None
    tier: int | None = None
    tier_names: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str | None, int | None, str]:
        """Identity used to merge the same category found in several chunks."""
        return (self.code, self.id, self.name)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON value without empty fields."""
        data = self.model_dump(mode="json", exclude_none=True)
        if not self.tier_names:
            data.pop("tier_names")
        return data

    def to_payload(self) -> dict[str, Any]:
        """The item as the model writes it: ``tierN_name`` keys, score last."""
        data = self.model_dump(mode="json", exclude_none=True, exclude={"tier_names", "score"})
        data.update({f"tier{i}_name": n for i, n in enumerate(self.tier_names, start=1)})
        if self.tier is not None:
            # IAB 1.0 items name their parent even at tier 1, as null.
            data["parent_code"] = self.parent_code
        data["score"] = self.score
        return data


class IABIntent(_Frozen):
    """The ``user_intent`` of enriched models."""

    name: str
    category: str | None = None
    score: float = 0.0


class IABResult(_Frozen):
    """Everything an IAB model said about one document.

    ``topics``, ``keywords`` and ``user_intent`` are ``None`` when the model does not
    return them (the base edge model); lists are sorted by score, highest first.
    """

    model: str
    iab_1_0: tuple[IABCategory, ...] = ()
    iab_2_2: tuple[IABCategory, ...] = ()
    audience: tuple[IABCategory, ...] = ()
    topics: tuple[IABCategory, ...] | None = None
    keywords: tuple[str, ...] | None = None
    user_intent: IABIntent | None = None
    chunks: int = 0

    def to_metadata(self) -> dict[str, Any]:
        """A JSON-serialisable dict for ``Document.metadata["iab"]``."""
        data: dict[str, Any] = {
            "model": self.model,
            "iab_1_0": [c.to_json() for c in self.iab_1_0],
            "iab_2_2": [c.to_json() for c in self.iab_2_2],
            "audience": [c.to_json() for c in self.audience],
            "chunks": self.chunks,
        }
        if self.topics is not None:
            data["topics"] = [c.to_json() for c in self.topics]
        if self.keywords is not None:
            data["keywords"] = list(self.keywords)
        if self.user_intent is not None:
            data["user_intent"] = self.user_intent.model_dump(mode="json", exclude_none=True)
        return data

    def to_payload(self) -> dict[str, Any]:
        """The result in the model's own payload shape (``content``, ``audience``,
        ``topics``, ``keywords``, ``user_intent``), merged over all chunks.

        Lists the model did not return are left out: ``audience`` of the domain
        classifier, ``content.iab_2_2`` of the enriched model.
        """
        content = {"iab_1_0": [c.to_payload() for c in self.iab_1_0]}
        if self.iab_2_2 or self.model in (DEFAULT_IAB_MODEL, DOMAIN_IAB_MODEL):
            content["iab_2_2"] = [c.to_payload() for c in self.iab_2_2]
        data: dict[str, Any] = {"content": content}
        if self.model != DOMAIN_IAB_MODEL:
            data["audience"] = [c.to_payload() for c in self.audience]
        if self.topics is not None:
            data["topics"] = [c.to_payload() for c in self.topics]
        if self.keywords is not None:
            data["keywords"] = list(self.keywords)
        if self.user_intent is not None:
            data["user_intent"] = self.user_intent.model_dump(mode="json", exclude_none=True)
        return data


@dataclass(frozen=True)
class IABOptions:
    """How documents are classified.

    Attributes:
        model: one of :data:`IAB_MODELS` (other ids pass, for newer models).
        multilingual: sent as the top-level ``multilingual`` flag when set.
        max_chunk_tokens: override of the catalog input budget per request.
    """

    model: str = DEFAULT_IAB_MODEL
    multilingual: bool | None = None
    max_chunk_tokens: int | None = None

    def __post_init__(self) -> None:
        check_model(self.model, "iab")
        token_budget(self.model, self.max_chunk_tokens)


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _category(item: Any) -> IABCategory | None:
    if isinstance(item, str):
        return IABCategory(name=item)
    if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
        return None
    tiers = sorted(
        (int(m.group(1)), str(v))
        for k, v in item.items()
        if (m := _TIER_NAME.match(k)) and isinstance(v, str)
    )
    return IABCategory(
        name=item["name"],
        score=_number(item.get("score")),
        code=item.get("code") if isinstance(item.get("code"), str) else None,
        id=item.get("id") if isinstance(item.get("id"), int) else None,
        parent_id=item.get("parent_id") if isinstance(item.get("parent_id"), int) else None,
        parent_code=item.get("parent_code") if isinstance(item.get("parent_code"), str) else None,
        tier=item.get("tier") if isinstance(item.get("tier"), int) else None,
        tier_names=tuple(name for _, name in tiers),
    )


def _categories(items: Any) -> tuple[IABCategory, ...]:
    if not isinstance(items, list):
        return ()
    parsed = (_category(item) for item in items)
    return _by_score(c for c in parsed if c is not None)


def _by_score(categories: Iterable[IABCategory]) -> tuple[IABCategory, ...]:
    return tuple(sorted(categories, key=lambda c: -c.score))


def _intent(value: Any) -> IABIntent | None:
    if isinstance(value, str):
        return IABIntent(name=value)
    if not isinstance(value, Mapping) or not isinstance(value.get("name"), str):
        return None
    category = value.get("category")
    return IABIntent(
        name=value["name"],
        category=category if isinstance(category, str) else None,
        score=_number(value.get("score")),
    )


def parse_iab_payload(payload: Mapping[str, Any], *, model: str) -> IABResult:
    """Turn one decoded IAB payload into an :class:`IABResult` (``chunks=1``)."""
    content = payload.get("content")
    content = content if isinstance(content, Mapping) else {}
    keywords = payload.get("keywords")
    return IABResult(
        model=model,
        iab_1_0=_categories(content.get("iab_1_0")),
        iab_2_2=_categories(content.get("iab_2_2")),
        audience=_categories(payload.get("audience")),
        topics=_categories(payload["topics"]) if "topics" in payload else None,
        keywords=(
            tuple(k for k in keywords if isinstance(k, str)) if isinstance(keywords, list) else None
        ),
        user_intent=_intent(payload.get("user_intent")),
        chunks=1,
    )


def _merge_categories(groups: Iterable[Sequence[IABCategory]]) -> tuple[IABCategory, ...]:
    best: dict[tuple[str | None, int | None, str], IABCategory] = {}
    for group in groups:
        for category in group:
            kept = best.get(category.key)
            if kept is None or category.score > kept.score:
                best[category.key] = category
    return _by_score(best.values())


def _merge_optional(values: Sequence[Any | None], merge: Callable[[list[Any]], Any]) -> Any | None:
    present = [v for v in values if v is not None]
    return merge(present) if present else None


def merge_iab_results(results: Sequence[IABResult], *, model: str) -> IABResult:
    """Combine per-chunk results: highest score per category, sorted by score.

    Keywords keep first-seen order without repeats; the intent with the highest
    score wins (the earliest chunk on a tie). No results give an empty result.
    """
    return IABResult(
        model=model,
        iab_1_0=_merge_categories(r.iab_1_0 for r in results),
        iab_2_2=_merge_categories(r.iab_2_2 for r in results),
        audience=_merge_categories(r.audience for r in results),
        topics=_merge_optional([r.topics for r in results], _merge_categories),
        keywords=_merge_optional(
            [r.keywords for r in results], lambda ks: tuple(dict.fromkeys(k for g in ks for k in g))
        ),
        user_intent=_merge_optional(
            [r.user_intent for r in results], lambda xs: max(xs, key=lambda i: i.score)
        ),
        chunks=sum(r.chunks for r in results),
    )


def normalise_domain(text: str) -> str:
    """The bare host the domain classifier expects, from a host or a URL.

    Raises:
        ValueError: when ``text`` is not a single host name.
    """
    value = text.strip()
    host = urlsplit(value if "://" in value else f"//{value}").hostname or ""
    if not host or any(c.isspace() for c in value) or "." not in host:
        raise ValueError(
            f"{DOMAIN_IAB_MODEL} classifies one domain name such as 'nytimes.com'; "
            f"got {len(value)} characters that are not a host name or URL"
        )
    return check_domain(host)


def plan_iab(text: str, options: IABOptions) -> list[TextChunk]:
    """The chunks to classify (none for an empty or blank document)."""
    if options.model == DOMAIN_IAB_MODEL:
        return [] if not text.strip() else [TextChunk(0, normalise_domain(text))]
    budget = token_budget(options.model, options.max_chunk_tokens)
    return [c for c in split_text(text, budget) if not c.is_blank]


def iab_request(chunk: TextChunk, options: IABOptions) -> dict[str, Any]:
    """The chat-completions body for one chunk (also a batch line's ``body``)."""
    body: dict[str, Any] = {
        "model": options.model,
        "messages": [{"role": "user", "content": chunk.text}],
    }
    if options.multilingual is not None:
        body["multilingual"] = options.multilingual
    return body


class IABClassificationTask(ChunkedTask[str, TextChunk, IABResult, IABResult]):
    """IAB classification of a document: chunks classified one by one, then merged."""

    desc = "IAB classification"

    def __init__(self, options: IABOptions) -> None:
        self.options = options

    def plan(self, document: str, /) -> list[TextChunk]:
        return plan_iab(document, self.options)

    def request(self, job: TextChunk, /) -> dict[str, Any]:
        return iab_request(job, self.options)

    def resolve(self, job: TextChunk, reply: ChatCompletion, /) -> IABResult:
        payload = extract_payload(reply, model=self.options.model)
        return parse_iab_payload(payload, model=self.options.model)

    def finish(
        self, document: str, jobs: Sequence[TextChunk], parts: Sequence[IABResult], /
    ) -> IABResult:
        return merge_iab_results(parts, model=self.options.model)


def classify_iab(client: ZeroGPUClient, text: str, options: IABOptions | None = None) -> IABResult:
    """Classify ``text`` (any length; long text is classified in chunks and merged).

    Example:
        >>> result = classify_iab(client, "The new phone has a brighter screen")  # doctest: +SKIP
        >>> result.iab_2_2[0].name  # doctest: +SKIP
        'Smartphones'

    Raises:
        ValueError: for a domain-classifier input that is not a host name.
        ZeroGPUError: API errors (after the client's retries) or unusable output.
    """
    options = options or IABOptions()
    return run_one(IABClassificationTask(options), client, text)


async def aclassify_iab(
    client: AsyncZeroGPUClient, text: str, options: IABOptions | None = None
) -> IABResult:
    """Async :func:`classify_iab`."""
    options = options or IABOptions()
    return await arun_one(IABClassificationTask(options), client, text)


def classify_iab_documents(
    client: ZeroGPUClient,
    texts: Sequence[str],
    options: IABOptions | None = None,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[IABResult]:
    """Classify many texts concurrently; failures are returned, never raised.

    With ``batch``, every chunk is sent as one line of a Batch API job instead
    (``max_concurrency`` does not apply); the results are the same.
    """
    options = options or IABOptions()
    check_texts(texts)
    return process_documents(IABClassificationTask(options), client, texts, **run)


async def aclassify_iab_documents(
    client: AsyncZeroGPUClient,
    texts: Sequence[str],
    options: IABOptions | None = None,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[IABResult]:
    """Async :func:`classify_iab_documents`."""
    options = options or IABOptions()
    check_texts(texts)
    return await aprocess_documents(IABClassificationTask(options), client, texts, **run)
