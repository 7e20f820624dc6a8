"""gRPC servicer of quantix.v1.Coordinator: validates, calls the registry and the pool
manager, maps their errors to status codes with their descriptive messages."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

import grpc
from google.protobuf.duration_pb2 import Duration

from coordinator.adoption import Adopter
from coordinator.audit import AuditLog
from coordinator.cluster_rpcs import ClusterRpcs
from coordinator.clusters import ClusterManager
from coordinator.discovery import DiscoveryManager
from coordinator.enrolment import Enroller, EnrolmentRefused, EnrolmentUnavailable, HostBindings
from coordinator.host_reports import take_report
from coordinator.image_rpcs import ImageRpcs
from coordinator.images import ImageManager
from coordinator.inventory import Inventory
from coordinator.join_tokens import JoinTokens, TokenRefused, TooManyTokens, UnknownToken
from coordinator.networking_rpcs import NetworkingRpcs, realized_errors
from coordinator.networks import NetworkManager
from coordinator.nodes import FleetFull, NodeRegistry, UnknownNode
from coordinator.pools import PoolManager
from coordinator.switches import SwitchManager
from coordinator.task_rpcs import TaskRpcs
from coordinator.tasks import TaskRegistry
from coordinator.usage_history import UsageHistory
from coordinator.usage_rpcs import UsageRpcs, validate_usage
from coordinator.watch import SubscriberTooSlow, WatchHub
from domain.join import DEFAULT_JOIN_TTL_S, parse_token, validate_token_id
from domain.limits import CEPH_KEY_LENGTH, CHAP_SECRET_MAX, validate_text
from domain.pools import validate_host_names, validate_pool_name
from domain.validation import validate_hostname
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import coordinator_pb2_grpc as pb_grpc
from serving.access import caller_name, note_audit_object, peer_of
from serving.grpc_server import aborts_on, validated
from trust.config import ADMIN_ROLE
from wire.proto_time import timestamp_seconds

log = logging.getLogger(__name__)

_unknown_node = aborts_on({UnknownNode: grpc.StatusCode.NOT_FOUND})
_enrolment_errors = aborts_on(
    {
        TokenRefused: grpc.StatusCode.PERMISSION_DENIED,
        EnrolmentRefused: grpc.StatusCode.FAILED_PRECONDITION,
        EnrolmentUnavailable: grpc.StatusCode.FAILED_PRECONDITION,
    }
)

# AdoptPool's secret is a cephx key or a CHAP secret: never longer than the longer of the two.
SECRET_MAX = max(CEPH_KEY_LENGTH, CHAP_SECRET_MAX)


def _check_pool_request(name: str, hosts: Sequence[str] = ()) -> None:
    """The pool name and hosts of a request, checked before anything is looked up: a malformed
    request is INVALID_ARGUMENT naming the field whatever the fleet holds, never NOT_FOUND or
    FAILED_PRECONDITION because the (well-formed) pool it names does not exist."""
    validate_pool_name(name, "name")
    validate_host_names(hosts)


def _duration(seconds: float) -> Duration:
    duration = Duration()
    duration.FromNanoseconds(int(seconds * 1e9))
    return duration


class CoordinatorServicer(
    NetworkingRpcs, TaskRpcs, ImageRpcs, ClusterRpcs, UsageRpcs, pb_grpc.CoordinatorServicer
):
    def __init__(
        self,
        inventory: Inventory,
        hub: WatchHub,
        nodes: NodeRegistry,
        pools: PoolManager,
        networks: NetworkManager,
        switches: SwitchManager,
        discovery: DiscoveryManager[Any, Any],
        adopter: Adopter,
        network_discovery: DiscoveryManager[Any, Any],
        network_adopter: Adopter,
        tokens: JoinTokens,
        bindings: HostBindings,
        enroller: Enroller,
        audit: AuditLog,
        tasks: TaskRegistry,
        images: ImageManager,
        clusters: ClusterManager,
        usage: UsageHistory,
    ) -> None:
        self._inventory = inventory
        self._hub = hub
        self._nodes = nodes
        self._pools = pools
        self._networks = networks
        self._switches = switches
        self._discovery = discovery
        self._adopter = adopter
        self._network_discovery = network_discovery
        self._network_adopter = network_adopter
        self._tokens = tokens
        self._bindings = bindings
        self._enroller = enroller
        self._audit = audit
        self._tasks = tasks
        self._images = images
        self._clusters = clusters
        self._usage = usage

    @validated
    @aborts_on({FleetFull: grpc.StatusCode.FAILED_PRECONDITION})
    async def RegisterNode(
        self, request: pb.RegisterNodeRequest, context: grpc.aio.ServicerContext
    ) -> pb.RegisterNodeResponse:
        node = self._nodes.register(request)
        return pb.RegisterNodeResponse(
            node=node, heartbeat_interval=_duration(self._nodes.heartbeat_interval_s)
        )

    @validated
    @aborts_on({UnknownNode: grpc.StatusCode.NOT_FOUND}, hint="register first")
    async def Heartbeat(
        self, request: pb.HeartbeatRequest, context: grpc.aio.ServicerContext
    ) -> pb.HeartbeatResponse:
        # A usage that breaks a rule refuses the whole heartbeat, before anything changes: the
        # node logs the refusal and sends the heartbeat again without usage at once
        # (node_daemon.registration), so the host is never taken for offline by it, and a
        # wrong reading is never stored nor graphed.
        if request.HasField("usage"):
            validate_usage(request.usage)
        self._nodes.heartbeat(request.hostname)
        if request.HasField("usage"):
            self._usage.record(request.hostname, request.usage)
        else:
            self._usage.unread(request.hostname)
        return pb.HeartbeatResponse(heartbeat_interval=_duration(self._nodes.heartbeat_interval_s))

    async def ListNodes(
        self, request: pb.ListNodesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListNodesResponse:
        return pb.ListNodesResponse(nodes=self._nodes.list(), revision=self._inventory.revision)

    @validated
    @_unknown_node
    async def GetNode(
        self, request: pb.GetNodeRequest, context: grpc.aio.ServicerContext
    ) -> pb.Node:
        return self._nodes.get(request.name)

    @validated
    @_unknown_node
    async def SetNodeMaintenance(
        self, request: pb.SetNodeMaintenanceRequest, context: grpc.aio.ServicerContext
    ) -> pb.Node:
        return self._nodes.set_maintenance(request.name, request.maintenance)

    @validated
    @_unknown_node
    @realized_errors
    async def RemoveNode(
        self, request: pb.RemoveNodeRequest, context: grpc.aio.ServicerContext
    ) -> pb.RemoveNodeResponse:
        name = validate_hostname(request.name, "name")
        if not self._nodes.knows(name) and self._bindings.forget(name):
            # Enrolled but never registered (it failed before its first start): only the
            # name's binding is left to release.
            return pb.RemoveNodeResponse()
        self._nodes.get(name)
        # Each refuses before changing anything unless forced: unforced, a manager that gets
        # past its check had nothing on the host, so a later refusal leaves all unchanged.
        released = self._pools.forget_host(name, request.force)
        self._networks.forget_host(name, request.force)
        self._switches.forget_host(name, request.force)
        self._nodes.remove(name)
        self._usage.forget(name)
        self._discovery.forget_host(name)
        self._network_discovery.forget_host(name)
        self._bindings.forget(name)
        return pb.RemoveNodeResponse(pools_released=released)

    @validated
    @aborts_on({UnknownNode: grpc.StatusCode.NOT_FOUND}, hint="register first")
    async def ReportStoragePools(
        self, request: pb.ReportStoragePoolsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReportStoragePoolsResponse:
        take_report(self._discovery, self._pools, request.hostname, request.pools, request.stamp)
        # Reports carry the daemon's run: a new run no longer runs an earlier one's transfers.
        self._images.host_booted(request.hostname, request.stamp.boot_id)
        return pb.ReportStoragePoolsResponse()

    # --- storage pools ----------------------------------------------------------------------

    @validated
    @realized_errors
    async def CreatePool(
        self, request: pb.CreatePoolRequest, context: grpc.aio.ServicerContext
    ) -> pb.Pool:
        return self._pools.create(request.spec)

    @validated
    @realized_errors
    async def GetPool(
        self, request: pb.GetPoolRequest, context: grpc.aio.ServicerContext
    ) -> pb.Pool:
        return self._pools.get(request.name)

    async def ListPools(
        self, request: pb.ListPoolsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListPoolsResponse:
        return pb.ListPoolsResponse(pools=self._pools.list(), revision=self._inventory.revision)

    @validated
    @realized_errors
    async def RetryPool(
        self, request: pb.RetryPoolRequest, context: grpc.aio.ServicerContext
    ) -> pb.Pool:
        _check_pool_request(request.name, request.hosts)
        return self._pools.retry(request.name, request.hosts)

    @validated
    @realized_errors
    async def AssignHosts(
        self, request: pb.AssignHostsRequest, context: grpc.aio.ServicerContext
    ) -> pb.Pool:
        _check_pool_request(request.name, request.hosts)
        return self._pools.assign(request.name, request.hosts)

    @validated
    @realized_errors
    async def UnassignHosts(
        self, request: pb.UnassignHostsRequest, context: grpc.aio.ServicerContext
    ) -> pb.Pool:
        _check_pool_request(request.name, request.hosts)
        return await self._pools.unassign(request.name, request.hosts, request.force)

    @validated
    @realized_errors
    async def DeletePool(
        self, request: pb.DeletePoolRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeletePoolResponse:
        return await self._pools.delete(request.name, request.force)

    async def ListDiscoveredPools(
        self, request: pb.ListDiscoveredPoolsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListDiscoveredPoolsResponse:
        return pb.ListDiscoveredPoolsResponse(
            pools=self._discovery.list(), revision=self._inventory.revision
        )

    @validated
    @realized_errors
    async def AdoptPool(
        self, request: pb.AdoptPoolRequest, context: grpc.aio.ServicerContext
    ) -> pb.Pool:
        _check_pool_request(request.name, request.hosts)
        # Bounded and one line before anything else: a pool that needs no secret ignores it,
        # so it would otherwise never be checked. Never quoted (validate_text states lengths).
        validate_text(request.secret, "secret", SECRET_MAX)
        return await self._adopter.adopt(
            request.name, request.hosts, request.secret, request.dry_run
        )

    # --- enrolment ---------------------------------------------------------------------------

    @validated
    @aborts_on({TooManyTokens: grpc.StatusCode.RESOURCE_EXHAUSTED})
    @_enrolment_errors
    async def CreateJoinToken(
        self, request: pb.CreateJoinTokenRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateJoinTokenResponse:
        ttl = request.ttl.ToSeconds() if request.HasField("ttl") else DEFAULT_JOIN_TTL_S
        fingerprint = self._enroller.ca_fingerprint  # refused first without a CA
        row, token = self._tokens.create(ttl, caller_name(context))
        note_audit_object(f"join token {row.id}")
        return pb.CreateJoinTokenResponse(
            token=self._tokens.to_proto(row),
            secret=token.secret,
            ca_fingerprint=fingerprint,
            enrolment_port=self._enroller.enrolment_port,
        )

    async def ListJoinTokens(
        self, request: pb.ListJoinTokensRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListJoinTokensResponse:
        return pb.ListJoinTokensResponse(tokens=self._tokens.list())

    @validated
    @aborts_on({UnknownToken: grpc.StatusCode.NOT_FOUND})
    async def RevokeJoinToken(
        self, request: pb.RevokeJoinTokenRequest, context: grpc.aio.ServicerContext
    ) -> pb.JoinToken:
        return self._tokens.revoke(validate_token_id(request.id), caller_name(context))

    @validated
    @_enrolment_errors
    async def Enrol(
        self, request: pb.EnrolRequest, context: grpc.aio.ServicerContext
    ) -> pb.EnrolResponse:
        certificate, ca = self._enroller.enrol(request.token, request.hostname, request.csr)
        # Enrolled: both are valid. The token's ID only, never its secret.
        note_audit_object(f"host {request.hostname} (join token {parse_token(request.token).id})")
        return pb.EnrolResponse(certificate=certificate, ca=ca)

    @validated
    async def ListAuditEntries(
        self, request: pb.ListAuditEntriesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListAuditEntriesResponse:
        since = timestamp_seconds(request.since, "since") if request.HasField("since") else 0.0
        return pb.ListAuditEntriesResponse(entries=self._audit.list(since, request.limit))

    async def Watch(
        self, request: pb.WatchRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.WatchBatch]:
        peer = peer_of(context)
        # The audit log is for admins (and anyone on an --insecure coordinator).
        sees_audit = peer is None or peer.role == ADMIN_ROLE
        try:
            async for batch in self._hub.stream(request.since_revision, self._backlog):
                if not sees_audit:
                    batch = [e for e in batch if e.kind != pb.OBJECT_KIND_AUDIT_ENTRY]
                if batch:
                    yield pb.WatchBatch(events=batch)
        except SubscriberTooSlow as error:
            await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, f"{error}: reconnect to resume")

    def _backlog(self, since_revision: int) -> tuple[list[pb.WatchEvent], int, bool]:
        revision = self._inventory.revision
        if since_revision:
            events = self._inventory.events_after(since_revision)
            if events is not None:
                return events, revision, False
        return self._inventory.snapshot(), revision, True
