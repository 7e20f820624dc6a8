"""The Clusters feature's calls to the coordinator, each returning a value or a described
failure (console.pool_ops: one channel per action, the server's words kept with the field it
named). Qt-free."""

from __future__ import annotations

from collections.abc import Sequence

from clients.channels import Endpoint
from console.connection import EndpointSource
from console.hosts.host_ops import set_maintenance
from console.pool_ops import Failure, Result, call_coordinator
from domain.clusters import ClusterSpec
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.cluster_codec import spec_to_pb


async def create_cluster(
    endpoint: Endpoint | None, spec: ClusterSpec, hosts: Sequence[str]
) -> Result[pb.Cluster]:
    """CreateCluster with every field of ``spec`` and its first members."""
    message = spec_to_pb(spec)
    return await call_coordinator(
        endpoint, lambda client: client.create_cluster(message, list(hosts))
    )


async def update_cluster(
    endpoint: Endpoint | None, spec: ClusterSpec, paths: Sequence[str]
) -> Result[pb.Cluster]:
    """UpdateCluster changing exactly ``paths`` (never empty here: empty means every field)."""
    message = spec_to_pb(spec)
    return await call_coordinator(
        endpoint, lambda client: client.update_cluster(message, list(paths))
    )


async def delete_cluster(
    endpoint: Endpoint | None, name: str, release_hosts: bool
) -> Result[pb.DeleteClusterResponse]:
    return await call_coordinator(
        endpoint, lambda client: client.delete_cluster(name, release_hosts)
    )


async def add_hosts(
    endpoint: Endpoint | None, name: str, hosts: Sequence[str]
) -> Result[pb.Cluster]:
    return await call_coordinator(
        endpoint, lambda client: client.add_cluster_hosts(name, list(hosts))
    )


async def remove_hosts(
    endpoint: Endpoint | None, name: str, hosts: Sequence[str]
) -> Result[pb.Cluster]:
    return await call_coordinator(
        endpoint, lambda client: client.remove_cluster_hosts(name, list(hosts))
    )


class Refused(Exception):
    """A call the coordinator refused (or could not be made), with everything the failure
    says: a wizard or form places it under the field it names."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.text)
        self.failure = failure


class ClusterCalls:
    """Every call the Clusters page and its detail make, on the coordinator the window shows
    now (asked at each call). Tests and the screenshot script give a subclass that records."""

    def __init__(self, endpoint: EndpointSource) -> None:
        self._endpoint = endpoint

    def connected(self) -> bool:
        """Whether the window shows a coordinator (the page's actions need one)."""
        return self._endpoint() is not None

    async def create(self, spec: ClusterSpec, hosts: Sequence[str]) -> Result[pb.Cluster]:
        return await create_cluster(self._endpoint(), spec, hosts)

    async def update(self, spec: ClusterSpec, paths: Sequence[str]) -> Result[pb.Cluster]:
        return await update_cluster(self._endpoint(), spec, paths)

    async def delete(self, name: str, release_hosts: bool) -> Result[pb.DeleteClusterResponse]:
        return await delete_cluster(self._endpoint(), name, release_hosts)

    async def add_hosts(self, name: str, hosts: Sequence[str]) -> Result[pb.Cluster]:
        return await add_hosts(self._endpoint(), name, hosts)

    async def remove_hosts(self, name: str, hosts: Sequence[str]) -> Result[pb.Cluster]:
        return await remove_hosts(self._endpoint(), name, hosts)

    async def set_maintenance(
        self, hosts: Sequence[str], maintenance: bool
    ) -> Result[list[pb.Node]]:
        return await set_maintenance(self._endpoint(), hosts, maintenance)
