"""ZeroGPU moderation at query time: retrieved nodes, the query and the answer.

- :class:`ZeroGPUModerationPostprocessor` (a node postprocessor) drops flagged
  nodes, or raises on them, before they reach the LLM.
- :class:`ZeroGPUModeratedQueryEngine` wraps any query engine and checks the query
  before it runs and the answer before it is returned.

Both fail closed: a check that errors raises (or, for nodes with
``on_failure="drop"``, leaves the node out); nothing passes unchecked.
"""

from __future__ import annotations

from typing import Any, Literal

from llama_index.core.base.base_query_engine import BaseQueryEngine
from llama_index.core.base.response.schema import (
    RESPONSE_TYPE,
    AsyncStreamingResponse,
    Response,
    StreamingResponse,
)
from llama_index.core.bridge.pydantic import ConfigDict, Field
from llama_index.core.callbacks.base import CallbackManager
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.prompts.mixin import PromptMixinType
from llama_index.core.schema import MetadataMode, NodeWithScore, QueryBundle

from llama_index_zerogpu._tasks import ZeroGPUTaskSettings, hide_metadata_key, node_texts
from zerogpu_core.tasks import (
    DEFAULT_MAX_CONCURRENCY,
    ContentFlaggedError,
    DropPolicy,
    ModerationVerdict,
    amoderate,
    amoderate_documents,
    moderate,
    moderate_documents,
)
from zerogpu_core.tasks.fields import ModerationFields
from zerogpu_core.tasks.moderation_guard import FlaggedPolicy, screened, violation_notice

__all__ = ["ZeroGPUModeratedQueryEngine", "ZeroGPUModerationPostprocessor"]

#: What the query engine does on a flagged query or answer.
ViolationPolicy = Literal["raise", "refuse"]


class ZeroGPUModerationPostprocessor(ModerationFields, ZeroGPUTaskSettings, BaseNodePostprocessor):
    """Leaves flagged nodes out before they reach the LLM.

    Example:
        >>> engine = index.as_query_engine(  # doctest: +SKIP
        ...     node_postprocessors=[ZeroGPUModerationPostprocessor()]
        ... )

    Node text is read without the metadata header. ``on_flagged="raise"`` raises
    :class:`~zerogpu_core.tasks.ContentFlaggedError` instead of dropping. A node
    whose check fails raises :class:`~zerogpu_core.tasks.BatchTransformError`
    (default) or, with ``on_failure="drop"``, is left out too: it never passes
    unchecked. Kept nodes carry their verdict in ``metadata["moderation"]``
    (hidden from embedding and LLM text).
    """

    on_flagged: FlaggedPolicy = Field(
        default="drop", description="'drop' flagged nodes or 'raise' ContentFlaggedError."
    )
    on_failure: DropPolicy = Field(
        default="raise",
        description="'raise' (BatchTransformError) or 'drop' a node whose check failed.",
    )
    max_concurrency: int = Field(
        default=DEFAULT_MAX_CONCURRENCY, ge=1, description="Requests in flight at once."
    )
    metadata_key: str = Field(default="moderation", description="Metadata key for the verdict.")

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUModerationPostprocessor"

    def _texts(self, nodes: list[NodeWithScore]) -> tuple[list[str], list[str | None]]:
        return node_texts([n.node for n in nodes], MetadataMode.NONE)

    def _kept(
        self,
        nodes: list[NodeWithScore],
        verdicts: tuple[ModerationVerdict | None, ...],
        kept: list[int],
    ) -> list[NodeWithScore]:
        out: list[NodeWithScore] = []
        for index in kept:
            verdict = verdicts[index]
            copy = nodes[index].node.model_copy(deep=True)
            copy.metadata[self.metadata_key] = verdict.to_metadata() if verdict else {}
            hide_metadata_key(copy, self.metadata_key)
            out.append(NodeWithScore(node=copy, score=nodes[index].score))
        return out

    def _postprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        texts, ids = self._texts(nodes)
        outcome = moderate_documents(
            self._clients().sync,
            texts,
            self._moderation_options(),
            ids=ids,
            max_concurrency=self.max_concurrency,
        )
        kept = screened(outcome, stage="node", noun="node", ids=ids, **self._policies())
        return self._kept(nodes, outcome.results, kept)

    async def _apostprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        texts, ids = self._texts(nodes)
        outcome = await amoderate_documents(
            self._clients().async_client(),
            texts,
            self._moderation_options(),
            ids=ids,
            max_concurrency=self.max_concurrency,
        )
        kept = screened(outcome, stage="node", noun="node", ids=ids, **self._policies())
        return self._kept(nodes, outcome.results, kept)

    def _policies(self) -> dict[str, Any]:
        return {"on_flagged": self.on_flagged, "on_failure": self.on_failure}


