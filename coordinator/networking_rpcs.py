"""The Coordinator service's networks and distributed switches RPCs: validate, call the
managers (coordinator.networks, coordinator.switches), map their refusals to status codes.
A part of CoordinatorServicer, kept apart so each file holds one concern."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import grpc

from coordinator.adoption import Adopter
from coordinator.discovery import DiscoveryManager
from coordinator.networks import NetworkManager
from coordinator.realized_errors import ObjectExists, ObjectNotFound, Refused
from coordinator.switches import SwitchManager
from domain.pools import validate_host_names, validate_pool_name
from proto.quantix.v1 import coordinator_pb2 as pb
from serving.grpc_server import aborts_on, validated

# How each refusal of a realized object's manager reaches the caller (its message as the
# details): the same for pools, networks and switches.
realized_errors = aborts_on(
    {
        ObjectNotFound: grpc.StatusCode.NOT_FOUND,
        ObjectExists: grpc.StatusCode.ALREADY_EXISTS,
        Refused: grpc.StatusCode.FAILED_PRECONDITION,
    }
)


def check_name_and_hosts(name: str, hosts: Sequence[str] = ()) -> None:
    """Checked before any lookup, so a malformed request is INVALID_ARGUMENT naming the field
    whatever the fleet holds, never NOT_FOUND because the (well-formed) name is unknown."""
    validate_pool_name(name, "name")
    validate_host_names(hosts)


class NetworkingRpcs:
    _networks: NetworkManager
    _switches: SwitchManager
    _network_discovery: DiscoveryManager[Any, Any]
    _network_adopter: Adopter

    # --- networks ----------------------------------------------------------------------------

    @validated
    @realized_errors
    async def CreateNetwork(
        self, request: pb.CreateNetworkRequest, context: grpc.aio.ServicerContext
    ) -> pb.Network:
        return self._networks.create(request.spec)

    @validated
    @realized_errors
    async def GetNetwork(
        self, request: pb.GetNetworkRequest, context: grpc.aio.ServicerContext
    ) -> pb.Network:
        return self._networks.get(request.name)

    async def ListNetworks(
        self, request: pb.ListNetworksRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListNetworksResponse:
        return pb.ListNetworksResponse(
            networks=self._networks.list(),
            revision=self._inventory.revision,  # type: ignore[attr-defined]
        )

    @validated
    @realized_errors
    async def UpdateNetwork(
        self, request: pb.UpdateNetworkRequest, context: grpc.aio.ServicerContext
    ) -> pb.Network:
        check_name_and_hosts(request.spec.name, request.spec.hosts)
        return self._networks.update(request.spec)

    @validated
    @realized_errors
    async def RetryNetwork(
        self, request: pb.RetryNetworkRequest, context: grpc.aio.ServicerContext
    ) -> pb.Network:
        check_name_and_hosts(request.name, request.hosts)
        return self._networks.retry(request.name, request.hosts)

    @validated
    @realized_errors
    async def AssignNetworkHosts(
        self, request: pb.AssignNetworkHostsRequest, context: grpc.aio.ServicerContext
    ) -> pb.Network:
        check_name_and_hosts(request.name, request.hosts)
        return self._networks.assign(request.name, request.hosts)

    @validated
    @realized_errors
    async def UnassignNetworkHosts(
        self, request: pb.UnassignNetworkHostsRequest, context: grpc.aio.ServicerContext
    ) -> pb.Network:
        check_name_and_hosts(request.name, request.hosts)
        return await self._networks.unassign(request.name, request.hosts)

    @validated
    @realized_errors
    async def DeleteNetwork(
        self, request: pb.DeleteNetworkRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteNetworkResponse:
        check_name_and_hosts(request.name)
        return await self._networks.delete(request.name)

    # --- distributed switches ----------------------------------------------------------------

    @validated
    @realized_errors
    async def CreateSwitch(
        self, request: pb.CreateSwitchRequest, context: grpc.aio.ServicerContext
    ) -> pb.Switch:
        return self._switches.create(request.spec)

    @validated
    @realized_errors
    async def GetSwitch(
        self, request: pb.GetSwitchRequest, context: grpc.aio.ServicerContext
    ) -> pb.Switch:
        return self._switches.get(request.name)

    async def ListSwitches(
        self, request: pb.ListSwitchesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListSwitchesResponse:
        return pb.ListSwitchesResponse(
            switches=self._switches.list(),
            revision=self._inventory.revision,  # type: ignore[attr-defined]
        )

    @validated
    @realized_errors
    async def UpdateSwitch(
        self, request: pb.UpdateSwitchRequest, context: grpc.aio.ServicerContext
    ) -> pb.Switch:
        check_name_and_hosts(request.spec.name)
        return await self._switches.update(request.spec)

    @validated
    @realized_errors
    async def RetrySwitch(
        self, request: pb.RetrySwitchRequest, context: grpc.aio.ServicerContext
    ) -> pb.Switch:
        check_name_and_hosts(request.name, request.hosts)
        return self._switches.retry(request.name, request.hosts)

    @validated
    @realized_errors
    async def DeleteSwitch(
        self, request: pb.DeleteSwitchRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteSwitchResponse:
        check_name_and_hosts(request.name)
        return await self._switches.delete(request.name)

    # --- networks Quantix did not create -------------------------------------------------------

    async def ListDiscoveredNetworks(
        self, request: pb.ListDiscoveredNetworksRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListDiscoveredNetworksResponse:
        return pb.ListDiscoveredNetworksResponse(
            networks=self._network_discovery.list(),
            revision=self._inventory.revision,  # type: ignore[attr-defined]
        )

    @validated
    @realized_errors
    async def AdoptNetwork(
        self, request: pb.AdoptNetworkRequest, context: grpc.aio.ServicerContext
    ) -> pb.Network:
        check_name_and_hosts(request.name, request.hosts)
        return await self._network_adopter.adopt(
            request.name, request.hosts, dry_run=request.dry_run
        )
