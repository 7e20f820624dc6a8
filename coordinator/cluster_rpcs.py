"""The Coordinator service's cluster RPCs: validate, call the cluster manager
(coordinator.clusters), map its refusals to status codes (bad input INVALID_ARGUMENT naming the
field, a broken rule FAILED_PRECONDITION with its sentence, an unknown cluster NOT_FOUND, a
taken name ALREADY_EXISTS). A part of CoordinatorServicer, kept apart so each file holds one
concern. The audit log names each change's cluster (coordinator.access_rules)."""

from __future__ import annotations

import grpc

from coordinator.clusters import ClusterManager
from coordinator.networking_rpcs import realized_errors
from domain.clusters import validate_cluster_name
from domain.pools import validate_host_names
from proto.quantix.v1 import coordinator_pb2 as pb
from serving.access import caller_name
from serving.grpc_server import validated


def _check_name_and_hosts(name: str, hosts: list[str] | None = None) -> None:
    """Checked before any lookup: a malformed request is INVALID_ARGUMENT naming the field
    whatever the fleet holds, never NOT_FOUND."""
    validate_cluster_name(name, "name")
    validate_host_names(hosts or [])


class ClusterRpcs:
    _clusters: ClusterManager

    @validated
    @realized_errors
    async def CreateCluster(
        self, request: pb.CreateClusterRequest, context: grpc.aio.ServicerContext
    ) -> pb.Cluster:
        return self._clusters.create(request.spec, request.hosts, caller_name(context))

    @validated
    @realized_errors
    async def GetCluster(
        self, request: pb.GetClusterRequest, context: grpc.aio.ServicerContext
    ) -> pb.Cluster:
        return self._clusters.get(request.name)

    async def ListClusters(
        self, request: pb.ListClustersRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListClustersResponse:
        return pb.ListClustersResponse(
            clusters=self._clusters.list(),
            revision=self._inventory.revision,  # type: ignore[attr-defined]
        )

    @validated
    @realized_errors
    async def UpdateCluster(
        self, request: pb.UpdateClusterRequest, context: grpc.aio.ServicerContext
    ) -> pb.Cluster:
        return self._clusters.update(request.spec, request.update_mask.paths)

    @validated
    @realized_errors
    async def DeleteCluster(
        self, request: pb.DeleteClusterRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteClusterResponse:
        released = self._clusters.delete(request.name, request.release_hosts)
        return pb.DeleteClusterResponse(released_hosts=released)

    @validated
    @realized_errors
    async def AddClusterHosts(
        self, request: pb.AddClusterHostsRequest, context: grpc.aio.ServicerContext
    ) -> pb.Cluster:
        _check_name_and_hosts(request.name, list(request.hosts))
        return self._clusters.add_hosts(request.name, request.hosts)

    @validated
    @realized_errors
    async def RemoveClusterHosts(
        self, request: pb.RemoveClusterHostsRequest, context: grpc.aio.ServicerContext
    ) -> pb.Cluster:
        _check_name_and_hosts(request.name, list(request.hosts))
        return self._clusters.remove_hosts(request.name, request.hosts)
