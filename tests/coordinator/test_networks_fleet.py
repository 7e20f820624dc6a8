"""Networks and distributed switches end to end: a real coordinator and real node daemons (the
test driver for libvirt networks; for switches, each node in a network namespace of its own
with veth pairs as NICs) as processes on loopback. Every wait polls (tests.helpers)."""

from __future__ import annotations

import asyncio
import dataclasses

import grpc
import pytest

from clients.coordinator import CoordinatorClient
from clients.node import NodeClient
from domain.network_xml import describe
from domain.networks import NetworkSpec, NetworkType
from domain.switch_layout import port_group_bridge
from domain.switches import HostUplinks, PortGroup, SwitchSpec, UplinkNic
from proto.quantix.v1 import common_pb2 as cpb
from tests.coordinator.pool_wire import phases
from tests.domain.test_networks import NAT
from tests.fleet_client import wait_registered
from tests.helpers import eventually
from wire.network_codec import network_to_pb
from wire.switch_codec import switch_from_pb, switch_to_pb

HOSTS = ("host-a", "host-b", "host-c")


async def settled(client, name, accept, what=""):
    return await eventually(
        lambda: client.get_network(name), accept, timeout_s=60, what=what or f"{name} settled"
    )


def ready(network) -> bool:
    return network.realization.phase == cpb.PHASE_READY


async def network_xml(fleet, host, name) -> str:
    async with NodeClient(fleet.node_endpoint(host, "coordinator"), host) as node:
        return await node.get_network_xml(name)


def test_a_nat_network_is_ready_on_three_hosts_with_every_field_and_degraded_naming_a_lost_host(
    fleet,
):
    async def main():
        await wait_registered(fleet.coordinator_endpoint(), fleet.nodes)
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            created = await client.create_network(network_to_pb(NAT))
            done = await settled(client, NAT.name, ready, "READY everywhere")
            xmls = {h: await network_xml(fleet, h, NAT.name) for h in HOSTS}
            await fleet.kill_node("host-b")
            lost = await settled(
                client,
                NAT.name,
                lambda n: n.realization.phase == cpb.PHASE_DEGRADED,
                "DEGRADED once host-b is gone",
            )
            return created, done, xmls, lost

    created, done, xmls, lost = asyncio.run(main())
    assert created.realization.phase == cpb.PHASE_PENDING
    assert all(h.deadline.seconds > 0 for h in created.realization.hosts)
    assert phases(done) == dict.fromkeys(HOSTS, "READY")
    for host, xml in xmls.items():
        settings = describe(xml)
        assert (settings.forward, settings.mtu, settings.gateway) == ("nat", 9000, "10.20.0.1")
        assert settings.dhcp == ("10.20.0.100", "10.20.0.200"), host
        assert [(lease.mac, lease.ip, lease.name) for lease in settings.leases] == [
            ("52:54:00:00:00:10", "10.20.0.10", "web")
        ]
        assert settings.dns_servers == ("10.20.0.1", "2001:db8::53")
        assert (settings.dns_domain, settings.ipv6) == ("lab.example", "fd00:20::1/64")
    assert phases(lost)["host-b"] == "OFFLINE"
    assert lost.realization.message.startswith("Ready on 2 of 3 hosts; not on host-b: ")


def test_update_redefines_everywhere_and_bad_or_overlapping_networks_change_nothing(fleet):
    overlapping = dataclasses.replace(
        NAT,
        name="lab-two",
        subnet="10.20.0.0/25",
        dhcp_start="10.20.0.50",
        dhcp_end="10.20.0.60",
        leases=(),
        ipv6_prefix="",
    )

    async def main():
        await wait_registered(fleet.coordinator_endpoint(), fleet.nodes)
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await client.create_network(network_to_pb(NAT))
            await settled(client, NAT.name, ready)
            refusals = []
            for spec in (
                overlapping,
                dataclasses.replace(NAT, name="lab-bad", gateway="10.20.0.255"),
                NAT,
            ):
                with pytest.raises(grpc.aio.AioRpcError) as caught:
                    await client.create_network(network_to_pb(spec))
                refusals.append((caught.value.code(), caught.value.details()))
            changed = dataclasses.replace(NAT, dhcp_start="10.20.0.150", dns_servers=("9.9.9.9",))
            await client.update_network(network_to_pb(changed))
            updated = await settled(
                client,
                NAT.name,
                lambda n: ready(n) and n.spec.dhcp_start == "10.20.0.150",
                "READY with the new settings",
            )
            xmls = {h: await network_xml(fleet, h, NAT.name) for h in HOSTS}
            listed = [n.spec.name for n in (await client.list_networks()).networks]
            deleted = await client.delete_network(NAT.name)
            async with NodeClient(fleet.node_endpoint("host-a", "coordinator"), "host-a") as node:
                left = {n.name for n in await node.list_networks()}
            return refusals, updated, xmls, listed, deleted, left

    refusals, updated, xmls, listed, deleted, left = asyncio.run(main())
    (overlap, bad, twice) = refusals
    assert overlap[0] == grpc.StatusCode.INVALID_ARGUMENT
    assert overlap[1] == (
        "subnet: 10.20.0.0/25 overlaps 10.20.0.0/24 of network lab-nat on host-a and 2 more host(s)"
    )
    assert bad == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "gateway: 10.20.0.255 is the subnet's broadcast address",
    )
    assert twice[0] == grpc.StatusCode.ALREADY_EXISTS
    assert listed == [NAT.name]  # nothing refused was stored
    assert phases(updated) == dict.fromkeys(HOSTS, "READY")
    for xml in xmls.values():
        assert describe(xml).dhcp == ("10.20.0.150", "10.20.0.200")
        assert describe(xml).dns_servers == ("9.9.9.9",)
    assert deleted.deleted and [r.host for r in deleted.results] == list(HOSTS)
    assert NAT.name not in left


