"""One emulator in its own process, steered over stdin.

The benchmark keeps the server out of the measuring process so the client's CPU
time is not mixed with the server's and the two do not share one GIL. Protocol:
the first stdout line is the base URL; then each stdin line, ``latency SECONDS``,
``faults REQUESTS EVERY`` (queue ``REQUESTS`` outcomes, every ``EVERY``-th a transient
500, replacing any left) or ``cpu``, is answered with one line (``ok``, or the
server's CPU seconds so far).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from zerogpu_core.emulator import Emulator, Fault

__all__ = ["EmulatorProcess"]


class EmulatorProcess:
    """The emulator (``benchmarks.emulator_server``) in a child process."""

    def __init__(self, api_key: str) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.emulator_server", api_key],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        self.base_url = self._read()

    def _read(self) -> str:
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        if not line:
            raise RuntimeError("the emulator process exited")
        return line

    def command(self, line: str) -> str:
        """Send one command line and return the answer."""
        assert self._process.stdin is not None
        self._process.stdin.write(line + "\n")
        self._process.stdin.flush()
        return self._read()

    def cpu(self) -> float:
        """CPU seconds the emulator process has used so far."""
        return float(self.command("cpu"))

    def close(self) -> None:
        """Stop the emulator."""
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=30)


def main() -> None:
    """Serve until stdin closes."""
    api_key = sys.argv[1]
    with Emulator(api_key=api_key) as emulator:
        print(emulator.base_url, flush=True)
        for line in sys.stdin:
            command, *args = line.split()
            if command == "latency":
                emulator.latency = float(args[0])
                print("ok", flush=True)
            elif command == "faults":
                requests, every = int(args[0]), int(args[1])
                emulator.faults.clear()
                for slot in range(requests):
                    failed = slot % every == every - 1
                    emulator.faults.add(Fault(status=500) if failed else Fault())
                print("ok", flush=True)
            elif command == "cpu":
                print(time.process_time(), flush=True)
            else:
                print(f"unknown command {command!r}", flush=True)


if __name__ == "__main__":
    main()
