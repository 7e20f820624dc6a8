"""A node daemon realizes virtual networks: a real daemon on libvirt's test driver, called as
the coordinator over mutual TLS (what libvirt keeps of each field: tests/domain/
test_network_xml.py)."""

from __future__ import annotations

import asyncio
import dataclasses

import grpc
import pytest

from clients.node import NodeClient
from domain.network_xml import bridge_name
from tests.domain.test_networks import BRIDGED, NAT
from wire.network_codec import network_to_pb


def call(node, method):
    async def main():
        async with NodeClient(node.as_coordinator, node.name) as client:
            return await method(client)

    return asyncio.run(main())


def refusal(node, method) -> grpc.aio.AioRpcError:
    async def main():
        async with NodeClient(node.as_coordinator, node.name) as client:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await method(client)
            return caught.value

    return asyncio.run(main())


def test_a_nat_network_is_defined_started_autostarted_and_idempotent(shared_node):
    spec = dataclasses.replace(NAT, name="net-nat-1")
    network = call(shared_node, lambda c: c.init_network(network_to_pb(spec)))
    assert (network.name, network.active, network.autostart, network.persistent) == (
        "net-nat-1",
        True,
        True,
        True,
    )
    assert (network.forward_mode, network.bridge) == ("nat", bridge_name("net-nat-1"))
    assert network.ip_cidrs[0] == "10.20.0.1/24"
    # Again: nothing to do, the same network.
    again = call(shared_node, lambda c: c.init_network(network_to_pb(spec)))
    assert again.uuid == network.uuid
    xml = call(shared_node, lambda c: c.list_networks())
    assert "net-nat-1" in {n.name for n in xml}

    # Other settings under the same name: refused, naming each difference, nothing changed.
    other = dataclasses.replace(spec, dhcp_start="10.20.0.150")
    error = refusal(shared_node, lambda c: c.init_network(network_to_pb(other)))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error.details().startswith(
        f"{shared_node.name}: a network named net-nat-1 exists with other settings (dhcp: "
        "10.20.0.150-10.20.0.200 wanted, 10.20.0.100-10.20.0.200 found)"
    )

    call(shared_node, lambda c: c.destroy_network("net-nat-1"))
    assert "net-nat-1" not in {n.name for n in call(shared_node, lambda c: c.list_networks())}
    call(shared_node, lambda c: c.destroy_network("net-nat-1"))  # already gone: fine


def test_a_bad_spec_is_refused_naming_the_field_before_libvirt(shared_node):
    bad = dataclasses.replace(NAT, name="net-bad", gateway="10.20.0.255")
    error = refusal(shared_node, lambda c: c.init_network(network_to_pb(bad)))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == "gateway: 10.20.0.255 is the subnet's broadcast address"
    bridged = dataclasses.replace(BRIDGED, name="net-br")
    error = refusal(
        shared_node, lambda c: c.init_network(network_to_pb(bridged), port_group_bridge="br9")
    )
    assert error.details() == "port_group_bridge: is for a port group network only"
