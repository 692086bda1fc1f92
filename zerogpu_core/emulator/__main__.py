"""Run the emulator in the foreground: ``python -m zerogpu_core.emulator --port 8080``."""

from __future__ import annotations

import argparse
import threading

from zerogpu_core.emulator.server import Emulator


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m zerogpu_core.emulator",
        description="Serve the local ZeroGPU API emulator (emulated outputs only).",
    )
    parser.add_argument("--port", type=int, default=8080, help="TCP port (0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind")
    parser.add_argument("--api-key", default=None, help="required x-api-key (default: any)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added per request")
    args = parser.parse_args(argv)
    emulator = Emulator(
        api_key=args.api_key, port=args.port, host=args.host, latency=args.latency_ms / 1000
    )
    with emulator:
        print(f"ZeroGPU emulator listening on {emulator.base_url}", flush=True)
        print("All outputs are EMULATED (deterministic, not real model output).", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("Stopping.", flush=True)


if __name__ == "__main__":
    main()
