"""Where image transfers run end to end: a real coordinator and one node daemon, "real-host",
on the real libvirtd (qemu:///system), with a dir pool of the test's own made through the
coordinator; and the helpers those tests share (an image's phases as Watch shows them, a
half-sent upload, the pool's volumes as libvirt lists them)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import libvirt
import pytest

from clients.channels import open_channel
from clients.coordinator import CoordinatorClient
from domain.images import image_key
from localfleet.fleet import LocalFleet
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import node_pb2 as npb
from proto.quantix.v1 import node_pb2_grpc as npb_grpc
from tests.coordinator.pool_wire import local
from tests.coordinator.test_pools_libvirtd import HOST, registered
from tests.helpers import eventually

MiB = 1 << 20
# Heartbeats are not what most of these tests are about: the host stays CONNECTED throughout.
QUIET_HEARTBEAT_S = 600.0
# A transfer's end reaches the coordinator within seconds here; this bounds a broken one.
SETTLE_S = 90.0
FINISHED_IMAGE = (cpb.IMAGE_PHASE_READY, cpb.IMAGE_PHASE_ERROR)


@dataclass
class Site:
    fleet: LocalFleet
    pool: str
    directory: Path
    libvirt_uri: str

    def client(self, role: str = "operator") -> CoordinatorClient:
        return CoordinatorClient(self.fleet.coordinator_endpoint(role))

    def node_channel(self, role: str = "operator") -> grpc.aio.Channel:
        """real-host's daemon, dialled as ``role`` (an uploader)."""
        return open_channel(self.fleet.node_endpoint(HOST, role))

    def files(self) -> set[str]:
        return {path.name for path in self.directory.iterdir()}

    def volumes(self) -> set[str]:
        """The pool's volumes as libvirt lists them after a refresh."""
        conn = libvirt.open(self.libvirt_uri)
        try:
            pool = conn.storagePoolLookupByName(self.pool)
            pool.refresh(0)
            return set(pool.listVolumes())
        finally:
            conn.close()


@pytest.fixture
def open_site(
    pool_name: str, start_fleet, start_system_node, system_libvirt_uri: str, tmp_path: Path
) -> Iterator[Callable[..., Site]]:
    """``open_site(heartbeat_interval_s=...)``: the fleet started, real-host registered, the
    pool READY on it (removed from libvirtd after the test by ``pool_name``).

    ``pool_name`` comes first so that it is torn down last, after the fleet has stopped: a node
    daemon still running (one restarted by the test) could define the pool again on libvirtd
    after it was removed, leaving it behind."""

    def open_one(heartbeat_interval_s: float = QUIET_HEARTBEAT_S) -> Site:
        fleet = start_fleet((), heartbeat_interval_s=heartbeat_interval_s)
        asyncio.run(start_system_node(fleet, HOST))
        asyncio.run(registered(fleet.coordinator_endpoint()))
        directory = tmp_path / "pool"
        asyncio.run(_create_pool(fleet, pool_name, directory))
        return Site(fleet, pool_name, directory, system_libvirt_uri)

    yield open_one


async def _create_pool(fleet: LocalFleet, name: str, directory: Path) -> None:
    async with CoordinatorClient(fleet.coordinator_endpoint("admin")) as admin:
        await admin.create_pool(local(name, HOST, str(directory)))
        await eventually(
            lambda: admin.get_pool(name),
            lambda p: p.realization.phase == cpb.PHASE_READY,
            timeout_s=SETTLE_S,
            what=f"pool {name} READY on {HOST}",
        )


async def settled(client: CoordinatorClient, pool: str, name: str) -> pb.Image:
    """The image once READY or ERROR."""
    return await eventually(
        lambda: client.get_image(pool, name),
        lambda image: image.phase in FINISHED_IMAGE,
        timeout_s=SETTLE_S,
        what=f"image {pool}/{name} READY or ERROR",
    )


async def task_until(client: CoordinatorClient, task_id: str, *phases: int) -> pb.Task:
    return await eventually(
        lambda: client.get_task(task_id),
        lambda task: task.phase in phases,
        timeout_s=SETTLE_S,
        what=f"task {task_id} {' or '.join(pb.TaskPhase.Name(p) for p in phases)}",
    )


class ImageWatch:
    """Every state of one image as Watch delivers it, from before it exists until it is READY
    or ERROR (``start`` before the call that makes it; ``phases`` once ``ended``)."""

    def __init__(self, client: CoordinatorClient, pool: str, name: str) -> None:
        self._client = client
        self._key = image_key(pool, name)
        self.seen: list[pb.Image] = []
        self._task: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    async def start(self) -> ImageWatch:
        self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self._subscribed.wait(), SETTLE_S)
        return self

    async def ended(self) -> list[int]:
        """The phases seen (each change once), after the image settled."""
        assert self._task is not None
        await asyncio.wait_for(self._task, SETTLE_S)
        phases: list[int] = []
        for image in self.seen:
            if not phases or phases[-1] != image.phase:
                phases.append(image.phase)
        return phases

    async def _run(self) -> None:
        async for event in self._client.watch():
            if event.type == pb.WatchEvent.TYPE_SYNCED:
                self._subscribed.set()  # live changes follow: none is missed from here on
            if event.kind != pb.OBJECT_KIND_IMAGE or event.key != self._key:
                continue
            if event.type == pb.WatchEvent.TYPE_REMOVED:
                continue
            self.seen.append(event.image)
            if event.image.phase in FINISHED_IMAGE:
                return


async def start_upload(
    site: Site, answer: pb.CreateUploadResponse, data: bytes, stop_at: int
) -> tuple[grpc.aio.Channel, grpc.aio.StreamUnaryCall]:
    """An upload of ``data`` with ``answer``'s ticket, sent up to ``stop_at`` in 1 MiB parts
    and left open (the test decides how it ends)."""
    channel = site.node_channel()
    call = npb_grpc.NodeDaemonStub(channel).UploadImage()
    await call.write(npb.UploadImageRequest(ticket=answer.ticket))
    for offset in range(0, stop_at, MiB):
        part = npb.UploadData(offset=offset, data=data[offset : min(offset + MiB, stop_at)])
        await call.write(npb.UploadImageRequest(data=part))
    return channel, call
