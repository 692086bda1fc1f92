"""``ZeroGPUToolSpec``: ZeroGPU's task models as LlamaIndex tools for agents.

Each tool is one method decorated with :func:`task_tool` that returns a
:class:`TaskCall`: the core's sync and async calls and how their result reads as
the tool's output. The decorator gives the spec both a sync tool function
(``moderate_text``) and its async twin (``amoderate_text``) with the method's
signature and docstring, and lists the pair in ``spec_functions``.
"""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from llama_index.core.tools.tool_spec.base import SPEC_FUNCTION_TYPE, BaseToolSpec
from pydantic import SecretStr

from llama_index_zerogpu._tasks import ZeroGPUTaskSettings
from zerogpu_core._client import AsyncZeroGPUClient, ZeroGPUClient
from zerogpu_core.tasks import (
    EntitiesOptions,
    IABOptions,
    JSONExtractionOptions,
    ModerationOptions,
    PIIOptions,
    SignalsOptions,
    SummaryOptions,
    ZeroShotOptions,
    aclassify_iab,
    aclassify_zero_shot,
    aextract_entities,
    aextract_json,
    aextract_signals,
    amoderate,
    aredact_pii,
    asummarize_text,
    classify_iab,
    classify_zero_shot,
    extract_entities,
    extract_json,
    extract_signals,
    moderate,
    redact_pii,
    summarize_text,
)

__all__ = ["TaskCall", "ZeroGPUToolSpec", "task_tool"]

T = TypeVar("T")


@dataclass(frozen=True)
class TaskCall(Generic[T]):
    """One tool call: the core's sync and async calls and the output's text.

    Attributes:
        sync: runs the task with the spec's sync client.
        run_async: the same with its async client.
        output: the tool's output from the result (what the agent reads).
    """

    sync: Callable[[ZeroGPUClient], T]
    run_async: Callable[[AsyncZeroGPUClient], Awaitable[T]]
    output: Callable[[T], str]


def as_json(result: Any) -> str:
    """A task result's ``to_metadata()`` as JSON."""
    return json.dumps(result.to_metadata(), ensure_ascii=False)


_Build = Callable[..., TaskCall[Any]]


def _described(fn: Callable[..., Any], build: _Build, name: str) -> Callable[..., Any]:
    """``fn`` with ``build``'s name, docstring and signature (without ``self``, the
    annotations resolved so LlamaIndex builds the tool's JSON schema from them)."""
    hints = typing.get_type_hints(build)
    params = list(inspect.signature(build).parameters.values())[1:]
    fn.__name__ = name
    fn.__doc__ = inspect.getdoc(build)
    fn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [p.replace(annotation=hints.get(p.name, p.annotation)) for p in params],
        return_annotation=str,
    )
    return fn


class _TaskTool:
    """The descriptor :func:`task_tool` makes: the sync tool function under the
    method's name, the async one under ``a`` + name."""

    def __init__(self, build: _Build) -> None:
        self.build = build
        self.name = build.__name__

    def __set_name__(self, owner: type[ZeroGPUToolSpec], name: str) -> None:
        self.name = name
        setattr(owner, f"a{name}", _AsyncTaskTool(self))
        # A new list per class, so a subclass's tools do not leak into its parent.
        owner.spec_functions = [*getattr(owner, "spec_functions", []), (name, f"a{name}")]

    def __get__(self, spec: ZeroGPUToolSpec | None, owner: type) -> Any:
        if spec is None:
            return self

        def run(*args: Any, **kwargs: Any) -> str:
            call = self.build(spec, *args, **kwargs)
            return call.output(call.sync(spec.settings._clients().sync))

        return _described(run, self.build, self.name)


class _AsyncTaskTool:
    def __init__(self, tool: _TaskTool) -> None:
        self.tool = tool

    def __get__(self, spec: ZeroGPUToolSpec | None, owner: type) -> Any:
        if spec is None:
            return self
        build = self.tool.build

        async def run(*args: Any, **kwargs: Any) -> str:
            call = build(spec, *args, **kwargs)
            return call.output(await call.run_async(spec.settings._clients().async_client()))

        return _described(run, build, f"a{self.tool.name}")


def task_tool(build: Callable[..., TaskCall[T]]) -> Any:
    """Make a :class:`ZeroGPUToolSpec` method returning a :class:`TaskCall` a tool,
    sync and async (see the module docstring)."""
    return _TaskTool(build)


