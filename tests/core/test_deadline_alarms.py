"""The deadline watchdog forgets cancelled alarms: a bulk run arms one per request,
nearly all cancelled at once (the answer came), each due only ``timeout`` seconds
later."""

from __future__ import annotations

import time

from zerogpu_core._deadline import _Watchdog


def test_cancelled_alarms_do_not_pile_up() -> None:
    watchdog = _Watchdog()
    fired: list[int] = []
    later = time.monotonic() + 60
    for n in range(10_000):
        watchdog.arm(later, lambda n=n: fired.append(n)).cancel()  # type: ignore[misc]
    # Before, all 10,000 stayed (with what they would shut) until their time.
    assert len(watchdog._heap) <= 512
    due = watchdog.arm(time.monotonic() + 0.01, lambda: fired.append(-1))
    deadline = time.monotonic() + 2
    while not fired and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fired == [-1]
    assert due.fired
