"""ScriptedWatchServer: a Watch stream that breaks off halfway through its snapshot.

Every other console test runs against the real coordinator (``python -m coordinator``). This
server exists for one Watch sequence the real coordinator only produces under a race: RESET,
part of the snapshot, then the stream fails. The real coordinator builds its snapshot in memory
and writes it out in one go (coordinator.watch.WatchHub.stream); the stream breaks in the
middle only if the process dies or the connection drops in the instant those few writes take.
A test cannot aim a kill at that instant, so it could not be anything but flaky; here the cut
is scripted instead (``cut_first_snapshot_after``).

It is a real grpc.aio server on loopback, over mutual TLS with the coordinator's certificate of
a local CA (``localfleet.trust``), and implements the Watch RPC only, answering the way
the real coordinator does: a snapshot (RESET, ADDED..., SYNCED) for revision 0 or an unknown
revision, an empty replay (SYNCED) when the client already has the current revision.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc

from clients.channels import Endpoint
from localfleet.trust import FleetTrust
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import coordinator_pb2_grpc as pb_grpc
from tests.console.messages import event
from trust.credentials import server_credentials


class ScriptedWatchServer(pb_grpc.CoordinatorServicer):
    """Serves ``nodes`` (revision 1, 2, ...); the first snapshot fails with UNAVAILABLE after
    ``cut_first_snapshot_after`` ADDED events. ``since_requests``: every Watch request's
    since_revision, in order."""

    def __init__(
        self, nodes: list[pb.Node], trust: FleetTrust, cut_first_snapshot_after: int | None
    ) -> None:
        self.trust = trust
        self.nodes = list(nodes)
        self.revision = len(self.nodes)
        self.cut_first_snapshot_after: int | None = cut_first_snapshot_after
        self.since_requests: list[int] = []
        self._server: grpc.aio.Server | None = None
        self._stopping = asyncio.Event()
        self.address = ""

    async def start(self) -> str:
        server = grpc.aio.server()
        pb_grpc.add_CoordinatorServicer_to_server(self, server)
        credentials = server_credentials(self.trust.identity("coordinator"))
        port = server.add_secure_port("127.0.0.1:0", credentials)
        await server.start()
        self._server = server
        self.address = f"127.0.0.1:{port}"
        return self.address

    @property
    def endpoint(self) -> Endpoint:
        """This server, dialled as an admin of its CA."""
        return Endpoint(self.address, self.trust.identity("admin"))

    async def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            await self._server.stop(0)
            self._server = None

    async def Watch(
        self, request: pb.WatchRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.WatchBatch]:
        """One event per batch: the cut snapshot below cuts between two events."""
        since = request.since_revision
        self.since_requests.append(since)
        if since != self.revision:
            yield pb.WatchBatch(events=[event(pb.WatchEvent.TYPE_RESET, revision=self.revision)])
            cut, self.cut_first_snapshot_after = self.cut_first_snapshot_after, None
            for revision, node in enumerate(self.nodes, start=1):
                if cut is not None and revision > cut:
                    await context.abort(grpc.StatusCode.UNAVAILABLE, "snapshot cut by test")
                yield pb.WatchBatch(
                    events=[event(pb.WatchEvent.TYPE_ADDED, node.name, node, revision)]
                )
        yield pb.WatchBatch(events=[event(pb.WatchEvent.TYPE_SYNCED, revision=self.revision)])
        async for batch in self.live(context):
            yield batch
        # Nothing more to send: open until the client cancels or stop().
        await self._stopping.wait()

    async def live(self, context: grpc.aio.ServicerContext) -> AsyncIterator[pb.WatchBatch]:
        """The live phase's batches, after SYNCED (a subclass scripts them; none here)."""
        return
        yield
