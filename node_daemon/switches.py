"""Distributed switches on this host, off the event loop: every netlink call runs on a worker
thread (``asyncio.to_thread``) inside the daemon's ``--netns`` namespace (or where it runs).
One switch operation at a time: two builds interleaving could each undo the other's work. The
lock is taken on the worker thread, not on the event loop: an RPC cancelled mid-build (a deadline,
a superseding update) leaves its thread running, and the next build must still wait for it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TypeVar

from pyroute2 import IPRoute

from domain.switch_layout import SwitchLayout
from domain.switches import SwitchSpec
from node_daemon.host_links import host_nics
from node_daemon.netns import netlink
from node_daemon.switch_build import destroy_switch, init_switch
from node_daemon.switch_health import switch_health
from proto.quantix.v1 import common_pb2

T = TypeVar("T")


class SwitchWorker:
    def __init__(self, netns: str = "") -> None:
        self.netns = netns  # "": the daemon's own namespace (a real host's)
        self._lock = threading.Lock()

    async def _run(self, work: Callable[[IPRoute], T], exclusive: bool = False) -> T:
        def in_namespace() -> T:
            with netlink(self.netns) as ipr:
                return work(ipr)

        def alone() -> T:
            with self._lock:
                return in_namespace()

        return await asyncio.to_thread(alone if exclusive else in_namespace)

    async def init(self, spec: SwitchSpec, layout: SwitchLayout) -> common_pb2.SwitchHostHealth:
        """Build the switch, then check it: the health says what the build could not fix."""

        def build(ipr: IPRoute) -> common_pb2.SwitchHostHealth:
            init_switch(ipr, layout)
            return switch_health(ipr, spec, layout)

        return await self._run(build, exclusive=True)

    async def destroy(self, name: str) -> list[str]:
        return await self._run(lambda ipr: destroy_switch(ipr, name), exclusive=True)

    async def health(self, spec: SwitchSpec, layout: SwitchLayout) -> common_pb2.SwitchHostHealth:
        return await self._run(lambda ipr: switch_health(ipr, spec, layout))

    async def nics(self) -> list[common_pb2.NetworkInterface]:
        """The NICs of the namespace, for HostInfo."""
        return await self._run(host_nics)
