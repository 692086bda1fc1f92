"""Local emulator of the ZeroGPU HTTP API, served over real HTTP on loopback.

Example:
    ``with Emulator(api_key="test-key") as emu: ...`` then point a client at
    ``emu.base_url``. Every answer is emulated and marked as such.
"""

from zerogpu_core.emulator.app import RecordedRequest
from zerogpu_core.emulator.faults import Fault, FaultQueue
from zerogpu_core.emulator.options import EmulatorOptions
from zerogpu_core.emulator.server import Emulator

__all__ = ["Emulator", "EmulatorOptions", "Fault", "FaultQueue", "RecordedRequest"]
