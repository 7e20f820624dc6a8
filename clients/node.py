"""Typed async client of a node daemon: host detail, pools, networks, switches, images."""

from __future__ import annotations

from clients.channels import UNARY_DEADLINE_S, Endpoint, open_channel
from proto.quantix.v1 import common_pb2, node_pb2
from proto.quantix.v1 import node_pb2_grpc as pb_grpc


class NodeClient:
    """One channel to one node daemon. Create it inside the running event loop."""

    def __init__(
        self, endpoint: Endpoint, name: str = "", deadline_s: float = UNARY_DEADLINE_S
    ) -> None:
        self.address = endpoint.address
        self.name = name or endpoint.address
        self.deadline_s = deadline_s
        self._channel = open_channel(endpoint)
        self._stub = pb_grpc.NodeDaemonStub(self._channel)

    @property
    def target(self) -> str:
        """How errors name this peer: ``host-a (127.0.0.1:7501)``."""
        return self.name if self.name == self.address else f"{self.name} ({self.address})"

    async def close(self) -> None:
        await self._channel.close()

    async def __aenter__(self) -> NodeClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def get_host_info(self) -> common_pb2.HostInfo:
        request = node_pb2.GetHostInfoRequest()
        return await self._stub.GetHostInfo(request, timeout=self.deadline_s)

    async def list_storage_pools(self) -> list[common_pb2.HostStoragePool]:
        return list((await self.storage_pools_stamped()).pools)

    async def storage_pools_stamped(self) -> node_pb2.ListStoragePoolsResponse:
        """The pools and the stamp of the operations the list reflects."""
        request = node_pb2.ListStoragePoolsRequest()
        return await self._stub.ListStoragePools(request, timeout=self.deadline_s)

    async def list_networks(self) -> list[common_pb2.HostNetwork]:
        reply = await self._stub.ListNetworks(
            node_pb2.ListHostNetworksRequest(), timeout=self.deadline_s
        )
        return list(reply.networks)

    # --- storage pools (deadlines: see the coordinator's per-node pool deadline) -------------

    async def init_storage_pool(
        self, spec: common_pb2.PoolSpec, timeout_s: float | None = None
    ) -> node_pb2.InitStoragePoolResponse:
        request = node_pb2.InitStoragePoolRequest(spec=spec)
        return await self._stub.InitStoragePool(request, timeout=timeout_s or self.deadline_s)

    async def destroy_storage_pool(
        self, name: str, force: bool = False, timeout_s: float | None = None
    ) -> node_pb2.DestroyStoragePoolResponse:
        request = node_pb2.DestroyStoragePoolRequest(name=name, force=force)
        return await self._stub.DestroyStoragePool(request, timeout=timeout_s or self.deadline_s)

    async def init_network(
        self,
        spec: common_pb2.NetworkSpec,
        port_group_bridge: str = "",
        timeout_s: float | None = None,
        replace: bool = False,
    ) -> common_pb2.HostNetwork:
        request = node_pb2.InitNetworkRequest(
            spec=spec, port_group_bridge=port_group_bridge, replace=replace
        )
        reply = await self._stub.InitNetwork(request, timeout=timeout_s or self.deadline_s)
        return reply.network

    async def destroy_network(self, name: str, timeout_s: float | None = None) -> None:
        request = node_pb2.DestroyNetworkRequest(name=name)
        await self._stub.DestroyNetwork(request, timeout=timeout_s or self.deadline_s)

    async def refresh_storage_pool(self, name: str) -> common_pb2.HostStoragePool:
        request = node_pb2.RefreshStoragePoolRequest(name=name)
        return await self._stub.RefreshStoragePool(request, timeout=self.deadline_s)

    async def list_volumes(self, pool: str) -> list[common_pb2.Volume]:
        request = node_pb2.ListVolumesRequest(pool=pool)
        reply = await self._stub.ListVolumes(request, timeout=self.deadline_s)
        return list(reply.volumes)

    async def get_storage_pool_xml(self, name: str) -> str:
        request = node_pb2.GetStoragePoolXmlRequest(name=name)
        reply = await self._stub.GetStoragePoolXml(request, timeout=self.deadline_s)
        return reply.xml

    async def get_network_xml(self, name: str) -> str:
        request = node_pb2.GetNetworkXmlRequest(name=name)
        reply = await self._stub.GetNetworkXml(request, timeout=self.deadline_s)
        return reply.xml

    # --- distributed switches ----------------------------------------------------------------

    async def init_switch(
        self, spec: common_pb2.SwitchSpec, timeout_s: float | None = None
    ) -> common_pb2.SwitchHostHealth:
        """Build the switch on this node (its mapping in ``spec.hosts``); its health after."""
        request = node_pb2.InitSwitchRequest(spec=spec)
        reply = await self._stub.InitSwitch(request, timeout=timeout_s or self.deadline_s)
        return reply.health

    async def destroy_switch(self, name: str, timeout_s: float | None = None) -> list[str]:
        """Remove the switch from this node; the interfaces removed."""
        request = node_pb2.DestroySwitchRequest(name=name)
        reply = await self._stub.DestroySwitch(request, timeout=timeout_s or self.deadline_s)
        return list(reply.removed)

    async def get_switch_health(self, spec: common_pb2.SwitchSpec) -> common_pb2.SwitchHostHealth:
        request = node_pb2.GetSwitchHealthRequest(spec=spec)
        return await self._stub.GetSwitchHealth(request, timeout=self.deadline_s)

    # --- images (the coordinator's calls; an upload's bytes go through UploadImage) --------

    async def add_transfer_ticket(
        self, request: node_pb2.AddTransferTicketRequest, timeout_s: float | None = None
    ) -> None:
        await self._stub.AddTransferTicket(request, timeout=timeout_s or self.deadline_s)

    async def start_download(
        self, request: node_pb2.StartDownloadRequest, timeout_s: float | None = None
    ) -> None:
        await self._stub.StartDownload(request, timeout=timeout_s or self.deadline_s)

    async def cancel_job(self, task_id: str, timeout_s: float | None = None) -> None:
        request = node_pb2.CancelJobRequest(task_id=task_id)
        await self._stub.CancelJob(request, timeout=timeout_s or self.deadline_s)

    async def delete_volumes(
        self, pool: str, volumes: list[str], timeout_s: float | None = None
    ) -> None:
        request = node_pb2.DeleteVolumesRequest(pool=pool, volumes=volumes)
        await self._stub.DeleteVolumes(request, timeout=timeout_s or self.deadline_s)