class ZeroGPUModeratedQueryEngine(ModerationFields, ZeroGPUTaskSettings, BaseQueryEngine):
    """Checks the query before ``query_engine`` runs and its answer before it returns.

    Example:
        >>> engine = ZeroGPUModeratedQueryEngine(  # doctest: +SKIP
        ...     query_engine=index.as_query_engine()
        ... )
        >>> str(engine.query("How do I hurt someone?"))  # doctest: +SKIP
        "I can't help with that: the content was flagged for violence."

    A flagged query is not run. ``on_violation="refuse"`` (default) answers with
    ``violation_message`` (``{categories}``, ``{category_scores}``, ``{stage}`` and
    ``{original_content}`` are filled in) and the verdict in
    ``response.metadata["moderation"]``; ``"raise"`` raises
    :class:`~zerogpu_core.tasks.ContentFlaggedError` (``.stage`` is ``"query"`` or
    ``"response"``). A check that fails raises whatever ``on_violation`` says. A
    streaming answer is read whole before it is checked, then returned as a
    ``Response``: no text reaches the caller unchecked.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    query_engine: BaseQueryEngine = Field(description="The query engine to guard.")
    check_query: bool = Field(default=True, description="Judge the query before it runs.")
    check_response: bool = Field(default=True, description="Judge the answer before it returns.")
    on_violation: ViolationPolicy = Field(
        default="refuse", description="'refuse' (answer violation_message) or 'raise'."
    )
    violation_message: str | None = Field(default=None, description="The refusal template.")
    callback_manager: CallbackManager = Field(
        default_factory=lambda: CallbackManager([]), exclude=True
    )

    @classmethod
    def class_name(cls) -> str:
        """Name used in serialised pipelines."""
        return "ZeroGPUModeratedQueryEngine"

    def _get_prompt_modules(self) -> PromptMixinType:
        return {"query_engine": self.query_engine}

    def _refusal(self, verdict: ModerationVerdict, stage: str, text: str) -> Response | None:
        """``None`` for an unflagged verdict; else the refusal, or the error raised."""
        if not verdict.flagged:
            return None
        notice = violation_notice(verdict, stage, self.violation_message, original=text)
        if self.on_violation == "raise":
            raise ContentFlaggedError(notice, verdict=verdict, stage=stage)
        return Response(notice, metadata={"moderation": {"stage": stage, **verdict.to_metadata()}})

    def _query(self, query_bundle: QueryBundle) -> RESPONSE_TYPE:
        options = self._moderation_options()
        client = self._clients().sync
        text = query_bundle.query_str
        if self.check_query and text.strip():
            refusal = self._refusal(moderate(client, text, options), "query", text)
            if refusal is not None:
                return refusal
        response = self.query_engine.query(query_bundle)
        if not self.check_response:
            return response
        if isinstance(response, StreamingResponse):
            response = response.get_response()
        answer = _answer(response)
        if not answer.strip():
            return response
        return self._refusal(moderate(client, answer, options), "response", answer) or response

    async def _aquery(self, query_bundle: QueryBundle) -> RESPONSE_TYPE:
        options = self._moderation_options()
        client = self._clients().async_client()
        text = query_bundle.query_str
        if self.check_query and text.strip():
            refusal = self._refusal(await amoderate(client, text, options), "query", text)
            if refusal is not None:
                return refusal
        response = await self.query_engine.aquery(query_bundle)
        if not self.check_response:
            return response
        if isinstance(response, AsyncStreamingResponse):
            response = await response.get_response()
        elif isinstance(response, StreamingResponse):
            response = response.get_response()
        answer = _answer(response)
        if not answer.strip():
            return response
        verdict = await amoderate(client, answer, options)
        return self._refusal(verdict, "response", answer) or response


def _answer(response: RESPONSE_TYPE) -> str:
    """The answer's text (a structured answer as its JSON); empty when there is none."""
    if getattr(response, "response", None) is None:
        return ""
    return str(response)