def uplinks(host: str, nic: str) -> HostUplinks:
    return HostUplinks(host, (UplinkNic("uplink1", nic),))


DVS = SwitchSpec(
    name="dvs1",
    uplinks=("uplink1",),
    active=("uplink1",),
    mtu=1500,
    port_groups=(PortGroup("untagged", 0),),
    hosts=(uplinks("host-a", "eth1"), uplinks("host-b", "eth1")),
)


def test_a_switch_is_built_on_each_host_and_a_port_group_network_sits_on_its_bridge(
    switch_fleet,
):
    fleet, _hosts = switch_fleet
    on_group = NetworkSpec(
        name="guests", type=NetworkType.PORT_GROUP, switch="dvs1", port_group="untagged"
    )

    async def main():
        await wait_registered(fleet.coordinator_endpoint(), fleet.nodes)
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await client.create_switch(switch_to_pb(DVS))
            switch = await eventually(
                lambda: client.get_switch("dvs1"),
                lambda s: s.realization.phase == cpb.PHASE_READY,
                timeout_s=60,
                what="switch READY",
            )
            await client.create_network(network_to_pb(on_group))
            network = await settled(client, "guests", ready)
            xml = await network_xml(fleet, "host-a", "guests")
            with pytest.raises(grpc.aio.AioRpcError) as in_use:
                await client.delete_switch("dvs1")
            missing = dataclasses.replace(DVS, name="dvs2", hosts=(uplinks("host-b", "eth9"),))
            await client.create_switch(switch_to_pb(missing))
            broken = await eventually(
                lambda: client.get_switch("dvs2"),
                lambda s: s.realization.phase == cpb.PHASE_ERROR,
                timeout_s=60,
                what="switch with a missing NIC in ERROR",
            )
            return switch, network, xml, in_use.value, broken

    switch, network, xml, in_use, broken = asyncio.run(main())
    assert phases(switch) == {"host-a": "READY", "host-b": "READY"}
    health = {s.host: s.switch_health for s in switch.realization.hosts}
    assert health["host-a"].bridge_present and health["host-a"].uplinks[0].enslaved
    assert (health["host-a"].uplinks[0].nic, health["host-a"].uplinks[0].link_up) == ("eth1", True)
    assert phases(network) == {"host-a": "READY", "host-b": "READY"}
    bridge = port_group_bridge(switch_from_pb(switch.spec), "untagged")
    assert (describe(xml).forward, describe(xml).bridge) == ("bridge", bridge)
    assert in_use.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert in_use.details() == "switch dvs1 carries network guests: delete them first"
    (status,) = broken.realization.hosts
    assert status.message.startswith("host-b: ") or "eth9" in status.message
    assert "uplink1 -> eth9: no such interface" in status.message
    # What the host checked after refusing is kept beside the refusal: eth9 is not there.
    assert status.reason == "NIC_MISSING"
    (checked,) = status.switch_health.uplinks
    assert (checked.nic, checked.present) == ("eth9", False)


def test_deleting_a_network_leaves_an_admins_network_of_that_name_alone(fleet):
    # Every test host has its own "default" (libvirt's, 192.168.122.0/24): a Quantix network of
    # that name with other settings is refused there (CONFLICT), and deleting it must not take
    # the admin's network with it.
    mine = dataclasses.replace(
        NAT,
        name="default",
        subnet="10.99.0.0/24",
        gateway="10.99.0.1",
        dhcp_start="10.99.0.100",
        dhcp_end="10.99.0.200",
        leases=(),
        dns_servers=(),
        ipv6_prefix="",
    )

    async def main():
        await wait_registered(fleet.coordinator_endpoint(), fleet.nodes)
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await client.create_network(network_to_pb(mine))
            refused = await settled(
                client, "default", lambda n: n.realization.phase == cpb.PHASE_ERROR
            )
            deleted = await client.delete_network("default")
            kept = {h: await network_xml(fleet, h, "default") for h in HOSTS}
            return refused, deleted, kept

    refused, deleted, kept = asyncio.run(main())
    assert {s.reason for s in refused.realization.hosts} == {"CONFLICT"}
    assert deleted.deleted
    assert all(
        r.message.startswith("left alone: the network named default") for r in deleted.results
    )
    for xml in kept.values():
        assert describe(xml).gateway == "192.168.122.1"  # the admin's, untouched
