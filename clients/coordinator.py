"""Typed async client of the coordinator, shared by the console and quantixctl."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import grpc
from google.protobuf.duration_pb2 import Duration

from clients.channels import UNARY_DEADLINE_S, Endpoint, open_channel
from domain.join import JoinString, JoinToken
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import coordinator_pb2_grpc as pb_grpc
from wire.proto_time import timestamp_of

# DeletePool waits for every host, each with the coordinator's per-node deadline (30 s by
# default), so its own deadline must be longer than that plus the coordinator's overhead.
DELETE_DEADLINE_S = 60.0
# Image calls that wait for one host (a ticket given, a download started, volumes deleted):
# the same bound, for the same reason.
HOST_CALL_DEADLINE_S = DELETE_DEADLINE_S


class CoordinatorClient:
    """One channel to one coordinator. Create it inside the running event loop."""

    def __init__(self, endpoint: Endpoint, deadline_s: float = UNARY_DEADLINE_S) -> None:
        self.endpoint = endpoint
        self.address = endpoint.address
        self.deadline_s = deadline_s
        self._channel = open_channel(endpoint)
        self._stub = pb_grpc.CoordinatorStub(self._channel)

    @property
    def target(self) -> str:
        """How errors name this peer: ``coordinator 127.0.0.1:7443``."""
        return f"coordinator {self.address}"

    async def close(self) -> None:
        await self._channel.close()

    async def __aenter__(self) -> CoordinatorClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def list_nodes(self) -> pb.ListNodesResponse:
        return await self._stub.ListNodes(pb.ListNodesRequest(), timeout=self.deadline_s)

    async def get_node(self, name: str) -> pb.Node:
        return await self._stub.GetNode(pb.GetNodeRequest(name=name), timeout=self.deadline_s)

    async def set_maintenance(self, name: str, maintenance: bool) -> pb.Node:
        request = pb.SetNodeMaintenanceRequest(name=name, maintenance=maintenance)
        return await self._stub.SetNodeMaintenance(request, timeout=self.deadline_s)

    async def remove_node(self, name: str, force: bool = False) -> pb.RemoveNodeResponse:
        request = pb.RemoveNodeRequest(name=name, force=force)
        return await self._stub.RemoveNode(request, timeout=self.deadline_s)

    async def report_storage_pools(
        self,
        hostname: str,
        pools: Sequence[common_pb2.HostStoragePool],
        stamp: common_pb2.ChangeStamp | None = None,
    ) -> pb.ReportStoragePoolsResponse:
        request = pb.ReportStoragePoolsRequest(hostname=hostname, pools=list(pools), stamp=stamp)
        return await self._stub.ReportStoragePools(request, timeout=self.deadline_s)

    async def list_discovered_pools(self) -> pb.ListDiscoveredPoolsResponse:
        request = pb.ListDiscoveredPoolsRequest()
        return await self._stub.ListDiscoveredPools(request, timeout=self.deadline_s)

    async def adopt_pool(
        self, name: str, hosts: Sequence[str] = (), secret: str = "", dry_run: bool = False
    ) -> pb.Pool:
        request = pb.AdoptPoolRequest(name=name, hosts=list(hosts), secret=secret, dry_run=dry_run)
        return await self._stub.AdoptPool(request, timeout=self.deadline_s)

    async def create_join_token(
        self, ttl_s: int, address: str = ""
    ) -> tuple[JoinString, pb.JoinToken]:
        """A new join token and the join string a host enrols with: ``address`` is where the
        new host reaches this coordinator (default: the address this client dialled)."""
        reply = await self._stub.CreateJoinToken(
            pb.CreateJoinTokenRequest(ttl=Duration(seconds=ttl_s)), timeout=self.deadline_s
        )
        join = JoinString(
            address or self.address,
            reply.enrolment_port,
            JoinToken(reply.token.id, reply.secret),
            reply.ca_fingerprint,
        )
        return join, reply.token

    async def list_join_tokens(self) -> list[pb.JoinToken]:
        reply = await self._stub.ListJoinTokens(pb.ListJoinTokensRequest(), timeout=self.deadline_s)
        return list(reply.tokens)

    async def revoke_join_token(self, token_id: str) -> pb.JoinToken:
        request = pb.RevokeJoinTokenRequest(id=token_id)
        return await self._stub.RevokeJoinToken(request, timeout=self.deadline_s)

    async def list_audit_entries(self, since: float = 0.0, limit: int = 0) -> list[pb.AuditEntry]:
        """Newest first; ``since`` in seconds since the epoch (0: from the oldest kept)."""
        request = pb.ListAuditEntriesRequest(limit=limit)
        if since:
            request.since.CopyFrom(timestamp_of(since))
        reply = await self._stub.ListAuditEntries(request, timeout=self.deadline_s)
        return list(reply.entries)

    async def register_node(self, request: pb.RegisterNodeRequest) -> pb.RegisterNodeResponse:
        return await self._stub.RegisterNode(request, timeout=self.deadline_s)

    async def heartbeat(
        self, hostname: str, usage: common_pb2.HostUsage | None = None
    ) -> pb.HeartbeatResponse:
        """A node's heartbeat, with its host's usage when it could read it."""
        request = pb.HeartbeatRequest(hostname=hostname, usage=usage)
        return await self._stub.Heartbeat(request, timeout=self.deadline_s)

    async def get_usage_history(
        self, hosts: Sequence[str] = (), window_s: float = 0.0
    ) -> pb.GetUsageHistoryResponse:
        """Each host's usage over the last ``window_s`` seconds (0: the finest tier's span;
        no hosts: every host)."""
        window = Duration()
        window.FromNanoseconds(int(window_s * 1e9))
        request = pb.GetUsageHistoryRequest(hosts=list(hosts), window=window)
        return await self._stub.GetUsageHistory(request, timeout=self.deadline_s)

    async def wait_ready(self, timeout_s: float) -> None:
        """Wait until the channel connects; TimeoutError after ``timeout_s``."""
        await asyncio.wait_for(self._channel.channel_ready(), timeout_s)

    # --- storage pools ------------------------------------------------------------------

    async def create_pool(self, spec: common_pb2.PoolSpec) -> pb.Pool:
        return await self._stub.CreatePool(pb.CreatePoolRequest(spec=spec), timeout=self.deadline_s)

    async def get_pool(self, name: str) -> pb.Pool:
        return await self._stub.GetPool(pb.GetPoolRequest(name=name), timeout=self.deadline_s)

    async def list_pools(self) -> pb.ListPoolsResponse:
        return await self._stub.ListPools(pb.ListPoolsRequest(), timeout=self.deadline_s)

    async def retry_pool(self, name: str, hosts: Sequence[str] = ()) -> pb.Pool:
        request = pb.RetryPoolRequest(name=name, hosts=list(hosts))
        return await self._stub.RetryPool(request, timeout=self.deadline_s)

    async def assign_hosts(self, name: str, hosts: Sequence[str]) -> pb.Pool:
        request = pb.AssignHostsRequest(name=name, hosts=list(hosts))
        return await self._stub.AssignHosts(request, timeout=self.deadline_s)

    async def unassign_hosts(self, name: str, hosts: Sequence[str], force: bool = False) -> pb.Pool:
        request = pb.UnassignHostsRequest(name=name, hosts=list(hosts), force=force)
        return await self._stub.UnassignHosts(request, timeout=self.deadline_s)

    async def delete_pool(
        self, name: str, force: bool = False, timeout_s: float = DELETE_DEADLINE_S
    ) -> pb.DeletePoolResponse:
        request = pb.DeletePoolRequest(name=name, force=force)
        return await self._stub.DeletePool(request, timeout=timeout_s)

    # --- networks ----------------------------------------------------------------------------

    async def create_network(self, spec: common_pb2.NetworkSpec) -> pb.Network:
        request = pb.CreateNetworkRequest(spec=spec)
        return await self._stub.CreateNetwork(request, timeout=self.deadline_s)

    async def get_network(self, name: str) -> pb.Network:
        return await self._stub.GetNetwork(pb.GetNetworkRequest(name=name), timeout=self.deadline_s)

    async def list_networks(self) -> pb.ListNetworksResponse:
        return await self._stub.ListNetworks(pb.ListNetworksRequest(), timeout=self.deadline_s)

    async def update_network(self, spec: common_pb2.NetworkSpec) -> pb.Network:
        request = pb.UpdateNetworkRequest(spec=spec)
        return await self._stub.UpdateNetwork(request, timeout=self.deadline_s)

    async def retry_network(self, name: str, hosts: Sequence[str] = ()) -> pb.Network:
        request = pb.RetryNetworkRequest(name=name, hosts=list(hosts))
        return await self._stub.RetryNetwork(request, timeout=self.deadline_s)

    async def assign_network_hosts(self, name: str, hosts: Sequence[str]) -> pb.Network:
        request = pb.AssignNetworkHostsRequest(name=name, hosts=list(hosts))
        return await self._stub.AssignNetworkHosts(request, timeout=self.deadline_s)

    async def unassign_network_hosts(self, name: str, hosts: Sequence[str]) -> pb.Network:
        request = pb.UnassignNetworkHostsRequest(name=name, hosts=list(hosts))
        return await self._stub.UnassignNetworkHosts(request, timeout=DELETE_DEADLINE_S)

    async def delete_network(self, name: str) -> pb.DeleteNetworkResponse:
        request = pb.DeleteNetworkRequest(name=name)
        return await self._stub.DeleteNetwork(request, timeout=DELETE_DEADLINE_S)

    # --- distributed switches ------------------------------------------------------------------

    async def create_switch(self, spec: common_pb2.SwitchSpec) -> pb.Switch:
        request = pb.CreateSwitchRequest(spec=spec)
        return await self._stub.CreateSwitch(request, timeout=self.deadline_s)

    async def get_switch(self, name: str) -> pb.Switch:
        return await self._stub.GetSwitch(pb.GetSwitchRequest(name=name), timeout=self.deadline_s)

    async def list_switches(self) -> pb.ListSwitchesResponse:
        return await self._stub.ListSwitches(pb.ListSwitchesRequest(), timeout=self.deadline_s)

    async def update_switch(self, spec: common_pb2.SwitchSpec) -> pb.Switch:
        # An update may first take hosts off the switch (a destroy on each): a delete's deadline.
        request = pb.UpdateSwitchRequest(spec=spec)
        return await self._stub.UpdateSwitch(request, timeout=DELETE_DEADLINE_S)

    async def retry_switch(self, name: str, hosts: Sequence[str] = ()) -> pb.Switch:
        request = pb.RetrySwitchRequest(name=name, hosts=list(hosts))
        return await self._stub.RetrySwitch(request, timeout=self.deadline_s)

    async def delete_switch(self, name: str) -> pb.DeleteSwitchResponse:
        request = pb.DeleteSwitchRequest(name=name)
        return await self._stub.DeleteSwitch(request, timeout=DELETE_DEADLINE_S)

    async def list_discovered_networks(self) -> pb.ListDiscoveredNetworksResponse:
        request = pb.ListDiscoveredNetworksRequest()
        return await self._stub.ListDiscoveredNetworks(request, timeout=self.deadline_s)

    async def adopt_network(
        self, name: str, hosts: Sequence[str] = (), dry_run: bool = False
    ) -> pb.Network:
        request = pb.AdoptNetworkRequest(name=name, hosts=list(hosts), dry_run=dry_run)
        return await self._stub.AdoptNetwork(request, timeout=self.deadline_s)

    async def list_tasks(self) -> pb.ListTasksResponse:
        return await self._stub.ListTasks(pb.ListTasksRequest(), timeout=self.deadline_s)

    async def get_task(self, task_id: str) -> pb.Task:
        return await self._stub.GetTask(pb.GetTaskRequest(id=task_id), timeout=self.deadline_s)

    async def cancel_task(self, task_id: str) -> pb.Task:
        request = pb.CancelTaskRequest(id=task_id)
        return await self._stub.CancelTask(request, timeout=self.deadline_s)

    async def report_task_progress(
        self, request: pb.ReportTaskProgressRequest
    ) -> pb.ReportTaskProgressResponse:
        return await self._stub.ReportTaskProgress(request, timeout=self.deadline_s)

    async def list_images(self) -> pb.ListImagesResponse:
        return await self._stub.ListImages(pb.ListImagesRequest(), timeout=self.deadline_s)

    async def get_image(self, pool: str, name: str) -> pb.Image:
        request = pb.GetImageRequest(pool=pool, name=name)
        return await self._stub.GetImage(request, timeout=self.deadline_s)

    async def create_upload(self, request: pb.CreateUploadRequest) -> pb.CreateUploadResponse:
        """The image recorded, its task, and where to stream the file with which ticket (a
        secret: never show or log ``ticket``)."""
        return await self._stub.CreateUpload(request, timeout=HOST_CALL_DEADLINE_S)

    async def create_download(self, request: pb.CreateDownloadRequest) -> pb.Image:
        return await self._stub.CreateDownload(request, timeout=HOST_CALL_DEADLINE_S)

    async def retry_image(self, pool: str, name: str) -> pb.Image:
        request = pb.RetryImageRequest(pool=pool, name=name)
        return await self._stub.RetryImage(request, timeout=HOST_CALL_DEADLINE_S)

    async def delete_image(self, pool: str, name: str) -> pb.DeleteImageResponse:
        request = pb.DeleteImageRequest(pool=pool, name=name)
        return await self._stub.DeleteImage(request, timeout=HOST_CALL_DEADLINE_S)

    def watch(self, since_revision: int = 0) -> AsyncIterator[pb.WatchEvent]:
        """The Watch stream, one event at a time (they arrive in batches): no deadline (it
        lives as long as the connection); iterate it."""
        call = self._stub.Watch(pb.WatchRequest(since_revision=since_revision))
        return _iterate(call)


async def _iterate(
    call: grpc.aio.UnaryStreamCall,
) -> AsyncIterator[pb.WatchEvent]:
    try:
        async for batch in call:
            for event in batch.events:
                yield event
    finally:
        call.cancel()
