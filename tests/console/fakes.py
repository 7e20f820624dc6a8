"""Scripted gRPC servers (real grpc.aio servers on loopback) for the console's unit tests.

They follow the quantix.v1 contract closely enough for the console and let a test do what a
real daemon will not do on demand: cut a stream halfway through a snapshot, serve 1,000 nodes,
fail one RPC with a chosen message. The end-to-end tests (test_console_live.py) use the real
coordinator and node daemons instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc

from proto.quantix.v1 import common_pb2, node_pb2, node_pb2_grpc
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import coordinator_pb2_grpc as pb_grpc


def make_node(
    name: str,
    status: int = pb.NODE_STATUS_CONNECTED,
    *,
    address: str = "",
    message: str = "",
    last_seen: float = 0.0,
    model: str = "Intel Xeon",
    threads: int = 16,
    memory: int = 64 * 1024**3,
    libvirt: str = "9.0.0",
) -> pb.Node:
    node = pb.Node(
        name=name,
        address=address or f"10.0.0.{sum(name.encode()) % 250 + 1}:7501",
        status=status,
        status_message=message,
        host_info=common_pb2.HostInfo(
            hostname=name,
            cpu=common_pb2.CpuInfo(model=model, arch="x86_64", logical_cpus=threads),
            memory_bytes=memory,
            libvirt_version=libvirt,
        ),
    )
    if last_seen:
        node.last_seen.FromNanoseconds(int(last_seen * 1e9))
    return node


def event(
    kind: int, key: str = "", node: pb.Node | None = None, revision: int = 0
) -> pb.WatchEvent:
    message = pb.WatchEvent(type=kind, revision=revision, kind=pb.OBJECT_KIND_NODE, key=key)
    if node is not None:
        message.node.CopyFrom(node)
    return message


class ScriptedCoordinator(pb_grpc.CoordinatorServicer):
    """Holds nodes and an event log; Watch = RESET + snapshot + SYNCED (or a replay), then live.

    ``cut_next_snapshot_after`` makes the next snapshot stream fail with UNAVAILABLE after that
    many ADDED events. ``since_requests`` records every Watch request's since_revision.
    """

    def __init__(self) -> None:
        self.nodes: dict[str, pb.Node] = {}
        self.revision = 0
        self.log: list[pb.WatchEvent] = []
        self.since_requests: list[int] = []
        self.cut_next_snapshot_after: int | None = None
        self._queues: set[asyncio.Queue[pb.WatchEvent | None]] = set()

    def put(self, node: pb.Node) -> pb.WatchEvent:
        kind = pb.WatchEvent.TYPE_UPDATED if node.name in self.nodes else pb.WatchEvent.TYPE_ADDED
        self.nodes[node.name] = node
        return self._publish(event(kind, node.name, node))

    def remove(self, name: str) -> pb.WatchEvent:
        del self.nodes[name]
        return self._publish(event(pb.WatchEvent.TYPE_REMOVED, name))

    def end_streams(self) -> None:
        for queue in self._queues:
            queue.put_nowait(None)

    @property
    def subscriber_count(self) -> int:
        return len(self._queues)

    def _publish(self, message: pb.WatchEvent) -> pb.WatchEvent:
        self.revision += 1
        message.revision = self.revision
        self.log.append(message)
        for queue in self._queues:
            queue.put_nowait(message)
        return message

    async def Watch(
        self, request: pb.WatchRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.WatchEvent]:
        since = request.since_revision
        self.since_requests.append(since)
        queue: asyncio.Queue[pb.WatchEvent | None] = asyncio.Queue()
        self._queues.add(queue)
        try:
            synced = self.revision
            if since == 0 or since > self.revision:
                yield event(pb.WatchEvent.TYPE_RESET, revision=synced)
                cut, self.cut_next_snapshot_after = self.cut_next_snapshot_after, None
                for count, node in enumerate(list(self.nodes.values())):
                    if cut is not None and count >= cut:
                        await context.abort(grpc.StatusCode.UNAVAILABLE, "snapshot cut by test")
                    yield event(pb.WatchEvent.TYPE_ADDED, node.name, node, synced)
            else:
                for logged in self.log:
                    if logged.revision > since:
                        yield logged
            yield event(pb.WatchEvent.TYPE_SYNCED, revision=synced)
            while True:
                message = await queue.get()
                if message is None:
                    return
                if message.revision > synced:
                    yield message
        finally:
            self._queues.discard(queue)


class FakeNodeDaemon(node_pb2_grpc.NodeDaemonServicer):
    """Answers with fixed host facts, pools and networks; ``fail_pools`` makes
    ListStoragePools fail with INTERNAL and that text."""

    def __init__(self) -> None:
        self.host_info = common_pb2.HostInfo(
            hostname="hv1.example.net",
            cpu=common_pb2.CpuInfo(
                model="Intel Xeon Gold 6230",
                arch="x86_64",
                sockets=2,
                cores_per_socket=20,
                threads_per_core=2,
                logical_cpus=80,
                mhz=2100,
            ),
            memory_bytes=384 * 1024**3,
            nics=[
                common_pb2.NetworkInterface(
                    name="eno1",
                    mac="52:54:00:12:34:56",
                    mtu=9000,
                    speed_mbps=10000,
                    link_state="up",
                    active=True,
                ),
                common_pb2.NetworkInterface(
                    name="eno2", mac="52:54:00:12:34:57", mtu=0, speed_mbps=-1, active=False
                ),
            ],
            libvirt_version="9.0.0",
            hypervisor="QEMU",
            hypervisor_version="7.2.0",
            supported_pool_types=["dir", "netfs", "frobfs"],
            pool_types_source="libvirt",
            libvirt_uri="qemu:///system",
        )
        self.pools = [
            common_pb2.HostStoragePool(
                name="default",
                type="dir",
                state=common_pb2.STORAGE_POOL_STATE_RUNNING,
                capacity_bytes=500 * 1024**3,
                allocation_bytes=120 * 1024**3,
                available_bytes=380 * 1024**3,
                target_path="/var/lib/libvirt/images",
            ),
            common_pb2.HostStoragePool(
                name="odd",
                type="frobfs",
                state=common_pb2.STORAGE_POOL_STATE_INACCESSIBLE,
            ),
        ]
        self.networks = [
            common_pb2.HostNetwork(
                name="default",
                active=True,
                autostart=True,
                bridge="virbr0",
                forward_mode="nat",
                ip_cidrs=["192.168.122.1/24"],
            )
        ]
        self.fail_pools = ""

    async def GetHostInfo(
        self, request: node_pb2.GetHostInfoRequest, context: grpc.aio.ServicerContext
    ) -> common_pb2.HostInfo:
        return self.host_info

    async def ListStoragePools(
        self, request: node_pb2.ListStoragePoolsRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.ListStoragePoolsResponse:
        if self.fail_pools:
            await context.abort(grpc.StatusCode.INTERNAL, self.fail_pools)
        return node_pb2.ListStoragePoolsResponse(pools=self.pools)

    async def ListNetworks(
        self, request: node_pb2.ListNetworksRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.ListNetworksResponse:
        return node_pb2.ListNetworksResponse(networks=self.networks)


class LoopbackServer:
    """A grpc.aio server for one servicer; can stop and start again on the same port."""

    def __init__(self, servicer: object) -> None:
        self.servicer = servicer
        self.port = 0
        self._server: grpc.aio.Server | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> str:
        server = grpc.aio.server()
        if isinstance(self.servicer, pb_grpc.CoordinatorServicer):
            pb_grpc.add_CoordinatorServicer_to_server(self.servicer, server)
        else:
            node_pb2_grpc.add_NodeDaemonServicer_to_server(self.servicer, server)  # type: ignore[arg-type]
        self.port = server.add_insecure_port(f"127.0.0.1:{self.port}")
        await server.start()
        self._server = server
        return self.address

    async def stop(self) -> None:
        if self._server is not None:
            if isinstance(self.servicer, ScriptedCoordinator):
                self.servicer.end_streams()
            await self._server.stop(0)
            self._server = None
