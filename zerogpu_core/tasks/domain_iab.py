"""IAB categories, topics, keywords and intent of a website from its domain alone.

``zlm-v1-iab-domain-classifier`` reads a bare domain (``nytimes.com``) and answers
like the enriched IAB models without ``audience``. Each input is checked by
:func:`~zerogpu_core.tasks.domain_names.check_domain` before anything is sent, and
must also fit the model's 100-token input limit (by the project's conservative
token estimate). One domain is one request; results are :class:`IABResult`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from typing_extensions import Unpack

from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.catalog import check_model
from zerogpu_core.tasks._payload import extract_payload
from zerogpu_core.tasks.chunking import TextChunk, estimate_tokens, token_budget
from zerogpu_core.tasks.domain_names import check_domain
from zerogpu_core.tasks.iab import (
    DOMAIN_IAB_MODEL,
    IABOptions,
    IABResult,
    iab_request,
    parse_iab_payload,
)
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
    "DomainIABOptions",
    "DomainIABTask",
    "aclassify_domain",
    "aclassify_domains",
    "check_domains",
    "classify_domain",
    "classify_domains",
    "plan_domain",
]


@dataclass(frozen=True)
class DomainIABOptions:
    """The domain model (``zlm-v1-iab-domain-classifier`` unless a newer id is given)."""

    model: str = DOMAIN_IAB_MODEL

    def __post_init__(self) -> None:
        check_model(self.model, "iab")


def plan_domain(domain: str, options: DomainIABOptions) -> list[TextChunk]:
    """The one request's text: the checked domain.

    Raises:
        ValueError: for anything but a bare domain, or one over the input limit.
    """
    checked = check_domain(domain)
    limit = token_budget(options.model)
    if estimate_tokens(checked) > limit:
        raise ValueError(
            f"domain is {estimate_tokens(checked)} tokens by a conservative estimate, "
            f"over the {limit}-token input limit of {options.model}"
        )
    return [TextChunk(0, checked)]


def check_domains(domains: Sequence[str], options: DomainIABOptions) -> None:
    """Check every domain before any is sent.

    Raises:
        ValueError: naming each bad position (the first three) and its problem.
    """
    check_texts(domains)
    problems: list[str] = []
    for position, domain in enumerate(domains):
        try:
            plan_domain(domain, options)
        except ValueError as error:
            problems.append(f"domains[{position}]: {error}")
    if problems:
        more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        raise ValueError(
            f"{len(problems)} of {len(domains)} inputs are not bare domain names, so "
            f"nothing was sent: {'; '.join(problems[:3])}{more}"
        )


class DomainIABTask(ChunkedTask[str, TextChunk, IABResult, IABResult]):
    """Classification of one domain name (one request)."""

    desc = "Domain IAB classification"

    def __init__(self, options: DomainIABOptions) -> None:
        self.options = options
        self._iab = IABOptions(options.model)

    def plan(self, document: str, /) -> list[TextChunk]:
        return plan_domain(document, self.options)

    def request(self, job: TextChunk, /) -> dict[str, Any]:
        return iab_request(job, self._iab)

    def resolve(self, job: TextChunk, reply: ChatCompletion, /) -> IABResult:
        payload = extract_payload(reply, model=self.options.model)
        return parse_iab_payload(payload, model=self.options.model)

    def finish(
        self, document: str, jobs: Sequence[TextChunk], parts: Sequence[IABResult], /
    ) -> IABResult:
        (result,) = parts
        return result


def classify_domain(
    client: ZeroGPUClient, domain: str, options: DomainIABOptions | None = None
) -> IABResult:
    """Classify the site at ``domain`` (e.g. ``"nytimes.com"``).

    Raises:
        ValueError: for a URL, text or anything but a bare domain (nothing is sent).
        ZeroGPUError: API errors (after the client's retries) or unusable output.
    """
    return run_one(DomainIABTask(options or DomainIABOptions()), client, domain)


async def aclassify_domain(
    client: AsyncZeroGPUClient, domain: str, options: DomainIABOptions | None = None
) -> IABResult:
    """Async :func:`classify_domain`."""
    return await arun_one(DomainIABTask(options or DomainIABOptions()), client, domain)


def classify_domains(
    client: ZeroGPUClient,
    domains: Sequence[str],
    options: DomainIABOptions | None = None,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[IABResult]:
    """Classify many domains, concurrently or as one Batch API job; failures of
    the service are returned, never raised.

    Raises:
        ValueError: before any request, when any input is not a bare domain.
    """
    options = options or DomainIABOptions()
    check_domains(domains, options)
    return process_documents(
        DomainIABTask(options),
        client,
        domains,
        **run,
    )


async def aclassify_domains(
    client: AsyncZeroGPUClient,
    domains: Sequence[str],
    options: DomainIABOptions | None = None,
    **run: Unpack[DocumentRunArgs],
) -> DocumentResults[IABResult]:
    """Async :func:`classify_domains`."""
    options = options or DomainIABOptions()
    check_domains(domains, options)
    return await aprocess_documents(
        DomainIABTask(options),
        client,
        domains,
        **run,
    )
