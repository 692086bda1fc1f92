"""Permanent faults surface at once as the right typed error: no retry, no secret."""

from __future__ import annotations

import time

import pytest
from langchain_core import exceptions as lc
from langchain_core.documents import Document

from langchain_zerogpu import ChatZeroGPU, ZeroGPUIABClassifier
from tests.reliability._faults import API_KEY
from zerogpu_core import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ContextLengthExceededError,
    InsufficientQuotaError,
    NotFoundError,
    PermissionDeniedError,
)
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import BatchTransformError

pytestmark = pytest.mark.emulator

_QUOTA_BODY = {"error": {"code": "insufficient_quota", "message": "You have insufficient quota."}}
_CONTEXT_BODY = {
    "error": {
        "code": "context_length_exceeded",
        "type": "invalid_request_error",
        "message": "This model's maximum context length is 4096 tokens.",
    }
}
# (fault, core class, LangChain standard class the adapter's error must also be)
PERMANENT: dict[str, tuple[Fault, type[APIStatusError], type[Exception]]] = {
    "400": (Fault(status=400), BadRequestError, lc.ModelInvalidRequestError),
    "401": (Fault(status=401), AuthenticationError, lc.ModelAuthenticationError),
    "403": (Fault(status=403), PermissionDeniedError, lc.ModelPermissionDeniedError),
    "404": (Fault(status=404), NotFoundError, lc.ModelNotFoundError),
    "quota-420": (Fault(status=420), InsufficientQuotaError, lc.ModelError),
    "quota-429": (Fault(status=429, body=_QUOTA_BODY), InsufficientQuotaError, lc.ModelError),
    "context-length": (
        Fault(status=400, body=_CONTEXT_BODY),
        ContextLengthExceededError,
        lc.ContextOverflowError,
    ),
}
CASES = pytest.mark.parametrize("case", sorted(PERMANENT))


def _assert_no_secret(error: BaseException) -> None:
    shown = [str(error), repr(error), str(getattr(error, "body", ""))]
    assert not any(API_KEY in text for text in shown)


def _chat(emulator: Emulator) -> ChatZeroGPU:
    # A generous budget: any retry of a permanent fault would show in the request count.
    return ChatZeroGPU(
        model="LFM2.5-1.2B-Instruct", base_url=emulator.base_url, api_key=API_KEY, max_retries=5
    )


def _arm(emulator: Emulator, case: str) -> tuple[type[APIStatusError], type[Exception]]:
    fault, core_class, lc_class = PERMANENT[case]
    emulator.faults.add(Fault(status=fault.status, body=fault.body, times=10))
    return core_class, lc_class


@CASES
def test_chat_raises_typed_error_without_retry(emulator: Emulator, case: str) -> None:
    core_class, lc_class = _arm(emulator, case)
    started = time.monotonic()
    with pytest.raises(core_class) as caught:
        _chat(emulator).invoke("Hello")
    assert time.monotonic() - started < 0.5
    assert isinstance(caught.value, lc_class)
    assert len(emulator.requests) == 1
    _assert_no_secret(caught.value)


@CASES
async def test_async_chat_raises_typed_error_without_retry(emulator: Emulator, case: str) -> None:
    core_class, lc_class = _arm(emulator, case)
    with pytest.raises(core_class) as caught:
        await _chat(emulator).ainvoke("Hello")
    assert isinstance(caught.value, lc_class)
    assert len(emulator.requests) == 1
    _assert_no_secret(caught.value)


@CASES
def test_transformer_reports_typed_error_without_retry(emulator: Emulator, case: str) -> None:
    core_class, _ = _arm(emulator, case)
    classifier = ZeroGPUIABClassifier(base_url=emulator.base_url, api_key=API_KEY, max_retries=5)
    with pytest.raises(BatchTransformError) as caught:
        classifier.transform_documents([Document("A phone review", id="only")])
    failure = caught.value.failures[0]
    assert isinstance(failure.error, core_class)
    assert failure.id == "only"
    assert len(emulator.requests) == 1
    _assert_no_secret(caught.value)
    _assert_no_secret(failure.error)
