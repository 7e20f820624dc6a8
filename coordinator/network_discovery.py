"""What networks add to discovery (coordinator.discovery) and adoption (coordinator.adoption).

A discovered network is keyed by its name, forward mode, bridge and subnets: the facts a list
of a host's networks gives. Settings the list does not carry (a DHCP range, DNS) can still
differ between hosts of one discovered network; adopting compares the hosts' XML and names
them. Adopting defines nothing on a host: the node's init finds a network with exactly the
settings the spec asks for and keeps it as it is (domain.network_adoption says why).
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Any

from clients.node import NodeClient
from coordinator.discovery import discovered_key
from coordinator.host_facts import validate_reported_networks
from coordinator.networks import NetworkManager
from domain import network_adoption
from domain.network_adoption import adoptable, not_adoptable_reason
from domain.networks import NetworkSpec
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.network_codec import network_to_pb


class _Networks:
    kind = pb.OBJECT_KIND_DISCOVERED_NETWORK
    managed_kind = pb.OBJECT_KIND_NETWORK
    noun = "networks"
    # The facts a host lists of a network that a discovered network keeps per host.
    per_host = ("active", "autostart", "persistent", "uuid")
    host_entry = pb.DiscoveredNetworkHost

    def validate(self, reported: Sequence[common_pb2.HostNetwork]) -> None:
        validate_reported_networks(reported)

    def key(self, reported: common_pb2.HostNetwork) -> str:
        return discovered_key(
            reported.name, reported.forward_mode, reported.bridge, *reported.ip_cidrs
        )

    def group(self, key: str, reported: common_pb2.HostNetwork) -> pb.DiscoveredNetwork:
        return pb.DiscoveredNetwork(
            key=key,
            name=reported.name,
            forward_mode=reported.forward_mode,
            bridge=reported.bridge,
            subnets=list(reported.ip_cidrs),
            adoptable=adoptable(reported.forward_mode, reported.bridge),
            not_adoptable_reason=not_adoptable_reason(reported.forward_mode, reported.bridge),
        )

    def shared(self, stored: pb.DiscoveredNetwork) -> common_pb2.HostNetwork:
        return common_pb2.HostNetwork(
            name=stored.name,
            forward_mode=stored.forward_mode,
            bridge=stored.bridge,
            ip_cidrs=list(stored.subnets),
        )


NETWORKS = _Networks()


class NetworkAdoption:
    noun = "network"
    host_differences = staticmethod(network_adoption.host_differences)
    unwritable_differences = staticmethod(network_adoption.unwritable_differences)

    def __init__(self, networks: NetworkManager) -> None:
        self._networks = networks

    def exists(self, name: str) -> bool:
        return self._networks.exists(name)

    def read_xml(self, client: NodeClient, name: str) -> Awaitable[str]:
        return client.get_network_xml(name)

    def spec_from_xml(self, xml: str, hosts: Sequence[str], secret: str) -> NetworkSpec:
        return network_adoption.spec_from_xml(xml, hosts)  # a network has no secret

    def adopt(self, spec: Any, dry_run: bool) -> pb.Network:
        if dry_run:
            # Every rule create checks (overlap with managed networks included), nothing stored.
            return pb.Network(spec=network_to_pb(self._networks.checked(network_to_pb(spec))))
        return self._networks.create(network_to_pb(spec))
