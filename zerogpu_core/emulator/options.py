"""Behaviour switches of the emulator (the ``Emulator(...)`` keyword arguments)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from zerogpu_core.emulator.tokens import ContextPolicy, Overflow

__all__ = ["EmulatorOptions", "StreamMode"]

StreamMode = Literal["sse", "json"]


@dataclass
class EmulatorOptions:
    """Options shared by the handler layer and the batch worker.

    Attributes:
        api_key: Expected ``x-api-key``; ``None`` accepts any non-empty key.
        project_id: Expected ``x-project-id`` when the header is sent.
        require_project_id: Answer 401 when ``x-project-id`` is missing.
        stream_mode: ``"sse"`` streams chunks; ``"json"`` answers ``stream: true``
            with a plain JSON completion (the docs do not rule that out).
        omit_tool_call_index: Stream tool-call deltas without ``index``.
        context_length_status: Status for ``context_length_exceeded`` (400 or 420;
            both are documented; clients must tell them apart by ``error.code``).
        context_overflow: Input over a model's limit: ``"model"`` truncates it
            silently for the models documented to do so and rejects it for the
            others; ``"reject"`` or ``"truncate"`` do that for every model.
        input_token_limit: Replaces every model's input limit (in the emulator's
            subword-like token count), to see overflow with short inputs.
        batch_line_delay: Seconds the batch worker spends per line (and finalizing).
        batch_expiry_seconds: Seconds after which an unfinished batch expires.
        batch_list_lag: Seconds before a new batch shows in ``GET /v1/batches``
            (the docs say the list may lag a few seconds; retrieve by id does not).
        latency: Seconds added to every request.
    """

    api_key: str | None = None
    project_id: str | None = None
    require_project_id: bool = False
    stream_mode: StreamMode = "sse"
    omit_tool_call_index: bool = False
    context_length_status: int = 400
    context_overflow: Overflow = "model"
    input_token_limit: int | None = None
    batch_line_delay: float = 0.0
    batch_expiry_seconds: float = 86_400.0
    batch_list_lag: float = 0.0
    latency: float = 0.0

    def __post_init__(self) -> None:
        """Reject option values the emulator cannot honour."""
        if self.stream_mode not in ("sse", "json"):
            raise ValueError("stream_mode must be 'sse' or 'json'")
        if self.context_length_status not in (400, 420):
            raise ValueError("context_length_status must be 400 or 420")
        if self.context_overflow not in ("model", "reject", "truncate"):
            raise ValueError("context_overflow must be 'model', 'reject' or 'truncate'")
        if self.input_token_limit is not None and self.input_token_limit < 1:
            raise ValueError("input_token_limit must be at least 1")
        if self.batch_line_delay < 0 or self.batch_expiry_seconds <= 0 or self.batch_list_lag < 0:
            raise ValueError("batch delays must be positive")

    def context(self) -> ContextPolicy:
        """What happens to input over a model's limit."""
        return ContextPolicy(
            self.context_length_status, self.context_overflow, self.input_token_limit
        )
