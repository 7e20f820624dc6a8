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

    # Other settings for a network Quantix made (an update): redefined with them, running.
    other = dataclasses.replace(spec, dhcp_start="10.20.0.150", dns_servers=("9.9.9.9",))
    updated = call(shared_node, lambda c: c.init_network(network_to_pb(other)))
    assert (updated.name, updated.active, updated.autostart) == ("net-nat-1", True, True)
    assert call(shared_node, lambda c: c.init_network(network_to_pb(other))).uuid == updated.uuid

    call(shared_node, lambda c: c.destroy_network("net-nat-1"))
    assert "net-nat-1" not in {n.name for n in call(shared_node, lambda c: c.list_networks())}
    call(shared_node, lambda c: c.destroy_network("net-nat-1"))  # already gone: fine


def test_a_network_an_admin_made_is_never_redefined_naming_each_difference(shared_node):
    # "default" comes with the host (the test driver's XML), without Quantix's mark.
    before = {n.name: n for n in call(shared_node, lambda c: c.list_networks())}["default"]
    mine = dataclasses.replace(NAT, name="default")
    error = refusal(shared_node, lambda c: c.init_network(network_to_pb(mine)))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error.details().startswith(
        f"{shared_node.name}: a network named default exists with other settings (bridge: "
    )
    assert "gateway: 10.20.0.1 wanted, 192.168.122.1 found" in error.details()
    assert error.details().endswith("Quantix leaves it alone: remove or rename it first")
    after = {n.name: n for n in call(shared_node, lambda c: c.list_networks())}["default"]
    assert after == before


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
