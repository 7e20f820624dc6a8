"""``--demo``: a local fleet (coordinator + host-a, host-b, host-c) for the console's lifetime.

Qt-free. The fleet lives in a temporary directory that goes away when the demo stops.
``localfleet`` is imported when the demo starts, so a console installed without it still runs
(and says why the demo cannot start).
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clients.channels import Endpoint
    from localfleet import LocalFleet

log = logging.getLogger(__name__)

# The demo's nodes heartbeat every 2 s so that a node stopped during a demo turns OFFLINE
# within ~6 s (three missed heartbeats): quick enough to watch it happen.
DEMO_HEARTBEAT_INTERVAL_S = 2.0

# localfleet.stop() sends SIGTERM and kills what is left after its own grace period; this
# outer bound only guarantees that closing the console never hangs on a stuck child.
DEMO_STOP_TIMEOUT_S = 20.0


class DemoFleet:
    """A started LocalFleet and the temporary directory it runs in."""

    def __init__(self, fleet: LocalFleet, workdir: tempfile.TemporaryDirectory[str]) -> None:
        self._fleet = fleet
        self._workdir = workdir

    @property
    def coordinator_address(self) -> str:
        return self._fleet.coordinator_address

    def coordinator_endpoint(self) -> Endpoint:
        """The demo's coordinator, as the demo's admin."""
        return self._fleet.coordinator_endpoint("admin")

    @classmethod
    async def start(cls) -> DemoFleet:
        from localfleet import DEMO_NODE_NAMES, LocalFleet

        workdir = tempfile.TemporaryDirectory(prefix="quantix-demo-")
        try:
            fleet = await LocalFleet.start(
                Path(workdir.name),
                node_names=DEMO_NODE_NAMES,
                heartbeat_interval_s=DEMO_HEARTBEAT_INTERVAL_S,
            )
        except BaseException:
            workdir.cleanup()
            raise
        log.info(
            "demo fleet started in %s, coordinator %s", workdir.name, fleet.coordinator_address
        )
        return cls(fleet, workdir)

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self._fleet.stop(), DEMO_STOP_TIMEOUT_S)
        except TimeoutError:
            log.error("demo fleet did not stop within %.0f s", DEMO_STOP_TIMEOUT_S)
        finally:
            self._workdir.cleanup()
