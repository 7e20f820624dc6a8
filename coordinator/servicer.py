"""gRPC servicer of quantix.v1.Coordinator: validates, calls the registry and the pool
manager, maps their errors to status codes with their descriptive messages."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import grpc
from google.protobuf.duration_pb2 import Duration

from coordinator.inventory import Inventory
from coordinator.nodes import NodeRegistry, UnknownNode
from coordinator.pool_errors import PoolExists, PoolNotFound, PoolRefused
from coordinator.pools import PoolManager
from coordinator.watch import SubscriberTooSlow, WatchHub
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import coordinator_pb2_grpc as pb_grpc
from serving.grpc_server import validated

log = logging.getLogger(__name__)

# How each pool manager refusal reaches the caller.
_POOL_ERRORS: dict[type[Exception], grpc.StatusCode] = {
    PoolNotFound: grpc.StatusCode.NOT_FOUND,
    PoolExists: grpc.StatusCode.ALREADY_EXISTS,
    PoolRefused: grpc.StatusCode.FAILED_PRECONDITION,
}


@contextlib.asynccontextmanager
async def _pool_errors(context: grpc.aio.ServicerContext) -> AsyncIterator[None]:
    """A pool manager refusal becomes its status code, with its message as the details."""
    try:
        yield
    except (PoolNotFound, PoolExists, PoolRefused) as error:
        await context.abort(_POOL_ERRORS[type(error)], str(error))


def _duration(seconds: float) -> Duration:
    duration = Duration()
    duration.FromNanoseconds(int(seconds * 1e9))
    return duration


class CoordinatorServicer(pb_grpc.CoordinatorServicer):
    def __init__(
        self, inventory: Inventory, hub: WatchHub, nodes: NodeRegistry, pools: PoolManager
    ) -> None:
        self._inventory = inventory
        self._hub = hub
        self._nodes = nodes
        self._pools = pools

    @validated
    async def RegisterNode(
        self, request: pb.RegisterNodeRequest, context: grpc.aio.ServicerContext
    ) -> pb.RegisterNodeResponse:
        node = self._nodes.register(request)
        return pb.RegisterNodeResponse(
            node=node, heartbeat_interval=_duration(self._nodes.heartbeat_interval_s)
        )

    @validated
    async def Heartbeat(
        self, request: pb.HeartbeatRequest, context: grpc.aio.ServicerContext
    ) -> pb.HeartbeatResponse:
        try:
            self._nodes.heartbeat(request.hostname)
        except UnknownNode as error:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"{error}: register first")
        return pb.HeartbeatResponse(heartbeat_interval=_duration(self._nodes.heartbeat_interval_s))

    async def ListNodes(
        self, request: pb.ListNodesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListNodesResponse:
        return pb.ListNodesResponse(nodes=self._nodes.list(), revision=self._inventory.revision)

    @validated
    async def GetNode(
        self, request: pb.GetNodeRequest, context: grpc.aio.ServicerContext
    ) -> pb.Node:
        try:
            return self._nodes.get(request.name)
        except UnknownNode as error:
            await context.abort(grpc.StatusCode.NOT_FOUND, str(error))
            raise

    @validated
    async def SetNodeMaintenance(
        self, request: pb.SetNodeMaintenanceRequest, context: grpc.aio.ServicerContext
    ) -> pb.Node:
        try:
            return self._nodes.set_maintenance(request.name, request.maintenance)
        except UnknownNode as error:
            await context.abort(grpc.StatusCode.NOT_FOUND, str(error))
            raise

    # --- storage pools ----------------------------------------------------------------------

    @validated
    async def CreatePool(
        self, request: pb.CreatePoolRequest, context: grpc.aio.ServicerContext
    ) -> pb.Pool:
        async with _pool_errors(context):
            return self._pools.create(request.spec)
        raise AssertionError("abort() returns only by raising")

    @validated
    async def GetPool(
        self, request: pb.GetPoolRequest, context: grpc.aio.ServicerContext
    ) -> pb.Pool:
        async with _pool_errors(context):
            return self._pools.get(request.name)
        raise AssertionError("abort() returns only by raising")

    async def ListPools(
        self, request: pb.ListPoolsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListPoolsResponse:
        return pb.ListPoolsResponse(pools=self._pools.list(), revision=self._inventory.revision)

    @validated
    async def RetryPool(
        self, request: pb.RetryPoolRequest, context: grpc.aio.ServicerContext
    ) -> pb.Pool:
        async with _pool_errors(context):
            return self._pools.retry(request.name, request.hosts)
        raise AssertionError("abort() returns only by raising")

    @validated
    async def AssignHosts(
        self, request: pb.AssignHostsRequest, context: grpc.aio.ServicerContext
    ) -> pb.Pool:
        async with _pool_errors(context):
            return self._pools.assign(request.name, request.hosts)
        raise AssertionError("abort() returns only by raising")

    @validated
    async def UnassignHosts(
        self, request: pb.UnassignHostsRequest, context: grpc.aio.ServicerContext
    ) -> pb.Pool:
        async with _pool_errors(context):
            return await self._pools.unassign(request.name, request.hosts, request.force)
        raise AssertionError("abort() returns only by raising")

    @validated
    async def DeletePool(
        self, request: pb.DeletePoolRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeletePoolResponse:
        async with _pool_errors(context):
            return await self._pools.delete(request.name, request.force)
        raise AssertionError("abort() returns only by raising")

    async def Watch(
        self, request: pb.WatchRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.WatchEvent]:
        try:
            async for event in self._hub.stream(request.since_revision, self._backlog):
                yield event
        except SubscriberTooSlow as error:
            await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, f"{error}: reconnect to resume")

    def _backlog(self, since_revision: int) -> tuple[list[pb.WatchEvent], int, bool]:
        revision = self._inventory.revision
        if since_revision:
            events = self._inventory.events_after(since_revision)
            if events is not None:
                return events, revision, False
        return self._inventory.snapshot(), revision, True
