"""The shared watchdog that ends blocking reads at their deadline."""

from __future__ import annotations

import threading
import time

from zerogpu_core._deadline import _WATCHDOG


def test_an_earlier_alarm_armed_after_a_later_one_fires_on_time() -> None:
    # The watchdog is only woken for an alarm that becomes the earliest one; a call
    # with a short timeout after one with a long timeout must still end on time.
    fired = threading.Event()
    late = _WATCHDOG.arm(time.monotonic() + 30, lambda: None)
    time.sleep(0.1)  # the watchdog thread is now waiting for the late alarm
    early = _WATCHDOG.arm(time.monotonic() + 0.05, fired.set)
    try:
        assert fired.wait(5)
        assert early.fired
        assert not late.fired
    finally:
        late.cancel()


def test_a_cancelled_alarm_never_fires() -> None:
    fired = threading.Event()
    alarm = _WATCHDOG.arm(time.monotonic() + 0.05, fired.set)
    alarm.cancel()
    assert not fired.wait(0.3)
    assert not alarm.fired
