"""Volumes already in managed pools, shown as images (managed = false), like discovered pools.

The coordinator asks a node for the volumes of each managed pool READY there (the node's
ListVolumes): when the node registers or comes back, when a pool becomes READY on a host,
after every transfer or delete on a host (coordinator.images asks), and at start for every
node. Asking, as coordinator.network_reports does for networks, needs no new node RPC; what it
misses is a volume an admin makes or removes by hand on a host that stays online, until the
next ask for that host.

Each ask is a background query with the fan-out's per-host deadline (Realizer.gather); a host
that does not answer keeps what it listed last, and of two asks for one (host, pool) only the
later answer is taken. A volume a managed image claims (its own name, a template's disks, the
partial files of an image being moved) is never shown as found, and a managed image is never
replaced by a found one. A found volume belongs to the host that listed it first (a shared
pool lists the same volumes on every host); it is removed when that host no longer lists it,
or when its pool is no longer READY there.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable

from coordinator.image_codec import KIND_TO_PB, found_volumes
from coordinator.inventory import Inventory
from coordinator.nodes import NodeRegistry
from coordinator.pools import PoolManager
from coordinator.realize import Realizer
from domain.images import image_key, kind_for_file
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.proto_time import timestamp_of

log = logging.getLogger(__name__)

KIND = pb.OBJECT_KIND_IMAGE

# pool -> whether a managed image of that pool claims a volume name.
Claims = Callable[[str], Callable[[str], bool]]


class VolumeDiscovery:
    def __init__(
        self,
        inventory: Inventory,
        pools: PoolManager,
        nodes: NodeRegistry,
        realizer: Realizer,
        claims: Claims,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._inventory = inventory
        self._pools = pools
        self._nodes = nodes
        self._realizer = realizer
        self._claims = claims
        self._clock = clock
        self._asked: dict[tuple[str, str], int] = {}  # (host, pool): number of the latest ask
        self._tasks: set[asyncio.Task[None]] = set()  # held: asyncio keeps weak references
        self._ready = self._ready_pairs()
        self._scheduled = False
        nodes.add_listener(self)
        inventory.on_change(pb.OBJECT_KIND_POOL, self._pools_changed)

    # --- when to ask ------------------------------------------------------------------------

    def ask(self, host: str, pools: Iterable[str] | None = None) -> None:
        """Ask ``host`` for the volumes of ``pools`` (default: every managed pool READY
        there), in the background."""
        names = self._ready_on(host) if pools is None else list(pools)
        for pool in names:
            slot = (host, pool)
            number = self._asked[slot] = self._asked.get(slot, 0) + 1
            task = asyncio.create_task(self._ask(host, pool, number), name=f"volumes of {slot}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def ask_every_node(self) -> None:
        for host in self._nodes.names():
            self.ask(host)

    # NodeListener
    def node_online(self, node: pb.Node) -> None:
        self.ask(node.name)

    def node_offline(self, node: pb.Node) -> None:
        pass  # its volumes stay listed as it last had them, like its pools

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _ready_pairs(self) -> set[tuple[str, str]]:
        return {
            (pool.spec.name, status.host)
            for pool in self._pools.list()
            for status in pool.realization.hosts
            if status.phase == cpb.PHASE_READY
        }

    def _ready_on(self, host: str) -> list[str]:
        return sorted(pool for pool, on in self._ready if on == host)

    def _pools_changed(self) -> None:
        """Managed pools changed: once, at the end of this turn of the loop."""
        if self._scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._follow_pools()
            return
        self._scheduled = True
        loop.call_soon(self._follow_pools)

    def _follow_pools(self) -> None:
        self._scheduled = False
        ready = self._ready_pairs()
        gained, lost = ready - self._ready, self._ready - ready
        self._ready = ready
        for pool, host in sorted(lost):
            self._asked.pop((host, pool), None)  # an answer under way is no longer wanted
            self._keep(host, pool, set())
        for pool, host in sorted(gained):
            self.ask(host, [pool])

    # --- answers ----------------------------------------------------------------------------

    async def _ask(self, host: str, pool: str, number: int) -> None:
        (outcome,) = await self._realizer.gather(
            [host], lambda client, _timeout_s: client.list_volumes(pool)
        )
        if self._asked.get((host, pool)) != number:
            return  # a later ask is under way (its answer is the newer), or the pool left
        if not outcome.ok or outcome.result is None:
            log.info(
                "could not ask a node for the volumes of %s: %s",
                pool,
                outcome.message,
                extra={"node": host},
            )
            return
        try:
            self.take(host, pool, outcome.result)
        except Exception:
            log.exception("taking in the volumes of a pool failed", extra={"node": host})

    def take(self, host: str, pool: str, volumes: list[cpb.Volume]) -> None:
        """``host``'s full list of the volumes of ``pool``."""
        kept, left_out = found_volumes(volumes)
        if left_out:
            log.warning(
                "volumes of %s not shown as images (names outside the rules, or too many)",
                pool,
                extra={"node": host, "left_out": left_out},
            )
        listed = set()
        claimed = self._claims(pool)
        for volume in kept:
            listed.add(volume.name)
            if claimed(volume.name):
                continue
            key = image_key(pool, volume.name)
            current = self._inventory.get(KIND, key)
            if isinstance(current, pb.Image) and (current.managed or current.host != host):
                continue
            wanted = self._found(host, pool, volume, current)
            if wanted != current:
                self._inventory.put(KIND, key, wanted)
        self._keep(host, pool, listed)

    def _keep(self, host: str, pool: str, names: set[str]) -> None:
        """Remove ``host``'s found volumes of ``pool`` that are not in ``names``."""
        for image in self._inventory.list(KIND):
            assert isinstance(image, pb.Image)
            if (
                not image.managed
                and image.pool == pool
                and image.host == host
                and image.name not in names
            ):
                self._inventory.remove(KIND, image_key(pool, image.name))

    def _found(self, host: str, pool: str, volume: cpb.Volume, current: object) -> pb.Image:
        image = pb.Image(
            pool=pool,
            name=volume.name,
            kind=KIND_TO_PB[kind_for_file(volume.name)],  # type: ignore[arg-type]
            host=host,
            phase=cpb.IMAGE_PHASE_READY,
            managed=False,
            facts=cpb.ImageFacts(
                format=volume.format,
                virtual_size_bytes=volume.capacity_bytes,
                allocated_bytes=volume.allocation_bytes,
                path=volume.path,
            ),
        )
        if isinstance(current, pb.Image):
            image.created_at.CopyFrom(current.created_at)
            image.updated_at.CopyFrom(current.updated_at)
            if image == current:
                return current
        now = timestamp_of(self._clock())
        if not isinstance(current, pb.Image):
            image.created_at.CopyFrom(now)
        image.updated_at.CopyFrom(now)
        return image
