"""The fleet the image tests share: host-a with a directory pool that already holds volumes
(one named against the image rules), host-b with none; real node daemons on test-driver
hosts. Heartbeats are slow (hosts stay CONNECTED while a test pauses one) and the per-host
deadline short (a paused host is reported within 2 s)."""

from __future__ import annotations

import atexit
import shutil
import tempfile

from clients.coordinator import CoordinatorClient
from localfleet.testhosts import HostPool, HostVolume
from proto.quantix.v1 import common_pb2 as cpb
from tests.helpers import eventually

GIB = 1 << 30
# host-a's pool directory: a download there writes a real file (the test driver stores only
# the volumes it lists), so it is a directory of this test run, never the machine's own
# /var/lib/libvirt/images.
POOL_DIR = tempfile.mkdtemp(prefix="quantix-image-tests-")
atexit.register(shutil.rmtree, POOL_DIR, True)
HOSTS = ("host-a", "host-b")
FOUND = (
    HostVolume("found.iso", GIB, GIB // 2),
    HostVolume("disk.qcow2", 10 * GIB, GIB, "qcow2"),
    HostVolume("Bad Name.img", GIB),  # libvirt takes it; no image call could name it
)
POOLS = {
    "host-a": (HostPool("default", "dir", target=POOL_DIR, volumes=FOUND),),
    "host-b": (),
}
DEADLINE_S = 2
OPTIONS = {
    "heartbeat_interval_s": 60.0,
    "pools": POOLS,
    "coordinator_args": ("--pool-deadline", str(DEADLINE_S)),
}


def found_names(images) -> set[str]:
    return {i.name for i in images if not i.managed}


async def adopt_default(client: CoordinatorClient) -> list:
    """Adopt host-a's pool "default"; its volumes then show as found images."""
    # Registered is not yet reported: adopting before host-a's first pool report is refused
    # ("no host reports a pool named default").
    await eventually(
        client.list_discovered_pools,
        lambda r: any(
            p.name == "default" and "host-a" in {h.host for h in p.hosts} for p in r.pools
        ),
        timeout_s=60,
        what="host-a reporting its pool default",
    )
    await client.adopt_pool("default", ["host-a"])
    listed = await eventually(
        client.list_images,
        lambda r: found_names(r.images) == {"found.iso", "disk.qcow2"},
        timeout_s=60,
        what="default's volumes found",
    )
    return list(listed.images)


async def ready(client: CoordinatorClient, pool: str, hosts: int = 1) -> None:
    await eventually(
        lambda: client.get_pool(pool),
        lambda p: sum(h.phase == cpb.PHASE_READY for h in p.realization.hosts) == hosts,
        timeout_s=60,
        what=f"{pool} ready",
    )