class ZeroGPUToolSpec(BaseToolSpec):
    """ZeroGPU task models as tools for LlamaIndex agents.

    Example:
        >>> from llama_index.core.agent.workflow import FunctionAgent
        >>> tools = ZeroGPUToolSpec().to_tool_list()  # doctest: +SKIP
        >>> agent = FunctionAgent(tools=tools, llm=ZeroGPU())  # doctest: +SKIP

    Tools: ``moderate_text``, ``redact_pii`` (placeholders only: the original
    values never reach the agent), ``extract_entities``, ``classify_zero_shot`` and
    ``classify_iab``, ``extract_json``, ``summarize`` and ``extract_signals``;
    each runs sync or async (``FunctionAgent`` uses async). A
    task's failure raises; the agent sees it as a tool error, never as a result.

    Args:
        moderation: options of ``moderate_text`` (model, threshold, categories).
        pii: options of ``redact_pii`` (categories, threshold, verification).
        iab: options of ``classify_iab`` (model).
        summary: options of ``summarize`` (model, chunk budget).
        signals: options of ``extract_signals`` (model, keyword cap).
        **connection: ``api_key``, ``project_id``, ``base_url``, ``timeout``,
            ``max_retries`` (unset ones from the environment).
    """

    # Filled by @task_tool, one new list per class (see _TaskTool.__set_name__).
    spec_functions: list[SPEC_FUNCTION_TYPE] = []  # noqa: RUF012

    def __init__(
        self,
        *,
        moderation: ModerationOptions | None = None,
        pii: PIIOptions | None = None,
        iab: IABOptions | None = None,
        summary: SummaryOptions | None = None,
        signals: SignalsOptions | None = None,
        **connection: Any,
    ) -> None:
        self.settings = ZeroGPUTaskSettings(**connection)
        self.moderation = moderation or ModerationOptions()
        self.pii = pii or PIIOptions()
        self.iab = iab or IABOptions()
        self.summary = summary or SummaryOptions()
        self.signals = signals or SignalsOptions()

    @property
    def api_key(self) -> SecretStr | None:
        """The key the tools send (a ``SecretStr``, never shown)."""
        return self.settings.api_key

    @task_tool
    def moderate_text(self, text: str) -> TaskCall[Any]:
        """Check text for harmful content (harassment, hate, self-harm, sexual,
        violence, illicit). Returns JSON with flagged, categories and scores."""
        options = self.moderation
        return TaskCall(
            lambda c: moderate(c, text, options), lambda c: amoderate(c, text, options), as_json
        )

    @task_tool
    def redact_pii(self, text: str) -> TaskCall[Any]:
        """Replace personal data (names, emails, phone numbers, addresses, ids) in
        text with placeholders such as [PERSON]. Returns the redacted text."""
        options = self.pii
        return TaskCall(
            lambda c: redact_pii(c, text, options),
            lambda c: aredact_pii(c, text, options),
            lambda result: result.text,
        )

    @task_tool
    def extract_entities(self, text: str, labels: list[str]) -> TaskCall[Any]:
        """Find named entities of the given types (labels such as "person",
        "company") in text. Returns JSON with the entities by label and offsets."""
        options = EntitiesOptions(tuple(labels))
        return TaskCall(
            lambda c: extract_entities(c, text, options),
            lambda c: aextract_entities(c, text, options),
            as_json,
        )

    @task_tool
    def classify_zero_shot(self, text: str, labels: list[str]) -> TaskCall[Any]:
        """Score text against 1 to 10 candidate labels. Returns JSON with the best
        label and every label's score."""
        options = ZeroShotOptions(tuple(labels))
        return TaskCall(
            lambda c: classify_zero_shot(c, text, options),
            lambda c: aclassify_zero_shot(c, text, options),
            as_json,
        )

    @task_tool
    def classify_iab(self, text: str) -> TaskCall[Any]:
        """Classify text into IAB content categories (advertising taxonomy).
        Returns JSON with the categories and their scores."""
        options = self.iab
        return TaskCall(
            lambda c: classify_iab(c, text, options),
            lambda c: aclassify_iab(c, text, options),
            as_json,
        )

    @task_tool
    def extract_json(self, text: str, fields: list[str]) -> TaskCall[Any]:
        """Extract fields from text into JSON. Each field is 'name::str::description'
        (one value) or 'name::list::description' (several values), e.g.
        'email::str::Email address'. Returns JSON with the records found."""
        options = JSONExtractionOptions({"record": fields})
        return TaskCall(
            lambda c: extract_json(c, text, options),
            lambda c: aextract_json(c, text, options),
            as_json,
        )

    @task_tool
    def summarize(self, text: str) -> TaskCall[Any]:
        """Summarise text of any length. Returns the summary text."""
        options = self.summary
        return TaskCall(
            lambda c: summarize_text(c, text, options),
            lambda c: asummarize_text(c, text, options),
            lambda result: result.summary,
        )

    @task_tool
    def extract_signals(self, text: str) -> TaskCall[Any]:
        """Find the topics, keywords and intent of text. Returns JSON with topics,
        keywords and intent."""
        options = self.signals
        return TaskCall(
            lambda c: extract_signals(c, text, options),
            lambda c: aextract_signals(c, text, options),
            as_json,
        )
