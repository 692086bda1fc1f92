"""Fixtures of the reliability suite: a short backoff. The fresh ``emulator`` (key
``test-key``, the suite's ``API_KEY``) comes from ``tests/conftest.py``."""

from __future__ import annotations

import functools

import pytest

from zerogpu_core import _client_settings
from zerogpu_core._retry import RetryPolicy


@pytest.fixture
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backoff of milliseconds instead of half a second for faults without Retry-After
    (dropped connections, timeouts), so thousands of faults fit in seconds. Clients
    built after this fixture get the policy; the retry logic itself is unchanged."""
    monkeypatch.setattr(
        _client_settings,
        "RetryPolicy",
        functools.partial(RetryPolicy, initial_delay=0.001, max_delay=0.01),
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the leak suite's counts (tests/reliability/test_pii_leaks.py) after a run."""
    from tests.reliability.test_pii_leaks import LEAK_REPORT

    if not LEAK_REPORT:
        return
    terminalreporter.section("PII leak counts")
    for mode, figures in sorted(LEAK_REPORT.items()):
        terminalreporter.write_line(f"{mode}: {figures}")
