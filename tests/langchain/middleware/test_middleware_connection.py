"""Both middlewares take the connection settings every other class takes, checked the same
way: ``max_retry_after`` works, the key is never shown, an invalid setting fails like
``ChatZeroGPU``."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from pydantic import ValidationError

from langchain_zerogpu import ChatZeroGPU
from langchain_zerogpu.middleware import ZeroGPUModerationMiddleware, ZeroGPUPIIMiddleware
from zerogpu_core import RateLimitError
from zerogpu_core.emulator import Emulator, Fault

KEY = "test-key"
SECRET = "sk-live-do-not-print-0123456789"
MIDDLEWARES = [ZeroGPUModerationMiddleware, ZeroGPUPIIMiddleware]
RUNTIME: Any = None


def _state() -> dict[str, Any]:
    return {"messages": [HumanMessage("Write to jane@example.com", id="m0")]}


@pytest.mark.parametrize("middleware", MIDDLEWARES)
def test_max_retry_after_is_honoured(emulator: Emulator, middleware: type[Any]) -> None:
    emulator.faults.add(Fault(status=429, headers={"Retry-After": "5"}, times=3))
    guard = middleware(api_key=KEY, base_url=emulator.base_url, max_retry_after=1)

    started = time.monotonic()
    with pytest.raises(RateLimitError) as caught:
        guard.before_model(_state(), RUNTIME)

    assert time.monotonic() - started < 0.5
    assert caught.value.retry_after == 5
    assert len(emulator.requests) == 1


@pytest.mark.parametrize("middleware", MIDDLEWARES)
def test_max_retry_after_is_honoured_async(emulator: Emulator, middleware: type[Any]) -> None:
    emulator.faults.add(Fault(status=429, headers={"Retry-After": "5"}, times=3))
    guard = middleware(api_key=KEY, base_url=emulator.base_url, max_retry_after=1)

    with pytest.raises(RateLimitError):
        asyncio.run(guard.abefore_model(_state(), RUNTIME))

    assert len(emulator.requests) == 1


@pytest.mark.parametrize("middleware", MIDDLEWARES)
def test_the_key_is_never_shown(middleware: type[Any]) -> None:
    guard = middleware(api_key=f" {SECRET}\n", base_url="http://127.0.0.1:9/v1")
    assert SECRET not in repr(guard)
    assert SECRET not in repr(guard.client)
    assert SECRET not in repr(vars(guard))

    with pytest.raises(ValidationError) as caught:
        middleware(api_key=SECRET, timeout=-1)
    error = caught.value
    assert SECRET not in str(error)
    assert SECRET not in error.json()
    assert SECRET not in repr(error.errors())
    assert error.__context__ is None
    assert error.__cause__ is None


INVALID = [
    {"max_retries": -1},
    {"timeout": -5},
    {"timeout": "soon"},
    {"max_retry_after": -1},
    {"base_url": "api.zerogpu.ai/v1"},
    {"api_key": 123},
]


@pytest.mark.parametrize("middleware", MIDDLEWARES)
@pytest.mark.parametrize("setting", INVALID, ids=lambda s: next(iter(s)))
def test_an_invalid_setting_fails_like_chat_zerogpu(
    middleware: type[Any], setting: dict[str, Any]
) -> None:
    settings = {"api_key": KEY, **setting}
    with pytest.raises(ValidationError) as chat:
        ChatZeroGPU(**settings)
    with pytest.raises(ValidationError) as ours:
        middleware(**settings)

    assert ours.value.title == middleware.__name__
    assert str(ours.value) == str(chat.value).replace("ChatZeroGPU", middleware.__name__)
    assert ours.value.errors() == chat.value.errors()


@pytest.mark.parametrize("middleware", MIDDLEWARES)
def test_an_unknown_setting_is_named(middleware: type[Any]) -> None:
    with pytest.raises(TypeError, match=f"{middleware.__name__}.*'max_retry'"):
        middleware(api_key=KEY, max_retry=3)
