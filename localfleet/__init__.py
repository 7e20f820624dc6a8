"""A coordinator and N node daemons as child processes on loopback, for the demo, tests and
benchmarks. Nothing here needs root, a hypervisor or a libvirt daemon: every node runs on its
own libvirt test-driver host file.

Children are plain ``subprocess.Popen`` processes watched with short ``asyncio.sleep`` polls,
so this works on any event loop, qasync's included (which has no subprocess transports).
"""

from __future__ import annotations

from localfleet.fleet import DEMO_NODE_NAMES, LocalFleet, ProcessFailed

__all__ = ["DEMO_NODE_NAMES", "LocalFleet", "ProcessFailed"]
